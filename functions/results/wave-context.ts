/**
 * What every results view needs about a closed wave: the wave, its frozen unit tree and segment
 * set, and the mapping from the query a person writes (`unit=<path>`, `filter=<attribute>:<value>`)
 * to one of the wave's segments. Anything outside the segment set is a 400 naming the field.
 */
import { LruCache } from '../lru.ts';
import { UNIT_PATH_SEPARATOR, UnitTree } from '../../shared/org.ts';
import { outsideLabel, segmentLabel } from '../../shared/segment-labels.ts';
import { attributeSegmentId, unitAttributeSegmentId, unitSegmentId, type WaveSegment } from '../../shared/segments.ts';
import type { CellSegment } from '../../shared/wave-cells.ts';
import type { Slice } from '../../shared/api-results.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { getWave, type Wave } from '../store/waves.ts';
import { getWaveSnapshot } from '../waves/snapshot.ts';

export interface WaveContext {
  wave: Wave;
  tree: UnitTree;
  segments: Map<string, WaveSegment>;
  /** Unit path (with and without the root's name) → unit id. */
  unitByPath: Map<string, string>;
}

/** Closed waves' frozen groups, the most recently read 32 (a tree and a segment map each; a few MB at 300,000 people). */
const contexts = new LruCache<string, { tree: UnitTree; segments: Map<string, WaveSegment>; unitByPath: Map<string, string> }>(32);

/** A closed wave with its snapshot; 409 when it has no results yet. */
export async function loadClosedWave(deps: AppDeps, waveId: string): Promise<WaveContext> {
  const wave = await getWave(deps.store, waveId);
  if (wave.status !== 'closed') throw new ConflictError('not-closed', `wave ${waveId} is ${wave.status}; results exist once it has closed`);
  let frozen = contexts.get(waveId);
  if (!frozen) {
    const snapshot = await getWaveSnapshot(deps.store, waveId);
    if (!snapshot) throw new Error(`wave ${waveId} has no snapshot`);
    const tree = new UnitTree(snapshot.units);
    const unitByPath = new Map<string, string>();
    for (const unit of snapshot.units) {
      const path = tree.path(unit.id);
      unitByPath.set(path, unit.id);
      const rootPrefix = tree.root.name + UNIT_PATH_SEPARATOR;
      if (path.startsWith(rootPrefix)) unitByPath.set(path.slice(rootPrefix.length), unit.id);
    }
    frozen = { tree, segments: new Map(snapshot.segments.map((segment) => [segment.id, segment])), unitByPath };
    // A closed wave's snapshot never changes, so this cache never goes stale.
    contexts.set(waveId, frozen);
  }
  return { wave, ...frozen };
}

/** Normalize "A>B >C" to "A > B > C", so the separator's spacing does not matter. */
function normalizePath(path: string): string {
  return path
    .split('>')
    .map((part) => part.trim())
    .join(UNIT_PATH_SEPARATOR);
}

/** The segment id a slice names in this wave, or undefined when the wave has no such group. */
export function findSegmentId(context: WaveContext, slice: Partial<Slice>): { id?: string; field: 'unit' | 'filter'; problem?: string } {
  let unitId: string | undefined;
  if (slice.unit !== undefined) {
    unitId = context.unitByPath.get(normalizePath(slice.unit));
    if (!unitId) return { field: 'unit', problem: `no org unit "${slice.unit}" in this wave` };
  }
  let attribute: { name: string; value: string } | undefined;
  if (slice.filter !== undefined) {
    const at = slice.filter.indexOf(':');
    attribute = { name: slice.filter.slice(0, at).trim(), value: slice.filter.slice(at + 1).trim() };
  }
  const id = attribute
    ? unitId && unitId !== context.tree.root.id
      ? unitAttributeSegmentId(unitId, attribute.name, attribute.value)
      : attributeSegmentId(attribute.name, attribute.value)
    : unitSegmentId(unitId ?? context.tree.root.id);
  if (!context.segments.has(id)) {
    return {
      field: attribute ? 'filter' : 'unit',
      problem: 'not a group of this wave: results exist only for the groups fixed when it opened (at least k invited)',
    };
  }
  return { id, field: attribute ? 'filter' : 'unit' };
}

/** The segment id of a slice, or a 400 naming the field. */
export function resolveSegment(context: WaveContext, slice: Partial<Slice>): string {
  const found = findSegmentId(context, slice);
  if (!found.id) throw new ValidationError(`${found.field}: ${found.problem}`, found.field);
  return found.id;
}

/** A human label for a segment id of this wave; a complement's is language-neutral ("¬ <group>"), worded by the reader's dashboard. */
export function labelOf(context: WaveContext, segmentId: string): string {
  const plain = (id: string) => {
    const segment = context.segments.get(id);
    return segment ? segmentLabel(segment as CellSegment, context.tree) : id;
  };
  return segmentId.startsWith('not:') ? outsideLabel(plain(segmentId.slice(4))) : plain(segmentId);
}

/** The unit a segment (or the group its complement excludes) is about; undefined for org-wide attribute values. */
export function unitOfSegment(context: WaveContext, segmentId: string): string | undefined {
  const segment = context.segments.get(segmentId.startsWith('not:') ? segmentId.slice(4) : segmentId);
  if (!segment) return undefined;
  return segment.kind === 'attribute' ? undefined : segment.unitId;
}
