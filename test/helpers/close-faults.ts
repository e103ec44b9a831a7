/**
 * Races and crashes at a chosen point, through the SDK client's middleware stack (no sleeping and
 * hoping): hold a matching request until released, or fail it as a crash would.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { AppDeps } from '../../functions/deps.ts';
import { launchJob, runJob } from '../../functions/jobs/run-job.ts';
import { getWave, type Wave } from '../../functions/store/waves.ts';
import { createStore } from '../../functions/store/client.ts';
import { listCells } from '../../functions/store/cells.ts';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import type { TestRuntime } from './embedded.ts';

/** What a middleware sees of a document-client request. */
export interface SeenRequest {
  command: string;
  input: {
    TableName?: string;
    Key?: Record<string, unknown>;
    Item?: Record<string, unknown>;
    UpdateExpression?: string;
    ConditionExpression?: string;
    ExpressionAttributeValues?: Record<string, unknown>;
    RequestItems?: Record<string, unknown>;
  };
}
export type RequestMatcher = (request: SeenRequest) => boolean;

export interface Gate {
  /** Resolves when a matching request arrived and is being held. */
  reached: Promise<void>;
  /** Let the held request (and any later match) through. */
  release(): void;
  readonly hits: number;
}

let names = 0;

/** The document client's command name, whichever layer the middleware sees (UpdateItemCommand → UpdateCommand). */
const commandOf = (name: string | undefined) => (name ?? '').replace(/ItemCommand$/, 'Command');

/** Hold the first `times` matching requests before they are sent, until release(). */
export function holdRequest(client: DynamoDBClient, matches: RequestMatcher, times = 1): Gate {
  let reach!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (open = resolve));
  let hits = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (hits < times && matches({ command: commandOf(context.commandName), input: args.input as SeenRequest['input'] })) {
        hits++;
        reach();
        await released;
      }
      return next(args);
    },
    { step: 'initialize', name: `holdRequest${names++}` },
  );
  return {
    reached,
    release: () => open(),
    get hits() {
      return hits;
    },
  };
}

/** Fail the first `times` matching requests before they are sent, as a process dying there would. */
export function failRequest(client: DynamoDBClient, matches: RequestMatcher, times = 1): { readonly hits: number } {
  let hits = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (hits < times && matches({ command: commandOf(context.commandName), input: args.input as SeenRequest['input'] })) {
        hits++;
        throw new Error('crashed here (injected)');
      }
      return next(args);
    },
    { step: 'initialize', name: `failRequest${names++}` },
  );
  return {
    get hits() {
      return hits;
    },
  };
}

/** Let the first `times` matching requests reach the table, then fail as if the process died before hearing back. */
export function failAfterRequest(client: DynamoDBClient, matches: RequestMatcher, times = 1): { readonly hits: number } {
  let hits = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const hit = hits < times && matches({ command: commandOf(context.commandName), input: args.input as SeenRequest['input'] });
      const result = await next(args);
      if (hit) {
        hits++;
        throw new Error('crashed after this write (injected)');
      }
      return result;
    },
    { step: 'initialize', name: `failAfterRequest${names++}` },
  );
  return {
    get hits() {
      return hits;
    },
  };
}

