/**
 * Crash anywhere, run twice anywhere (issue 8): a close whose run dies at any stage boundary and is
 * resumed, a close run twice at once (a duplicate invocation), and an open that dies at each of its
 * boundaries, all publish what one uninterrupted close publishes, and leave no invitation holding
 * a person's data (checked item by item in the base table).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeUnfinishedJobs, runJob } from '../functions/jobs/run-job.ts';
import { getWave } from '../functions/store/waves.ts';
import { CLOSE_STAGES } from '../functions/waves/close-wave.ts';
import { FAST_TIMING, startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';
import {
  aRunThatDies,
  cellsBySegment,
  enteringCloseStage,
  holdRequest,
  jobOutcome,
  answerFirst,
  invitationsLeftWithData,
  asOpenedBeforeShedding,
  launchOn,
  thawAfterTakeover,
  type RequestMatcher,
} from './helpers/close-faults.ts';

const roster = aRoster(40);
const ANSWERED = 30;
let rt: TestRuntime;
let reference: Awaited<ReturnType<typeof cellsBySegment>>;

/** The same people answer the same in every wave (mail goes out in directory order, so token i is person i). */
beforeAll(async () => {
  // A short lease, so that a run that stopped renewing is taken over quickly.
  rt = await startTestRuntime({ ...FAST_TIMING, jobLeaseMs: 300 });
  const wave = await aWave(rt).withRoster(roster).open();
  await answerFirst(rt, wave.tokens, ANSWERED, anAnswer);
  expect((await closeWave(rt, wave.waveId)).status).toBe('done');
  reference = await cellsBySegment(rt, wave.waveId);
});
afterAll(async () => {
  await rt.stop();
});

const boundaries = (waveId: string): Record<string, RequestMatcher> => ({
  'its lease is taken': ({ command, input }) =>
    command === 'UpdateCommand' && input.Key?.pk === `WAVE#${waveId}` && /SET leaseRun = :run/.test(input.UpdateExpression ?? ''),
  ...Object.fromEntries(CLOSE_STAGES.slice(1).map((stage) => [`it enters ${stage}`, enteringCloseStage(waveId, stage)])),
});
const BOUNDARIES = Object.keys(boundaries('any'));

describe('a close that dies at a stage boundary', () => {
  it.each(BOUNDARIES)('resumed after dying as %s: the same cells, no invitation with data', async (boundary) => {
    const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
    await answerFirst(rt, tokens, ANSWERED, anAnswer);
    const doomed = await aRunThatDies(rt, boundaries(waveId)[boundary]);
    const { jobId } = await launchOn(doomed.deps, 'close-wave', waveId);
    await doomed.died;
    expect((await getWave(rt.deps.store, waveId)).status).toBe('closing');
    // What the embedded start-up does after a kill -9.
    expect(await resumeUnfinishedJobs(rt.deps)).toEqual([jobId]);
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });
    expect(await cellsBySegment(rt, waveId)).toEqual(reference);
    expect(await invitationsLeftWithData(rt, waveId, roster.length)).toBe(0);
  });
});

describe('a close run twice at once', () => {
  // Held before it took the lease, the first run is not alive yet: the duplicate may take the claim's lease itself.
  it.each(BOUNDARIES.slice(1))('a duplicate run while the first is alive as %s does nothing and leaves the job to it', async (boundary) => {
    const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
    await answerFirst(rt, tokens, ANSWERED, anAnswer);
    const gate = holdRequest(rt.engine.client, boundaries(waveId)[boundary]);
    const { jobId } = (await (await rt.staff(`/api/waves/${waveId}/close`, { method: 'POST' })).json()) as { jobId: string };
    await gate.reached;
    const before = await getWave(rt.deps.store, waveId);
    // Lambda's at-least-once delivery: the same job again. The first run is alive (its heartbeat renews the lease).
    await runJob(rt.deps, { id: jobId, kind: 'close-wave', payload: { waveId } });
    const after = await getWave(rt.deps.store, waveId);
    gate.release();
    expect([after.status, after.closeStage, after.acknowledged]).toEqual([before.status, before.closeStage, before.acknowledged]);
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });
    expect(await cellsBySegment(rt, waveId)).toEqual(reference);
  });

  it.each(BOUNDARIES)(
    'a duplicate run takes over from a first run frozen as %s; the first, thawed, writes nothing wrong and fails nothing',
    async (boundary) => {
      const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
      await answerFirst(rt, tokens, ANSWERED, anAnswer);
      const frozen = await aRunThatDies(rt, boundaries(waveId)[boundary], 'freezes');
      const first = await launchOn(frozen.deps, 'close-wave', waveId);
      await frozen.died;
      await runJob(rt.deps, { id: first.jobId, kind: 'close-wave', payload: { waveId } });
      expect(await jobOutcome(rt, first.jobId)).toMatchObject({ status: 'done' });
      frozen.thaw();
      await first.settled();
      expect(await jobOutcome(rt, first.jobId)).toMatchObject({ status: 'done' });
      expect((await getWave(rt.deps.store, waveId)).status).toBe('closed');
      expect(await cellsBySegment(rt, waveId)).toEqual(reference);
      expect(await invitationsLeftWithData(rt, waveId, roster.length)).toBe(0);
    },
  );
});

