/**
 * A close writes little: k-anonymized responses are packed (about a dozen to a write unit, where
 * each took its own; comments are not, to stay unlinkable to them), each invitation is written
 * once by the open and, unless its mark already made it a marker, once by the close (no index
 * entry, no seal and strip of the same invitation), each sealed response is deleted once, and a
 * close cut short while writing the packs, then resumed, keeps every counted response and comment
 * exactly once.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { launchJob, resumeUnfinishedJobs, runJob } from '../functions/jobs/run-job.ts';
import { anonymousResponsePages, commentPages } from '../functions/store/responses.ts';
import { getWave } from '../functions/store/waves.ts';
import { SHARD_COUNT } from '../shared/keys.ts';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import { aRunThatDies, jobOutcome, type RequestMatcher } from './helpers/close-faults.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

/** About 30 per shard: more than one batch of deletes (25) each, so a close can die between two batches of one shard. */
const ANSWERED = 480;

const INVITED = 600;

/** Every third respondent comments: 160 comments, about ten a shard. */
const answersOf = (index: number) => ({ ...anAnswer(index), ...(index % 3 === 0 ? { comment: `Comment ${index}: clearer priorities, please.` } : {}) });
const COMMENTED = Math.ceil(ANSWERED / 3);

async function answeredWave(phase = 'open'): Promise<string> {
  const { waveId, tokens } = await meter.run(phase, () => aWave(rt).withRoster(aRoster(INVITED)).open());
  for (let start = 0; start < ANSWERED; start += 10) {
    const statuses = await Promise.all(
      tokens
        .slice(start, Math.min(start + 10, ANSWERED))
        .map(async (token, offset) => (await rt.post('/api/responses', { token, answers: answersOf(start + offset) })).status),
    );
    expect(statuses.every((status) => status === 201)).toBe(true);
  }
  return waveId;
}

async function anonymousResponses(waveId: string) {
  const found: Array<{ profile: unknown; answers: unknown }> = [];
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    for await (const page of anonymousResponsePages(rt.deps.store, waveId, shard)) found.push(...page.map(({ profile, answers }) => ({ profile, answers })));
  }
  return found;
}

async function storedComments(waveId: string) {
  const found: Array<{ statementId: string; unitId: string; text: string }> = [];
  for await (const page of commentPages(rt.deps.store, waveId)) found.push(...page.map(({ statementId, unitId, text }) => ({ statementId, unitId, text })));
  return found;
}

/** Answers or comments in a canonical order, to compare two closes of the same answers. */
const canonical = (items: unknown[]) => items.map((item) => JSON.stringify(item)).sort();

let firstWaveId: string;
let reference: string[];
let referenceComments: string[];

