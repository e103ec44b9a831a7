/**
 * Staff authentication: one JWT verifier for both modes, configured per mode (DESIGN.md
 * "One code path"). Embedded mode signs with a local RS256 key; the cloud verifies Cognito access
 * tokens (`client_id`, `cognito:groups`) against the pool's JWKS.
 */
import { createMiddleware } from 'hono/factory';
import { verifyWithJwks } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

export const STAFF_ROLES = ['admin', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface AuthConfig {
  issuer: string;
  /** Checked against `aud` (embedded and ID-token style). */
  audience?: string;
  /** Checked against `client_id` (Cognito access tokens carry no `aud`). */
  clientId?: string;
  /** The claim holding the role list: `roles` embedded, `cognito:groups` in the cloud. */
  rolesClaim: string;
  keys?: HonoJsonWebKey[];
  jwksUri?: string;
}

export interface StaffMember {
  subject: string;
  roles: StaffRole[];
}

export type StaffVariables = { staff: StaffMember };

const JWKS_REFRESH_MS = 5 * 60_000;

/** Verifies bearer tokens; fetches and caches the JWKS when configured with a URI. */
export function createTokenVerifier(config: AuthConfig) {
  let fetched: { keys: HonoJsonWebKey[]; at: number } | undefined;
  const jwks = async (): Promise<HonoJsonWebKey[]> => {
    if (!config.jwksUri) return config.keys ?? [];
    if (!fetched || Date.now() - fetched.at > JWKS_REFRESH_MS) {
      const response = await fetch(config.jwksUri);
      if (!response.ok) throw new Error(`JWKS fetch failed with ${response.status}`);
      fetched = { keys: ((await response.json()) as { keys: HonoJsonWebKey[] }).keys, at: Date.now() };
    }
    return [...(config.keys ?? []), ...fetched.keys];
  };
  return async (token: string): Promise<StaffMember> => {
    let payload: Record<string, unknown>;
    try {
      payload = (await verifyWithJwks(token, {
        keys: await jwks(),
        allowedAlgorithms: ['RS256'],
        verification: { iss: config.issuer, ...(config.audience ? { aud: config.audience } : {}) },
      })) as Record<string, unknown>;
    } catch {
      throw new UnauthorizedError('the bearer token is invalid or expired');
    }
    // Hono checks `exp` only when present: a token without one would never expire.
    if (typeof payload.exp !== 'number') throw new UnauthorizedError('the bearer token has no expiry');
    if (config.clientId && payload.client_id !== config.clientId) throw new UnauthorizedError('the bearer token was issued to another client');
    if (typeof payload.sub !== 'string') throw new UnauthorizedError('the bearer token has no subject');
    const claimed = payload[config.rolesClaim];
    const roles = (Array.isArray(claimed) ? claimed : []).filter((role): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role));
    return { subject: payload.sub, roles };
  };
}

/** The staff member behind an `Authorization: Bearer …` header, else a 401. */
export async function verifyBearer(verify: ReturnType<typeof createTokenVerifier>, header: string | undefined): Promise<StaffMember> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) throw new UnauthorizedError();
  return verify(match[1]);
}

/** Middleware: a verified staff member holding one of the roles, else 401 / 403. */
export function requireRole(verify: ReturnType<typeof createTokenVerifier>, ...roles: StaffRole[]) {
  return createMiddleware<{ Variables: StaffVariables }>(async (c, next) => {
    const staff = await verifyBearer(verify, c.req.header('authorization'));
    if (!staff.roles.some((role) => roles.includes(role))) throw new ForbiddenError(`this needs the ${roles.join(' or ')} role`);
    c.set('staff', staff);
    await next();
  });
}
