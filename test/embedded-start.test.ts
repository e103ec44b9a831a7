/** `npm start` as a user runs it: a data folder that survives a restart, and one process per folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'baseline-start-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(port: number, ...args: string[]): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts', ...args], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(started: Started, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}"; output:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const signInToken = (output: string) => /signin#token=(\S+)/.exec(output)![1];

describe('npm start', () => {
  it('keeps its data across a restart, refuses a second process on the same folder, and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const first = start(port, '--no-demo');
    await waitFor(first, 'Baseline is running at');
    expect(first.output()).toContain(`http://127.0.0.1:${port}`);
    const auth = { authorization: `Bearer ${signInToken(first.output())}`, 'content-type': 'application/json' };
    const created = await fetch(`http://127.0.0.1:${port}/api/surveys`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Kept across restarts' }),
    });
    expect(created.status).toBe(201);

    const second = start(await freePort());
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/Another Baseline \(process \d+\) is using/);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const again = start(port);
    await waitFor(again, 'Baseline is running at');
    // The folder was set up before (empty, by choice), so no demo is loaded now.
    expect(again.output()).not.toContain('Loading the demo organization');
    const surveys = await fetch(`http://127.0.0.1:${port}/api/surveys`, { headers: { authorization: `Bearer ${signInToken(again.output())}` } });
    expect(((await surveys.json()) as { surveys: Array<{ name: string }> }).surveys.map((survey) => survey.name)).toEqual(['Kept across restarts']);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 300_000); // three starts of a real process: generous, since a loaded CI machine starts slowly
});
