/** The benchmarks' own tools: if they measure wrong, every figure in the README is wrong. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES } from '../shared/keys.ts';
import { CapacityMeter } from './bench/capacity-meter.ts';
import { startTestRuntime } from './helpers/embedded.ts';
import { parseRoster } from '../shared/roster.ts';
import { createHttpClient, quantile, runPaced } from './bench/load.ts';
import { CLOUD, estimateCloudSeconds } from './bench/cloud-estimate.ts';
import { Worker } from 'node:worker_threads';
import { mainThreadCpuMs, measureFolderBytes, readCpuSeconds, readParentPid, readStatusKb } from './bench/process-memory.ts';
import { scaleDirectoryCsv } from './bench/scale.ts';

describe('paced arrivals', () => {
  it('sends every request on schedule while none has been answered (open loop, not one at a time)', async () => {
    const held: ServerResponse[] = [];
    let releaseAll = () => {};
    const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    // The server answers nobody until all ten have arrived: a sender that waits for a reply before the next never finishes.
    const server = createServer((_request, response) => {
      held.push(response);
      if (held.length === 10) releaseAll();
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const client = createHttpClient(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    void allArrived.then(() => {
      for (const response of held) response.end('ok');
    });
    const result = await runPaced(10, 200, () => client.send('POST', '/x', '{}'));
    client.close();
    server.close();
    expect(result.statuses).toEqual({ 200: 10 });
    expect(result.latencies).toHaveLength(10);
  }, 5_000);

  it('takes quantiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(values, 0.5), quantile(values, 0.99), quantile(values, 1)]).toEqual([50, 99, 100]);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('server memory and data folder', () => {
  it('reads resident and peak kB from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 2000000 kB\nVmHWM:\t  812340 kB\nVmRSS:\t  700001 kB\nThreads:\t11\n';
    expect(readStatusKb(status, 'VmHWM')).toBe(812340);
    expect(readStatusKb(status, 'VmRSS')).toBe(700001);
    expect(readStatusKb(status, 'VmSwap')).toBeUndefined();
  });

  it('reads the parent pid after a command name holding spaces and parentheses', () => {
    expect(readParentPid('4242 (node (tsx) main) S 4100 4242 1 0 -1 4194560')).toBe(4100);
  });

  it('adds up every file below the data folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'bench-folder-'));
    await mkdir(join(folder, 'dynamodb', 'deep'), { recursive: true });
    await writeFile(join(folder, 'baseline.lock'), 'x'.repeat(10));
    await writeFile(join(folder, 'dynamodb', 'deep', '000001.ldb'), 'y'.repeat(2_000));
    expect(await measureFolderBytes(folder)).toBe(2_010);
    await rm(folder, { recursive: true });
  });
});

describe('server CPU', () => {
  it("reads a process's CPU seconds from /proc, its main thread's apart", async () => {
    const before = await readCpuSeconds(process.pid);
    // Burn 300 ms of this thread's CPU (CPU time, not wall time: a busy machine only stretches it).
    const started = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(started).user < 300_000) spin++;
    const after = await readCpuSeconds(process.pid);
    expect(spin).toBeGreaterThan(0);
    expect(after.mainThread - before.mainThread).toBeGreaterThanOrEqual(0.2);
    expect(after.process).toBeGreaterThanOrEqual(after.mainThread);
  });
});

describe("the app's CPU, apart from the engine's thread", () => {
  it("counts this thread's CPU and not a busy worker thread's (process.cpuUsage() would count both)", async () => {
    const before = mainThreadCpuMs();
    const processBefore = process.cpuUsage();
    // A worker burns 300 ms of CPU while this thread mostly waits for it.
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker('const end = process.cpuUsage().user + 300000; while (process.cpuUsage().user < end);', { eval: true });
      worker.once('exit', () => resolve());
      worker.once('error', reject);
    });
    const waited = mainThreadCpuMs() - before;
    const processUsed = process.cpuUsage(processBefore);
    expect((processUsed.user + processUsed.system) / 1000).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(150);
    // And 100 ms burned here shows, to within a few ms.
    const spinFrom = mainThreadCpuMs();
    while (mainThreadCpuMs() - spinFrom < 100);
    expect(mainThreadCpuMs() - spinFrom).toBeLessThan(110);
  });
});

describe('DynamoDB requests in sequence', () => {
  it('counts requests awaited one after another as in sequence, and requests sent at once as one round', async () => {
    const rt = await startTestRuntime();
    const meter = await CapacityMeter.attach(rt.engine.client);
    const get = () => rt.engine.client.send(new GetItemCommand({ TableName: DEFAULT_TABLE_NAMES.main, Key: { pk: { S: 'P' }, sk: { S: 'S' } } }));
    try {
      const oneByOne = await meter.run('one by one', async () => {
        for (let i = 0; i < 6; i++) await get();
        return meter.runSoFar();
      });
      const atOnce = await meter.run('at once', async () => {
        for (let round = 0; round < 2; round++) await Promise.all(Array.from({ length: 8 }, get));
        return meter.runSoFar();
      });
      expect(oneByOne).toMatchObject({ requests: 6, sequentialRequests: 6 });
      expect(atOnce.requests).toBe(16);
      // Two rounds of 8 in flight: about 2 in sequence (the engine answers them one by one, so a few more).
      expect(atOnce.sequentialRequests).toBeGreaterThanOrEqual(2);
      expect(atOnce.sequentialRequests).toBeLessThan(8);
    } finally {
      meter.stop();
      await rt.stop();
    }
  });
});

describe('the capacity meter by partition key', () => {
  it('counts units per partition key value, index entries under their own key, and starts afresh after each take', async () => {
    const rt = await startTestRuntime();
    const meter = await CapacityMeter.attach(rt.engine.client);
    try {
      const { main, ephemeral } = DEFAULT_TABLE_NAMES;
      for (const sk of ['a', 'b']) await rt.engine.client.send(new PutItemCommand({ TableName: main, Item: { pk: { S: 'HOT' }, sk: { S: sk } } }));
      await rt.engine.client.send(new PutItemCommand({ TableName: main, Item: { pk: { S: 'COLD' }, sk: { S: 'a' } } }));
      await rt.engine.client.send(new GetItemCommand({ TableName: main, Key: { pk: { S: 'HOT' }, sk: { S: 'a' } } }));
      await rt.engine.client.send(
        new PutItemCommand({ TableName: main, Item: { pk: { S: 'WAVE#1' }, sk: { S: 'META' }, gsi1pk: { S: 'SURVEY#3' }, gsi1sk: { S: 'x' } } }),
      );
      await rt.engine.client.send(new PutItemCommand({ TableName: ephemeral, Item: { pk: { S: 'INV#1' }, sk: { S: 'x' } } }));
      const taken = meter.takePartitions().sort((a, b) => a.partition.localeCompare(b.partition));
      expect(taken).toEqual([
        { partition: 'baseline-ephemeral|INV#1', readUnits: 0, writeUnits: 1 },
        { partition: 'baseline-main:gsi1|SURVEY#3', readUnits: 0, writeUnits: 1 },
        { partition: 'baseline-main|COLD', readUnits: 0, writeUnits: 1 },
        { partition: 'baseline-main|HOT', readUnits: 0.5, writeUnits: 2 },
        { partition: 'baseline-main|WAVE#1', readUnits: 0, writeUnits: 1 },
      ]);
      expect(meter.takePartitions()).toEqual([]);
    } finally {
      meter.stop();
      await rt.stop();
    }
  });
});

describe("the cloud's time, extrapolated", () => {
  const stage = { requests: 1_000, readUnits: 0, writeUnits: 3_000, hottestWriteUnits: 2_000, hottestReadUnits: 0, appCpuSeconds: 1 };

  it('is held to 1,000 write units a second on the hottest partition key, whatever the parallelism', () => {
    const estimate = estimateCloudSeconds(stage, 10, 1_000, true);
    expect(estimate.boundBy).toBe('hottest partition');
    expect(estimate.seconds).toBe(20);
  });

  it("adds a job's CPU up (one process) but spreads separate invocations' CPU over their concurrency", () => {
    const job = estimateCloudSeconds({ ...stage, hottestWriteUnits: 0, writeUnits: 0 }, 1, 4);
    const separate = estimateCloudSeconds({ ...stage, hottestWriteUnits: 0, writeUnits: 0 }, 1, 4, true);
    // 1 s of CPU at the job function's share of a vCPU (× 1,769 / its memory), plus 1,000 requests of 10 ms over 4 in flight.
    const stretch = Math.max(1, 1769 / CLOUD.functionMb);
    expect(job.seconds).toBeCloseTo(stretch + 2.5, 5);
    expect(separate.seconds).toBeCloseTo(stretch / 4 + 2.5, 5);
  });
});

describe('the scale benchmark directory', () => {
  it('spreads people over 200 units (root, 9 divisions, 190 teams) with 3 attributes, and the directory upload accepts it', () => {
    const parsed = parseRoster(scaleDirectoryCsv(1_000));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.people).toHaveLength(1_000);
    expect(parsed.attributeNames).toEqual(['tenure', 'location', 'contract']);
    const teams = new Set(parsed.people.map((person) => person.unitPath.join(' > ')));
    expect(teams.size).toBe(190);
  });
});
