/**
 * Participation: invited and responded per segment. While a wave is open it is derived from the
 * answered counts per profile (store/live-counts.ts: a few items per wave, each under 1 KB)
 * and recomputed at most every few minutes; once closed it comes from the stored cells, kept as
 * one value. Either way the confidentiality rules
 * decide which counts show; hidden ones read "<k".
 */
import { BELOW_K, type Participation, type SegmentParticipation } from '../../shared/api-results.ts';
import { keptByStructure, respondedShownLive } from '../../shared/live-participation.ts';
import { decideVisibility } from '../../shared/disclosure.ts';
import { createHash } from 'node:crypto';
import { profileKey, UnitTree, type ProfileCount } from '../../shared/org.ts';
import { segmentLabel } from '../../shared/segment-labels.ts';
import { countBySegment, unitSegmentId, type Segment } from '../../shared/segments.ts';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import type { AppDeps } from '../deps.ts';
import { getWaveBlob, putWaveBlob } from '../store/blobs.ts';
import { listCells } from '../store/cells.ts';
import { getLiveParticipation, listAnsweredCounts, liveLayoutOf, putLiveCheck, putLiveShown } from '../store/live-counts.ts';
import type { Wave } from '../store/waves.ts';
import { getWaveSnapshot } from './snapshot.ts';

// The response's shape, and so what it publishes, is participationSchema (listed in shared/publishable.ts).
export { BELOW_K, type Participation, type SegmentParticipation };

/** Where a closed wave keeps its participation: every group with its certified invited and responded counts. */
const CLOSED_PARTICIPATION = 'participation-closed';

/** Participation of a wave that has opened. */
export async function getParticipation(deps: AppDeps, wave: Wave): Promise<Participation> {
  if (wave.status === 'closed') return closedParticipation(deps, wave);
  if (wave.status === 'draft' || wave.status === 'opening') return { status: wave.status, invited: wave.invited ?? 0, responded: 0, segments: [] };
  // Closing, nobody answers any more: the counts are final, and the rules alone show some that the
  // close's audit hides (weighing them with every statement's cells). No count shows until the
  // certified cells do (test/hidden-independence.test.ts).
  if (wave.status === 'closing') return { status: wave.status, invited: wave.invited ?? 0, responded: BELOW_K, segments: [] };
  const snapshot = await getWaveSnapshot(deps.store, wave.id);
  if (!snapshot) throw new Error(`wave ${wave.id} has no snapshot`);
  const stored = await readLiveCounts(deps, wave.id);
  const usable = stored.shown?.shown.length === snapshot.segments.length && stored.shown.kept ? stored.shown : undefined;
  // Recounted at most every few minutes: besides the cost, watching the count tick up right after
  // a colleague says "I just answered" would tell who answered. The dashboard says so, and when.
  const withNext = (live: LiveCounts, computedAt: string): Participation => ({
    ...expandLive(wave, snapshot, live, computedAt),
    refreshesAt: new Date(Date.parse(computedAt) + deps.timing.participationRefreshMs).toISOString(),
  });
  // When the counts were last read: by the refresh that computed the shown counts, or a later one that found them unchanged.
  const lastRead = [usable?.computedAt, stored.check?.computedAt]
    .filter((time) => time !== undefined)
    .sort()
    .at(-1);
  if (usable && lastRead && Date.now() - Date.parse(lastRead) < deps.timing.participationRefreshMs) return withNext(usable, lastRead);
  const answered = await listAnsweredCounts(
    deps.store,
    wave.id,
    liveLayoutOf(wave),
    snapshot.invitees.map((entry) => profileKey(entry.profile)),
  );
  const computedAt = new Date().toISOString();
  const fingerprint = fingerprintOf(answered);
  // Nobody answered since the last refresh (nights, weekends, the quiet days): the same counts give
  // the same answer, so the confidentiality rules (most of a refresh's time) are not run again and
  // the shown counts are not written again. The refresh's time is still stored (one small write),
  // so the next is again a full interval away: were it not, whoever polls through a quiet stretch
  // would see the next answer the moment it lands, alone (test/participation-refresh.test.ts).
  if (usable?.fingerprint === fingerprint) {
    await putLiveCheck(deps.store, wave.id, { computedAt });
    return withNext(usable, computedAt);
  }
  // The shown counts carry the digest of the counts they come from and the time they were read: one write.
  const fresh = { ...computeLiveParticipation(wave, snapshot, answered, usable), fingerprint, computedAt };
  await putLiveShown(deps.store, wave.id, toStored(fresh));
  return withNext(fresh, computedAt);
}

/**
 * Live participation as stored between refreshes: only what may be shown, per segment in the
 * snapshot's order (responded, or -1 when hidden; whether invited is hidden), so a refresh writes
 * a couple of KB rather than every label; labels come from the snapshot when it is read.
 */
