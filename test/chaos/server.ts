/**
 * The real embedded server as a child process the chaos run can SIGKILL: `functions/local/main.ts`
 * under Node with tsx's loader in the same process (so the kill reaches the server and its engine,
 * not a wrapper), a data folder of its own, --no-demo, on a loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A free loopback port, asked of the OS. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

export class EmbeddedServer {
  private child?: ChildProcess;
  private output: string[] = [];
  starts = 0;

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Start and wait for the "running" line (a restart on the same folder resumes from what is on disk). */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 90_000): Promise<void> {
    if (this.child) throw new Error('server already running');
    this.starts++;
    this.output = [];
    const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts', '--no-demo'], {
      cwd: root,
      env: {
        ...process.env,
        ...extraEnv,
        DATA_DIR: this.dataDir,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, 200);
    };
    child.stderr!.on('data', keep);
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start in ${timeoutMs} ms:\n${this.log()}`)), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        keep(chunk);
        if (chunk.toString().includes('Baseline is running')) {
          clearTimeout(timer);
          ready();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited (${code}) while starting:\n${this.log()}`));
      });
    });
  }

  /** Resolves with the line when this run of the server has printed one holding `text` (the chaos hold says where it holds the close, and what). */
  async waitForOutput(text: string, timeoutMs: number): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const output = this.output.join('');
      const line = output.split('\n').find((candidate) => candidate.includes(text));
      if (line !== undefined && output.includes(`${line}\n`)) return line;
      if (!this.child || this.child.exitCode !== null) throw new Error(`server exited before printing "${text}":\n${this.log()}`);
      if (Date.now() > end) throw new Error(`server did not print "${text}" in ${timeoutMs} ms:\n${this.log()}`);
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  /** SIGKILL: no shutdown handler runs, whatever was in flight is cut where it stood. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  /** A clean stop (SIGTERM), as at the end of a run. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  log(): string {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }
}