describe("the close's partial counts", () => {
  it("sit in the ephemeral table with an expiry while the close runs (no backup of main holds a small group's count), and are gone after", async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
    await answerFirst(rt, tokens, ANSWERED, anAnswer);
    const gate = holdRequest(rt.engine.client, enteringCloseStage(waveId, 'storing'));
    const close = closeWave(rt, waveId);
    await gate.reached;
    const scan = async (table: string) => (await rt.deps.store.doc.send(new ScanCommand({ TableName: table }))).Items ?? [];
    const tallies = (await scan(rt.deps.store.tables.ephemeral)).filter((item) => item.pk === `CLOSE#${waveId}`);
    // Every shard's head and chunk items, each with its expiry.
    expect(tallies.length).toBeGreaterThanOrEqual(2 * 16);
    expect(tallies.every((item) => typeof item.expiresAt === 'number' && item.expiresAt > Date.now() / 1000)).toBe(true);
    const inMain = (await scan(rt.deps.store.tables.main)).filter(
      (item) =>
        String(item.pk).includes(waveId) && String(item.sk).startsWith('BLOB#') && item.sk !== 'BLOB#snapshot' && !String(item.sk).startsWith('BLOB#snapshot#'),
    );
    expect(inMain.map((item) => item.sk)).toEqual([]);
    gate.release();
    expect(await close).toMatchObject({ status: 'done' });
    expect((await scan(rt.deps.store.tables.ephemeral)).filter((item) => item.pk === `CLOSE#${waveId}`)).toEqual([]);
  });
});

describe('stripping verified by key', () => {
  it('strips again what a first pass left holding data (the index saw the marker, the item did not), until none does', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
    // Only a wave opened before marks shed the person has answered invitations to strip.
    await asOpenedBeforeShedding(rt, waveId);
    await answerFirst(rt, tokens, ANSWERED, anAnswer);
    // The engine writes an index entry before its item: a batch it acknowledged may leave items
    // unwritten when the process dies between the two. Here the first strip batch loses half its items.
    let lost = 0;
    rt.engine.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { RequestItems?: Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> } }>> };
        const requests = input.RequestItems?.[rt.deps.store.tables.ephemeral];
        const strips =
          Array.isArray(requests) && requests.filter((request) => request.PutRequest?.Item.closed === true && request.PutRequest.Item.waveId === waveId);
        if (lost === 0 && requests && strips && strips.length > 1) {
          const dropped = new Set(strips.slice(0, Math.floor(strips.length / 2)));
          lost = dropped.size;
          input.RequestItems![rt.deps.store.tables.ephemeral] = requests.filter((request) => !dropped.has(request));
        }
        return next(args);
      },
      { step: 'initialize', name: 'loseHalfOfTheFirstStrip' },
    );
    expect(await closeWave(rt, waveId)).toMatchObject({ status: 'done' });
    expect(lost).toBeGreaterThan(0);
    expect(await invitationsLeftWithData(rt, waveId, roster.length)).toBe(0);
    expect(await cellsBySegment(rt, waveId)).toEqual(reference);
  });
});

