/**
 * Closing a wave (a job), resumable at every stage (DESIGN.md "Close"):
 * closing → wait out submissions in flight → count shard by shard (each shard's partial tally
 * stored idempotently) → combine, apply the confidentiality rules once, store the cells → recount
 * and compare → rewrite each response k-anonymized under a stable unlinkable id → destroy the
 * secret → strip the invitations → closed.
 */
import { isDeepStrictEqual } from 'node:util';
import { SHARD_COUNT } from '../../shared/keys.ts';
import { buildKAnonymityIndex, kAnonymize } from '../../shared/k-anonymize.ts';
import { parseProfileKey, profileKey } from '../../shared/org.ts';
import { addToTally, mergeTallies, type CountableResponse, type CountedStatement, type Tally } from '../../shared/tally.ts';
import { computeWaveCells } from '../../shared/wave-cells.ts';
import { deriveWaveKeys, rewriteId, unseal, type WaveKeys } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { getBlob, putBlob } from '../store/blobs.ts';
import { putCells } from '../store/cells.ts';
import type { Store } from '../store/client.ts';
import { closeInvitations, deleteWaveSecret, getWaveSecret, invitationKeyPages } from '../store/invitations.ts';
import { deleteAnsweredCounts } from '../store/live-counts.ts';
import { updateJob } from '../store/jobs.ts';
import {
  deleteSealedResponses,
  putAnonymousResponses,
  putComments,
  sealedItemKey,
  sealedResponsePages,
  type SealedResponse,
} from '../store/responses.ts';
import { getWave, transitionWave } from '../store/waves.ts';
import type { JobContext, JobOutcome } from './open-wave.ts';
import { getWaveSnapshot } from './snapshot.ts';

export const CLOSE_STAGES = ['counting', 'rewriting', 'destroying-secret', 'closing-invitations', 'closed'] as const;
type Stage = (typeof CLOSE_STAGES)[number];
const MAX_COUNT_PASSES = 5;
const atOrAfter = (stage: Stage, reference: Stage) => CLOSE_STAGES.indexOf(stage) >= CLOSE_STAGES.indexOf(reference);

/** A hook for tests that cut a close short at a named point, to prove that a re-run resumes correctly. */
export type CloseInterruption = (point: string) => void;

