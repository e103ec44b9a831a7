/**
 * Who is signed in. The token lives in sessionStorage: it goes away with the tab, and a page
 * reload keeps you signed in. Embedded mode signs in from the link `npm start` prints
 * (`/signin#token=<jwt>`); the cloud uses the Cognito hosted UI with authorization code + PKCE.
 */
export type AuthConfig = { mode: 'local' } | { mode: 'cognito'; domain: string; clientId: string; redirectUri: string };

export interface AppConfig {
  auth: AuthConfig;
  demo: boolean;
}

interface Claims {
  sub?: string;
  exp?: number;
  email?: string;
  username?: string;
  roles?: string[];
  'cognito:groups'?: string[];
}

const TOKEN_KEY = 'baseline.staffToken';
const PKCE_KEY = 'baseline.pkce';

function decodeClaims(token: string | null): Claims | null {
  if (!token) return null;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(payload))));
  } catch {
    return null;
  }
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

export class Session {
  token = $state<string | null>(null);
  config = $state<AppConfig | null>(null);

  readonly claims = $derived(decodeClaims(this.token));
  readonly roles = $derived(this.claims?.roles ?? this.claims?.['cognito:groups'] ?? []);
  readonly isAdmin = $derived(this.roles.includes('admin'));
  readonly name = $derived(this.claims?.email ?? this.claims?.username ?? this.claims?.sub ?? '');

  constructor(private readonly storage: Storage) {
    const saved = storage.getItem(TOKEN_KEY);
    const claims = decodeClaims(saved);
    if (saved && claims && (!claims.exp || claims.exp * 1000 > Date.now())) this.token = saved;
  }

  /** Keep a token that looks like a JWT; anything else is refused so a bad paste says so at once. */
  signInWith(token: string): boolean {
    const trimmed = token.trim();
    if (!decodeClaims(trimmed)) return false;
    this.token = trimmed;
    this.storage.setItem(TOKEN_KEY, trimmed);
    return true;
  }

  signOut(): void {
    this.token = null;
    this.storage.removeItem(TOKEN_KEY);
  }

  /** Send the browser to the Cognito hosted UI with a fresh PKCE verifier and state. */
  async startHostedSignIn(auth: Extract<AuthConfig, { mode: 'cognito' }>): Promise<void> {
    const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
    this.storage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: auth.clientId,
      redirect_uri: auth.redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: challenge,
      state,
    });
    location.assign(`https://${auth.domain}/oauth2/authorize?${query}`);
  }

  /** Trade the authorization code for tokens; the API verifies Cognito access tokens. */
  async finishHostedSignIn(auth: Extract<AuthConfig, { mode: 'cognito' }>, code: string, state: string): Promise<boolean> {
    const saved = JSON.parse(this.storage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string } | null;
    this.storage.removeItem(PKCE_KEY);
    if (!saved || saved.state !== state) return false;
    const response = await fetch(`https://${auth.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: auth.clientId,
        code,
        redirect_uri: auth.redirectUri,
        code_verifier: saved.verifier,
      }),
    });
    if (!response.ok) return false;
    const tokens = (await response.json()) as { access_token?: string };
    return tokens.access_token ? this.signInWith(tokens.access_token) : false;
  }
}
