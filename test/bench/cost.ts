/**
 * What a 10,000-person wave costs on AWS, counted request by request (issue 12). A real wave is
 * driven through the app in-process on the embedded engine: the directory upload, the open (with
 * its mail), 8,000 respondents each loading the questionnaire and submitting, two reminders, live
 * participation polled as the dashboard polls it, the close, and results views. A capacity meter
 * on the DynamoDB client's stack prices every request by DynamoDB's billing rules
 * (capacity-meter.ts); Lambda time is MODELLED from each request's measured app CPU and the
 * DynamoDB requests it waited on in sequence (lambda-sizing.ts), at the memory sizes infra deploys
 * (infra/function-memory.ts), and the bench prints per function which size that model would choose;
 * prices from the one dated table in prices.ts.
 *
 *   npm run bench -- cost [-- people]        (default 10,000)
 *
 * Assumptions, printed with the bill: 80% respond; the wave is open two weeks with one dashboard
 * tab showing participation the whole time; 300 results page views over the following year;
 * reminders after 50% and 70% have answered. Not counted: storage (a few MB), CloudFront and S3
 * (the respondent page is ~22 KB: 8,000 loads are ~0.2 GB, inside CloudFront's free 1 TB), Cognito,
 * CloudWatch logs, Lambda cold-start init time. The CPU is measured on this machine (its main
 * thread: the app; the embedded engine's thread is what DynamoDB would do) and the round trips are
 * an assumption: the Lambda line is a model, not a measurement on Lambda.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_TIMING } from '../../functions/deps.ts';
import { PARTICIPATION_REFRESH_MS } from '../../shared/participation.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/embedded.ts';
import { CapacityMeter } from './capacity-meter.ts';
import { MAIL_BATCH } from '../../functions/mailer.ts';
import { FUNCTION_MEMORY_MB, type FunctionName } from '../../infra/function-memory.ts';
import { PRICES, SES_SEND_MS, SES_SENDING_RATE } from './prices.ts';
import { inParallel } from './load.ts';
import { servedByApiGateway } from '../../infra/routes.ts';
import { mainThreadCpuMs } from './process-memory.ts';
import {
  chooseMemoryMb,
  COLD_START_CPU_MS,
  LAMBDA_MODEL,
  modelledMs,
  SIZING_BOUNDS,
  sizeRows,
  type FunctionMeasure,
  type RequestSample,
} from './lambda-sizing.ts';

const RESPONSE_RATE = 0.8;
const OPEN_DAYS = 14;
const VIEWS = { results: 180, heatmap: 60, trend: 40, csv: 20 } as const;
const SAMPLES_PER_VIEW = 20;
/** Respondents one at a time: each request's CPU is read from the thread's clock around it, so nothing else may run meanwhile. */
const CONCURRENCY = 1;
/**
 * Milliseconds of job time per message: the SES mailer keeps a whole batch in flight
 * (functions/adapters/ses-mailer.ts), each send waiting for its slot at the account's rate.
 */
const MAIL_MS_PER_MESSAGE = Math.max(SES_SEND_MS / MAIL_BATCH, 1000 / SES_SENDING_RATE);

const TENURE = ['<1 year', '1-3 years', '3-5 years', '5+ years'];
const LOCATION = ['Stockholm', 'London', 'New York'];
const AGREE = ['clear', 'training', 'career', 'feedback', 'support', 'strategy', 'workload', 'balance', 'speak-up', 'belonging', 'recognition', 'pride'];
const STATEMENTS = [
  ...AGREE.map((id) => ({ id: `cost-${id}`, text: { en: `Statement ${id}` }, scale: 'agree5', theme: 'Cost' })),
  { id: 'cost-enps', text: { en: 'Recommend us?' }, scale: 'enps', theme: 'Cost' },
  { id: 'cost-comment', text: { en: 'Anything else?' }, scale: 'text', theme: 'Cost' },
];

const unitPath = (team: number) => `Bench Co > Division ${team % 9} > Team ${team}`;

