/**
 * Participation: invited and responded per segment. While a wave is open it is derived from the
 * invitation marks (never a per-submission counter on a hot item) and recomputed at most every
 * few minutes; once closed it comes from the stored cells. Either way the confidentiality rules
 * decide which counts show; hidden ones read "<k".
 */
import { BELOW_K, type Participation, type SegmentParticipation } from '../../shared/api-results.ts';
import { decideVisibility } from '../../shared/disclosure.ts';
import { profileKey, UnitTree, type ProfileCount } from '../../shared/org.ts';
import { segmentLabel } from '../../shared/segment-labels.ts';
import { countBySegment, unitSegmentId, type Segment } from '../../shared/segments.ts';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import type { AppDeps } from '../deps.ts';
import { getBlob, putBlob } from '../store/blobs.ts';
import { listCells } from '../store/cells.ts';
import { listAnsweredCounts } from '../store/live-counts.ts';
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
  const cached = await getBlob<Participation>(deps.store, `WAVE#${wave.id}`, 'participation');
  if (cached?.computedAt && Date.now() - Date.parse(cached.computedAt) < deps.timing.participationRefreshMs) {
    return { ...cached, status: wave.status };
  }
  const fresh = await computeLiveParticipation(deps, wave);
  await putBlob(deps.store, `WAVE#${wave.id}`, 'participation', fresh);
  return fresh;
}

/**
 * A closed wave's participation, read as one stored value: its cells never change after the close,
 * so the list of every cell (433 read units and 272 KB at 10,000 invitees) is read once, on the
 * first request after the close, and kept compact (gzipped) beside the wave.
 */
async function closedParticipation(deps: AppDeps, wave: Wave): Promise<Participation> {
  const pk = `WAVE#${wave.id}`;
  const stored = await getBlob<Participation>(deps.store, pk, CLOSED_PARTICIPATION);
  if (stored) return { ...stored, status: wave.status };
  const fresh = participationFromCells(wave, await listCells(deps.store, wave.id), await snapshotTree(deps, wave));
  await putBlob(deps.store, pk, CLOSED_PARTICIPATION, fresh);
  return fresh;
}

async function computeLiveParticipation(deps: AppDeps, wave: Wave): Promise<Participation> {
  const snapshot = await getWaveSnapshot(deps.store, wave.id);
  if (!snapshot) throw new Error(`wave ${wave.id} has no snapshot`);
  // O(profiles): the answered counts kept per profile, never the invitations themselves.
  const answered = new Map<string, ProfileCount>(
    (await listAnsweredCounts(deps.store, wave.id)).map((entry) => [profileKey(entry.profile), entry]),
  );
  const tree = new UnitTree(snapshot.units);
  const segments: Segment[] = snapshot.segments.map(({ invited: _invited, ...segment }) => segment as Segment);
  const kept = new Set(segments.map((segment) => segment.id));
  const respondedBySegment = countBySegment([...answered.values()], tree, kept);
  const invitedVisibility = decideVisibility({ k: wave.k, units: snapshot.units, segments, counts: snapshot.invitees });
  const respondedVisibility = decideVisibility({ k: wave.k, units: snapshot.units, segments, counts: [...answered.values()] });
  const rootId = unitSegmentId(tree.root.id);
  const responded = respondedBySegment.get(rootId) ?? 0;
  const total = wave.invited ?? 0;
  const rootVisible = respondedVisibility.get(rootId)?.visible ?? false;
  return {
    status: wave.status,
    invited: total,
    responded: rootVisible ? responded : BELOW_K,
    rate: rootVisible && total > 0 ? responded / total : undefined,
    computedAt: new Date().toISOString(),
    segments: snapshot.segments.map((segment) => {
      const invitedShown = invitedVisibility.get(segment.id)?.visible ?? false;
      const respondedShown = invitedShown && (respondedVisibility.get(segment.id)?.visible ?? false);
      const count = respondedBySegment.get(segment.id) ?? 0;
      return {
        id: segment.id,
        label: segmentLabel(segment, tree),
        kind: segment.kind,
        invited: invitedShown ? segment.invited : BELOW_K,
        responded: respondedShown ? count : BELOW_K,
        rate: respondedShown ? count / segment.invited : undefined,
      };
    }),
  };
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
