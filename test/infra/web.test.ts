import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { RESPONDENT_PAGE_PATHS } from '../../infra/web.ts';
import { logicalIdAt, synthStack } from './synth.ts';

const { stack, template } = synthStack();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const only = (type: string) =>
  Object.values(resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);
const distribution = only('AWS::CloudFront::Distribution')[0].DistributionConfig;
const headersAt = (path: string) => resources[logicalIdAt(stack, path)]!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
const headers = headersAt('Web/SecurityHeaders');
const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
const respondentHeaders = headersAt('Web/RespondentHeaders');
const respondentCsp = JSON.stringify(respondentHeaders.ContentSecurityPolicy.ContentSecurityPolicy);

/** The page-rewrite function exactly as deployed to CloudFront, run on a viewer request. */
const rewrite = (uri: string): string => {
  const code = only('AWS::CloudFront::Function')[0].FunctionCode as string;
  const handler = new Function(`${code}; return handler;`)() as (e: unknown) => { uri: string };
  return handler({ request: { uri } }).uri;
};

describe('web', () => {
  it('keeps the site bucket private, readable only through CloudFront origin access control', () => {
    const bucket = resources[logicalIdAt(stack, 'Web/Site')]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    const s3Origin = distribution.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    const policy = only('AWS::S3::BucketPolicy').find((p) => p.Bucket.Ref === logicalIdAt(stack, 'Web/Site'));
    const readers = policy.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow' && [s.Action].flat().includes('s3:GetObject'));
    expect(readers.map((s: any) => s.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
  });

  it('sends the security headers on every response, site and API', () => {
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("script-src 'self' 'unsafe");
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(headers.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
    for (const key of ['StrictTransportSecurity', 'ReferrerPolicy', 'FrameOptions', 'ContentTypeOptions']) expect(respondentHeaders[key]).toEqual(headers[key]);
    expect(respondentCsp).toContain("frame-ancestors 'none'");
    expect(respondentCsp).toContain("script-src 'self'; style-src");
    const policyRef = { Ref: logicalIdAt(stack, 'Web/SecurityHeaders') };
    const respondentRef = { Ref: logicalIdAt(stack, 'Web/RespondentHeaders') };
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyRef);
    for (const behavior of distribution.CacheBehaviors) {
      const page = (RESPONDENT_PAGE_PATHS as readonly string[]).includes(behavior.PathPattern);
      expect(behavior.ResponseHeadersPolicyId).toEqual(page ? respondentRef : policyRef);
    }
  });

  it('lets the respondent page connect to its own origin and function URLs of the stack region only (the page names the one)', () => {
    expect(respondentCsp).toMatch(/connect-src 'self' https:\/\/\*\.lambda-url\.",\{"Ref":"AWS::Region"\},"\.on\.aws; form-action 'self'; /);
    expect(respondentCsp).not.toContain('amazoncognito');
    expect(csp).not.toContain('lambda-url');
  });

  it.each(RESPONDENT_PAGE_PATHS)('serves %s like the site (rewritten, cached) with the respondent headers', (path) => {
    const behavior = distribution.CacheBehaviors.find((b: any) => b.PathPattern === path);
    const { ResponseHeadersPolicyId: _site, PathPattern: _path, ...rest } = behavior;
    const { ResponseHeadersPolicyId: _page, ...site } = distribution.DefaultCacheBehavior;
    expect(rest).toEqual(site);
  });

  it('lets the dashboard reach only its own origin, the sign-in domain and the uploads bucket', () => {
    expect(csp).toMatch(/connect-src 'self' https:\/\/.*\.amazoncognito\.com https:\/\/baseline-uploads-.*; form-action/);
  });

  it('routes /api/* to the HTTP API uncached, with every method, so the app has one origin', () => {
    const api = distribution.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    const origin = distribution.Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toContain(logicalIdAt(stack, 'Api/Http'));
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('redirects plain HTTP to HTTPS and keeps no viewer access logs', () => {
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution.Logging).toBeUndefined();
  });

  it.each([
    ['/r', '/respond.html'],
    ['/r/', '/respond.html'],
    ['/', '/index.html'],
    ['/waves/123/results', '/index.html'],
    ['/assets/index-abc123.js', '/assets/index-abc123.js'],
    ['/config.json', '/config.json'],
  ])('serves %s from %s', (uri, served) => {
    expect(rewrite(uri)).toBe(served);
  });

  it('synthesizes without a web build, deploying no site files then', () => {
    expect(only('Custom::CDKBucketDeployment')).toEqual([]);
  });
});

describe('web with a custom domain and a web build', () => {
  const webDist = mkdtempSync(join(tmpdir(), 'baseline-web-'));
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Baseline</title>');
  writeFileSync(join(webDist, 'respond.html'), '<!doctype html><html><head><title>Survey</title></head><body></body></html>');
  const synthesized = synthStack({
    domainName: 'survey.example.org',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    webDist,
  });
  const custom = synthesized.template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const config = Object.values(custom).find((r) => r.Type === 'AWS::CloudFront::Distribution')!.Properties.DistributionConfig;

  it('answers on the domain with TLS 1.2 or later', () => {
    expect(config.Aliases).toEqual(['survey.example.org']);
    expect(config.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
  });

  it('sends sign-in back to the custom domain', () => {
    const client = Object.values(custom).find((r) => r.Type === 'AWS::Cognito::UserPoolClient')!.Properties;
    expect(client.CallbackURLs).toEqual(['https://survey.example.org/signin']);
  });

  it("uploads the build and clears the CDN's copies", () => {
    const deployment = Object.values(custom).find((r) => r.Type === 'Custom::CDKBucketDeployment')!.Properties;
    expect(deployment).toMatchObject({ DistributionPaths: ['/*'], Prune: true });
    expect(deployment.SourceObjectKeys).toHaveLength(2);
  });

  it('lets the Respond function URL answer browsers on the custom domain only', () => {
    const url = Object.values(custom).find((r) => r.Type === 'AWS::Lambda::Url')!.Properties;
    expect(url.Cors.AllowOrigins).toEqual(['https://survey.example.org']);
  });

  it('writes the Respond function URL into the respondent page at deploy, as its endpoint and its only other connect-src', () => {
    const deployment = Object.values(custom).find((r) => r.Type === 'Custom::CDKBucketDeployment')!.Properties;
    const urlId = logicalIdAt(synthesized.stack, 'Api/Respond/FunctionUrl');
    const markers: Record<string, unknown> = Object.assign({}, ...deployment.SourceMarkers);
    const outdir = (synthesized.stack.node.root as App).outdir;
    const page = readdirSync(outdir)
      .filter((dir) => dir.startsWith('asset.'))
      .map((dir) => join(outdir, dir, 'respond.html'))
      .find((file) => existsSync(file));
    const html = readFileSync(page!, 'utf8');
    const urlHost = { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [urlId, 'FunctionUrl'] }] }] };
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="connect-src 'self' https:\/\/(<<marker:[^>]+>>)" \/>/);
    const endpoint = html.match(/<meta name="baseline-respond-endpoint" content="https:\/\/(<<marker:[^>]+>>)" \/>/);
    expect(markers[csp![1]!]).toEqual(urlHost);
    expect(markers[endpoint![1]!]).toEqual(urlHost);
    expect(html).toContain('<title>Survey</title>');
  });
});
