/**
 * Closing a wave (a job), one owner at a time and resumable at every stage (DESIGN.md "Close";
 * README "Closing" has the argument):
 *
 *   sealing            each invitation is read from the base table; an unanswered one is turned
 *                      into its final marker by one conditional write (a submission's mark needs an
 *                      unanswered, unsealed one; a mark that came first refuses the seal), an
 *                      answered one is final as it is; the responses of the answered ones are read
 *                      by key and counted, one invitation shard at a time
 *   storing            the cells, only if they count exactly the acknowledged marks, never over
 *                      cells that count more; read back and compared
 *   rewriting          each counted response rewritten k-anonymized under a stable unlinkable id,
 *                      then every sealed item of the shard deleted
 *   destroying-secret  the wave secret and the live counts
 *   stripping          every invitation read again until none holds more than a marker: on a wave
 *                      whose marks shed the person there is none (the mark and the seal made
 *                      each its marker); on one opened before, the answered are replaced here
 *   closed
 *
 * Every stage change and every shard finished is a write fenced by the run's lease on the wave
 * (conditional on it). The writes inside a stage are to other items, which cannot be conditional
 * on the wave without transactions: each request passes a check of the lease just before it is
 * sent (fenceWrites), so a run that froze past its lease sends nothing more once thawed. A request
 * it had sent before freezing still lands, but the writes inside a stage are deterministic: such a
 * write writes what the owner writes (README "Closing").
 */
import { SHARD_COUNT } from '../../shared/keys.ts';
import { buildKAnonymityIndex, kAnonymize } from '../../shared/k-anonymize.ts';
import { createHash } from 'node:crypto';
import { parseProfileKey, profileKey, type Profile } from '../../shared/org.ts';
import { publishedResponded } from '../../shared/published-wave.ts';
import { addToTally, mergeTallies, type CountedStatement, type Tally } from '../../shared/tally.ts';
import { CLOSE_AUDIT_BUDGET_MS, certifyWaveCells, type SegmentCell } from '../../shared/wave-cells.ts';
import { loadMilpSolver } from '../certify-solver.ts';
import {
  deriveWaveKeys,
  inviteeToken,
  locateResponse,
  locateResponseOfInvitation,
  rewriteId,
  sealEmail,
  sealedReceipt,
  unseal,
  type WaveKeys,
} from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { deleteCloseShardTally, getCloseShardTally, putCloseShardTally } from '../store/blobs.ts';
import { listCells, putCountedCells } from '../store/cells.ts';
import { compactLocations, countLocations, CountedResponses, type StoredLocations } from './counted-responses.ts';
import type { Store } from '../store/client.ts';
import {
  closeInvitationPages,
  deleteWaveSecret,
  getCloseInvitations,
  getWaveSecret,
  MARKER_DAYS,
  sealUnansweredInvitations,
  stripInvitations,
  type CloseInvitation,
} from '../store/invitations.ts';
import { updateJob } from '../store/jobs.ts';
import { deleteAnsweredCounts } from '../store/live-counts.ts';
import { publishedWhileOpen } from './participation.ts';
import {
  countAnonymousResponses,
  deleteSealedResponses,
  getSealedResponses,
  putAnonymousPacks,
  putComments,
  RESPONSES_PER_PACK,
  type AnonymousPack,
  sealedItemKey,
  sealedResponsePages,
  type SealedResponse,
} from '../store/responses.ts';
import { fenceWrites, getWave, recordCloseShard, transitionWave, type Fence, type Wave } from '../store/waves.ts';
import type { JobContext, JobOutcome } from './open-wave.ts';
import { getWaveSnapshot, type WaveSnapshot } from './snapshot.ts';

export const CLOSE_STAGES = ['sealing', 'storing', 'rewriting', 'destroying-secret', 'stripping', 'closed'] as const;
type Stage = (typeof CLOSE_STAGES)[number];

/** The close found its own invariants broken (a marked invitation without its response): it writes nothing and stops. */
export class CloseInvariantError extends Error {
  constructor(waveId: string, what: string) {
    super(`wave ${waveId}: ${what}; the close stopped and wrote nothing further`);
    this.name = 'CloseInvariantError';
  }
}

/** One invitation shard, sealed and counted. */
interface SealedShard {
  /** Invitations found in this shard (all of them together must be the wave's invitees). */
  invitations: number;
  tally: Tally;
  /** Where the counted responses are (compactly: see counted-responses.ts): the rewrite keeps exactly these. */
  counted: StoredLocations;
}

