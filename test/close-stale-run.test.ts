/**
 * A close run that loses its lease mid-stage (issue 8): frozen past the lease's expiry at a chosen
 * point inside a stage, while a second run of the same job takes the close over and carries it
 * further, then thawed. The thawed run must land no write at all: not the next batch of its stage
 * (seal, count, store cells, rewrite, delete, strip), not the rest of a write that spans several
 * requests. Only requests it had already sent when it froze may land (README "Closing": what stays
 * weak). The race is made at chosen requests (SDK middleware), never by sleeping.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARD_COUNT } from '../shared/keys.ts';
import { FAST_TIMING, startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';
import {
  aRunThatDies,
  cellsBySegment,
  enteringCloseStage,
  jobOutcome,
  answerFirst,
  invitationsLeftWithData,
  launchOn,
  thawAfterTakeover,
  type RequestMatcher,
} from './helpers/close-faults.ts';

const roster = aRoster(40);
const ANSWERED = 30;
let rt: TestRuntime;
let reference: Awaited<ReturnType<typeof cellsBySegment>>;

async function scan(table: string) {
  return (await rt.deps.store.doc.send(new ScanCommand({ TableName: table }))).Items ?? [];
}

/** The last response shard that holds sealed responses (the rewrite of an empty shard writes nothing, stale or not). */
async function aShardWithResponses(waveId: string): Promise<number> {
  const shards = (await scan(rt.deps.store.tables.main))
    .map((item) => /^RESP#(.+)#(\d+)$/.exec(String(item.pk)))
    .filter((match) => match !== null && match[1] === waveId)
    .map((match) => Number(match![2]));
  expect(shards.length).toBe(ANSWERED);
  return Math.max(...shards);
}

/** The close reads a shard of invitations as one segment of a scan of the ephemeral table (they have no index). */
const readingInvitations =
  (waveId: string, shard: number): RequestMatcher =>
  ({ command, input }) =>
    command === 'ScanCommand' && (input as { Segment?: number }).Segment === shard && input.ExpressionAttributeValues?.[':wave'] === waveId;

/** A matcher that only starts matching once the run sent the write that moves its close into `stage`. */
function afterEntering(waveId: string, stage: string, matches: RequestMatcher): RequestMatcher {
  let entered = false;
  return (request) => {
    if (enteringCloseStage(waveId, stage)(request)) entered = true;
    return entered && matches(request);
  };
}

interface StalePoint {
  mode: 'freezes' | 'hears-late';
  /** Where the stale run freezes: a request inside the stage, before the stage's next writes. */
  frozen(waveId: string): Promise<RequestMatcher>;
  /** Where the run that took over is held, the close further on but not finished (so the stale run's writes would still land). */
  ownerHeld(waveId: string): RequestMatcher;
  /** How many of the owner's requests to hold there (all its lanes, when the point is inside a stage). */
  ownerHolds?: number;
}

const STALE_POINTS: Record<string, StalePoint> = {
  'sealing, reading the keys of invitation shard 5 (shards before it sealed and counted)': {
    mode: 'freezes',
    frozen: async (waveId) => readingInvitations(waveId, 5),
    ownerHeld: (waveId) => enteringCloseStage(waveId, 'storing'),
  },
  'storing, having just entered it (next: the cells)': {
    mode: 'hears-late',
    frozen: async (waveId) => enteringCloseStage(waveId, 'storing'),
    ownerHeld: (waveId) => enteringCloseStage(waveId, 'rewriting'),
  },
  // One check before the cells is not enough: they go out in 16 lanes of single puts.
  'storing, its first cell stored and the others in flight': {
    mode: 'hears-late',
    frozen:
      async () =>
      ({ command, input }) =>
        command === 'PutCommand' && String(input.Item?.sk).startsWith('CELL#'),
    ownerHeld: (waveId) => enteringCloseStage(waveId, 'rewriting'),
  },
  'rewriting, reading the sealed responses of a shard (next: its rewrite, then deleting them)': {
    mode: 'freezes',
    frozen: async (waveId) => {
      const shard = await aShardWithResponses(waveId);
      return afterEntering(
        waveId,
        'rewriting',
        ({ command, input }) => command === 'QueryCommand' && input.ExpressionAttributeValues?.[':pk'] === `RESP#${waveId}#${shard}`,
      );
    },
    // Every lane held at reading its first shard: nothing of the stale run's shard is rewritten or deleted yet.
    ownerHeld:
      (waveId) =>
      ({ command, input }) =>
        command === 'QueryCommand' && String(input.ExpressionAttributeValues?.[':pk']).startsWith(`RESP#${waveId}#`),
    ownerHolds: SHARD_COUNT,
  },
  'destroying the secret, having just entered it (next: the deletes)': {
    mode: 'hears-late',
    frozen: async (waveId) => enteringCloseStage(waveId, 'destroying-secret'),
    ownerHeld: (waveId) => enteringCloseStage(waveId, 'stripping'),
  },
  'stripping, reading the keys of invitation shard 5 (next: replacing them by markers)': {
    mode: 'freezes',
    frozen: async (waveId) => afterEntering(waveId, 'stripping', readingInvitations(waveId, 5)),
    ownerHeld: (waveId) => enteringCloseStage(waveId, 'closed'),
  },
};

beforeAll(async () => {
  // A short lease, so that a run that stopped renewing is taken over quickly.
  rt = await startTestRuntime({ ...FAST_TIMING, jobLeaseMs: 300 });
  const wave = await aWave(rt).withRoster(roster).open();
  await answerFirst(rt, wave.tokens, ANSWERED, anAnswer);
  expect((await closeWave(rt, wave.waveId)).status).toBe('done');
  reference = await cellsBySegment(rt, wave.waveId);
  // More cells than putCountedCells has lanes, so that a freeze after the first cell leaves cells unsent.
  expect(Object.keys(reference).length).toBeGreaterThan(16);
});
afterAll(async () => {
  await rt.stop();
});

describe('a close run that lost its lease mid-stage', () => {
  it.each(Object.keys(STALE_POINTS))('frozen in %s, thawed after another run took over: it lands no further write', async (point) => {
    const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
    await answerFirst(rt, tokens, ANSWERED, anAnswer);
    const { mode, frozen: frozenAt, ownerHeld, ownerHolds } = STALE_POINTS[point];
    const frozen = await aRunThatDies(rt, await frozenAt(waveId), mode);
    const first = await launchOn(frozen.deps, 'close-wave', waveId);
    await frozen.died;
    const { landed, before, after, finish } = await thawAfterTakeover(rt, { waveId, ...first, frozen }, ownerHeld(waveId), ownerHolds);
    expect(before.status).toBe('closing');
    expect(landed).toEqual([]);
    expect([after.closeStage, after.closeShards, after.leaseRun]).toEqual([before.closeStage, before.closeShards, before.leaseRun]);
    await finish();
    expect(await jobOutcome(rt, first.jobId)).toMatchObject({ status: 'done' });
    expect(await cellsBySegment(rt, waveId)).toEqual(reference);
    expect(await invitationsLeftWithData(rt, waveId, roster.length)).toBe(0);
  });
});
