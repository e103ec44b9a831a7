/**
 * A whole wave at scale on the embedded runtime (issue 12): the server runs as `npm start` runs it,
 * in its own process on a data folder in a temporary directory; this process drives it over HTTP.
 * It uploads a directory of N people (200 units, 3 attributes), creates a survey and a wave, opens
 * it for mail merge (no .eml per person: the organization sends the links from the audited export),
 * downloads the links, submits for 80% at concurrency 50 while polling live participation, closes,
 * and reads every view. Prints each stage's time and the server's peak memory in it, the data
 * folder's size after open, after close and after the server stopped, and checks that every
 * accepted submission was counted once (participation before the close, results after).
 *
 *   npm run bench -- scale [-- people]        (default 20,000; the issue's target is 300,000)
 *
 * Live participation is recounted on every poll here (every 10 s), far more often than the
 * dashboard's privacy delay allows, to measure what a recount costs while submissions arrive.
 * There is one wave, so the comparison compares the wave with itself (the same reads as two waves)
 * and the heatmap has no earlier wave to judge changes against.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../shared/csv.ts';
import { createHttpClient, quantile, runClosedLoop } from './load.ts';
import { CLOUD, estimateCloudSeconds, type StageMeasure } from './cloud-estimate.ts';
import { measureFolderBytes, readCpuSeconds, sampleMemory } from './process-memory.ts';
import { startBenchServer, waitForJob, type MeterReading } from './server-process.ts';

const RESPONSE_RATE = 0.8;
const CONCURRENCY = 50;
const PARTICIPATION_POLL_MS = 10_000;
const TENURE = ['<1 year', '1-3 years', '3-5 years', '5+ years'];
const LOCATION = ['Stockholm', 'London', 'New York'];
const CONTRACT = ['permanent', 'contractor'];
const AGREE = ['clear', 'training', 'career', 'feedback', 'support', 'strategy', 'workload', 'balance', 'speak-up', 'belonging', 'recognition', 'pride'];
const STATEMENTS = [
  ...AGREE.map((id) => ({ id: `scale-${id}`, text: { en: `Statement ${id}` }, scale: 'agree5', theme: 'Scale' })),
  { id: 'scale-enps', text: { en: 'Recommend us?' }, scale: 'enps', theme: 'Scale' },
  { id: 'scale-comment', text: { en: 'Anything else?' }, scale: 'text', theme: 'Scale' },
];

const teamPath = (team: number) => `Scale Co > Division ${team % 9} > Team ${team}`;

/** N people over 200 units (a root, 9 divisions, 190 teams) with tenure, location and contract. */
export function scaleDirectoryCsv(people: number): string {
  const lines = ['email,orgUnit,tenure,location,contract'];
  for (let i = 0; i < people; i++) {
    lines.push(`p${i}@scale.test,${teamPath((i * 7919) % 190)},${TENURE[i % 4]},${LOCATION[Math.floor(i / 4) % 3]},${CONTRACT[Math.floor(i / 12) % 2]}`);
  }
  return lines.join('\n');
}

function answersFor(index: number): Record<string, number | string> {
  const answers: Record<string, number | string> = {};
  for (const [i, id] of AGREE.entries()) answers[`scale-${id}`] = 1 + ((index * 31 + i * 7) % 5);
  answers['scale-enps'] = (index * 13) % 11;
  if (index % 10 === 0) answers['scale-comment'] = 'More time for training, please, and clearer priorities from the leadership team.';
  return answers;
}

interface Stage {
  stage: string;
  seconds: number;
  /** Empty where no sample fell inside the stage. */
  'server peak MB': number | '';
  'data folder MB'?: number;
  /** The largest the data folder was while the stage ran (measured every 15 s and at the stage's end). */
  'folder peak MB'?: number;
  /** The machine's 1-minute load average, mean of samples every 5 s over the stage (2 cores here, shared). */
  'load avg': number;
  /** CPU seconds of the server's main thread (the app: what Lambda would run) and of its other threads (the engine). */
  'app CPU s': number;
  'engine CPU s': number;
  note?: string;
}