/** The share of the directory that changed between two uploads (moved team, new tenure band, joined or left). */
const CHANGED_SHARE = 0.02;
/** A working day's hours in which answers arrive, over the wave's working days: the refreshes that find new answers. */
const ANSWERING_HOURS = 8 * 10;

/** 10,000 people over 200 units (a root, 9 divisions, 190 teams) with tenure and location; `changed` of them differ (half moved, half replaced). */
function directoryCsv(people: number, changed = 0): string {
  const lines = ['email,orgUnit,tenure,location'];
  const every = changed > 0 ? Math.round(1 / changed) : 0;
  for (let i = 0; i < people; i++) {
    const touched = every > 0 && i % every === 0;
    const email = touched && i % (2 * every) === 0 ? `joined${i}@cost.test` : `p${i}@cost.test`;
    const team = touched ? (i * 7919 + 1) % 190 : (i * 7919) % 190;
    lines.push(`${email},${unitPath(team)},${TENURE[i % 4]},${LOCATION[Math.floor(i / 4) % 3]}`);
  }
  return lines.join('\n');
}

/** One request's (or job's) measure: the app's CPU (the meter's share taken out) and its DynamoDB requests. */
interface Measured {
  fn: FunctionName;
  cpuMs: number;
  dynamoRequests: number;
  sequentialRequests: number;
}

interface Timed {
  /** API requests made (each is a Lambda invocation; an API Gateway request unless the Respond function's URL serves it). */
  requests: number;
  /** Each request, and each job it started, as the sizing model needs it. */
  measured: Measured[];
  /** Wall time here, in-process against the embedded engine (for comparison only; not billed). */
  wallMs: number;
  /** API Gateway requests: the deployed routes say which requests go through it (infra/routes.ts); over 512 KB counts more than one. */
  apiUnits: number;
  /** The most the main thread's heap grew while one request or job ran, in MB, by function (the engine has its own thread and heap). */
  heapGrowthMb: Record<FunctionName, number>;
  /** For a job: the longest the main thread was blocked while it ran, ms. */
  longestBlockMs: number;
}

const emptyTimed = (): Timed => ({ requests: 0, measured: [], wallMs: 0, apiUnits: 0, heapGrowthMb: { respond: 0, staff: 0, jobs: 0 }, longestBlockMs: 0 });

/** Modelled Lambda milliseconds of a phase's requests at the deployed sizes. */
const modelledPhaseMs = (timed: Timed) => timed.measured.reduce((sum, m) => sum + modelledMs(m, FUNCTION_MEMORY_MB[m.fn]), 0);
/** GB-s of a phase at the deployed sizes. */
const phaseGbSeconds = (timed: Timed) =>
  timed.measured.reduce((sum, m) => sum + (modelledMs(m, FUNCTION_MEMORY_MB[m.fn]) * FUNCTION_MEMORY_MB[m.fn]) / 1024 / 1000, 0);

class Driver {
  readonly timed = new Map<string, Timed>();
  constructor(
    readonly rt: TestRuntime,
    readonly meter: CapacityMeter,
    private readonly adminToken: string,
  ) {}

  private entry(phase: string): Timed {
    let entry = this.timed.get(phase);
    if (!entry) this.timed.set(phase, (entry = emptyTimed()));
    return entry;
  }

