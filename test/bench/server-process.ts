/**
 * The embedded runtime as the benchmarks drive it: a separate process started the way `npm start`
 * starts it (the same entry point, no demo), so what the benchmark measures (its time, its memory,
 * its data folder) is the server's alone, and the benchmark's own work runs beside it, not inside.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface BenchServer {
  base: string;
  /** An admin bearer token for this run. */
  token: string;
  pid: number;
  /** With `meter` started: DynamoDB units spent since the previous call (the server prints them on SIGUSR2). */
  readMeter(): Promise<MeterReading>;
  /** Stop the server (SIGINT, as Ctrl-C would) and wait for it to exit. */
  stop(): Promise<void>;
}

export interface PartitionUsage {
  partition: string;
  readUnits: number;
  writeUnits: number;
}

/** What functions/local/main.ts prints on SIGUSR2 when started with BASELINE_BENCH_METER: totals since start, partitions since the last signal. */
export interface MeterReading {
  /** `shadowRequests`: the meter's own reads, sent from the same thread as the app's. */
  totals: { requests: number; readUnits: number; writeUnits: number; indexWriteUnits: number; shadowRequests: number };
  partitions: number;
  hottestWrites: PartitionUsage[];
  hottestReads: PartitionUsage[];
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `dataDir` undefined runs in memory (--memory); `env` adds to the server's environment; `meter`
 * puts the capacity meter on the server's DynamoDB client (its shadow reads slow every request).
 */
export async function startBenchServer(options: { dataDir?: string; env?: Record<string, string>; meter?: boolean } = {}): Promise<BenchServer> {
  const port = await findFreePort();
  const flags = options.dataDir ? ['--no-demo'] : ['--memory', '--no-demo'];
  // node itself rather than `npx tsx`: one process (the engine is a worker thread in it), whose pid is the server's.
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts', ...flags], {
    env: {
      ...process.env,
      PORT: String(port),
      ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
      ...(options.meter ? { BASELINE_BENCH_METER: '1' } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let pending = '';
  const readings: Array<(reading: MeterReading) => void> = [];
  child.stdout!.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('meter ')) readings.shift()?.(JSON.parse(line.slice('meter '.length)) as MeterReading);
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (/signin#token=\S+\s/.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    base: `http://127.0.0.1:${port}`,
    token: /signin#token=(\S+)/.exec(output)![1],
    pid: child.pid!,
    readMeter() {
      if (!options.meter) return Promise.reject(new Error('the server was started without the meter'));
      return new Promise<MeterReading>((resolve) => {
        readings.push(resolve);
        child.kill('SIGUSR2');
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

/** Wait until a job started through the API is no longer running; throws unless it finished. */
export async function waitForJob(call: (path: string) => Promise<Response>, jobId: string, everyMs = 500): Promise<void> {
  for (;;) {
    const job = (await (await call(`/api/jobs/${jobId}`)).json()) as { status: string; error?: string };
    if (job.status === 'done') return;
    if (job.status !== 'running') throw new Error(`job ${jobId}: ${job.status} ${job.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
