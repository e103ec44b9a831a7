import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { pointPageAt } from '../shared/respond-endpoint.ts';

export interface WebProps {
  readonly api: HttpApi;
  /** The Cognito hosted UI (https://…): the dashboard posts to its token endpoint and submits its forms. */
  readonly authUrl: string;
  /** Where presigned uploads go, so the page may PUT there. */
  readonly uploadsOrigin: string;
  /** https://… of the Respond function's URL, which the respondent page posts to; a token resolved at deploy. */
  readonly respondOrigin: string;
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

/** The paths that serve the respondent page (REWRITE_PAGES maps the first two to it). */
export const RESPONDENT_PAGE_PATHS = ['/r', '/r/', '/respond.html'] as const;

/** The Content-Security-Policy of a page: only its own scripts and styles, no framing, and connections to `connectSrc` only. */
function contentSecurityPolicy(connectSrc: readonly string[], formAction: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Svelte sets style attributes while rendering; inline styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    `form-action ${["'self'", ...formAction].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The site: a private bucket that only this distribution can read (origin access control), `/api/*`
 * forwarded to the HTTP API so the dashboard has one origin and needs no CORS, and security headers
 * on every response. The respondent page posts to the Respond function's URL instead (no API Gateway
 * request per answer). No access logs: they would hold every respondent's address and time.
 */
export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** The respondent page's headers: the site's, but connections to the Respond function's URL allowed. */
  readonly respondentHeaders: ResponseHeadersPolicy;
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

    const securityHeadersBehavior = (csp: string) => ({
      contentSecurityPolicy: { override: true, contentSecurityPolicy: csp },
      strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(730), includeSubdomains: true },
      frameOptions: { override: true, frameOption: HeadersFrameOption.DENY },
      contentTypeOptions: { override: true },
      referrerPolicy: { override: true, referrerPolicy: HeadersReferrerPolicy.NO_REFERRER },
    });
    const customHeadersBehavior = {
      customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()', override: true }],
    };
    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Baseline: CSP, HSTS, no framing, no referrer',
      securityHeadersBehavior: securityHeadersBehavior(contentSecurityPolicy([props.authUrl, props.uploadsOrigin], [props.authUrl])),
      customHeadersBehavior,
    });
    // This policy cannot name the function URL: the URL's function knows the site's address, so the
    // distribution naming the URL would close a CloudFormation dependency cycle. It allows function URLs
    // of this region, and the page itself carries a policy naming exactly this one, written into it at
    // deploy (deploySite): a browser enforces both, so the page may connect to this function's URL only.
    this.respondentHeaders = new ResponseHeadersPolicy(this, 'RespondentHeaders', {
      comment: 'Baseline respondent page: as the site, plus the Respond function URL',
      securityHeadersBehavior: securityHeadersBehavior(contentSecurityPolicy([`https://*.lambda-url.${stack.region}.on.aws`], [])),
      customHeadersBehavior,
    });

    const siteOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const rewritePages = new EdgeFunction(this, 'RewritePages', { code: FunctionCode.fromInline(REWRITE_PAGES), runtime: FunctionRuntime.JS_2_0 });
    const siteBehavior = (responseHeadersPolicy: ResponseHeadersPolicy) => ({
      origin: siteOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy,
      functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: rewritePages }],
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
      defaultBehavior: siteBehavior(this.headers),
      additionalBehaviors: {
        ...Object.fromEntries(RESPONDENT_PAGE_PATHS.map((path) => [path, siteBehavior(this.respondentHeaders)])),
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
   * sign in from /api/config; the respondent page gets the Respond function's URL written into it
   * here, resolved by the deployment itself (no rebuild per deployment, no extra request).
   */
  deploySite(): BucketDeployment | undefined {
    const { webDist } = this.props;
    if (!existsSync(webDist)) return undefined;
    const respondPage = join(webDist, 'respond.html');
    const hasRespondPage = existsSync(respondPage);
    return new BucketDeployment(this, 'Deploy', {
      sources: [
        // CloudFront compresses on the fly; the build's precompressed copies would only be dead weight.
        Source.asset(webDist, { exclude: ['*.br', '*.gz', ...(hasRespondPage ? ['respond.html'] : [])] }),
        ...(hasRespondPage ? [Source.data('respond.html', pointPageAt(readFileSync(respondPage, 'utf8'), this.props.respondOrigin))] : []),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
    });
  }
}