/** Run (or resume) the close job of a wave. */
export async function closeWave(deps: AppDeps, waveId: string, context: JobContext): Promise<JobOutcome> {
  const { store } = deps;
  let wave = await getWave(store, waveId);
  // The job's result is published (GET /api/jobs/:id): the total only where the root's cell shows it.
  if (wave.status === 'closed') return { done: true, result: { responded: publishedResponded(wave.responded, wave.k) } };
  // A close started without the API's claim (the demo seeding runs jobs directly) claims here.
  if (wave.status === 'open') wave = await transitionWave(store, waveId, ['open'], 'closing', { closeJobId: context.jobId }, [], context.fence);
  if (wave.status !== 'closing') throw new ValidationError(`wave ${waveId} is ${wave.status}; only an open wave closes`);
  if (wave.closeJobId && wave.closeJobId !== context.jobId) throw new ConflictError('wrong-status', `wave ${waveId} is being closed by job ${wave.closeJobId}`);

  const snapshot = await getWaveSnapshot(store, waveId);
  if (!snapshot) throw new Error(`wave ${waveId} has no snapshot`);
  const statements: CountedStatement[] = (wave.statements ?? []).map(({ id, scale }) => ({ id, scale }));
  const secret = await getWaveSecret(store, waveId);
  const keys = secret ? deriveWaveKeys(secret, waveId) : undefined;
  const close = new CloseRun(deps, wave, snapshot, statements, keys, context);
  return close.run();
}

class CloseRun {
  private readonly store: Store;
  private stage: Stage;
  private done: number[];

  constructor(
    private readonly deps: AppDeps,
    private wave: Wave,
    private readonly snapshot: WaveSnapshot,
    private readonly statements: CountedStatement[],
    private readonly keys: WaveKeys | undefined,
    private readonly context: JobContext,
  ) {
    // Every write of this run, each request, is checked against its lease first.
    this.store = fenceWrites(deps.store, wave.id, context.fence);
    this.stage = (wave.closeStage as Stage | undefined) ?? 'sealing';
    this.done = wave.closeShards ?? [];
  }

  async run(): Promise<JobOutcome> {
    if (this.stage === 'sealing' && !(await this.seal())) return { done: false };
    if (this.stage === 'storing') await this.storeCells();
    if (this.stage === 'rewriting' && !(await this.rewrite())) return { done: false };
    if (this.stage === 'destroying-secret') {
      await deleteWaveSecret(this.store, this.wave.id);
      await deleteAnsweredCounts(this.store, this.wave.id);
      await this.enter('stripping');
    }
    if (this.stage === 'stripping' && !(await this.strip())) return { done: false };
    const closed = await transitionWave(
      this.store,
      this.wave.id,
      ['closing'],
      'closed',
      { closeStage: 'closed', closesAt: this.wave.closesAt ?? new Date().toISOString() },
      ['closeShards'],
      this.context.fence,
    );
    this.deps.logger.info('wave closed', { waveId: this.wave.id });
    return { done: true, result: { responded: publishedResponded(closed.responded, closed.k) } };
  }

  /** Seal and count every invitation shard; then record how many marks there were. */
  private async seal(): Promise<boolean> {
    const keys = this.requireKeys('sealing');
    // Every marker of this close expires at the same second, whichever run or stage wrote it.
    if (this.wave.markersExpireAt === undefined) {
      const markersExpireAt = Math.floor(Date.now() / 1000) + MARKER_DAYS * 24 * 3600;
      this.wave = await transitionWave(this.store, this.wave.id, ['closing'], 'closing', { markersExpireAt }, [], this.fence());
    }
    const sealedAll = await this.forEachShardLeft(async (shard) => {
      const sealed = await this.sealShard(shard, keys);
      await putCloseShardTally(this.store, this.wave.id, shard, sealed);
    });
    if (!sealedAll) return false;
    const shards = await this.readSealedShards();
    const invitations = shards.reduce((sum, shard) => sum + shard.invitations, 0);
    // Every invitee's invitation must have been sealed, or a mark could still land after counting.
    if (invitations < (this.wave.invited ?? 0)) throw new Error(`wave ${this.wave.id}: read ${invitations} invitations of ${this.wave.invited}; try again`);
    const acknowledged = shards.reduce((sum, shard) => sum + countLocations(shard.counted), 0);
    if (this.wave.acknowledged !== undefined && this.wave.acknowledged !== acknowledged) {
      throw new CloseInvariantError(this.wave.id, `a second sealing counted ${acknowledged} marks where the first counted ${this.wave.acknowledged}`);
    }
    await this.enter('storing', { acknowledged });
    return true;
  }