  /**
   * One API request in `phase`, measured; `job` also waits for the jobs it started and bills them
   * to the job function. The app's CPU is the main thread's clock around the request (nothing else
   * runs meanwhile: requests go one at a time), less the meter's shadow requests' share (they run
   * on the same thread and cost about what the app's own requests do: the SDK's request path is
   * most of the app's CPU).
   */
  async request(phase: string, fn: 'respond' | 'staff', path: string, init: RequestInit = {}, job = false): Promise<Response> {
    return this.meter.run(phase, async () => {
      const headers = new Headers(init.headers);
      if (fn === 'staff') headers.set('authorization', `Bearer ${this.adminToken}`);
      if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
      const entry = this.entry(phase);
      const heap = new HeapWatch();
      const started = { cpu: mainThreadCpuMs(), run: this.meter.runSoFar(), wall: performance.now() };
      const response = await this.rt.app.request(path, { ...init, headers });
      const body = await response.arrayBuffer();
      const answered = { cpu: mainThreadCpuMs(), run: this.meter.runSoFar(), wall: performance.now() };
      entry.heapGrowthMb[fn] = Math.max(entry.heapGrowthMb[fn], heap.stop());
      if (response.status >= 400) throw new Error(`${path}: ${response.status} ${Buffer.from(body).toString()}`);
      entry.requests += 1;
      if (servedByApiGateway(path)) entry.apiUnits += Math.max(1, Math.ceil(body.byteLength / (512 * 1024)));
      entry.measured.push(measuredBetween(fn, started, answered));
      entry.wallMs += answered.wall - started.wall;
      if (job) {
        // What a job holds in memory (the jobs function's size is held to it): the heap sampled while it runs.
        const jobHeap = new HeapWatch();
        const blocked = new BlockWatch();
        try {
          await this.rt.jobsIdle();
        } finally {
          blocked.stop();
        }
        const ended = { cpu: mainThreadCpuMs(), run: this.meter.runSoFar(), wall: performance.now() };
        entry.heapGrowthMb.jobs = Math.max(entry.heapGrowthMb.jobs, jobHeap.stop());
        entry.longestBlockMs = Math.max(entry.longestBlockMs, blocked.longestMs);
        entry.measured.push(measuredBetween('jobs', answered, ended));
        entry.wallMs += ended.wall - answered.wall;
      }
      return new Response(body, { status: response.status, headers: response.headers });
    });
  }

  json = async <T>(response: Promise<Response>): Promise<T> => (await (await response).json()) as T;
}

type Reading = { cpu: number; run: ReturnType<CapacityMeter['runSoFar']> };

function measuredBetween(fn: FunctionName, from: Reading, to: Reading): Measured {
  const requests = to.run.requests - from.run.requests;
  const shadow = to.run.shadowRequests - from.run.shadowRequests;
  const cpu = to.cpu - from.cpu;
  return {
    fn,
    cpuMs: requests + shadow > 0 ? (cpu * requests) / (requests + shadow) : cpu,
    dynamoRequests: requests,
    sequentialRequests: to.run.sequentialRequests - from.run.sequentialRequests,
  };
}

/** The most the main thread's heap grew from now until stop(), sampled every 20 ms and at both ends. */
class HeapWatch {
  private readonly before = process.memoryUsage().heapUsed;
  private peak = this.before;
  private readonly timer = setInterval(() => this.sample(), 20);
  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().heapUsed);
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return (this.peak - this.before) / 2 ** 20;
  }
}

/**
 * The longest the main thread ran without returning to its event loop (a synchronous stretch such
 * as the close's confidentiality audit, during which the lease's heartbeat cannot run), in CPU ms:
 * the thread's CPU between two ticks of a 10 ms timer, so a busy machine's descheduling does not count.
 */
class BlockWatch {
  longestMs = 0;
  private last = mainThreadCpuMs();
  private readonly timer = setInterval(() => this.tick(), 10);
  private tick(): void {
    const now = mainThreadCpuMs();
    this.longestMs = Math.max(this.longestMs, now - this.last);
    this.last = now;
  }
  stop(): void {
    clearInterval(this.timer);
    this.tick();
  }
}

function answersFor(index: number): Record<string, number | string> {
  const answers: Record<string, number | string> = {};
  for (const [i, id] of AGREE.entries()) answers[`cost-${id}`] = 1 + ((index * 31 + i * 7) % 5);
  answers['cost-enps'] = (index * 13) % 11;
  if (index % 10 === 0) answers['cost-comment'] = 'More time for training, please, and clearer priorities from the leadership team.';
  return answers;
}

export interface CostFigures {
  people: number;
  awsWithoutMail: number;
  awsWithMail: number;
}