describe('a run that lost its lease', () => {
  // Frozen at a fenced write, taken over by a duplicate that is then held while the wave is still closing: the thawed run's write must be refused.
  const STALE_POINTS: Record<
    string,
    { frozen: (waveId: string) => RequestMatcher; ownerHeld: (waveId: string) => RequestMatcher; openedBeforeShedding?: true }
  > = {
    'recording its first sealed shard': {
      frozen:
        (waveId) =>
        ({ command, input }) =>
          command === 'UpdateCommand' && input.Key?.pk === `WAVE#${waveId}` && /closeShards = list_append/.test(input.UpdateExpression ?? ''),
      ownerHeld: (waveId) => enteringCloseStage(waveId, 'storing'),
    },
    // Frozen at a write inside a stage (not conditional on the lease): thawed, it must not go on to the next.
    'sealing its first invitations': {
      frozen:
        () =>
        ({ command, input }) =>
          // A seal (a mark's condition also asks that the item exists).
          command === 'UpdateCommand' && String(input.Key?.pk).startsWith('INV#') && /^answered = :no/.test(input.ConditionExpression ?? ''),
      ownerHeld: (waveId) => enteringCloseStage(waveId, 'storing'),
    },
    // Only a wave opened before marks shed the person has answered invitations to strip.
    'stripping its first invitations': {
      frozen:
        () =>
        ({ command, input }) =>
          command === 'BatchWriteCommand' && JSON.stringify(input.RequestItems ?? {}).includes('"closed":true'),
      ownerHeld: (waveId) => enteringCloseStage(waveId, 'closed'),
      openedBeforeShedding: true,
    },
    ...Object.fromEntries(
      CLOSE_STAGES.slice(1, -1).map((stage, index) => [
        `entering ${stage}`,
        { frozen: (waveId: string) => enteringCloseStage(waveId, stage), ownerHeld: (waveId: string) => enteringCloseStage(waveId, CLOSE_STAGES[index + 2]) },
      ]),
    ),
  };
  it.each(Object.keys(STALE_POINTS))(
    'frozen while %s and thawed after a duplicate took over: it writes nothing, the wave stays where the owner put it',
    async (point) => {
      const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
      if (STALE_POINTS[point].openedBeforeShedding) await asOpenedBeforeShedding(rt, waveId);
      await answerFirst(rt, tokens, ANSWERED, anAnswer);
      const frozen = await aRunThatDies(rt, STALE_POINTS[point].frozen(waveId), 'freezes');
      const first = await launchOn(frozen.deps, 'close-wave', waveId);
      await frozen.died;
      const { landed, before, after, finish } = await thawAfterTakeover(rt, { waveId, ...first, frozen }, STALE_POINTS[point].ownerHeld(waveId));
      // What it had in flight when it froze may land (the same items and contents the owner writes); it issues nothing after,
      // not even the rest of a write that spans several requests (a shard's counts, a strip batch): each request is checked.
      expect(landed).toEqual([]);
      expect([after.closeStage, after.closeShards, after.leaseRun]).toEqual([before.closeStage, before.closeShards, before.leaseRun]);
      await finish();
      expect(await jobOutcome(rt, first.jobId)).toMatchObject({ status: 'done' });
      expect(await cellsBySegment(rt, waveId)).toEqual(reference);
    },
  );
});

describe('an open that dies at a boundary', () => {
  const OPEN_BOUNDARIES: Record<string, (waveId: string) => RequestMatcher> = {
    'its lease is taken': (waveId) => boundaries(waveId)['its lease is taken'],
    'the secret is stored':
      () =>
      ({ command, input }) =>
        command === 'PutCommand' && String(input.Item?.pk).startsWith('SECRET#'),
    'the snapshot is stored':
      (waveId) =>
      ({ command, input }) =>
        command === 'PutCommand' && input.Item?.pk === `WAVE#${waveId}` && input.Item?.sk === 'BLOB#snapshot',
    'the first invitations are written':
      () =>
      ({ command, input }) =>
        command === 'BatchWriteCommand' && JSON.stringify(input.RequestItems ?? {}).includes('"INV#'),
    'the resume point moves':
      (waveId) =>
      ({ command, input }) =>
        command === 'UpdateCommand' && input.Key?.pk === `WAVE#${waveId}` && /openedThrough = :to/.test(input.UpdateExpression ?? ''),
    'it becomes open':
      (waveId) =>
      ({ command, input }) =>
        command === 'UpdateCommand' && input.Key?.pk === `WAVE#${waveId}` && input.ExpressionAttributeValues?.[':to'] === 'open',
  };
  it.each(Object.keys(OPEN_BOUNDARIES))('resumed after dying as %s: one invitation per person, and the close publishes the same cells', async (boundary) => {
    const { waveId } = await aWave(rt).withRoster(roster).draft();
    const mailedBefore = rt.mail.length;
    const doomed = await aRunThatDies(rt, OPEN_BOUNDARIES[boundary](waveId));
    const { jobId } = await launchOn(doomed.deps, 'open-wave', waveId);
    await doomed.died;
    expect(await resumeUnfinishedJobs(rt.deps)).toEqual([jobId]);
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });
    const tokenOf = new Map(rt.mail.slice(mailedBefore).map((message) => [message.to, /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1]]));
    expect(tokenOf.size).toBe(roster.length);
    await answerFirst(
      rt,
      roster.map((person) => tokenOf.get(person.email)!),
      ANSWERED,
      anAnswer,
    );
    expect((await closeWave(rt, waveId)).status).toBe('done');
    expect(await cellsBySegment(rt, waveId)).toEqual(reference);
  });
});
