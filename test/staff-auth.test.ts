/** Every staff route refuses a missing, forged or expired token (401) and the wrong role (403). */
import { sign } from 'hono/utils/jwt/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey, LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from '../functions/local/signing-key.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

/** Routes only an admin may call. */
const STAFF_ROUTES: Array<[method: string, path: string]> = [
  ['PUT', '/api/roster'],
  ['GET', '/api/roster'],
  ['POST', '/api/roster/uploads'],
  ['POST', '/api/statements'],
  ['POST', '/api/surveys'],
  ['POST', '/api/surveys/any/waves'],
  ['POST', '/api/waves/any/remind'],
  ['GET', '/api/waves/any'],
  ['POST', '/api/waves/any/open'],
  ['POST', '/api/waves/any/close'],
  ['GET', '/api/waves/any/invitations.csv'],
  ['GET', '/api/waves/any/participation'],
  ['GET', '/api/jobs/any'],
  ['DELETE', '/api/demo'],
];

async function tokens() {
  const now = Math.floor(Date.now() / 1000);
  const forger = await createSigningKey();
  // Same key id as the real key, but signed with another private key: the signature must fail.
  const forged = await sign(
    { iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'mallory', roles: ['admin'], exp: now + 600 },
    { ...forger.privateJwk, kid: rt.signingKey.publicJwk.kid },
  );
  const expired = await sign(
    { iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'late', roles: ['admin'], iat: now - 7200, exp: now - 3600 },
    rt.signingKey.privateJwk,
  );
  const otherAudience = await sign({ iss: LOCAL_ISSUER, aud: 'someone-else', sub: 'x', roles: ['admin'], exp: now + 600 }, rt.signingKey.privateJwk);
  const analyst = await signLocalToken(rt.signingKey, { role: 'analyst' });
  return { forged, expired, otherAudience, analyst };
}

describe('staff routes', () => {
  it.each(STAFF_ROUTES)('%s %s answers 401 without a valid token and 403 to an analyst', async (method, path) => {
    const { forged, expired, otherAudience, analyst } = await tokens();
    const call = (authorization?: string) => rt.app.request(path, { method, headers: authorization ? { authorization } : {} });
    expect((await call()).status).toBe(401);
    expect((await call('Basic YWRtaW46YWRtaW4=')).status).toBe(401);
    expect((await call('Bearer not.a.jwt')).status).toBe(401);
    expect((await call(`Bearer ${forged}`)).status).toBe(401);
    expect((await call(`Bearer ${expired}`)).status).toBe(401);
    expect((await call(`Bearer ${otherAudience}`)).status).toBe(401);
    const asAnalyst = await call(`Bearer ${analyst}`);
    expect(asAnalyst.status).toBe(403);
    expect(((await asAnalyst.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it.each([['/api/surveys'], ['/api/statements']])('GET %s is open to an analyst, who must find the waves to read, and to no one unsigned', async (path) => {
    const { analyst, forged } = await tokens();
    expect((await rt.app.request(path, { headers: { authorization: `Bearer ${analyst}` } })).status).toBe(200);
    expect((await rt.app.request(path, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    expect((await rt.app.request(path)).status).toBe(401);
  });

  it('leaves no registered route but the public ones reachable without a token', async () => {
    const PUBLIC = new Set(['GET /api/health', 'GET /api/config', 'GET /api/openapi.json', 'POST /api/questionnaire', 'POST /api/responses']);
    const handlers = rt.app.routes.filter((route) => route.method !== 'ALL');
    expect(handlers.length).toBeGreaterThan(30);
    for (const { method, path } of handlers) {
      const concrete = path.replace(/:[A-Za-z]+/g, 'any');
      const status = (await rt.app.request(concrete, { method })).status;
      if (PUBLIC.has(`${method} ${path}`)) expect(status, `${method} ${path}`).not.toBe(401);
      else expect(status, `${method} ${path}`).toBe(401);
    }
  });

  it('lets an admin in and leaves the respondent routes open', async () => {
    expect((await rt.staff('/api/surveys')).status).toBe(200);
    expect((await rt.app.request('/api/health')).status).toBe(200);
    expect((await rt.post('/api/questionnaire', { token: 'A'.repeat(43) })).status).toBe(404);
  });
});