/** Per stage, with the meter on: the units it spent and on its hottest partition key. */
interface MeteredStage extends StageMeasure {
  stage: string;
  hottestWrite: string;
  hottestRead: string;
}

/** The stages whose cloud time is extrapolated, and how many requests each keeps in flight there. */
const CLOUD_STAGES: Array<{ match: RegExp; name: string; inFlight: number; separateInvocations?: boolean; why: string }> = [
  { match: /^upload/, name: 'directory upload', inFlight: 1, why: 'one staff request, rows written in order' },
  { match: /^open/, name: 'open (mail merge)', inFlight: 1, why: 'one job Lambda (reserved concurrency 1), batch after batch' },
  { match: /^submit/, name: 'submissions at concurrency 50', inFlight: CONCURRENCY, separateInvocations: true, why: 'as here: 50 at once' },
  {
    match: /^submit/,
    name: `submissions at Lambda's ${CLOUD.accountConcurrency}`,
    inFlight: CLOUD.accountConcurrency,
    separateInvocations: true,
    why: "the account's default concurrency, all of it",
  },
  // The close keeps between 4 requests in flight (a shard's reads and writes one after another, 4 shards at once) and 100 (sealing: 25 per shard).
  { match: /^close/, name: 'close, fewest in flight', inFlight: 4, why: 'one job Lambda, 4 shards at once (SHARD_CONCURRENCY)' },
  { match: /^close/, name: 'close, most in flight', inFlight: 100, why: "sealing's 25 updates per shard × 4 shards" },
];

