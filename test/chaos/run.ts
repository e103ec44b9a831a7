/**
 * `npm run test:chaos`: the real embedded server, SIGKILLed during open, during submissions (several
 * times) and inside each stage of the close (held there by BASELINE_CHAOS_HOLD_CLOSE until the
 * kill), restarted on the same data folder each time, with the clients doing what a browser and an
 * operator would (retry an unacknowledged submission with the same answers and the same submission
 * id, as the respondent page does; post the open or close again). Then every published number
 * (results of every group, every heatmap, participation) is compared with an uninterrupted run of
 * the same seeded scenario in a second data folder.
 *
 * Prints acknowledged (201s), counted, lost, doubled, retries that heard 409, mails per person (from
 * the outbox .eml files) and the stage each close kill landed in, and exits non-zero on any loss,
 * double count, retry told 409, extra mail beyond one batch, a close stage no kill landed in, or a
 * published number that differs. Loopback only; every loop is bounded in count and time.
 *
 *   npm run test:chaos            CHAOS_SEED, CHAOS_PEOPLE to vary the scenario; CHAOS_KEEP=1 keeps the data folders
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startEngine } from '../../functions/local/engine.ts';
import { MAIL_BATCH } from '../../functions/mailer.ts';
import { CLOSE_STAGES } from '../../functions/waves/close-wave.ts';
import { DEFAULT_TABLE_NAMES } from '../../shared/keys.ts';
import { buildScenario, rosterCsv, STATEMENTS, TENURES, UNITS, type Scenario } from './scenario.ts';
import { EmbeddedServer, freePort } from './server.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 20261129);
const PEOPLE = Number(process.env.CHAOS_PEOPLE ?? 400);
const RESPONSE_RATE = 0.85;
const CONCURRENCY = 16;
/** The whole run gives up after this long (a hung server must not hang CI). */
const DEADLINE = Date.now() + 8 * 60_000;
const root = resolve(import.meta.dirname, '../..');
/** A job that has not finished this long after the last restart or post is stuck (the close waits out 15 s of grace; the rest takes seconds). */
const STUCK_MS = 90_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function checkDeadline(what: string) {
  if (Date.now() > DEADLINE) throw new Error(`the chaos run ran out of time while ${what}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, everyMs = 20, timeoutMs = 180_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    checkDeadline(what);
    await sleep(everyMs);
  }
}

class Api {
  constructor(
    private readonly server: EmbeddedServer,
    private readonly token: string,
  ) {}

  /** A request; a refused or cut connection throws (the caller decides what a browser would do). */
  async send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${this.server.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, json };
  }

  async expect(method: string, path: string, statuses: number[], body?: unknown, contentType?: string) {
    const result = await this.send(method, path, body, contentType);
    if (!statuses.includes(result.status)) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.json).slice(0, 300)}`);
    return result;
  }
}

async function staffToken(dataDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'token', '--', '--role', 'admin'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir },
  });
  return stdout.trim().split('\n').pop()!;
}

/** Mail per recipient and each recipient's link token, read from the outbox's .eml files. */
async function readOutbox(dataDir: string): Promise<{ perPerson: Map<string, number>; tokens: Map<string, string>; total: number }> {
  const folder = join(dataDir, 'outbox');
  const files = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.eml'));
  const perPerson = new Map<string, number>();
  const tokens = new Map<string, string>();
  for (const file of files) {
    const eml = await readFile(join(folder, file), 'utf8');
    const to = /^To: (.+)$/m.exec(eml)?.[1]?.trim();
    const token = /\/r#([A-Za-z0-9_-]{43})/.exec(eml)?.[1];
    if (!to) continue;
    perPerson.set(to, (perPerson.get(to) ?? 0) + 1);
    if (token) tokens.set(to, token);
  }
  return { perPerson, tokens, total: files.length };
}

async function countOutbox(dataDir: string): Promise<number> {
  return (await readdir(join(dataDir, 'outbox')).catch(() => [] as string[])).length;
}

interface Run {
  server: EmbeddedServer;
  api: Api;
  waveId: string;
  events: string[];
}