/** The write that moves a wave's close into `stage` ('closed' is the last one: the status change). */
export const enteringCloseStage =
  (waveId: string, stage: string): RequestMatcher =>
  ({ command, input }) =>
    command === 'UpdateCommand' &&
    input.Key?.pk === `WAVE#${waveId}` &&
    input.Key?.sk === 'META' &&
    Object.values(input.ExpressionAttributeValues ?? {}).includes(stage) &&
    (stage === 'closed' ? /#status = :to/.test(input.UpdateExpression ?? '') : /closeStage|#f\d+/.test(input.UpdateExpression ?? ''));

/** Cells keyed by segment id, to compare two waves' published numbers. */
export async function cellsBySegment(rt: TestRuntime, waveId: string): Promise<Record<string, SegmentCell>> {
  return Object.fromEntries((await listCells(rt.deps.store, waveId)).map((cell) => [cell.segment.id, cell]));
}

/** Poll a job until it is no longer running. */
export async function jobOutcome(rt: TestRuntime, jobId: string): Promise<{ status: string; error?: string; result?: unknown }> {
  await rt.jobsIdle();
  return (await (await rt.staff(`/api/jobs/${jobId}`)).json()) as { status: string; error?: string };
}

/**
 * Dependencies for a run that dies at a chosen request, as a process killed there would: its own
 * client to the same engine, on which the matching request and every later one fail. `died`
 * resolves when it happened. Nothing of that run reaches the table afterwards.
 *
 * 'freezes' holds the matching request and every later one until thaw() (a paused VM, a long GC);
 * 'hears-late' lets the matching request reach the table and freezes before the run hears back.
 */
export async function aRunThatDies(
  rt: TestRuntime,
  matches: RequestMatcher,
  mode: 'dies' | 'freezes' | 'hears-late' = 'dies',
): Promise<{ deps: AppDeps; died: Promise<void>; thaw(): void; readonly dead: boolean; readonly writesAfterThaw: string[] }> {
  const endpoint = await rt.engine.client.config.endpoint!();
  const client = new DynamoDBClient({
    endpoint: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`,
    region: 'local',
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    maxAttempts: 1,
  });
  let dead = false;
  let die!: () => void;
  const died = new Promise<void>((resolve) => (die = resolve));
  let thaw!: () => void;
  let isThawed = false;
  const thawed = new Promise<void>((resolve) => (thaw = () => ((isThawed = true), resolve())));
  // Writes a thawed run issued after the thaw (requests it had in flight while frozen are not among them):
  // a run that lost its lease must issue none.
  const writesAfterThaw: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const issuedAfterThaw = isThawed;
      if (!dead && matches({ command: commandOf(context.commandName), input: args.input as SeenRequest['input'] })) {
        dead = true;
        if (mode === 'hears-late') {
          const landed = await next(args);
          die();
          await thawed;
          return landed;
        }
        die();
      }
      // A frozen process (a paused VM, a long GC) holds every request until thawed; a dead one sends nothing.
      if (dead && mode !== 'dies') await thawed;
      else if (dead) throw new Error('this process is dead (injected)');
      const result = await next(args);
      const command = commandOf(context.commandName);
      if (issuedAfterThaw && /^(Put|Update|Delete|BatchWrite)Command$/.test(command)) {
        const input = args.input as SeenRequest['input'];
        writesAfterThaw.push(
          `${command} ${String(input.Key?.pk ?? input.Item?.pk ?? Object.keys(input.RequestItems ?? {}).join(','))} ${String(input.Key?.sk ?? input.Item?.sk ?? '')}`,
        );
      }
      return result;
    },
    { step: 'initialize', name: `dieAt${names++}` },
  );
  const deps: AppDeps = { ...rt.deps, store: createStore(client, rt.deps.store.tables), logger: { info() {}, warn() {}, error() {} } };
  return {
    deps,
    died,
    thaw,
    get dead() {
      return dead;
    },
    writesAfterThaw,
  };
}

/** Launch a wave's job on a run's own dependencies; `settled()` waits for that run, whatever its end. */
export async function launchOn(deps: AppDeps, kind: 'open-wave' | 'close-wave', waveId: string): Promise<{ jobId: string; settled: () => Promise<void> }> {
  let run: Promise<void> = Promise.resolve();
  const jobId = await launchJob({ ...deps, jobs: { start: async (job) => void (run = runJob(deps, job).catch(() => {})) } }, kind, waveId);
  return { jobId, settled: () => run };
}

/**
 * A second run of a frozen run's close job takes the close over and is held at `ownerHeld`; then the
 * frozen run thaws and ends. Returns the writes it issued after the thaw and the wave before and
 * after it; `finish()` lets the owner run to the end. A run that still saw the frozen run's last
 * heartbeat leaves the job to it, so the job is invoked again, as Lambda's retry would.
 */
export async function thawAfterTakeover(
  rt: TestRuntime,
  run: { waveId: string; jobId: string; settled: () => Promise<void>; frozen: Awaited<ReturnType<typeof aRunThatDies>> },
  ownerHeld: RequestMatcher,
  ownerHolds = 1,
): Promise<{ landed: string[]; before: Wave; after: Wave; finish: () => Promise<void> }> {
  const owner = holdRequest(rt.engine.client, ownerHeld, ownerHolds);
  const invoke = () => runJob(rt.deps, { id: run.jobId, kind: 'close-wave', payload: { waveId: run.waveId } });
  let duplicate = invoke();
  for (let tries = 1; !(await Promise.race([owner.reached.then(() => true), duplicate.then(() => false)])); tries++) {
    expect(tries).toBeLessThan(20);
    duplicate = invoke();
  }
  const before = await getWave(rt.deps.store, run.waveId);
  run.frozen.thaw();
  await run.settled();
  const landed = [...run.frozen.writesAfterThaw];
  // Let the owner finish even when the caller's assertion on `landed` fails, so the next case starts clean.
  if (landed.length > 0) owner.release();
  const after = await getWave(rt.deps.store, run.waveId);
  return {
    landed,
    before,
    after,
    finish: async () => {
      owner.release();
      await duplicate;
    },
  };
}

/** The first `count` invitees answer (each a 201), as the close tests' waves are answered. */
export async function answerFirst(
  rt: TestRuntime,
  tokens: string[],
  count: number,
  answerOf: (index: number) => Record<string, number | string>,
): Promise<void> {
  for (let i = 0; i < count; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: answerOf(i) })).status).toBe(201);
}

/**
 * Invitations of the wave still holding more than their marker, read item by item from the base
 * table (a scan reads items, not an index); every one of the `invited` must be there. Where none
 * does, every marker must also look alike: the same attributes and the same expiry, whether its
 * person answered or not (what is left of a mark and of a seal differ only in MACs under the
 * destroyed secret).
 */
export async function invitationsLeftWithData(rt: TestRuntime, waveId: string, invited: number): Promise<number> {
  const items = (await rt.deps.store.doc.send(new ScanCommand({ TableName: rt.deps.store.tables.ephemeral }))).Items ?? [];
  const ofWave = items.filter((item) => item.waveId === waveId);
  expect(ofWave.length).toBe(invited);
  // A marker of the old shape (`closed`) never holds a mark; one of the new shape holds nothing of a person.
  const left = ofWave.filter(
    (item) => ['email', 'profile', 'locale', 'remindedRound'].some((name) => name in item) || ('closed' in item && ('answered' in item || 'receipt' in item)),
  ).length;
  if (left === 0) {
    const shapes = new Set(ofWave.map((item) => `${Object.keys(item).sort().join(',')} expiring ${item.expiresAt}`));
    expect([...shapes]).toHaveLength(1);
  }
  return left;
}

/** Make an open wave look opened before marks shed the person: its close then strips answered invitations, as it did. */
export async function asOpenedBeforeShedding(rt: TestRuntime, waveId: string): Promise<void> {
  await rt.deps.store.doc.send(
    new UpdateCommand({ TableName: rt.deps.store.tables.main, Key: { pk: `WAVE#${waveId}`, sk: 'META' }, UpdateExpression: 'REMOVE invitationsExpireAt' }),
  );
}