export async function benchCost(people = 10_000): Promise<CostFigures> {
  const rt = await startTestRuntime({ participationRefreshMs: DEFAULT_TIMING.participationRefreshMs });
  const meter = await CapacityMeter.attach(rt.engine.client);
  const d = new Driver(rt, meter, await rt.token('admin'));
  const started = performance.now();
  const log = (message: string) => console.error(`[cost ${Math.round((performance.now() - started) / 1000)} s] ${message}`);
  try {
    await d.request('upload directory (first)', 'staff', '/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: directoryCsv(people) });
    // Before each wave HR uploads the directory again, with a few people moved, joined or gone.
    await d.request('upload directory (again, 2% changed)', 'staff', '/api/roster', {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: directoryCsv(people, CHANGED_SHARE),
    });
    log('directory uploaded');
    for (const statement of STATEMENTS) await d.request('setup', 'staff', '/api/statements', { method: 'POST', body: JSON.stringify(statement) });
    const survey = await d.json<{ id: string }>(d.request('setup', 'staff', '/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Cost' }) }));
    const wave = await d.json<{ id: string }>(
      d.request('setup', 'staff', `/api/surveys/${survey.id}/waves`, {
        method: 'POST',
        body: JSON.stringify({ name: 'Cost', statementIds: STATEMENTS.map((s) => s.id) }),
      }),
    );
    const opened = await d.json<{ jobId: string }>(d.request('open', 'staff', `/api/waves/${wave.id}/open`, { method: 'POST' }, true));
    await expectJobDone(d, opened.jobId);
    const tokens = rt.tokens();
    if (tokens.length !== people) throw new Error(`expected ${people} invitations, got ${tokens.length}`);
    log('opened');
    // The mail-free path: the organization downloads every link and sends them itself.
    await d.request('mail merge: invitation links CSV', 'staff', `/api/waves/${wave.id}/invitations.csv`);

    const participation = `/api/waves/${wave.id}/participation`;
    const respondents = Math.round(people * RESPONSE_RATE);
    const pollBoth = async () => {
      rt.deps.timing.participationRefreshMs = 0;
      await d.request('live participation: refresh', 'staff', participation);
      rt.deps.timing.participationRefreshMs = DEFAULT_TIMING.participationRefreshMs;
      await d.request('live participation: cached poll', 'staff', participation);
      // The next refresh with nobody having answered since (nights, weekends).
      rt.deps.timing.participationRefreshMs = 0;
      await d.request('live participation: refresh, nothing new', 'staff', participation);
      rt.deps.timing.participationRefreshMs = DEFAULT_TIMING.participationRefreshMs;
    };
    await pollBoth();

    const stops = [Math.round(respondents * 0.625), Math.round(respondents * 0.875), respondents];
    let submitted = 0;
    for (const [round, stop] of stops.entries()) {
      await inParallel(tokens.slice(submitted, stop), CONCURRENCY, async (token, i) => {
        await d.request('respondent: questionnaire', 'respond', '/api/questionnaire', { method: 'POST', body: JSON.stringify({ token }) });
        await d.request('respondent: submit', 'respond', '/api/responses', {
          method: 'POST',
          body: JSON.stringify({ token, answers: answersFor(submitted + i) }),
        });
      });
      submitted = stop;
      log(`${submitted} submitted`);
      await pollBoth();
      if (round < 2) await d.request('remind', 'staff', `/api/waves/${wave.id}/remind`, { method: 'POST' }, true);
    }
    const mails = rt.mail.length;

    const closed = await d.json<{ jobId: string }>(d.request('close', 'staff', `/api/waves/${wave.id}/close`, { method: 'POST' }, true));
    await expectJobDone(d, closed.jobId);
    log('closed');

    const picker = (await pickerReads()) === 'segments' ? `/api/waves/${wave.id}/segments` : participation;
    const slices = [
      '',
      'unit=Bench%20Co',
      `unit=${encodeURIComponent(unitPath(42))}`,
      `unit=${encodeURIComponent('Bench Co > Division 3')}`,
      'filter=tenure%3A1-3%20years',
      `unit=${encodeURIComponent('Bench Co > Division 7')}&filter=location%3ALondon`,
    ];
    for (let i = 0; i < SAMPLES_PER_VIEW; i++) {
      const slice = slices[i % slices.length];
      // A results page: its results and the segment picker's list of the wave's groups.
      await d.request('view: results page', 'staff', `/api/waves/${wave.id}/results${slice ? `?${slice}` : ''}`);
      await d.request('view: results page', 'staff', picker);
      await d.request('view: heatmap', 'staff', `/api/waves/${wave.id}/heatmap${['', '?dimension=tenure', '?dimension=location', '?dimension=2'][i % 4]}`);
      await d.request('view: trend', 'staff', `/api/surveys/${survey.id}/trend?statement=cost-${AGREE[i % AGREE.length]}`);
      await d.request('view: results CSV', 'staff', `/api/waves/${wave.id}/results?format=csv${slice ? `&${slice}` : ''}`);
    }
    log('views read');

    // Per operation: how many times it ran here, and how many times it runs in the priced wave.
    const poll = await pollIntervalMs();
    const openMs = OPEN_DAYS * 24 * 3_600_000;
    const polls = openMs / poll;
    const refreshes = Math.min(polls, openMs / Math.max(poll, DEFAULT_TIMING.participationRefreshMs));
    const refreshesWithNews = Math.min(refreshes, (ANSWERING_HOURS * 3_600_000) / Math.max(poll, DEFAULT_TIMING.participationRefreshMs));
    const operations: { phase: string; ran: number; billed: number }[] = [
      { phase: 'upload directory (first)', ran: 1, billed: 0 },
      { phase: 'upload directory (again, 2% changed)', ran: 1, billed: 1 },
      { phase: 'open', ran: 1, billed: 1 },
      { phase: 'respondent: questionnaire', ran: respondents, billed: respondents },
      { phase: 'respondent: submit', ran: respondents, billed: respondents },
      { phase: 'remind', ran: 2, billed: 2 },
      { phase: 'live participation: refresh', ran: 4, billed: refreshesWithNews },
      { phase: 'live participation: refresh, nothing new', ran: 4, billed: refreshes - refreshesWithNews },
      { phase: 'live participation: cached poll', ran: 4, billed: polls - refreshes },
      { phase: 'close', ran: 1, billed: 1 },
      { phase: 'view: results page', ran: SAMPLES_PER_VIEW, billed: VIEWS.results },
      { phase: 'view: heatmap', ran: SAMPLES_PER_VIEW, billed: VIEWS.heatmap },
      { phase: 'view: trend', ran: SAMPLES_PER_VIEW, billed: VIEWS.trend },
      { phase: 'view: results CSV', ran: SAMPLES_PER_VIEW, billed: VIEWS.csv },
      { phase: 'mail merge: invitation links CSV', ran: 1, billed: 1 },
    ];
    const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
    const dollarsOf = (phase: string, ran: number, billed: number) => {
      const usage = meter.phase(phase);
      const timed = d.timed.get(phase) ?? emptyTimed();
      const gbSeconds = phaseGbSeconds(timed);
      const dollars =
        usage.readUnits * PRICES.dynamoReadUnit +
        usage.writeUnits * PRICES.dynamoWriteUnit +
        gbSeconds * PRICES.lambdaGbSecond +
        timed.requests * PRICES.lambdaRequest +
        timed.apiUnits * PRICES.apiRequest;
      return (dollars * billed) / ran;
    };
    const perOperation = operations.map(({ phase, ran, billed }) => {
      const usage = meter.phase(phase);
      const timed = d.timed.get(phase) ?? emptyTimed();
      return {
        operation: phase,
        'read units': round(usage.readUnits / ran),
        'write units': round(usage.writeUnits / ran),
        'of which index': round(usage.indexWriteUnits / ran),
        'DynamoDB requests': round(usage.requests / ran),
        'app CPU ms': round(timed.measured.reduce((sum, m) => sum + m.cpuMs, 0) / ran),
        'in sequence': round(timed.measured.reduce((sum, m) => sum + m.sequentialRequests, 0) / ran),
        'Lambda ms (model)': Math.round(modelledPhaseMs(timed) / ran),
        'wall ms here': Math.round(timed.wallMs / ran),
        'KB returned': round(usage.bytesReturned / 1024 / ran),
        'heap growth MB': round(Math.max(...Object.values(timed.heapGrowthMb))),
        'times in the wave': Math.round(billed),
        'AWS $ in the wave': `$${dollarsOf(phase, ran, billed).toFixed(4)}`,
      };
    });
    console.log(
      `\nDynamoDB units per operation (${people.toLocaleString('en')} invited, ${respondents.toLocaleString('en')} respond; per single run of the operation)`,
    );
    console.table(perOperation);
    for (const phase of ['close', 'open', 'live participation: refresh', 'upload directory (again, 2% changed)']) {
      console.log(`\nWhere ${phase} spends (per run; request kind and item kind)`);
      const ran = operations.find((operation) => operation.phase === phase)?.ran ?? 1;
      console.table(
        meter.breakdown(phase).map(({ kind, requests, readUnits, writeUnits, indexWriteUnits }) => ({
          kind,
          requests: round(requests / ran),
          'read units': round(readUnits / ran),
          'write units': round(writeUnits / ran),
          'of which index': round(indexWriteUnits / ran),
        })),
      );
    }

    printSizing(d, operations);

    const bill = (withMail: boolean) => {
      let reads = 0;
      let writes = 0;
      let gbSeconds = 0;
      let lambdaRequests = 0;
      let apiRequests = 0;
      for (const { phase, ran, billed } of operations) {
        if (billed === 0) continue;
        const share = billed / ran;
        const usage = meter.phase(phase);
        const timed = d.timed.get(phase) ?? emptyTimed();
        reads += usage.readUnits * share;
        writes += usage.writeUnits * share;
        gbSeconds += phaseGbSeconds(timed) * share;
        lambdaRequests += timed.requests * share;
        apiRequests += timed.apiUnits * share;
      }
      // Each job slice is one more (asynchronous) Lambda invocation: open, two reminders, close.
      lambdaRequests += 4;
      const sent = withMail ? mails : 0;
      gbSeconds += ((sent * MAIL_MS_PER_MESSAGE) / 1000) * (FUNCTION_MEMORY_MB.jobs / 1024);
      const lines = {
        'DynamoDB reads': reads * PRICES.dynamoReadUnit,
        'DynamoDB writes': writes * PRICES.dynamoWriteUnit,
        'Lambda duration': gbSeconds * PRICES.lambdaGbSecond,
        'Lambda requests': lambdaRequests * PRICES.lambdaRequest,
        'API Gateway': apiRequests * PRICES.apiRequest,
        SES: sent * PRICES.sesMessage,
      };
      const aws = Object.entries(lines).reduce((sum, [name, dollars]) => sum + (name === 'SES' ? 0 : dollars), 0);
      return { reads, writes, gbSeconds, lambdaRequests, apiRequests, sent, lines, aws, total: aws + lines.SES };
    };
    const mailFree = bill(false);
    const mailed = bill(true);
    console.log(`\nThe bill of one ${people.toLocaleString('en')}-person wave (prices: ${PRICES.checked})`);
    console.log(
      `Assumes: ${RESPONSE_RATE * 100}% respond (each loads the questionnaire once), open ${OPEN_DAYS} days with one dashboard tab visible the whole time (a hidden tab does not poll) polling participation every ${poll / 1000} s ` +
        `(server refresh every ${DEFAULT_TIMING.participationRefreshMs / 1000} s; answers arrive in ${ANSWERING_HOURS} working hours, so ${Math.round(refreshesWithNews)} refreshes find new answers and the rest reuse the last), ` +
        `the directory is uploaded again before the wave with ${CHANGED_SHARE * 100}% of people changed (the first upload, once per organization, is not billed to a wave), ${Object.values(VIEWS).reduce((a, b) => a + b, 0)} views in the following year ` +
        `(${Object.entries(VIEWS)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ')}), mail: one invitation + two reminders to those who had not answered = ${mails.toLocaleString('en')} messages, ` +
        `SES ~${SES_SEND_MS} ms per send from Lambda, ${MAIL_BATCH} in flight at once, at most ${SES_SENDING_RATE} a second (SES's starting rate: the job waits on the rate, ${Math.round(MAIL_MS_PER_MESSAGE)} ms a message). Storage, CloudFront, S3, Cognito and logs not counted.`,
    );
    const rows = Object.keys(mailFree.lines).map((line) => ({
      line,
      'mail merge (no SES)': `$${mailFree.lines[line as keyof typeof mailFree.lines].toFixed(4)}`,
      'SES: invitation + 2 reminders': `$${mailed.lines[line as keyof typeof mailed.lines].toFixed(4)}`,
    }));
    rows.push({ line: 'AWS besides mail', 'mail merge (no SES)': `$${mailFree.aws.toFixed(4)}`, 'SES: invitation + 2 reminders': `$${mailed.aws.toFixed(4)}` });
    rows.push({ line: 'total', 'mail merge (no SES)': `$${mailFree.total.toFixed(4)}`, 'SES: invitation + 2 reminders': `$${mailed.total.toFixed(4)}` });
    console.table(rows);
    console.log(
      `units: ${Math.round(mailFree.reads).toLocaleString('en')} read, ${Math.round(mailFree.writes).toLocaleString('en')} write; Lambda ${Math.round(mailFree.gbSeconds)} GB-s without mail, ${Math.round(mailed.gbSeconds)} GB-s with; ` +
        `${Math.round(mailFree.apiRequests).toLocaleString('en')} API Gateway requests (the respondent routes go to the Respond function's URL)`,
    );
    return { people, awsWithoutMail: mailFree.aws, awsWithMail: mailed.aws };
  } finally {
    meter.stop();
    await rt.stop();
  }
}