interface LiveCounts {
  /** Responded per segment, -1 where hidden. */
  shown: number[];
  /** Indices of segments whose invited count is hidden (it depends on the directory only: decided once). */
  invitedHidden: number[];
  /**
   * Indices of segments whose responded count may show at all: those the solver-free certificate
   * keeps on the directory alone (decided once). The close cannot take back a count shown while the
   * wave was open, and a close that falls to that certificate must keep every segment shown here:
   * these always pass its rule, since they pass it with everything else shown.
   */
  kept?: number[];
  /**
   * Indices of segments any refresh showed with someone in (k or more: 1..k−1 never shows). The
   * count can only have grown since, so the close takes each as published at its final count:
   * knowing more than the attacker does is the safe side. A 0 shown says nothing of the final count.
   */
  shownWithAnswers?: number[];
  /** Which answered counts these were computed from. */
  fingerprint?: string;
  /** When those counts were read. */
  computedAt?: string;
}

/**
 * LiveCounts as stored: its index lists as bitmaps (base64, a bit per segment). A refresh with new
 * answers rewrites the item; with the lists as indices it took 3.8 write units at 10,000 invitees
 * (the cost bench), as bitmaps 1.8. Lists stored before stay readable.
 */
type StoredLiveCounts = Omit<LiveCounts, 'invitedHidden' | 'kept' | 'shownWithAnswers'> & {
  invitedHidden: number[] | string;
  kept?: number[] | string;
  shownWithAnswers?: number[] | string;
};

function toStored(live: LiveCounts): StoredLiveCounts {
  const size = live.shown.length;
  return {
    ...live,
    invitedHidden: toBitmap(live.invitedHidden, size),
    ...(live.kept ? { kept: toBitmap(live.kept, size) } : {}),
    ...(live.shownWithAnswers ? { shownWithAnswers: toBitmap(live.shownWithAnswers, size) } : {}),
  };
}

async function readLiveCounts(deps: AppDeps, waveId: string): Promise<{ check?: { computedAt: string }; shown?: LiveCounts }> {
  const { check, shown } = await getLiveParticipation<StoredLiveCounts>(deps.store, waveId);
  if (!shown) return { check };
  const { invitedHidden, kept, shownWithAnswers, ...rest } = shown;
  return {
    check,
    shown: {
      ...rest,
      invitedHidden: fromBitmap(invitedHidden),
      ...(kept === undefined ? {} : { kept: fromBitmap(kept) }),
      ...(shownWithAnswers === undefined ? {} : { shownWithAnswers: fromBitmap(shownWithAnswers) }),
    },
  };
}

function toBitmap(indices: number[], size: number): string {
  const bits = Buffer.alloc(Math.ceil(size / 8));
  for (const index of indices) bits[index >> 3] |= 1 << (index & 7);
  return bits.toString('base64');
}

function fromBitmap(stored: number[] | string): number[] {
  if (Array.isArray(stored)) return stored;
  const bits = Buffer.from(stored, 'base64');
  const indices: number[] = [];
  for (let index = 0; index < bits.length * 8; index++) if (bits[index >> 3] & (1 << (index & 7))) indices.push(index);
  return indices;
}