/** Run (or resume) the close job of a wave. */
export async function closeWave(deps: AppDeps, waveId: string, context: JobContext, interrupt: CloseInterruption = () => {}): Promise<JobOutcome> {
  const { store } = deps;
  let wave = await getWave(store, waveId);
  if (wave.status === 'closed') return { done: true, result: { responded: wave.responded } };
  if (wave.status === 'open') wave = await transitionWave(store, waveId, ['open'], 'closing', { closeJobId: context.jobId }, [], context.fence);
  if (wave.status !== 'closing') throw new ValidationError(`wave ${waveId} is ${wave.status}; only an open wave closes`);

  const waitUntil = (wave.closingSince ?? 0) + deps.timing.submissionDeadlineMs + deps.timing.closeGraceMs;
  if (Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, waitUntil - Date.now()));

  let stage = (wave.closeStage as Stage | undefined) ?? 'counting';
  const setStage = async (next: Stage) => {
    stage = next;
    await transitionWave(store, waveId, ['closing'], 'closing', { closeStage: stage }, [], context.fence);
  };
  const snapshot = await getWaveSnapshot(store, waveId);
  if (!snapshot) throw new Error(`wave ${waveId} has no snapshot`);
  const statements: CountedStatement[] = (wave.statements ?? []).map(({ id, scale }) => ({ id, scale }));
  const secret = await getWaveSecret(store, waveId);
  const keys = secret ? deriveWaveKeys(secret, waveId) : undefined;

  let responded: number | undefined;
  if (stage === 'counting') {
    if (!keys) throw new Error(`wave ${waveId} lost its secret before counting`);
    const partials: Tally[] = [];
    let counted = 0;
    await forEachShard(async (shard) => {
      const name = `partial-${shard}`;
      let partial = await getBlob<Tally>(store, `WAVE#${waveId}`, name);
      if (!partial) {
        partial = await tallyShard(store, waveId, shard, keys, statements);
        await putBlob(store, `WAVE#${waveId}`, name, partial);
      }
      partials[shard] = partial;
      await updateJob(store, context.jobId, { progress: { done: ++counted, total: SHARD_COUNT * 2 } });
      interrupt(`counted-shard-${shard}`);
    });
    // Count until a full recount with the same code agrees with what was stored: a write that was
    // still in flight when counting began shows up as a difference, and the next pass includes it.
    let tally = mergeTallies(partials);
    for (let attempt = 1; ; attempt++) {
      const cells = computeWaveCells({ k: wave.k, units: snapshot.units, invitees: snapshot.invitees, segments: snapshot.segments, statements, tally });
      await putCells(store, waveId, cells);
      interrupt('stored-cells');
      const recounted = await recountSealed(store, waveId, keys, statements);
      if (isDeepStrictEqual(recounted, tally)) break;
      if (attempt === MAX_COUNT_PASSES) throw new Error(`wave ${waveId}: the recount kept disagreeing with the stored counts; the responses were left untouched`);
      deps.logger.warn('recount differs from the stored counts; counting again', { waveId, attempt });
      tally = recounted;
    }
    responded = Object.values(tally).reduce((sum, entry) => sum + entry.respondents, 0);
    await transitionWave(store, waveId, ['closing'], 'closing', { responded, closeStage: 'rewriting' }, [], context.fence);
    stage = 'rewriting';
  }

  if (stage === 'rewriting') {
    if (!keys) throw new Error(`wave ${waveId} lost its secret before the rewrite`);
    const index = buildKAnonymityIndex(snapshot.units, snapshot.invitees, wave.k);
    const generalized = new Map<string, string>();
    const textStatements = new Set(statements.filter((statement) => statement.scale === 'text').map((statement) => statement.id));
    let rewritten = 0;
    let handedOver = false;
    await forEachShard(async (shard) => {
      // A job about to run out of time starts no new shard; the next run picks up what is left.
      if (handedOver) return;
      if (deps.shouldYield?.()) {
        handedOver = true;
        return;
      }
      for await (const page of sealedResponsePages(store, waveId, shard)) {
        const anonymous = [];
        const comments = [];
        for (const response of page) {
          const { profileKey: exactKey, answers } = openResponse(keys, waveId, response);
          let anonymizedKey = generalized.get(exactKey);
          if (!anonymizedKey) {
            anonymizedKey = profileKey(kAnonymize(parseProfileKey(exactKey), index));
            generalized.set(exactKey, anonymizedKey);
          }
          const profile = parseProfileKey(anonymizedKey);
          const closedAnswers: Record<string, number | string> = {};
          for (const [statementId, value] of Object.entries(answers)) {
            if (textStatements.has(statementId)) {
              if (typeof value === 'string' && value.trim() !== '') {
                comments.push({ id: rewriteId(keys, response.key, `comment:${statementId}`), statementId, unitId: profile.unitId, text: value.trim() });
              }
            } else closedAnswers[statementId] = value;
          }
          anonymous.push({ id: rewriteId(keys, response.key, 'response'), profile, answers: closedAnswers });
        }
        await putAnonymousResponses(store, waveId, shard, anonymous);
        await putComments(store, waveId, comments);
        interrupt(`rewrote-page-${shard}`);
        await deleteSealedResponses(store, waveId, page);
      }
      await updateJob(store, context.jobId, { progress: { done: SHARD_COUNT + ++rewritten, total: SHARD_COUNT * 2 } });
    });
    if (handedOver) return { done: false };
    await setStage('destroying-secret');
  }

  if (stage === 'destroying-secret') {
    await deleteWaveSecret(store, waveId);
    await deleteAnsweredCounts(store, waveId);
    await setStage('closing-invitations');
  }

  if (atOrAfter(stage, 'closing-invitations')) {
    await forEachShard(async (shard) => {
      for await (const tokenHashes of invitationKeyPages(store, waveId, shard)) {
        await closeInvitations(store, waveId, tokenHashes);
      }
    });
    await setStage('closed');
  }
  const closed = await transitionWave(store, waveId, ['closing'], 'closed', { closesAt: wave.closesAt ?? new Date().toISOString() }, [], context.fence);
  deps.logger.info('wave closed', { waveId });
  return { done: true, result: { responded: closed.responded ?? responded } };
}

interface OpenedResponse {
  profileKey: string;
  answers: Record<string, number | string>;
}

function openResponse(keys: WaveKeys, waveId: string, response: SealedResponse): OpenedResponse {
  const { p, a } = JSON.parse(unseal(keys, response.sealed, sealedItemKey(waveId, response.shard, response.key))) as { p: string; a: Record<string, number | string> };
  return { profileKey: p, answers: a };
}

async function tallyShard(store: Store, waveId: string, shard: number, keys: WaveKeys, statements: readonly CountedStatement[]): Promise<Tally> {
  const tally: Tally = {};
  for await (const page of sealedResponsePages(store, waveId, shard)) {
    addToTally(tally, page.map((response): CountableResponse => openResponse(keys, waveId, response)), statements);
  }
  return tally;
}

/** Count every sealed response of a wave from scratch (the check against the stored counts). */
export async function recountSealed(store: Store, waveId: string, keys: WaveKeys, statements: readonly CountedStatement[]): Promise<Tally> {
  const shards: Tally[] = [];
  await forEachShard(async (shard) => {
    shards[shard] = await tallyShard(store, waveId, shard, keys, statements);
  });
  return mergeTallies(shards);
}

/** Shards at a time: reading, decrypting and writing overlap, while the table sees a bounded load. */
const SHARD_CONCURRENCY = 4;

/** Run `work` for every shard, a few at a time; the first failure fails the whole. */
async function forEachShard(work: (shard: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: SHARD_CONCURRENCY }, async () => {
      while (next < SHARD_COUNT) await work(next++);
    }),
  );
}
