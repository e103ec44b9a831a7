/**
 * Tests run against the real embedded engine (dynalite in-process), never a mock of the SDK.
 * A test that would reach AWS refuses to run: the client's endpoint is checked to be loopback.
 */
import type { MailMessage, Mailer } from '../../functions/mailer.ts';
import { startEmbeddedRuntime, type EmbeddedRuntime } from '../../functions/local/runtime.ts';
import { signLocalToken } from '../../functions/local/signing-key.ts';
import { createJsonLogger } from '../../functions/log.ts';
import type { Timing } from '../../functions/deps.ts';

export interface TestRuntime extends EmbeddedRuntime {
  mail: MailMessage[];
  logLines: string[];
  token(role?: 'admin' | 'analyst', subject?: string): Promise<string>;
  /** app.request with a staff bearer token. */
  staff(path: string, init?: RequestInit & { role?: 'admin' | 'analyst' }): Promise<Response>;
  /** POST JSON without credentials (respondent routes). */
  post(path: string, body: unknown): Promise<Response>;
  /** The token of every invitation mailed so far, in order. */
  tokens(): string[];
}

export const FAST_TIMING: Partial<Timing> = { participationRefreshMs: 0 };

/** `dataDir` persists the engine there (the data-folder tests read its raw files); default in memory. */
export async function startTestRuntime(timing: Partial<Timing> = FAST_TIMING, options: { dataDir?: string } = {}): Promise<TestRuntime> {
  const mail: MailMessage[] = [];
  const logLines: string[] = [];
  const mailer: Mailer = { send: async (message) => void mail.push(message) };
  const runtime = await startEmbeddedRuntime({
    dataDir: options.dataDir,
    mailer,
    publicBaseUrl: 'http://baseline.test',
    timing,
    logger: createJsonLogger((line) => logLines.push(line)),
  });
  const endpoint = await runtime.engine.client.config.endpoint?.();
  if (!endpoint || !['127.0.0.1', 'localhost'].includes(endpoint.hostname)) throw new Error('refusing to run a test against a non-local DynamoDB');
  const token = (role: 'admin' | 'analyst' = 'admin', subject?: string) => signLocalToken(runtime.signingKey, { role, subject });
  return {
    ...runtime,
    mail,
    logLines,
    token,
    async staff(path, init = {}) {
      const { role, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('authorization', `Bearer ${await token(role ?? 'admin')}`);
      if (rest.body && typeof rest.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return runtime.app.request(path, { ...rest, headers });
    },
    async post(path, body) {
      return runtime.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    },
    tokens() {
      return mail.map((message) => /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1]);
    },
  };
}
