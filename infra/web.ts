import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface WebProps {
  readonly api: HttpApi;
  /** The Cognito hosted UI (https://…): the dashboard posts to its token endpoint and submits its forms. */
  readonly authUrl: string;
  /** Where presigned uploads go, so the page may PUT there. */
  readonly uploadsOrigin: string;
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** The built web app; deployed when present, so synth never needs a web build. */
  readonly webDist: string;
}

/**
 * Rewrites extensionless paths: `/r` is the respondent page (its own small entry, the token rides in
 * the fragment), any other page path is the dashboard's history routing. Error-page fallbacks would
 * also rewrite API 404s, so the rewrite lives here, on the site behavior only.
 */
const REWRITE_PAGES = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/r' || uri === '/r/') request.uri = '/respond.html';
  else if (uri.split('/').pop().indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The site: a private bucket that only this distribution can read (origin access control), `/api/*`
 * forwarded to the HTTP API so the app has one origin and needs no CORS, and security headers on
 * every response. No access logs: they would hold every respondent's address and time.
 */
export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** https://… of the site, no trailing slash. */
  readonly url: string;
  readonly hasCustomDomain: boolean;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WebProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Baseline: CSP, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            // Svelte sets style attributes while rendering; inline styles cannot run code.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            `connect-src 'self' ${props.authUrl} ${props.uploadsOrigin}`,
            `form-action 'self' ${props.authUrl}`,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
          ].join('; '),
        },
        strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(730), includeSubdomains: true },
        frameOptions: { override: true, frameOption: HeadersFrameOption.DENY },
        contentTypeOptions: { override: true },
        referrerPolicy: { override: true, referrerPolicy: HeadersReferrerPolicy.NO_REFERRER },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()', override: true }],
      },
    });

    const apiDomain = `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Baseline site and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: false,
      // The default *.cloudfront.net certificate has a fixed policy; with our own domain, TLS 1.2 at least.
      ...(props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new EdgeFunction(this, 'RewritePages', { code: FunctionCode.fromInline(REWRITE_PAGES), runtime: FunctionRuntime.JS_2_0 }),
          },
        ],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Everything but Host (API Gateway routes on its own host name), the Authorization header included.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
    });
    this.hasCustomDomain = Boolean(props.domainName && props.certificateArn);
    this.url = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
  }

  /**
   * Upload the built site and clear the CDN's copies. Without a build (`npm run deploy` builds first)
   * there is nothing to upload, so synth and the tests never need one. The dashboard learns how to
   * sign in from /api/config, so nothing deploy-specific is baked into the files.
   */
  deploySite(): BucketDeployment | undefined {
    if (!existsSync(this.props.webDist)) return undefined;
    return new BucketDeployment(this, 'Deploy', {
      // CloudFront compresses on the fly; the build's precompressed copies would only be dead weight.
      sources: [Source.asset(this.props.webDist, { exclude: ['*.br', '*.gz'] })],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
    });
  }
}