  /**
   * Seal one invitation shard and count the responses of its answered invitations, read by key.
   * An invitation found answered is answered for good (a mark is never undone, nor made twice), so
   * it is counted without a write; every other one is sealed into its marker, or found marked by
   * a submission that came first and then counted. A marker found here was sealed unanswered by an
   * earlier run of this close (a run in a later stage fences this one out: see fenceWrites).
   */
  private async sealShard(shard: number, keys: WaveKeys): Promise<SealedShard> {
    let invitations = 0;
    const tally: Tally = {};
    const counted: SealedResponse[] = [];
    // Where marks shed the person, a seal leaves the mark's shape, with the expiry every invitation of the wave has had since the open.
    const shedsMarks = this.wave.invitationsExpireAt !== undefined;
    const sealedBy = shedsMarks ? (tokenHash: string) => sealedReceipt(keys, tokenHash) : undefined;
    const emails = new Map<string, string>();
    const markLike = shedsMarks
      ? (tokenHash: string) => ({ receipt: sealedReceipt(keys, tokenHash), sealedEmail: sealEmail(keys, tokenHash, emails.get(tokenHash)!) })
      : undefined;
    // A marker sealed unanswered by an earlier run of this close looks answered there: told by its receipt.
    const counts = (invitation: CloseInvitation) => invitation.answered && !(sealedBy && invitation.receipt === sealedBy(invitation.tokenHash));
    for await (const page of closeInvitationPages(this.store, this.wave.id, shard)) {
      invitations += page.length;
      const answered: CloseInvitation[] = page.filter(counts);
      const open = page.filter((invitation) => !invitation.answered && !invitation.closed);
      for (const invitation of open) emails.set(invitation.tokenHash, invitation.email!);
      const refused = await sealUnansweredInvitations(
        this.store,
        open.map((invitation) => invitation.tokenHash),
        this.wave.invitationsExpireAt ?? this.wave.markersExpireAt!,
        markLike,
      );
      for (const invitation of await getCloseInvitations(this.store, refused)) {
        // Refused means marked (answered) or sealed since the read; a seal by anyone but this close's runs is a broken invariant.
        if (!counts(invitation)) throw new CloseInvariantError(this.wave.id, 'an invitation refused its seal without being answered');
        answered.push(invitation);
      }
      // A mark that shed the person is found by its key; one that did not, by the email its token derives from.
      const locations = answered.map((invitation) => {
        if (invitation.email !== undefined) return locateResponse(keys, inviteeToken(keys, invitation.email), false);
        if (!shedsMarks) throw new CloseInvariantError(this.wave.id, 'an answered invitation was already stripped while sealing');
        return locateResponseOfInvitation(keys, invitation.tokenHash);
      });
      const responses = await getSealedResponses(this.store, this.wave.id, locations);
      // A mark is written only after its response, and responses are deleted only after counting.
      if (responses.length !== locations.length)
        throw new CloseInvariantError(this.wave.id, `${locations.length - responses.length} answered invitations have no response`);
      addToTally(
        tally,
        responses.map((response) => openResponse(keys, this.wave.id, response)),
        this.statements,
      );
      counted.push(...responses);
    }
    return { invitations, tally, counted: compactLocations(counted) };
  }

  /** Store the cells if they count exactly the acknowledged marks; read them back before going on. */
  private async storeCells(): Promise<void> {
    const { wave, snapshot, statements } = this;
    const shards = await this.readSealedShards();
    const tally = mergeTallies(shards.map((shard) => shard.tally));
    const respondents = Object.values(tally).reduce((sum, entry) => sum + entry.respondents, 0);
    if (respondents !== wave.acknowledged) throw new CloseInvariantError(wave.id, `counted ${respondents} responses for ${wave.acknowledged} acknowledged`);
    // The confidentiality audit (shared/certify.ts) runs before any cell is stored, so no view can
    // read an uncertified number. It is synchronous and bounded by CLOSE_AUDIT_BUDGET_MS, well
    // under the lease (its heartbeat cannot run meanwhile); past it, open questions are hidden for.
    const { cells, certificate } = certifyWaveCells({
      k: wave.k,
      units: snapshot.units,
      invitees: snapshot.invitees,
      segments: snapshot.segments,
      statements,
      tally,
      // What live participation last showed is published already: the certificate must hold with it.
      publishedWhileOpen: await publishedWhileOpen(this.deps, wave.id),
      ...(this.deps.confidentialityAudit === 'off'
        ? {}
        : { audit: { solver: await loadMilpSolver(), budgetMs: this.deps.timing.closeAuditBudgetMs ?? CLOSE_AUDIT_BUDGET_MS } }),
    });
    await putCountedCells(this.store, wave.id, cells);
    const stored = new Map((await listCells(this.store, wave.id)).map((cell) => [cell.segment.id, cell]));
    for (const cell of cells) {
      if (!sameCell(stored.get(cell.segment.id), cell)) throw new CloseInvariantError(wave.id, `the stored cell of ${cell.segment.id} reads back different`);
    }
    await this.enter('rewriting', { responded: respondents, certificate });
  }

