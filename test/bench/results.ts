/**
 * Results views at scale (issue 3, "Speed"; issue 12: the close of a real wave): waves of 1,000 /
 * 10,000 / 100,000 responses over an organization of 200 units with two attributes, driven
 * through the app in-process (no network) the way a wave runs: the directory uploaded, the wave
 * opened by its job (so every invitation exists: delivery by mail merge, the links read from the
 * audited export rather than 125,000 mails kept in memory), 80% of the invitees answering through
 * POST /api/responses, and the close job timed from the request to its end. Then p50 and p95 of
 * results, compare and heatmap. Every size gets two waves (the second opened after the first
 * closed), so compare and heatmap do their full work (the heatmap judges every change against
 * the earlier wave).
 *
 *   npm run bench -- results [-- sizes…]     e.g. npm run bench -- results -- 1000 10000
 */
import os from 'node:os';
import { SHARD_COUNT } from '../../shared/keys.ts';
import { parseCsv } from '../../shared/csv.ts';
import { getWave } from '../../functions/store/waves.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/embedded.ts';
import { inParallel } from './load.ts';

const RESPONSE_RATE = 0.8;
const RUNS = 200;
const WARMUP = 20;
/** Submissions in flight at once (in-process: the engine, not the network, is the limit). */
const CONCURRENCY = 16;
const TENURE = ['<1 year', '1-3 years', '3-5 years', '5+ years'];
const LOCATION = ['Stockholm', 'London', 'New York'];
const AGREE = ['clear', 'training', 'career', 'feedback', 'support', 'strategy', 'workload', 'balance', 'speak-up', 'belonging', 'recognition', 'pride'];
const STATEMENTS = [
  ...AGREE.map((id) => ({ id: `bench-${id}`, text: { en: `Statement ${id}` }, scale: 'agree5', theme: 'Bench' })),
  { id: 'bench-enps', text: { en: 'Recommend us?' }, scale: 'enps', theme: 'Bench' },
];

/** 200 units: a root, 9 divisions, 190 teams. */
const unitPath = (team: number) => `Bench Co > Division ${team % 9} > Team ${team}`;

function directoryCsv(people: number): string {
  const lines = ['email,orgUnit,tenure,location'];
  for (let i = 0; i < people; i++) lines.push(`p${i}@bench.test,${unitPath((i * 7919) % 190)},${TENURE[i % 4]},${LOCATION[Math.floor(i / 4) % 3]}`);
  return lines.join('\n');
}

function answersFor(index: number, wave: number): Record<string, number> {
  const answers: Record<string, number> = {};
  for (const [i, id] of AGREE.entries()) answers[`bench-${id}`] = 1 + ((index * 31 + i * 7 + wave * (i % 3)) % 5);
  answers['bench-enps'] = (index * 13 + wave) % 11;
  return answers;
}

class Client {
  constructor(
    private readonly rt: TestRuntime,
    private readonly token: string,
  ) {}

  async staff(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const response = await this.rt.app.request(path, { ...init, headers });
    if (response.status >= 400) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.staff(path, init)).json()) as T;
  }

  /**
   * Start a wave job and wait for it: its seconds from the request to the end, and the CPU seconds
   * this process spent meanwhile (the engine runs in it too), which a busy shared machine stretches less.
   */
  async job(path: string, waveId?: string): Promise<{ seconds: number; cpuSeconds: number; stages: Record<string, number> }> {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { jobId } = await this.json<{ jobId: string }>(path, { method: 'POST' });
    // Where a close spends its time: its stored stage, read every 50 ms while the job runs.
    const stages: Record<string, number> = {};
    let running = true;
    const watching = (async () => {
      let stage = 'starting';
      let since = performance.now();
      while (running && waveId) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = (await getWave(this.rt.deps.store, waveId)).closeStage ?? 'starting';
        if (now !== stage) {
          stages[stage] = (stages[stage] ?? 0) + (performance.now() - since) / 1000;
          [stage, since] = [now, performance.now()];
        }
      }
      stages[stage] = (stages[stage] ?? 0) + (performance.now() - since) / 1000;
    })();
    await this.rt.jobsIdle();
    running = false;
    await watching;
    const job = await this.json<{ status: string; error?: string }>(`/api/jobs/${jobId}`);
    if (job.status !== 'done') throw new Error(`${path}: job ${job.status} ${job.error ?? ''}`);
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, stages };
  }
}

/** A wave of the survey opened by its job, answered by `responses` invitees through POST /api/responses, closed by its job. */
async function runWave(rt: TestRuntime, client: Client, surveyId: string, name: string, responses: number, seed: number) {
  const wave = await client.json<{ id: string }>(`/api/surveys/${surveyId}/waves`, {
    method: 'POST',
    body: JSON.stringify({ name, statementIds: STATEMENTS.map((s) => s.id) }),
  });
  const { seconds: openSeconds } = await client.job(`/api/waves/${wave.id}/open?delivery=mail-merge`);
  const links = parseCsv(await (await client.staff(`/api/waves/${wave.id}/invitations.csv`)).text()).slice(1);
  const tokens = links.map((row) => row.fields[1].slice(row.fields[1].indexOf('#') + 1));
  const submitStarted = performance.now();
  await inParallel(tokens.slice(0, responses), CONCURRENCY, async (token, i) => {
    const response = await rt.post('/api/responses', { token, answers: answersFor(i, seed) });
    if (response.status !== 201) throw new Error(`submission ${i}: ${response.status} ${await response.text()}`);
  });
  const submitSeconds = (performance.now() - submitStarted) / 1000;
  const close = await client.job(`/api/waves/${wave.id}/close`, wave.id);
  const closeStages = Object.entries(close.stages)
    .map(([stage, seconds]) => `${stage} ${seconds.toFixed(1)} s`)
    .join(', ');
  return { waveId: wave.id, invited: tokens.length, openSeconds, submitSeconds, closeSeconds: close.seconds, closeCpuSeconds: close.cpuSeconds, closeStages };
}

