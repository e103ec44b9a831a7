import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ProviderAttribute,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
  UserPoolGroup,
  UserPoolIdentityProviderOidc,
  UserPoolIdentityProviderSaml,
  UserPoolIdentityProviderSamlMetadata,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { FederationConfig } from './config.ts';

/** The groups a staff member can be in; the app reads them from the access token's `cognito:groups`. */
export const STAFF_GROUPS = ['admin', 'analyst'] as const;
export const ROLES_CLAIM = 'cognito:groups';
/** The dashboard page that finishes the hosted sign-in (exchanges the code, with PKCE). */
export const SIGN_IN_PATH = '/signin';

export interface AuthProps {
  readonly domainPrefix: string;
  /** Where the dashboard lives (https://…, no trailing slash); may be a token resolved later. */
  readonly siteUrl: string;
  readonly federation?: FederationConfig;
}

/**
 * Staff sign-in: a Cognito user pool that nobody can join by themselves (an admin creates users,
 * or they arrive through the company's identity provider), MFA required for local users, the hosted
 * UI for the dashboard with the authorization code flow and PKCE (a public client, no secret).
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** Host name of the hosted UI, e.g. `baseline-123.auth.eu-north-1.amazoncognito.com`. */
  readonly domainHost: string;
  /** Where the hosted UI sends the browser back with the code. */
  readonly redirectUri: string;
  /** The `iss` of the pool's tokens; the JWKS is at `${issuer}/.well-known/jwks.json`. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Threat protection needs the Plus plan; at a few dozen staff it costs cents a month.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of STAFF_GROUPS) {
      new UserPoolGroup(this, `Group-${group}`, { userPool: this.userPool, groupName: group });
    }
    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.domainHost = `${this.domain.domainName}.auth.${Stack.of(this).region}.amazoncognito.com`;
    this.redirectUri = `${props.siteUrl}${SIGN_IN_PATH}`;

    const providers = [UserPoolClientIdentityProvider.COGNITO];
    const idp = props.federation && this.addFederation(props.federation);
    if (idp) providers.push(UserPoolClientIdentityProvider.custom(idp.providerName));

    this.client = this.userPool.addClient('Dashboard', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [this.redirectUri],
        logoutUrls: [`${props.siteUrl}/`],
      },
      supportedIdentityProviders: providers,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    if (idp) this.client.node.addDependency(idp);
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
  }

  /** Sign-in through the company's SAML (Entra ID, Okta) or OIDC provider; users arrive with their email. */
  private addFederation(federation: FederationConfig): UserPoolIdentityProviderSaml | UserPoolIdentityProviderOidc {
    if (federation.type === 'saml') {
      return new UserPoolIdentityProviderSaml(this, 'Saml', {
        userPool: this.userPool,
        name: federation.name,
        metadata: UserPoolIdentityProviderSamlMetadata.url(federation.metadataUrl),
        attributeMapping: { email: ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
      });
    }
    return new UserPoolIdentityProviderOidc(this, 'Oidc', {
      userPool: this.userPool,
      name: federation.name,
      issuerUrl: federation.issuerUrl,
      clientId: federation.clientId,
      // A dynamic reference: CloudFormation resolves it at deploy time, the template never holds the secret.
      clientSecret: SecretValue.secretsManager(federation.clientSecretName).unsafeUnwrap(),
      scopes: ['openid', 'email', 'profile'],
      attributeMapping: { email: ProviderAttribute.other('email') },
    });
  }
}