export async function benchScale(people = 20_000, options: { meter?: boolean; extrapolateTo?: number } = {}): Promise<Stage[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'baseline-scale-'));
  const stages: Stage[] = [];
  const mb = async () => Math.round((await measureFolderBytes(dataDir)) / 1024 / 1024);
  let stageStarted = performance.now();
  const log = (message: string) => console.error(`[scale ${new Date().toISOString().slice(11, 19)}] ${message}`);

  const server = await startBenchServer({ dataDir, env: { BASELINE_BENCH_PARTICIPATION_REFRESH_MS: '0' }, meter: options.meter });
  const metered: MeteredStage[] = [];
  let lastMeter: MeterReading['totals'] = { requests: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, shadowRequests: 0 };
  if (options.meter) lastMeter = (await server.readMeter()).totals;
  let lastCpu = await readCpuSeconds(server.pid);
  const memory = sampleMemory(server.pid);
  let serverStopped = false;
  // Timings on a shared machine mean little without the load they ran under.
  let loads = [loadavg()[0]];
  const loadSampler = setInterval(() => loads.push(loadavg()[0]), 5_000);
  // The target is on the folder at its largest, not only after each compaction.
  let folderPeak = 0;
  let folderMeasuring = false;
  const folderSampler = setInterval(async () => {
    if (folderMeasuring) return;
    folderMeasuring = true;
    folderPeak = Math.max(folderPeak, await mb().catch(() => 0));
    folderMeasuring = false;
  }, 15_000);
  // A timeline in the log, to see where within a long stage memory or the folder grows.
  const timeline = setInterval(
    () => log(`  server ${memory.latestMb()} MB resident, folder ≤ ${folderPeak} MB since the stage began, load ${loadavg()[0].toFixed(1)}`),
    60_000,
  );
  const end = async (stage: string, extra: Partial<Stage> = {}) => {
    loads.push(loadavg()[0]);
    const load = Math.round((loads.reduce((sum, l) => sum + l, 0) / loads.length) * 10) / 10;
    loads = [loadavg()[0]];
    const seconds = Math.round((performance.now() - stageStarted) / 100) / 10;
    const folderNow = extra['data folder MB'] ?? (await mb().catch(() => 0));
    const folder = Math.max(folderPeak, folderNow);
    folderPeak = 0;
    const cpu = await readCpuSeconds(server.pid);
    const appCpu = Math.round((cpu.mainThread - lastCpu.mainThread) * 10) / 10;
    const engineCpu = Math.round((cpu.process - cpu.mainThread - (lastCpu.process - lastCpu.mainThread)) * 10) / 10;
    if (cpu.process > 0) lastCpu = cpu;
    if (options.meter && !serverStopped) {
      const reading = await server.readMeter();
      const spent = (key: keyof MeterReading['totals']) => reading.totals[key] - lastMeter[key];
      const [write, read] = [reading.hottestWrites[0], reading.hottestReads[0]];
      metered.push({
        stage,
        requests: spent('requests'),
        readUnits: spent('readUnits'),
        writeUnits: spent('writeUnits'),
        hottestWriteUnits: write?.writeUnits ?? 0,
        hottestReadUnits: read?.readUnits ?? 0,
        hottestWrite: write ? `${write.partition} (${Math.round(write.writeUnits)} W)` : '',
        hottestRead: read ? `${read.partition} (${Math.round(read.readUnits)} R)` : '',
        // The meter's shadow reads run on the app's thread and cost about what the app's own requests
        // do (the SDK's per-request work is most of the app's CPU): count only the app's share.
        appCpuSeconds: Math.round(((appCpu * spent('requests')) / Math.max(1, spent('requests') + spent('shadowRequests'))) * 10) / 10,
      });
      lastMeter = reading.totals;
    }
    stages.push({
      stage,
      seconds,
      'server peak MB': memory.stagePeakMb() || '',
      'load avg': load,
      'folder peak MB': folder,
      'app CPU s': appCpu,
      'engine CPU s': engineCpu,
      ...extra,
    });
    const last = stages.at(-1)!;
    log(
      `${stage}: ${last.seconds} s, server peak ${last['server peak MB']} MB, load ${load}${last['data folder MB'] === undefined ? '' : `, folder ${last['data folder MB']} MB`}`,
    );
    stageStarted = performance.now();
  };
  await end('start server');
  const client = createHttpClient(server.base);
  const auth = { authorization: `Bearer ${server.token}` };
  const call = async (path: string, init: { method?: string; body?: string; type?: string } = {}) => {
    const reply = await client.send(init.method ?? 'GET', `/api${path}`, init.body, { ...auth, 'content-type': init.type ?? 'application/json' });
    if (reply.status >= 400) throw new Error(`${path}: ${reply.status} ${reply.body.slice(0, 500)}`);
    return reply;
  };
  const json = async <T>(path: string, init?: { method?: string; body?: string; type?: string }) => JSON.parse((await call(path, init)).body) as T;
  const jobs = (path: string) => fetch(`${server.base}${path}`, { headers: auth });
  try {
    const upload = await json<{ imported: number }>('/roster', { method: 'PUT', body: scaleDirectoryCsv(people), type: 'text/csv' });
    if (upload.imported !== people) throw new Error(`imported ${upload.imported} of ${people}`);
    await end('upload directory');

    for (const statement of STATEMENTS) await call('/statements', { method: 'POST', body: JSON.stringify(statement) });
    const survey = await json<{ id: string }>('/surveys', { method: 'POST', body: JSON.stringify({ name: 'Scale' }) });
    const wave = await json<{ id: string }>(`/surveys/${survey.id}/waves`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Scale', statementIds: STATEMENTS.map((s) => s.id) }),
    });
    await end('survey and wave');

    const opened = await json<{ jobId: string }>(`/waves/${wave.id}/open?delivery=mail-merge`, { method: 'POST' });
    await waitForJob(jobs, opened.jobId);
    await end('open (mail merge)', { 'data folder MB': await mb() });

    const links = parseCsv((await call(`/waves/${wave.id}/invitations.csv`)).body).slice(1);
    const tokens = links.map((record) => record.fields[1].split('#')[1]);
    if (tokens.length !== people) throw new Error(`exported ${tokens.length} links for ${people} invitees`);
    await end('export invitation links');

    const respondents = Math.round(people * RESPONSE_RATE);
    const polls: number[] = [];
    let submitting = true;
    const polling = (async () => {
      while (submitting) {
        const started = performance.now();
        await call(`/waves/${wave.id}/participation`);
        polls.push(performance.now() - started);
        const until = performance.now() + PARTICIPATION_POLL_MS;
        while (submitting && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const submitted = await runClosedLoop(respondents, CONCURRENCY, (index) =>
      client.send('POST', '/api/responses', JSON.stringify({ token: tokens[index], answers: answersFor(index) }), { 'content-type': 'application/json' }),
    );
    submitting = false;
    await polling;
    polls.sort((a, b) => a - b);
    const created = submitted.statuses[201] ?? 0;
    await end(`submit ${respondents.toLocaleString('en')} (concurrency ${CONCURRENCY})`, {
      note:
        `${Math.round(respondents / submitted.seconds)}/s, p50 ${Math.round(quantile(submitted.latencies, 0.5))} ms, p99 ${Math.round(quantile(submitted.latencies, 0.99))} ms, ` +
        `${created} × 201${created === respondents ? '' : ` (others: ${JSON.stringify(submitted.statuses)})`}; ` +
        `${polls.length} participation recounts meanwhile, median ${Math.round(quantile(polls, 0.5))} ms, max ${Math.round(polls.at(-1) ?? 0)} ms`,
    });

    const live = await json<{ responded: number | string }>(`/waves/${wave.id}/participation`);
    await end('participation recount after submissions', { note: `responded ${live.responded}` });

    const closed = await json<{ jobId: string }>(`/waves/${wave.id}/close`, { method: 'POST' });
    await waitForJob(jobs, closed.jobId);
    await end('close (with compaction)', { 'data folder MB': await mb() });

    const views: { view: string; ms: number; KB: number }[] = [];
    const view = async (name: string, path: string) => {
      const started = performance.now();
      const reply = await call(path);
      views.push({ view: name, ms: Math.round(performance.now() - started), KB: Math.round(Buffer.byteLength(reply.body) / 102.4) / 10 });
      return reply.body;
    };
    const w = `/waves/${wave.id}`;
    const division = `unit=${encodeURIComponent('Scale Co > Division 3')}`;
    const team = `unit=${encodeURIComponent(teamPath(42))}`;
    const root = JSON.parse(await view('results: whole organization', `${w}/results`)) as { wave: { responded?: number } };
    await view('results: a division', `${w}/results?${division}`);
    await view('results: a team', `${w}/results?${team}`);
    await view('results: an attribute value', `${w}/results?filter=${encodeURIComponent('tenure:1-3 years')}`);
    await view('results: a division × location', `${w}/results?${division}&filter=${encodeURIComponent('location:London')}`);
    await view('results CSV: a team', `${w}/results?format=csv&${team}`);
    await view('segment list', `${w}/segments`);
    await view('participation (closed)', `${w}/participation`);
    await view('compare (the wave with itself): a division', `/compare?from=${wave.id}&to=${wave.id}&${division}`);
    await view('compare CSV: a team', `/compare?format=csv&from=${wave.id}&to=${wave.id}&${team}`);
    for (const dimension of ['1', '2', 'tenure', 'location', 'contract']) await view(`heatmap: ${dimension}`, `${w}/heatmap?dimension=${dimension}`);
    await view('heatmap CSV: 2', `${w}/heatmap?format=csv&dimension=2`);
    await view('trend', `/surveys/${survey.id}/trend?statement=scale-clear`);
    await view('trend CSV: a division', `/surveys/${survey.id}/trend?format=csv&statement=scale-clear&${division}`);
    await view('comments', `${w}/comments?statement=scale-comment`);
    await end('read every view', { note: `${views.length} views; results say ${root.wave.responded ?? 'hidden'} responded` });

    await server.stop();
    serverStopped = true;
    await end('stop server', { 'data folder MB': await mb() });
    const peak = await memory.stop();

    console.log(
      `\nA ${people.toLocaleString('en')}-person wave end to end on the embedded runtime (${respondents.toLocaleString('en')} respond; data folder ${dataDir})`,
    );
    console.table(stages);
    console.table(views);
    console.log(`server peak memory: ${peak.peakRssMb} MB resident (sampled every 250 ms), kernel high-water mark ${peak.peakHwmMb} MB`);
    const countedOnce = created === respondents && live.responded === created && root.wave.responded === created;
    console.log(
      `every response counted once: ${countedOnce ? 'yes' : 'NO'} (${created} × 201; participation ${live.responded}; results ${root.wave.responded ?? 'hidden'})`,
    );
    if (!countedOnce) process.exitCode = 1;
    if (options.meter) printCloudEstimate(metered, stages, people, options.extrapolateTo ?? people);
    return stages;
  } finally {
    clearInterval(loadSampler);
    clearInterval(folderSampler);
    clearInterval(timeline);
    client.close();
    if (!serverStopped) {
      await memory.stop();
      await server.stop();
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The DynamoDB units each stage used, and the cloud's time for it extrapolated to `target` people. */
function printCloudEstimate(metered: MeteredStage[], stages: Stage[], people: number, target: number): void {
  const scale = target / people;
  console.log(
    `\nDynamoDB units per stage, metered on the embedded engine at ${people.toLocaleString('en')} people (the meter's shadow reads slow every request: its stage times above are not the unmetered run's)`,
  );
  console.table(
    metered.map(({ stage, requests, readUnits, writeUnits, hottestWrite, hottestRead, appCpuSeconds }) => ({
      stage,
      requests,
      'read units': Math.round(readUnits),
      'write units': Math.round(writeUnits),
      'hottest key (writes)': hottestWrite,
      'hottest key (reads)': hottestRead,
      'app CPU s (without the meter)': appCpuSeconds,
    })),
  );
  console.log(
    `\nEXTRAPOLATED, not measured on AWS: the cloud's time at ${target.toLocaleString('en')} people, from the units, requests and app CPU above × ${scale.toFixed(1)}, ` +
      `DynamoDB on-demand limits (${CLOUD.partitionWriteUnitsPerSecond} W / ${CLOUD.partitionReadUnitsPerSecond} R units/s per partition key; ` +
      `a new table ${CLOUD.tableWriteUnitsPerSecond} W / ${CLOUD.tableReadUnitsPerSecond} R units/s), ${CLOUD.roundTripMs} ms per request, ` +
      `the app's CPU × ${(CLOUD.fullVcpuMb / CLOUD.functionMb).toFixed(2)} (a ${CLOUD.functionMb} MB Lambda's share of a vCPU), and each stage's parallelism as stated. ` +
      'The stage takes the longest of the three bounds. See test/bench/cloud-estimate.ts.',
  );
  const rows = CLOUD_STAGES.flatMap(({ match, name, inFlight, separateInvocations, why }) => {
    const measured = metered.find((stage) => match.test(stage.stage));
    if (!measured) return [];
    const estimate = estimateCloudSeconds(measured, scale, inFlight, separateInvocations);
    const here = stages.find((stage) => match.test(stage.stage));
    return [
      {
        stage: name,
        'in flight': `${inFlight} (${why})`,
        'cloud s (extrapolated)': Math.round(estimate.seconds),
        'bound by': estimate.boundBy,
        ...Object.fromEntries(Object.entries(estimate.bounds).map(([bound, seconds]) => [`${bound} s`, Math.round(seconds)])),
        'job slices of 15 min': /^open|^close/.test(measured.stage) ? Math.ceil(estimate.seconds / CLOUD.jobSliceSeconds) : '',
        'metered run here s': here?.seconds ?? '',
      },
    ];
  });
  console.table(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const people = Number(process.argv[2] ?? 20_000);
  await benchScale(people > 0 ? people : 20_000);
}