  /** Rewrite the counted responses k-anonymized, shard by shard, deleting each page of sealed responses after its rewrite is stored. */
  private async rewrite(): Promise<boolean> {
    const keys = this.requireKeys('rewriting');
    const counted = new CountedResponses(
      this.wave.id,
      (await this.readSealedShards()).map((shard) => shard.counted),
    );
    const index = buildKAnonymityIndex(this.snapshot.units, this.snapshot.invitees, this.wave.k);
    const generalized = new Map<string, string>();
    const textStatements = new Set(this.statements.filter((statement) => statement.scale === 'text').map((statement) => statement.id));
    const finished = await this.forEachShardLeft(async (shard) => {
      // The whole shard is read before anything is written: its packs must each hold all their responses (see putAnonymousPacks).
      const pages: SealedResponse[][] = [];
      const anonymous: Array<{ id: string; profile: Profile; answers: Record<string, number | string> }> = [];
      const comments = [];
      for await (const page of sealedResponsePages(this.store, this.wave.id, shard)) {
        pages.push(page);
        // Responses without a mark (a crash between write and mark, a write after sealing) were not counted: deleted, not kept.
        for (const response of page.filter((item) => counted.claim(item))) {
          const { profileKey: exactKey, answers } = openResponse(keys, this.wave.id, response);
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
      }
      await putAnonymousPacks(this.store, this.wave.id, shard, packResponses(anonymous, counted.inShard(shard)));
      // One item each under its unlinkable id, never packed with the shard's other comments: a pack
      // of one shard's comments would name the shard its comments came from, as the answers' packs
      // do, and in a small unit that leaves one answer row a comment can be its author's.
      await putComments(this.store, this.wave.id, comments);
      // Deleted, counted or not, once the shard's packs are stored. Leaving the counted ones to their
      // expiry saved their deletes (one write unit each) but cost more in the main table's storage
      // and its backups for the months until then (README "What a wave costs"); the expiry stays
      // for a close that is abandoned.
      for (const page of pages) await deleteSealedResponses(this.store, this.wave.id, page);
    });
    if (!finished) return false;
    const rewritten = await countAnonymousResponses(this.store, this.wave.id, SHARD_COUNT);
    if (rewritten !== this.wave.responded) throw new CloseInvariantError(this.wave.id, `${rewritten} rewritten responses for ${this.wave.responded} counted`);
    await this.enter('destroying-secret');
    return true;
  }

  /** Replace every invitation still holding more than a marker by its marker, then read the shard again until none does; drop the close's own scratch. */
  private async strip(): Promise<boolean> {
    const resumed = this.done.length > 0;
    const expiresAt = this.wave.markersExpireAt ?? Math.floor(Date.now() / 1000) + MARKER_DAYS * 24 * 3600;
    let found = 0;
    const finished = await this.forEachShardLeft(async (shard) => {
      for (let pass = 1; ; pass++) {
        let left = 0;
        for await (const page of closeInvitationPages(this.store, this.wave.id, shard)) {
          if (pass === 1) found += page.length;
          const unstripped = page.filter((invitation) => invitation.unstripped).map((invitation) => invitation.tokenHash);
          left += unstripped.length;
          if (unstripped.length > 0 && pass > 5)
            throw new Error(`wave ${this.wave.id}: ${unstripped.length} invitations still hold a person's data after ${pass - 1} passes`);
          await stripInvitations(this.store, this.wave.id, unstripped, expiresAt);
        }
        if (left === 0) break;
      }
      await deleteCloseShardTally(this.store, this.wave.id, shard);
    });
    if (!finished) return false;
    if (!resumed && found < (this.wave.invited ?? 0))
      throw new Error(`wave ${this.wave.id}: found ${found} invitations of ${this.wave.invited} to strip; try again`);
    return true;
  }

  /**
   * Run `work` for every shard this stage has not finished, a few at a time, recording each
   * finished shard with a fenced write. False when the run should hand over (a Lambda near its timeout).
   */
  private async forEachShardLeft(work: (shard: number) => Promise<void>): Promise<boolean> {
    const left = Array.from({ length: SHARD_COUNT }, (_, shard) => shard).filter((shard) => !this.done.includes(shard));
    let handedOver = false;
    const stage = this.stage;
    await forEachConcurrently(left, async (shard) => {
      if (handedOver || this.deps.shouldYield?.()) {
        handedOver = true;
        return;
      }
      await work(shard);
      await recordCloseShard(this.store, this.wave.id, stage, shard, this.fence());
      this.done.push(shard);
      // The job's progress is for the screen (the wave's shard list is the resume point): every fourth shard, not each.
      if (this.done.length % PROGRESS_EVERY_SHARDS !== 0) return;
      const base = CLOSE_STAGES.indexOf(stage) * SHARD_COUNT;
      await updateJob(this.store, this.context.jobId, { progress: { done: base + this.done.length, total: (CLOSE_STAGES.length - 1) * SHARD_COUNT } });
    });
    return !handedOver;
  }

  private async readSealedShards(): Promise<SealedShard[]> {
    const shards: SealedShard[] = [];
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const sealed = await getCloseShardTally<SealedShard>(this.store, this.wave.id, shard);
      if (!sealed) throw new CloseInvariantError(this.wave.id, `the counts of invitation shard ${shard} are missing`);
      shards.push(sealed);
    }
    return shards;
  }