async function startRun(label: string): Promise<Run & { scenario: Scenario }> {
  const dataDir = await mkdtemp(join(tmpdir(), `baseline-chaos-${label}-`));
  const server = new EmbeddedServer(dataDir, await freePort());
  await server.start();
  const api = new Api(server, await staffToken(dataDir));
  const scenario = buildScenario(SEED, PEOPLE, RESPONSE_RATE);
  await api.expect('PUT', '/api/roster', [200], rosterCsv(scenario.people), 'text/csv');
  for (const statement of STATEMENTS) await api.expect('POST', '/api/statements', [201, 409], statement);
  const survey = await api.expect('POST', '/api/surveys', [201], { name: 'Chaos pulse' });
  const wave = await api.expect('POST', `/api/surveys/${survey.json.id}/waves`, [201], {
    name: 'Chaos wave',
    statementIds: STATEMENTS.map((s) => s.id),
    minGroupSize: 5,
  });
  return { server, api, waveId: wave.json.id as string, events: [], scenario };
}

async function waveStatus(run: Run): Promise<string | undefined> {
  try {
    return (await run.api.send('GET', `/api/waves/${run.waveId}`)).json?.status;
  } catch {
    return undefined;
  }
}

async function jobState(run: Run, jobId: string): Promise<{ status?: string; progress?: { done: number; total: number }; error?: string }> {
  try {
    return (await run.api.send('GET', `/api/jobs/${jobId}`)).json ?? {};
  } catch {
    return {};
  }
}

/** A job id from a 202, or from a 409 that names the running job. */
function jobIdOf(result: { status: number; json: any }, fallback: string): string {
  if (typeof result.json?.jobId === 'string') return result.json.jobId;
  const named = /job ([A-Za-z0-9_-]{6,})/.exec(JSON.stringify(result.json ?? ''));
  return named?.[1] ?? fallback;
}

/**
 * After a restart: if the server picked the job up again by itself its progress moves (or the wave
 * reaches `target`); otherwise post the step again, as an operator would.
 */
async function resumeOrRepost(run: Run, step: 'open' | 'close', jobId: string, target: string): Promise<string> {
  if ((await waveStatus(run)) === target) return jobId;
  const before = await jobState(run, jobId);
  const end = Date.now() + 3_000;
  while (Date.now() < end) {
    await sleep(200);
    const now = await jobState(run, jobId);
    if ((await waveStatus(run)) === target || now.status !== 'running' || !isDeepStrictEqual(now.progress, before.progress)) {
      run.events.push(`${step}: the restarted server resumed job ${jobId} by itself`);
      return jobId;
    }
  }
  const again = await run.api.expect('POST', `/api/waves/${run.waveId}/${step}`, [202, 409]);
  const id = jobIdOf(again, jobId);
  run.events.push(`${step}: posted again → ${again.status}${id === jobId ? ' (same job)' : ''}`);
  return id;
}

async function openWave(run: Run, killAtMails: number | undefined): Promise<void> {
  const dataDir = run.server.dataDir;
  let jobId = jobIdOf(await run.api.expect('POST', `/api/waves/${run.waveId}/open`, [202]), '');
  if (killAtMails !== undefined) {
    // Kill the moment the count is reached, so that the kill lands inside a batch as often as not.
    await until('mail to go out', async () => (await countOutbox(dataDir)) >= killAtMails || (await waveStatus(run)) === 'open', 2);
    await run.server.kill();
    run.events.push(`open: SIGKILL with ${await countOutbox(dataDir)} mails in the outbox`);
    await run.server.start();
    jobId = await resumeOrRepost(run, 'open', jobId, 'open');
  }
  await until(
    `the wave to open (job ${jobId}${killAtMails === undefined ? '' : ', after the restart'})`,
    async () => {
      const job = await jobState(run, jobId);
      if (job.status === 'failed') throw new Error(`the open job failed: ${job.error}`);
      return (await waveStatus(run)) === 'open';
    },
    100,
    STUCK_MS,
  );
}

interface SubmissionTally {
  acknowledged: number;
  /** Retries that heard 409 after an earlier try of theirs was cut off: the respondent told "already answered" for their own counted answers (must be 0). */
  retriedThen409: number;
  /** Tries cut off by a kill or refused with a 5xx, then retried. */
  cutOff: number;
  /** Answers that should never happen before the close: a first try refused, a 410, a 4xx. */
  unexpected: string[];
}