/** The answered counts, order aside, as a short digest: equal digests, equal counts. */
function fingerprintOf(answered: ProfileCount[]): string {
  const lines = answered.map(({ profile, count }) => `${profileKey(profile)}=${count}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('base64url');
}

type Snapshot = NonNullable<Awaited<ReturnType<typeof getWaveSnapshot>>>;

function expandLive(wave: Wave, snapshot: Snapshot, live: LiveCounts, computedAt: string): Participation {
  const tree = new UnitTree(snapshot.units);
  const rootIndex = snapshot.segments.findIndex((segment) => segment.id === unitSegmentId(tree.root.id));
  const invitedHidden = new Set(live.invitedHidden);
  const responded = rootIndex >= 0 ? live.shown[rootIndex] : -1;
  const total = wave.invited ?? 0;
  return {
    status: wave.status,
    invited: total,
    responded: responded >= 0 ? responded : BELOW_K,
    rate: responded >= 0 && total > 0 ? responded / total : undefined,
    computedAt,
    segments: snapshot.segments.map((segment, index) => ({
      id: segment.id,
      label: segmentLabel(segment, tree),
      kind: segment.kind,
      invited: invitedHidden.has(index) ? BELOW_K : segment.invited,
      responded: live.shown[index] >= 0 ? live.shown[index] : BELOW_K,
      rate: live.shown[index] >= 0 ? live.shown[index] / segment.invited : undefined,
    })),
  };
}

/**
 * A closed wave's participation, read as one stored value: its cells never change after the close,
 * so the list of every cell (433 read units and 272 KB at 10,000 invitees) is read once, on the
 * first request after the close, and kept compact (gzipped) beside the wave.
 */
async function closedParticipation(deps: AppDeps, wave: Wave): Promise<Participation> {
  const stored = await getWaveBlob<Participation>(deps.store, wave.id, CLOSED_PARTICIPATION);
  if (stored) return { ...stored, status: wave.status };
  const fresh = participationFromCells(wave, await listCells(deps.store, wave.id), await snapshotTree(deps, wave));
  await putWaveBlob(deps.store, wave.id, CLOSED_PARTICIPATION, fresh);
  return fresh;
}

/**
 * Recompute live participation from the answered counts per profile: O(profiles), never the
 * invitations. Which invited counts show depends on the directory alone, so it is decided at the
 * first refresh and kept; which responded counts show is decided again each time.
 */
function computeLiveParticipation(wave: Wave, snapshot: Snapshot, answered: ProfileCount[], previous: LiveCounts | undefined): LiveCounts {
  const tree = new UnitTree(snapshot.units);
  const segments: Segment[] = snapshot.segments.map(({ invited: _invited, ...segment }) => segment as Segment);
  const respondedBySegment = countBySegment(answered, tree, new Set(segments.map((segment) => segment.id)));
  const invitedHidden =
    previous?.invitedHidden ??
    (() => {
      const visibility = decideVisibility({ k: wave.k, units: snapshot.units, segments, counts: snapshot.invitees });
      return snapshot.segments.flatMap((segment, index) => (visibility.get(segment.id)?.visible ? [] : [index]));
    })();
  const kept = previous?.kept ?? indicesOf(snapshot, keptByStructure(wave.k, snapshot.units, snapshot.invitees, segments));
  const shown = respondedShownLive({
    k: wave.k,
    units: snapshot.units,
    segments,
    answered,
    kept: new Set(kept.map((index) => segments[index].id)),
    invitedHidden: new Set(invitedHidden.map((index) => segments[index].id)),
  });
  const counts = segments.map((segment) => (shown.has(segment.id) ? (respondedBySegment.get(segment.id) ?? 0) : -1));
  const withAnswers = new Set([...(previous?.shownWithAnswers ?? []), ...counts.flatMap((count, index) => (count > 0 ? [index] : []))]);
  return { invitedHidden, kept, shown: counts, shownWithAnswers: [...withAnswers].sort((a, b) => a - b) };
}

const indicesOf = (snapshot: Snapshot, ids: ReadonlySet<string>) => snapshot.segments.flatMap((segment, index) => (ids.has(segment.id) ? [index] : []));

/**
 * The segments whose responded count live participation published before the close, so the
 * close's certificate takes them as known (they can no longer be hidden): every count its last
 * refresh showed, and every group an earlier refresh showed with someone in (a lower bound of the
 * final count, taken as the count itself).
 */
export async function publishedWhileOpen(deps: AppDeps, waveId: string): Promise<string[]> {
  const snapshot = await getWaveSnapshot(deps.store, waveId);
  const stored = (await readLiveCounts(deps, waveId)).shown;
  if (!snapshot || !stored || stored.shown.length !== snapshot.segments.length) return [];
  const earlier = new Set(stored.shownWithAnswers ?? []);
  return snapshot.segments.flatMap((segment, index) => (stored.shown[index] >= 0 || earlier.has(index) ? [segment.id] : []));
}

function participationFromCells(wave: Wave, cells: SegmentCell[], tree: UnitTree): Participation {
  const segmentCells = cells.filter((cell) => cell.segment.kind !== 'complement');
  const root = segmentCells.find((cell) => cell.segment.id === unitSegmentId(tree.root.id));
  const shown = (cell: SegmentCell) => cell.invitedVisible && cell.respondedVisible;
  return {
    status: wave.status,
    invited: wave.invited ?? 0,
    responded: root && shown(root) ? root.responded : BELOW_K,
    rate: root && shown(root) && root.invited > 0 ? root.responded / root.invited : undefined,
    segments: segmentCells.map((cell) => ({
      id: cell.segment.id,
      label: segmentLabel(cell.segment, tree),
      kind: cell.segment.kind,
      invited: cell.invitedVisible ? cell.invited : BELOW_K,
      responded: shown(cell) ? cell.responded : BELOW_K,
      rate: shown(cell) && cell.invited > 0 ? cell.responded / cell.invited : undefined,
    })),
  };
}

async function snapshotTree(deps: AppDeps, wave: Wave): Promise<UnitTree> {
  const snapshot = await getWaveSnapshot(deps.store, wave.id);
  if (!snapshot) throw new Error(`wave ${wave.id} has no snapshot`);
  return new UnitTree(snapshot.units);
}
