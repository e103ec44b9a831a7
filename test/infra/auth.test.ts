import { describe, expect, it } from 'vitest';
import { STAFF_GROUPS } from '../../infra/auth.ts';
import { logicalIdAt, synthStack } from './synth.ts';

type Resources = Record<string, { Type: string; Properties: any }>;
const all = (resources: Resources, type: string) =>
  Object.values(resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);
const resources = synthStack().template.toJSON().Resources as Resources;
const pool = all(resources, 'AWS::Cognito::UserPool')[0];
const client = all(resources, 'AWS::Cognito::UserPoolClient')[0];

describe('auth', () => {
  it('lets nobody sign themselves up', () => {
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });

  it('requires a second factor and a strong password from local users', () => {
    expect(pool.MfaConfiguration).toBe('ON');
    expect(pool.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('has the admin and analyst groups the app reads from cognito:groups', () => {
    expect(
      all(resources, 'AWS::Cognito::UserPoolGroup')
        .map((g) => g.GroupName)
        .sort(),
    ).toEqual([...STAFF_GROUPS].sort());
  });

  it('gives the dashboard a public client that only does the authorization code flow, back to the site', () => {
    expect(client).toMatchObject({ GenerateSecret: false, AllowedOAuthFlows: ['code'], SupportedIdentityProviders: ['COGNITO'] });
    expect(client.ExplicitAuthFlows ?? []).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(JSON.stringify(client.CallbackURLs)).toContain('DomainName');
  });

  it('hosts the sign-in page on a Cognito domain', () => {
    expect(all(resources, 'AWS::Cognito::UserPoolDomain')).toHaveLength(1);
  });
});

describe('auth federated to the company', () => {
  it('signs in through a SAML provider named in the configuration', () => {
    const { stack, template } = synthStack({
      federation: JSON.stringify({ type: 'saml', name: 'EntraID', metadataUrl: 'https://login.example.org/federationmetadata.xml' }),
    });
    const saml = template.toJSON().Resources as Resources;
    expect(all(saml, 'AWS::Cognito::UserPoolIdentityProvider')[0]).toMatchObject({
      ProviderName: 'EntraID',
      ProviderType: 'SAML',
      ProviderDetails: { MetadataURL: 'https://login.example.org/federationmetadata.xml' },
    });
    expect(all(saml, 'AWS::Cognito::UserPoolClient')[0].SupportedIdentityProviders).toEqual(['COGNITO', { Ref: logicalIdAt(stack, 'Auth/Saml') }]);
  });

  it('signs in through OIDC without the client secret ever being in the template', () => {
    const oidc = synthStack({
      federation: { type: 'oidc', name: 'Okta', issuerUrl: 'https://example.okta.com', clientId: 'abc', clientSecretName: 'baseline/okta' },
    }).template.toJSON().Resources as Resources;
    const provider = all(oidc, 'AWS::Cognito::UserPoolIdentityProvider')[0];
    expect(provider).toMatchObject({ ProviderName: 'Okta', ProviderType: 'OIDC' });
    expect(JSON.stringify(provider.ProviderDetails.client_secret)).toContain('{{resolve:secretsmanager:baseline/okta');
  });
});
