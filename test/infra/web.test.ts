import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logicalIdAt, synthStack } from './synth.ts';

const { stack, template } = synthStack();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const only = (type: string) =>
  Object.values(resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);
const distribution = only('AWS::CloudFront::Distribution')[0].DistributionConfig;
const headers = only('AWS::CloudFront::ResponseHeadersPolicy')[0].ResponseHeadersPolicyConfig.SecurityHeadersConfig;
const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);

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
    const policyRef = { Ref: logicalIdAt(stack, 'Web/SecurityHeaders') };
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyRef);
    for (const behavior of distribution.CacheBehaviors) expect(behavior.ResponseHeadersPolicyId).toEqual(policyRef);
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
  const custom = synthStack({
    domainName: 'survey.example.org',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    webDist,
  }).template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
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
    expect(deployment.SourceObjectKeys).toHaveLength(1);
  });
});