  /** Move to the next stage, with a fenced write that fails if another run took the wave over. */
  private async enter(stage: Stage, fields: Partial<Wave> = {}): Promise<void> {
    this.wave = await transitionWave(this.store, this.wave.id, ['closing'], 'closing', { ...fields, closeStage: stage }, ['closeShards'], this.fence());
    this.stage = stage;
    this.done = [];
  }

  /** Undefined for a run without a lease (a direct call): its writes are conditional on the wave's status and stage only. */
  private fence(): Fence | undefined {
    return this.context.fence;
  }

  private requireKeys(stage: Stage): WaveKeys {
    if (!this.keys) throw new CloseInvariantError(this.wave.id, `the wave secret is gone before ${stage}`);
    return this.keys;
  }
}

/** Two cells are the same once stored (the store drops undefined fields). */
function sameCell(stored: SegmentCell | undefined, computed: SegmentCell): boolean {
  return stored !== undefined && JSON.stringify(sortKeys(stored)) === JSON.stringify(sortKeys(JSON.parse(JSON.stringify(computed))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  return value;
}

interface OpenedResponse {
  profileKey: string;
  answers: Record<string, number | string>;
}

function openResponse(keys: WaveKeys, waveId: string, response: SealedResponse): OpenedResponse {
  const { p, a } = JSON.parse(unseal(keys, response.sealed, sealedItemKey(waveId, response.shard, response.key))) as {
    p: string;
    a: Record<string, number | string>;
  };
  return { profileKey: p, answers: a };
}

/**
 * A shard's rewritten responses in packs: the bucket of each is fixed by its unlinkable id and the
 * number of responses the sealing counted in the shard, so every run of the close packs alike.
 */
function packResponses(responses: Array<{ id: string } & AnonymousPack['responses'][number]>, countedInShard: number): AnonymousPack[] {
  const buckets = Math.max(1, Math.ceil(countedInShard / RESPONSES_PER_PACK));
  const packs = new Map<number, Array<{ id: string } & AnonymousPack['responses'][number]>>();
  for (const response of responses) {
    const bucket = createHash('sha256').update(response.id).digest().readUInt32BE(0) % buckets;
    packs.set(bucket, [...(packs.get(bucket) ?? []), response]);
  }
  return [...packs.entries()].map(([bucket, members]) => ({
    id: `pack-${bucket}`,
    responses: members.sort((a, b) => a.id.localeCompare(b.id)).map(({ profile, answers }) => ({ profile, answers })),
  }));
}

/** How often a stage reports its progress on the job, in shards finished. */
const PROGRESS_EVERY_SHARDS = 4;

/** Shards at a time: reading, decrypting and writing overlap, while the table sees a bounded load. */
const SHARD_CONCURRENCY = 4;

/** Run `work` for every item, a few at a time; the first failure fails the whole. */
async function forEachConcurrently<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: SHARD_CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