/**
 * Per function, what its requests in this wave would take on Lambda at each memory size (the model
 * in lambda-sizing.ts), and the smallest size that keeps the function's bounds; the bill uses the
 * deployed sizes (infra/function-memory.ts), and says so when the measurement would choose another.
 */
function printSizing(d: Driver, operations: { phase: string; ran: number; billed: number }[]): Record<FunctionName, number> {
  const measures: Record<FunctionName, FunctionMeasure> = {
    respond: { samples: [], heapGrowthMb: 0, coldStartCpuMs: COLD_START_CPU_MS.respond },
    staff: { samples: [], heapGrowthMb: 0, coldStartCpuMs: COLD_START_CPU_MS.staff },
    jobs: { samples: [], heapGrowthMb: 0, coldStartCpuMs: COLD_START_CPU_MS.jobs, longestBlockMs: 0 },
  };
  for (const [phase, timed] of d.timed) {
    const operation = operations.find((o) => o.phase === phase);
    // Setup requests are not billed, but must fit their function's bounds like any other.
    const weight = operation ? operation.billed / operation.ran : 0;
    for (const m of timed.measured)
      measures[m.fn].samples.push({
        operation: phase,
        cpuMs: m.cpuMs,
        dynamoRequests: m.dynamoRequests,
        sequentialRequests: m.sequentialRequests,
        weight,
      } satisfies RequestSample);
    for (const fn of Object.keys(measures) as FunctionName[]) measures[fn].heapGrowthMb = Math.max(measures[fn].heapGrowthMb, timed.heapGrowthMb[fn]);
    measures.jobs.longestBlockMs = Math.max(measures.jobs.longestBlockMs ?? 0, timed.longestBlockMs);
  }
  console.log(
    `\nLambda sizing, MODELLED (test/bench/lambda-sizing.ts): billed ms = app CPU × max(1, ${LAMBDA_MODEL.fullVcpuMb} / memory) + ${LAMBDA_MODEL.roundTripMs} ms per DynamoDB request in sequence; ` +
      `memory ≥ ${LAMBDA_MODEL.runtimeMb} MB + ${LAMBDA_MODEL.heapHeadroom} × the heap's growth; cold start = ${Object.entries(COLD_START_CPU_MS)
        .map(([fn, ms]) => `${fn} ${ms} ms`)
        .join(', ')} of CPU stretched alike. ` +
      `Bounds: ${Object.entries(SIZING_BOUNDS)
        .map(([fn, b]) => `${fn} p95 ≤ ${b.p95Ms} ms, max ≤ ${b.maxMs} ms, cold ≤ ${b.coldStartMs} ms${b.blockedMs ? `, blocked ≤ ${b.blockedMs} ms` : ''}`)
        .join('; ')}.`,
  );
  const chosen = {} as Record<FunctionName, number>;
  for (const fn of Object.keys(measures) as FunctionName[]) {
    const measure = measures[fn];
    const billed = measure.samples.filter((sample) => sample.weight > 0);
    const total = billed.reduce((sum, sample) => sum + sample.weight, 0) || 1;
    const mean = (key: 'cpuMs' | 'dynamoRequests' | 'sequentialRequests') => billed.reduce((sum, sample) => sum + sample[key] * sample.weight, 0) / total;
    chosen[fn] = chooseMemoryMb(measure, SIZING_BOUNDS[fn]);
    console.log(
      `\n${fn}: ${measure.samples.length} requests measured (${Math.round(total).toLocaleString('en')} in the wave); per request in the wave, mean app CPU ${mean('cpuMs').toFixed(1)} ms, ` +
        `${mean('dynamoRequests').toFixed(1)} DynamoDB requests, ${mean('sequentialRequests').toFixed(1)} in sequence; heap growth ≤ ${Math.round(measure.heapGrowthMb)} MB` +
        `${fn === 'jobs' ? `; main thread blocked ≤ ${Math.round(measure.longestBlockMs ?? 0)} ms` : ''}. Chosen: ${chosen[fn]} MB; deployed: ${FUNCTION_MEMORY_MB[fn]} MB` +
        `${chosen[fn] === FUNCTION_MEMORY_MB[fn] ? '' : ' (DIFFERENT: infra/function-memory.ts is not what this measurement chooses)'}`,
    );
    console.table(
      sizeRows(measure, SIZING_BOUNDS[fn]).map((row) => ({
        'memory MB': row.memoryMb,
        'p95 ms': row.p95Ms,
        'max ms': row.maxMs,
        'cold start ms': row.coldStartMs,
        ...(fn === 'jobs' ? { 'blocked ms': row.blockedMs } : {}),
        'GB-s in the wave': Math.round(row.gbSeconds * 10) / 10,
        fits: row.fails.length === 0 ? (row.memoryMb === chosen[fn] ? 'yes (chosen)' : 'yes') : row.fails.join('; '),
      })),
    );
  }
  return chosen;
}