/** Submit every respondent's answers at concurrency; kill the server when the acknowledged count passes each threshold. */
async function submitAll(run: Run, scenario: Scenario, tokens: Map<string, string>, killAfterAcks: number[]): Promise<SubmissionTally> {
  const tally: SubmissionTally = { acknowledged: 0, retriedThen409: 0, cutOff: 0, unexpected: [] };
  const cutBefore = new Set<string>();
  // One submission id per person, kept across retries as the respondent page keeps it with the pending answers.
  const submissionOf = (email: string) => createHash('sha256').update(`${SEED}:${email}`).digest('base64url').slice(0, 22);
  let queue = [...scenario.respondents];
  const kills = [...killAfterAcks];
  for (let round = 0; queue.length > 0; round++) {
    if (round > 50) throw new Error('submissions: too many rounds');
    const retry: typeof queue = [];
    let down = false;
    const nextKill = kills[0];
    const worker = async () => {
      while (!down && queue.length > 0) {
        const respondent = queue.shift()!;
        const token = tokens.get(respondent.email);
        if (!token) {
          tally.unexpected.push(`${respondent.email}: never mailed`);
          continue;
        }
        let status: number;
        try {
          status = (await run.api.send('POST', '/api/responses', { token, answers: respondent.answers, submission: submissionOf(respondent.email) })).status;
        } catch {
          status = 0;
        }
        if (status === 201) {
          tally.acknowledged++;
          if (nextKill !== undefined && !down && tally.acknowledged >= nextKill) {
            down = true;
            kills.shift();
            run.events.push(`submissions: SIGKILL after ${tally.acknowledged} acknowledged`);
            await run.server.kill();
          }
        } else if (status === 409 && cutBefore.has(respondent.email)) tally.retriedThen409++;
        else if (status === 0 || status >= 500) {
          tally.cutOff++;
          cutBefore.add(respondent.email);
          retry.push(respondent);
        } else tally.unexpected.push(`${respondent.email}: ${status}${cutBefore.has(respondent.email) ? ' on a retry' : ''}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // The browser retries what was not acknowledged, with the same answers, once the server is back.
    queue = [...retry, ...queue];
    if (down) await run.server.start();
    checkDeadline('submitting');
  }
  return tally;
}

interface CloseStep {
  /** Where the server holds the close (BASELINE_CHAOS_HOLD_CLOSE, functions/local/chaos-hold.ts) until the SIGKILL. */
  hold: string;
  /** Post the close again while the resumed close runs toward this hold (a double click, a retried request, a scheduled close). */
  postAgain?: boolean;
}

/** Kill points inside every stage of the close (not wherever a poll happens to catch it): held there, then SIGKILLed. */
const CLOSE_STEPS: CloseStep[] = [
  { hold: 'sealing:4' },
  { hold: 'cells:25' },
  { hold: 'rewriting:7', postAgain: true },
  // Between the destroying stage's deletes: the secret is gone, the live counts and the move into stripping are not.
  { hold: 'destroying:secret' },
  { hold: 'stripping:10' },
];

/**
 * The stage a close job's progress says it is in (each stage reports its shards; storing and
 * destroying-secret have none). A running close reports progress every few shards, so one that has
 * reported nothing yet is still in its first stage.
 */
function stageOf(job: { progress?: { done: number; total: number } }): string {
  if (!job.progress) return CLOSE_STAGES[0];
  const perStage = job.progress.total / (CLOSE_STAGES.length - 1);
  return CLOSE_STAGES[Math.min(CLOSE_STAGES.length - 1, Math.floor(job.progress.done / perStage))];
}

async function closeWave(run: Run, steps: CloseStep[], killsByStage: Map<string, number>): Promise<void> {
  const holdEnv = (index: number): Record<string, string> => (steps[index] ? { BASELINE_CHAOS_HOLD_CLOSE: steps[index].hold } : {});
  if (steps.length > 0) {
    // The server that takes the close must carry its first hold.
    await run.server.stop();
    await run.server.start(holdEnv(0));
  }
  let jobId = jobIdOf(await run.api.expect('POST', `/api/waves/${run.waveId}/close`, [202]), '');
  const others: string[] = [];
  for (const [index, step] of steps.entries()) {
    if (step.postAgain) {
      // While the resumed close runs on toward this step's hold (a held server would hold the request's own write too).
      const running = await jobState(run, jobId);
      const again = await run.api.send('POST', `/api/waves/${run.waveId}/close`);
      const id = jobIdOf(again, jobId);
      if (id !== jobId) others.push(id);
      run.events.push(
        `close: posted again while it runs (progress ${running.progress?.done}/${running.progress?.total}, stage ${stageOf(running)}) → ${again.status}${id === jobId ? ' (same job)' : ` (job ${id})`}`,
      );
    }
    const held = await run.server.waitForOutput(`chaos: holding the close at ${step.hold}`, STUCK_MS);
    const job = await jobState(run, jobId);
    if (job.status === 'failed') throw new Error(`the close job failed: ${job.error}`);
    const stage = stageOf(job);
    const where = `(job ${job.status}, progress ${job.progress ? `${job.progress.done}/${job.progress.total}` : 'none'}, stage ${stage})`;
    await run.server.kill();
    killsByStage.set(stage, (killsByStage.get(stage) ?? 0) + 1);
    run.events.push(`close: SIGKILL held at ${held.slice(held.indexOf(step.hold))} ${where}`);
    await run.server.start(holdEnv(index + 1));
    jobId = await resumeOrRepost(run, 'close', jobId, 'closed');
  }
  await until(
    `the wave to close (job ${jobId})`,
    async () => {
      const job = await jobState(run, jobId);
      if (job.status === 'failed') throw new Error(`the close job failed: ${job.error}`);
      return (await waveStatus(run)) === 'closed';
    },
    100,
    STUCK_MS,
  );
  for (const id of others) {
    const other = await jobState(run, id);
    run.events.push(`close: the second job ${id} ended ${other.status ?? 'unknown (killed)'}${other.error ? `: ${other.error}` : ''}`);
  }
}

/** Every published number: results of the whole and of every unit and attribute value, every heatmap, participation. */
async function publishedNumbers(run: Run): Promise<Record<string, unknown>> {
  const views: Record<string, unknown> = {};
  const get = async (name: string, path: string) => {
    const { status, json } = await run.api.send('GET', path);
    views[name] = { status, body: json };
    return json;
  };
  const unitPaths = [...new Set(UNITS.flatMap((path) => path.split(' > ').map((_, index, parts) => parts.slice(0, index + 1).join(' > '))))];
  await get('results', `/api/waves/${run.waveId}/results`);
  for (const unit of unitPaths) await get(`results unit=${unit}`, `/api/waves/${run.waveId}/results?unit=${encodeURIComponent(unit)}`);
  for (const tenure of TENURES)
    await get(`results filter=tenure:${tenure}`, `/api/waves/${run.waveId}/results?filter=${encodeURIComponent(`tenure:${tenure}`)}`);
  const heatmap = (await get('heatmap', `/api/waves/${run.waveId}/heatmap`)) as { dimensions?: Array<{ id: string }> };
  for (const dimension of heatmap.dimensions ?? [])
    await get(`heatmap dimension=${dimension.id}`, `/api/waves/${run.waveId}/heatmap?dimension=${encodeURIComponent(dimension.id)}`);
  await get('participation', `/api/waves/${run.waveId}/participation`);
  return normalize(views, run.waveId) as Record<string, unknown>;
}

const VOLATILE = new Set(['opensAt', 'closesAt', 'createdAt', 'computedAt', 'at']);

/**
 * Make two runs comparable: ids minted at random (wave, survey, org units) become their labels or a
 * placeholder, times go; lists are sorted so that an order that follows random ids cannot differ.
 */
function normalize(value: unknown, waveId: string, labels = new Map<string, string>()): unknown {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item && typeof item === 'object' && typeof (item as any).id === 'string' && typeof (item as any).label === 'string')
        labels.set((item as any).id, (item as any).label);
    }
    const items = value.map((item) => normalize(item, waveId, labels));
    // Sorted by what names an entry (statement, group), so that one changed number does not reshuffle the rest.
    const identity = (item: any) =>
      item && typeof item === 'object' ? [item.statementId, item.segmentId, item.id, item.label].map((part) => part ?? '').join('\u0000') : '';
    return items
      .map((item) => [`${identity(item)}\u0001${JSON.stringify(item)}`, item] as const)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, item]) => item);
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const self = value as { id?: unknown; label?: unknown };
    if (typeof self.id === 'string' && typeof self.label === 'string') labels.set(self.id, self.label);
    for (const [, child] of entries) if (Array.isArray(child)) normalize(child, waveId, labels); // learn labels first
    return Object.fromEntries(
      entries
        .filter(([key]) => !VOLATILE.has(key))
        .map(([key, child]) => [labels.get(key) ?? key, normalize(child, waveId, labels)] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  }
  if (typeof value === 'string') {
    if (value === waveId) return '<wave>';
    return labels.get(value) ?? value;
  }
  return value;
}

function differences(a: unknown, b: unknown, path = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) === !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => differences((a as any)[key], (b as any)[key], `${path}/${key}`));
  }
  return [`${path}: ${JSON.stringify(a)?.slice(0, 160)} ≠ ${JSON.stringify(b)?.slice(0, 160)}`];
}

/**
 * After the server stopped: open its data folder with the embedded engine and read the base table
 * (not an index) for invitations of the wave that still hold something of a person.
 */
async function invitationsLeftOver(dataDir: string, waveId: string): Promise<number> {
  const engine = await startEngine(dataDir);
  try {
    const doc = DynamoDBDocumentClient.from(engine.client);
    let left = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: DEFAULT_TABLE_NAMES.ephemeral, ExclusiveStartKey }));
      for (const item of page.Items ?? []) {
        if (
          item.waveId === waveId &&
          String(item.pk).startsWith('INV#') &&
          // A person's details, or a mark beside an old-shape marker; a marker of the new shape keeps an answered flag and a receipt, as a seal's does.
          (['email', 'profile', 'locale', 'remindedRound'].some((name) => item[name] !== undefined) ||
            (item.closed !== undefined && (item.answered !== undefined || item.receipt !== undefined)))
        )
          left++;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return left;
  } finally {
    await engine.stop();
  }
}

async function uninterrupted(): Promise<{ numbers: Record<string, unknown>; mails: number }> {
  const run = await startRun('reference');
  try {
    await openWave(run, undefined);
    const outbox = await readOutbox(run.server.dataDir);
    const tally = await submitAll(run, run.scenario, outbox.tokens, []);
    if (tally.unexpected.length > 0 || tally.acknowledged !== run.scenario.respondents.length)
      throw new Error(`the uninterrupted run did not take every answer: ${JSON.stringify(tally).slice(0, 400)}`);
    await closeWave(run, [], new Map());
    return { numbers: await publishedNumbers(run), mails: outbox.total };
  } finally {
    await run.server.stop();
    if (!process.env.CHAOS_KEEP) await rm(run.server.dataDir, { recursive: true, force: true });
    else console.log(`reference data: ${run.server.dataDir}`);
  }
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  console.log(`chaos run: seed ${SEED}, ${PEOPLE} people, real embedded server, SIGKILL during open, submissions and close`);
  const run = await startRun('chaos');
  const respondents = run.scenario.respondents.length;
  let tally: SubmissionTally;
  let numbers: Record<string, unknown>;
  let outbox: Awaited<ReturnType<typeof readOutbox>>;
  const killsByStage = new Map<string, number>();
  try {
    await openWave(run, Math.round(PEOPLE * 0.42));
    outbox = await readOutbox(run.server.dataDir);
    tally = await submitAll(
      run,
      run.scenario,
      outbox.tokens,
      [0.25, 0.5, 0.75].map((share) => Math.round(respondents * share)),
    );
    await closeWave(run, CLOSE_STEPS, killsByStage);
    numbers = await publishedNumbers(run);
  } catch (error) {
    console.log(run.events.map((event) => `  ${event}`).join('\n'));
    console.log(`server log (last lines):\n${run.server.log()}`);
    throw error;
  } finally {
    await run.server.stop();
  }
  const leftOver = await invitationsLeftOver(run.server.dataDir, run.waveId);
  if (!process.env.CHAOS_KEEP) await rm(run.server.dataDir, { recursive: true, force: true });
  else console.log(`chaos data: ${run.server.dataDir}`);
  for (const event of run.events) console.log(`  ${event}`);
  console.log(`  server starts: ${run.server.starts}`);

  const reference = await uninterrupted();
  const diffs = differences(numbers, reference.numbers);
  // Participation hides a count under k: a wave wiped to (almost) nothing shows no count, read as 0.
  const respondedOf = (views: Record<string, unknown>) =>
    Number((views.participation as any)?.body?.responded ?? (views.results as any)?.body?.wave?.responded ?? 0);
  const counted = respondedOf(numbers);
  const expected = respondedOf(reference.numbers);
  const mailed = [...outbox.perPerson.values()];
  const figures = {
    respondents,
    acknowledged: tally.acknowledged,
    retriedThen409: tally.retriedThen409,
    cutOff: tally.cutOff,
    counted,
    expected,
    lost: Math.max(0, expected - counted),
    doubled: Math.max(0, counted - expected),
    mailsTotal: outbox.total,
    mailsMaxPerPerson: Math.max(...mailed),
    peopleMailed: outbox.perPerson.size,
    extraMails: outbox.total - outbox.perPerson.size,
    referenceMails: reference.mails,
    publishedDifferences: diffs.length,
    closeKillsByStage: Object.fromEntries(killsByStage),
    invitationsLeftOver: leftOver,
  };
  console.log('');
  console.log(
    `acknowledged (201s):            ${figures.acknowledged} of ${respondents} respondents (+${figures.retriedThen409} retries that heard 409 after a cut-off try; ${figures.cutOff} tries cut off)`,
  );
  console.log(`counted (published responded):  ${figures.counted} (uninterrupted run: ${figures.expected})`);
  console.log(`lost (acknowledged, not counted): ${figures.lost}`);
  console.log(`doubled:                        ${figures.doubled}`);
  console.log(
    `mails: ${figures.mailsTotal} to ${figures.peopleMailed} of ${PEOPLE} people, max ${figures.mailsMaxPerPerson} per person, ${figures.extraMails} extra (uninterrupted run: ${figures.referenceMails})`,
  );
  console.log(`invitations still holding something of a person after close: ${leftOver}`);
  console.log(`close SIGKILLs by the stage they landed in: ${[...killsByStage].map(([stage, kills]) => `${stage} ${kills}`).join(', ')}`);
  console.log(`published numbers that differ from the uninterrupted run: ${diffs.length}`);
  for (const diff of diffs.slice(0, 15)) console.log(`  ${diff}`);
  console.log(`figures: ${JSON.stringify(figures)}`);

  const checks: Array<[string, boolean]> = [
    ['every respondent acknowledged', tally.acknowledged === respondents && tally.unexpected.length === 0],
    ['no retry of a cut-off submission heard 409', tally.retriedThen409 === 0],
    [
      'a close SIGKILL landed inside each of sealing, storing, rewriting, destroying-secret and stripping',
      ['sealing', 'storing', 'rewriting', 'destroying-secret', 'stripping'].every((stage) => (killsByStage.get(stage) ?? 0) > 0),
    ],
    ['nothing acknowledged lost', figures.lost === 0 && Number.isFinite(counted)],
    ['nothing counted twice', figures.doubled === 0],
    ['everyone invited', figures.peopleMailed === PEOPLE],
    [`at most one batch of mail extra (≤ ${MAIL_BATCH}, ≤ 1 per person)`, figures.extraMails <= MAIL_BATCH && figures.mailsMaxPerPerson <= 2],
    ['every published number equals the uninterrupted run', diffs.length === 0],
    ['no invitation of the closed wave holds an email, a profile or a locale (or an old-shape marker a mark)', leftOver === 0],
  ];
  for (const problem of tally.unexpected.slice(0, 10)) console.log(`  unexpected: ${problem}`);
  for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  const failed = checks.filter(([, ok]) => !ok).length;
  console.log(`${Math.round((Date.now() - startedAt) / 1000)} s`);
  console.log(`chaos: ${checks.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log('chaos: 0 passed, 1 failed');
    process.exit(1);
  },
);
