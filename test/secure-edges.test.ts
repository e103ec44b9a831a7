/** The edges every request crosses: security headers, JSON 404s under /api, tokens that expire, one signature check. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sign } from 'hono/utils/jwt/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSite } from '../functions/local/site.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../functions/local/signing-key.ts';
import { createRespondentApp } from '../functions/respondent-app.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';

let rt: TestRuntime;
/** A stand-in for web/dist, so these tests need no build. */
let webRoot: string;
beforeAll(async () => {
  rt = await startTestRuntime();
  webRoot = await mkdtemp(join(tmpdir(), 'baseline-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Baseline</title>');
  await writeFile(join(webRoot, 'respond.html'), '<!doctype html><title>Survey</title>');
});
afterAll(async () => {
  await rt.stop();
  await rm(webRoot, { recursive: true, force: true });
});

function expectSecureHeaders(response: Response) {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
}

describe('security headers', () => {
  it('are on every API answer of the staff app, a 401 and a 404 included', async () => {
    for (const response of [
      await rt.app.request('/api/health'),
      await rt.app.request('/api/surveys'),
      await rt.staff('/api/surveys'),
      await rt.app.request('/api/nothing-here'),
    ]) {
      expectSecureHeaders(response);
    }
  });

  it('are on the respondent function’s answers', async () => {
    expectSecureHeaders(await createRespondentApp(rt.deps).request('/api/health'));
  });

  it('are on the embedded server’s pages', async () => {
    const site = createSite(rt.app, webRoot);
    for (const path of ['/', '/r', '/dashboard/anything', '/api/health']) {
      const response = await site.request(path);
      expect(response.status, path).toBe(200);
      expectSecureHeaders(response);
    }
  });
});

describe('unknown API paths', () => {
  it.each(['/api/anything', '/api', '/api/waves-but-not', '/api/openapi.json/x'])(
    '%s answers a JSON 404 in the embedded site, not the dashboard',
    async (path) => {
      const site = createSite(rt.app, webRoot);
      const response = await site.request(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not-found');
    },
  );
});

describe('bearer tokens', () => {
  it('refuses a validly signed token without an expiry', async () => {
    const forever = await sign({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'forever', roles: ['admin'] }, rt.signingKey.privateJwk);
    const response = await rt.app.request('/api/surveys', { headers: { authorization: `Bearer ${forever}` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/expiry/);
  });

  it.each(['/api/surveys', '/api/surveys/abc', '/api/roster', '/api/initiatives', '/api/staff/someone/grants'])(
    'checks the signature of %s once',
    async (path) => {
      const token = await rt.token('admin');
      const verify = vi.spyOn(crypto.subtle, 'verify');
      try {
        await rt.app.request(path, { headers: { authorization: `Bearer ${token}` } });
        expect(verify).toHaveBeenCalledTimes(1);
      } finally {
        verify.mockRestore();
      }
    },
  );
});

describe('npm run token', () => {
  it('says why it cannot sign for a data folder no server has used (a --memory server), and creates no key', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'baseline-token-'));
    try {
      const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'functions/local/token.ts', '--role', 'admin'], {
        env: { ...process.env, DATA_DIR: empty },
      });
      await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/No signing key in .*--memory/s) });
      expect(await readdir(empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