async function percentiles(rt: TestRuntime, paths: string[]): Promise<{ p50: number; p95: number; coldMax: number }> {
  const token = await rt.token('admin');
  const request = async (path: string) => {
    const response = await rt.app.request(path, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  // The first request of each path is the cold one (nothing memoized in this process yet).
  let cold = 0;
  for (let i = 0; i < Math.max(WARMUP, paths.length); i++) {
    const started = performance.now();
    await request(paths[i % paths.length]);
    if (i < paths.length) cold = Math.max(cold, performance.now() - started);
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await request(paths[i % paths.length]);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), coldMax: Math.round(cold * 10) / 10 };
}

export interface ResultsBenchRow {
  responses: number;
  invited: number;
  openSeconds: number;
  submitPerSecond: number;
  /** The close of the second wave, from POST /close to the job's end: invitations closed, counted, certified, rewritten. */
  closeSeconds: number;
  /** CPU seconds of this process during that close. */
  closeCpuSeconds: number;
  resultsP50: number;
  resultsP95: number;
  compareP50: number;
  compareP95: number;
  heatmapP50: number;
  heatmapP95: number;
  /** The slowest first request of a heatmap dimension (builds the share table, nothing memoized). */
  heatmapColdMax: number;
}

/** Run the results benchmark for the given wave sizes; prints a table and returns its rows. */
export async function benchResults(sizes: number[] = [1_000, 10_000, 100_000]): Promise<ResultsBenchRow[]> {
  const rt = await startTestRuntime({ participationRefreshMs: 0 });
  const client = new Client(rt, await rt.token('admin'));
  const rows: ResultsBenchRow[] = [];
  const started = performance.now();
  const log = (message: string) => console.error(`[results ${Math.round((performance.now() - started) / 1000)} s] ${message}`);
  try {
    for (const statement of STATEMENTS) await client.staff('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
    for (const size of sizes) {
      // One organization per size: the directory is replaced, and units keep their ids by path.
      await client.staff('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: directoryCsv(Math.round(size / RESPONSE_RATE)) });
      const survey = await client.json<{ id: string }>('/api/surveys', { method: 'POST', body: JSON.stringify({ name: `Bench ${size}` }) });
      const earlier = await runWave(rt, client, survey.id, 'previous', size, 1);
      log(`${size}: first wave closed in ${earlier.closeSeconds.toFixed(1)} s (${earlier.closeCpuSeconds.toFixed(1)} s of CPU; ${earlier.closeStages})`);
      const current = await runWave(rt, client, survey.id, 'current', size, 2);
      log(
        `${size}: second wave: opened ${current.invited} in ${current.openSeconds.toFixed(1)} s, ${size} submitted in ${current.submitSeconds.toFixed(1)} s, closed in ${current.closeSeconds.toFixed(1)} s (${current.closeCpuSeconds.toFixed(1)} s of CPU; ${current.closeStages}), load average ${os.loadavg()[0].toFixed(1)}`,
      );
      const waveId = current.waveId;
      // Teams spread over the organization, and division × tenure cells.
      const teams = Array.from({ length: 40 }, (_, i) => (i * 7) % 190);
      const results = await percentiles(
        rt,
        teams.map((team, i) =>
          i % 2
            ? `/api/waves/${waveId}/results?unit=${encodeURIComponent(`Bench Co > Division ${i % 9}`)}&filter=tenure:1-3%20years`
            : `/api/waves/${waveId}/results?unit=${encodeURIComponent(unitPath(team))}`,
        ),
      );
      const compare = await percentiles(
        rt,
        teams.map((team) => `/api/compare?from=${earlier.waveId}&to=${waveId}&unit=${encodeURIComponent(unitPath(team))}`),
      );
      const heatmap = await percentiles(
        rt,
        ['1', '2', 'tenure', 'location'].map((dimension) => `/api/waves/${waveId}/heatmap?dimension=${dimension}`),
      );
      const row: ResultsBenchRow = {
        responses: size,
        invited: current.invited,
        openSeconds: Math.round(current.openSeconds * 10) / 10,
        submitPerSecond: Math.round(size / current.submitSeconds),
        closeSeconds: Math.round(current.closeSeconds * 10) / 10,
        closeCpuSeconds: Math.round(current.closeCpuSeconds * 10) / 10,
        resultsP50: results.p50,
        resultsP95: results.p95,
        compareP50: compare.p50,
        compareP95: compare.p95,
        heatmapP50: heatmap.p50,
        heatmapP95: heatmap.p95,
        heatmapColdMax: heatmap.coldMax,
      };
      rows.push(row);
      console.error(`done: ${size} responses`, row);
    }
  } finally {
    await rt.stop();
  }
  console.log(
    `results views in ms (in-process, ${RUNS} requests each after ${WARMUP} warm-up; ${SHARD_COUNT} shards; 200 org units, 2 attributes, 13 statements); open, close in s`,
  );
  console.table(rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  await benchResults(sizes.length > 0 ? sizes : undefined);
}
