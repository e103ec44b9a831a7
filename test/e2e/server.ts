import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface RunningServer {
  baseUrl: string;
  signInUrl: string;
  analystSignInUrl: string;
  outbox: string;
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

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

/**
 * Start the embedded runtime the way `npm start -- --memory` does (built web app, fresh in-memory
 * store, demo organization) and wait for the lines it prints: its URL, the staff sign-in link and
 * the outbox folder. It runs in its own process group so stop() ends it and its children.
 */
export async function startServer(): Promise<RunningServer> {
  const port = await findFreePort();
  const child = spawn('npx', ['tsx', 'functions/local/main.ts', '--memory'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const printed = await new Promise<{ baseUrl: string; signInUrl: string; analystSignInUrl: string; outbox: string }>((resolve, reject) => {
    // Loading the demo took over 90 s on the shared 2-core machine under load. A server too slow to
    // start is ended, not left running: it would go on loading the demo for nobody.
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`server did not start within 240 s; it printed:\n${output}`));
    }, 240_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const baseUrl = /Baseline is running at (\S+)/.exec(output)?.[1];
      const signInUrl = /Staff sign-in: (\S+)/.exec(output)?.[1];
      const analystSignInUrl = /Analyst sign-in [^:]*: (\S+)/.exec(output)?.[1];
      const outbox = /Outbox: (.+)/.exec(output)?.[1]?.trim();
      if (baseUrl && signInUrl && analystSignInUrl && outbox) {
        clearTimeout(timer);
        resolve({ baseUrl: baseUrl.replace(/\/$/, ''), signInUrl, analystSignInUrl, outbox });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    ...printed,
    stop: async () => {
      if (!child.pid || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGINT');
      const forced = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    },
  };
}