describe('the close', { timeout: 180_000 }, () => {
  it('stores the k-anonymized responses packed: far fewer write units than responses', async () => {
    const waveId = await answeredWave();
    firstWaveId = waveId;
    await meter.run('close', async () => expect((await closeWave(rt, waveId)).status).toBe('done'));
    const anonymousWrites = meter.breakdown('close').filter((entry) => entry.kind.endsWith(' ANON'));
    const units = anonymousWrites.reduce((sum, entry) => sum + entry.writeUnits, 0);
    expect(units).toBeGreaterThan(0);
    expect(units).toBeLessThanOrEqual(ANSWERED / 4);
    const stored = await anonymousResponses(waveId);
    expect(stored).toHaveLength(ANSWERED);
    reference = canonical(stored);
  });

  it('stores each comment alone under an unlinkable id, so nothing ties it to the shard its answers are packed in', async () => {
    // The close above. Packing one shard's comments together (tried: a fifth of the write units)
    // named the shard, which the answers' packs are stored by: in a small unit that leaves one
    // answer row a comment can be its author's.
    const items = (
      await rt.deps.store.doc.send(
        new QueryCommand({
          TableName: rt.deps.store.tables.main,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `COMMENT#${firstWaveId}` },
        }),
      )
    ).Items!;
    expect(items).toHaveLength(COMMENTED);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['pk', 'sk', 'statementId', 'text', 'unitId']);
      expect(item.sk).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
    const comments = await storedComments(firstWaveId);
    expect(new Set(comments.map((comment) => comment.text)).size).toBe(COMMENTED);
    referenceComments = canonical(comments);
  });

  it('keeps its per-shard partial counts small: where the counted responses are is 16 bytes a response, not their whole location', () => {
    // The close above: 480 counted responses over 16 invitation shards, each shard's counts written,
    // read and deleted as gzipped chunks. Spelled out as `shard/key`, the locations took 96 write
    // units here (each chunk ~1.5 KB, two units to write and two to delete); compact, 66.
    const closeScratch = meter.breakdown('close').filter((entry) => entry.kind.endsWith(' CLOSE'));
    const units = closeScratch.reduce((sum, entry) => sum + entry.writeUnits, 0);
    expect(units).toBeGreaterThanOrEqual(4 * SHARD_COUNT);
    expect(units).toBeLessThanOrEqual(5 * SHARD_COUNT);
  });

  it('records its stages and shards on the wave item without an index entry, and its progress on the job a dozen times', () => {
    // 57 writes of the wave item (a shard done in each of three stages, a stage entered): indexed, 2 units each more.
    const wave = meter.breakdown('close').find((entry) => entry.kind === 'UpdateItem WAVE META')!;
    expect(wave.requests).toBeGreaterThanOrEqual(3 * SHARD_COUNT);
    expect(wave.indexWriteUnits).toBe(0);
    // Its job hears of it every fourth shard: once per shard and stage, that was 49 writes.
    const job = meter.breakdown('close').find((entry) => entry.kind === 'UpdateItem JOB')!;
    expect(job.requests).toBeLessThanOrEqual(3 * (SHARD_COUNT / 4) + 1);
  });

  it('writes each invitation once at the open and once at the close, one unit each, and no index entry', async () => {
    // The open and close of the test above: 600 invited, 480 answered.
    const invitationUnits = (phase: string) => {
      const entries = meter.breakdown(phase).filter((entry) => entry.kind.endsWith(' INV'));
      return {
        writeUnits: entries.reduce((sum, entry) => sum + entry.writeUnits, 0),
        indexUnits: entries.reduce((sum, entry) => sum + entry.indexWriteUnits, 0),
      };
    };
    expect(invitationUnits('open')).toEqual({ writeUnits: INVITED, indexUnits: 0 });
    // Unanswered ones sealed straight into their markers; answered ones not at all: their mark shed the person and is their marker.
    expect(invitationUnits('close')).toEqual({ writeUnits: INVITED - ANSWERED, indexUnits: 0 });
  });

  it('deletes each sealed response once, one write unit each', () => {
    // The close of the first test: 480 counted responses, none written after the seal.
    const sealedWrites = meter.breakdown('close').filter((entry) => entry.kind.endsWith(' RESP'));
    expect(sealedWrites.reduce((sum, entry) => sum + entry.writeUnits, 0)).toBe(ANSWERED);
  });

  /** Close a wave with a run that dies at the matching request while rewriting; resume it as the embedded start-up does after a kill -9; check what it kept. */
  async function dieThenResume(waveId: string, diesAt: RequestMatcher) {
    const doomed = await aRunThatDies(rt, diesAt);
    const jobId = await launchJob({ ...doomed.deps, jobs: { start: async (job) => void runJob(doomed.deps, job).catch(() => {}) } }, 'close-wave', waveId);
    await doomed.died;
    expect((await getWave(rt.deps.store, waveId)).closeStage).toBe('rewriting');
    expect(await resumeUnfinishedJobs(rt.deps)).toEqual([jobId]);
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });
    expect(canonical(await anonymousResponses(waveId))).toEqual(reference);
    expect(canonical(await storedComments(waveId))).toEqual(referenceComments);
  }

  it('resumed after dying while writing the packs, keeps each counted response and comment once', async () => {
    const waveId = await answeredWave('open again');
    let packs = 0;
    // Dies on the fifth pack written (four shards run at once, eight packs at a time): some shard's packs are half written.
    await dieThenResume(waveId, ({ command, input }) => command === 'PutCommand' && String(input.Item?.pk).startsWith(`ANON#${waveId}#`) && ++packs === 5);
  });

  it("resumed after dying while deleting a shard's sealed responses, keeps each response and comment once", async () => {
    const waveId = await answeredWave('open a third time');
    let deletes = 0;
    // Dies on the third batch of deletes: that shard's packs are stored and some of its sealed
    // responses gone, so the resumed run packs what is left of the shard's comments again.
    await dieThenResume(
      waveId,
      ({ command, input }) =>
        command === 'BatchWriteCommand' && JSON.stringify(input.RequestItems).includes(`"DeleteRequest":{"Key":{"pk":"RESP#${waveId}#`) && ++deletes === 3,
    );
  });
});