async function expectJobDone(d: Driver, jobId: string): Promise<void> {
  const job = await d.json<{ status: string; error?: string }>(d.request('setup', 'staff', `/api/jobs/${jobId}`));
  if (job.status !== 'done') throw new Error(`job ${jobId}: ${job.status} ${job.error ?? ''}`);
}

/** What the dashboard's segment picker asks for (web/dashboard/lib/results.ts), read from its source so the bill follows the page. */
async function pickerReads(): Promise<'segments' | 'participation'> {
  const source = await readFile(new URL('../../web/dashboard/lib/results.ts', import.meta.url), 'utf8');
  const picker = source.slice(source.indexOf('export async function listSegmentChoices'));
  return /\/segments`/.test(picker.slice(0, 600)) ? 'segments' : 'participation';
}

/** How often the dashboard's participation page polls (web/dashboard/pages/Participation.svelte), read from its source so the bill follows the page. */
async function pollIntervalMs(): Promise<number> {
  const page = await readFile(new URL('../../web/dashboard/pages/Participation.svelte', import.meta.url), 'utf8');
  const literal = /setInterval\(refresh, ([\d_]+)\)/.exec(page);
  if (literal) return Number(literal[1].replaceAll('_', ''));
  if (/setInterval\(refresh, PARTICIPATION_REFRESH_MS\)/.test(page)) return PARTICIPATION_REFRESH_MS;
  throw new Error('could not find the participation poll interval in Participation.svelte');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const people = Number(process.argv[2] ?? 10_000);
  await benchCost(people > 0 ? people : 10_000);
}
