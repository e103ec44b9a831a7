/**
 * The embedded DynamoDB-compatible engine: dynalite in this process, on a loopback port, persisted
 * under the data folder (or in memory). One process per data folder, guarded by a lock file.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface EmbeddedEngine {
  client: DynamoDBClient;
  /** Rewrite the data folder's files without deleted entries (see engine-worker.js). */
  compact(): Promise<void>;
  /** How many iterators are open on the store now (each pins files and memory until closed): a leak check for tests and benchmarks. */
  countOpenIterators(): Promise<number>;
  stop(): Promise<void>;
}

/** Start dynalite on a worker thread; `dataDir` undefined keeps everything in memory. */
export async function startEngine(dataDir?: string): Promise<EmbeddedEngine> {
  const worker = new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { path: dataDir ? join(dataDir, 'dynamodb') : undefined } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { port: number }) => resolve(message.port));
  });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    // Many concurrent submissions: keep sockets open rather than a new connection per request.
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 256 } }),
    maxAttempts: 5,
  });
  let compacting: Promise<void> = Promise.resolve();
  return {
    client,
    compact() {
      // One compaction at a time: the worker answers them in order.
      compacting = compacting.then(
        () =>
          new Promise<void>((resolve, reject) => {
            const answer = (message: { compacted?: boolean; error?: string }) => {
              if (message.compacted === undefined) return;
              worker.off('message', answer);
              if (message.compacted) resolve();
              else reject(new Error(`compacting the data folder failed: ${message.error}`));
            };
            worker.on('message', answer);
            worker.postMessage('compact');
          }),
      );
      return compacting;
    },
    countOpenIterators() {
      return new Promise<number>((resolve) => {
        const answer = (message: { openIterators?: number }) => {
          if (message.openIterators === undefined) return;
          worker.off('message', answer);
          resolve(message.openIterators);
        };
        worker.on('message', answer);
        worker.postMessage('open-iterators');
      });
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}

export class DataFolderBusyError extends Error {
  constructor(folder: string, pid: number) {
    super(`Another Baseline (process ${pid}) is using ${folder}. Stop it first, or start with DATA_DIR=<another folder> or --memory.`);
    this.name = 'DataFolderBusyError';
  }
}

/** Take the data folder's lock; a lock left by a process that no longer runs is taken over. */
export async function lockDataFolder(folder: string): Promise<() => Promise<void>> {
  await mkdir(folder, { recursive: true });
  const lockFile = join(folder, 'baseline.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(lockFile, 'utf8').catch(() => '0'));
      if (pid > 0 && pid !== process.pid && isRunning(pid)) throw new DataFolderBusyError(folder, pid);
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${folder}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
