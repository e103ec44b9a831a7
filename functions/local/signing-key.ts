/**
 * Embedded staff sign-in: a local RS256 key pair under the data folder signs tokens that the API
 * verifies with the same JWT code the cloud uses for Cognito (DESIGN.md "One code path").
 */
import { randomUUID, webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sign } from 'hono/utils/jwt/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import type { AuthConfig, StaffRole } from '../auth.ts';

export const LOCAL_ISSUER = 'baseline-embedded';
export const LOCAL_AUDIENCE = 'baseline';

export interface SigningKey {
  privateJwk: HonoJsonWebKey;
  publicJwk: HonoJsonWebKey;
}

export async function createSigningKey(): Promise<SigningKey> {
  const pair = await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const kid = randomUUID();
  const privateJwk = { ...(await webcrypto.subtle.exportKey('jwk', pair.privateKey)), kid, alg: 'RS256' } as HonoJsonWebKey;
  const publicJwk = { ...(await webcrypto.subtle.exportKey('jwk', pair.publicKey)), kid, alg: 'RS256' } as HonoJsonWebKey;
  return { privateJwk, publicJwk };
}

/** The data folder's key, or undefined when no server has created one there yet. */
export async function readSigningKey(dataDir: string): Promise<SigningKey | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, 'signing-key.json'), 'utf8')) as SigningKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The data folder's key, created on first use (mode 0600: it can sign admin tokens). */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, 'signing-key.json');
  const existing = await readSigningKey(dataDir);
  if (existing) return existing;
  const key = await createSigningKey();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

export function localAuthConfig(key: SigningKey): AuthConfig {
  return { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, rolesClaim: 'roles', keys: [key.publicJwk] };
}

/** A bearer token for a local staff member. */
export async function signLocalToken(key: SigningKey, options: { role: StaffRole; subject?: string; hours?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      sub: options.subject ?? `local-${options.role}`,
      roles: [options.role],
      iat: now,
      exp: now + (options.hours ?? 12) * 3600,
    },
    key.privateJwk,
  );
}
