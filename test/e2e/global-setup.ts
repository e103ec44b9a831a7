import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    signInUrl: string;
    outbox: string;
  }
}

/** A port nobody is listening on, so parallel runs on one machine do not collide. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let server: ChildProcess | undefined;

/**
 * Start `npm start -- --memory` the way a person would (the built web app, a fresh in-memory
 * store with the demo organization) and hand its URLs to the browser tests.
 */
export async function setup(project: TestProject): Promise<void> {
  const port = await findFreePort();
  server = spawn('npx', ['tsx', 'functions/local/main.ts', '--memory'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const printed = await new Promise<Record<'baseUrl' | 'signInUrl' | 'outbox', string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 90 s; it printed:\n${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const baseUrl = /Baseline is running at (\S+)/.exec(output)?.[1];
      const signInUrl = /Staff sign-in: (\S+)/.exec(output)?.[1];
      const outbox = /Outbox: (.+)/.exec(output)?.[1]?.trim();
      if (baseUrl && signInUrl && outbox) {
        clearTimeout(timer);
        resolve({ baseUrl: baseUrl.replace(/\/$/, ''), signInUrl, outbox });
      }
    };
    server!.stdout!.on('data', read);
    server!.stderr!.on('data', read);
    server!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
  project.provide('baseUrl', printed.baseUrl);
  project.provide('signInUrl', printed.signInUrl);
  project.provide('outbox', printed.outbox);
}

export async function teardown(): Promise<void> {
  if (!server?.pid || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  process.kill(-server.pid, 'SIGINT');
  const forced = setTimeout(() => process.kill(-server!.pid!, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(forced);
}
