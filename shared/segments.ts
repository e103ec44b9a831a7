/**
 * Segments: the only slices of a wave that ever get results. Fixed when the wave opens, from the
 * directory snapshot, so a later reorganization cannot change what a closed wave publishes.
 */
import type { OrgUnit, Profile, ProfileCount } from './org.ts';
import { UnitTree } from './org.ts';

export type Segment =
  | { id: string; kind: 'unit'; unitId: string }
  | { id: string; kind: 'attribute'; attribute: string; value: string }
  | { id: string; kind: 'unitAttribute'; unitId: string; attribute: string; value: string };

/** A segment as stored with a wave: how many invitees fall in it. */
export type WaveSegment = Segment & { invited: number };

const enc = encodeURIComponent;

/** Id of a unit's segment (the unit and everything below it): `u:<unitId>`. */
export function unitSegmentId(unitId: string): string {
  return `u:${enc(unitId)}`;
}

/** Id of an attribute value across the organization: `a:<attribute>=<value>`. */
export function attributeSegmentId(attribute: string, value: string): string {
  return `a:${enc(attribute)}=${enc(value)}`;
}

/** Id of a unit (with its descendants) × one attribute value: `ua:<unitId>:<attribute>=<value>`. */
export function unitAttributeSegmentId(unitId: string, attribute: string, value: string): string {
  return `ua:${enc(unitId)}:${enc(attribute)}=${enc(value)}`;
}

/** Unit ids from the unit itself up to the root, memoized per tree because every profile asks. */
const ancestryCache = new WeakMap<UnitTree, Map<string, string[]>>();

/** The unit and its ancestors' ids, nearest first; throws for a unit the tree does not know. */
export function ancestorIds(tree: UnitTree, unitId: string): string[] {
  let byUnit = ancestryCache.get(tree);
  if (!byUnit) {
    byUnit = new Map();
    ancestryCache.set(tree, byUnit);
  }
  let ids = byUnit.get(unitId);
  if (!ids) {
    if (!tree.byId.has(unitId)) throw new Error(`unknown org unit ${unitId}`);
    ids = tree.ancestry(unitId).map((unit) => unit.id);
    byUnit.set(unitId, ids);
  }
  return ids;
}

/**
 * Every candidate segment a profile falls in, kept or not: its unit and all ancestors, each of its
 * attribute values, and each ancestor × each value.
 */
function candidateSegmentIds(profile: Profile, tree: UnitTree): string[] {
  const units = ancestorIds(tree, profile.unitId);
  const ids = units.map(unitSegmentId);
  for (const [attribute, value] of Object.entries(profile.attributes)) {
    ids.push(attributeSegmentId(attribute, value));
    for (const unitId of units) ids.push(unitAttributeSegmentId(unitId, attribute, value));
  }
  return ids;
}

/**
 * Fixed at open: every unit at every level, every attribute value org-wide, every unit × one
 * attribute value, each kept only if at least k invitees fall in it. A unit's members include its
 * descendants' members. Ordered units (root first, by depth), then attribute values, then unit ×
 * value cells, so the order is stable for the same directory.
 */
export function buildSegments(units: OrgUnit[], invitees: ProfileCount[], k: number): WaveSegment[] {
  const tree = new UnitTree(units);
  const invited = new Map<string, number>();
  const attributeValues = new Map<string, Set<string>>();
  for (const { profile, count } of invitees) {
    if (count <= 0) continue;
    for (const id of candidateSegmentIds(profile, tree)) invited.set(id, (invited.get(id) ?? 0) + count);
    for (const [attribute, value] of Object.entries(profile.attributes)) {
      let values = attributeValues.get(attribute);
      if (!values) attributeValues.set(attribute, (values = new Set()));
      values.add(value);
    }
  }

  const unitsByDepth = [...units].sort((a, b) => ancestorIds(tree, a.id).length - ancestorIds(tree, b.id).length || compare(a.id, b.id));
  const pairs = [...attributeValues.entries()]
    .sort(([a], [b]) => compare(a, b))
    .flatMap(([attribute, values]) => [...values].sort(compare).map((value) => ({ attribute, value })));

  const segments: WaveSegment[] = [];
  const keep = (segment: Segment) => {
    const n = invited.get(segment.id) ?? 0;
    if (n >= k) segments.push({ ...segment, invited: n });
  };
  for (const unit of unitsByDepth) keep({ id: unitSegmentId(unit.id), kind: 'unit', unitId: unit.id });
  for (const { attribute, value } of pairs) {
    keep({ id: attributeSegmentId(attribute, value), kind: 'attribute', attribute, value });
  }
  for (const unit of unitsByDepth) {
    for (const { attribute, value } of pairs) {
      const id = unitAttributeSegmentId(unit.id, attribute, value);
      keep({ id, kind: 'unitAttribute', unitId: unit.id, attribute, value });
    }
  }
  return segments;
}

/** The kept segments a profile belongs to (its unit and all ancestors, its attribute values, ancestor-units × each of its values). */
export function segmentsOfProfile(profile: Profile, tree: UnitTree, kept: ReadonlySet<string>): string[] {
  return candidateSegmentIds(profile, tree).filter((id) => kept.has(id));
}

/** Aggregate per-profile counts to per-segment counts (every kept segment present, zero when nobody falls in it). */
export function countBySegment(counts: ProfileCount[], tree: UnitTree, kept: ReadonlySet<string>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const id of kept) totals.set(id, 0);
  for (const { profile, count } of counts) {
    if (count === 0) continue;
    for (const id of candidateSegmentIds(profile, tree)) {
      const current = totals.get(id);
      if (current !== undefined) totals.set(id, current + count);
    }
  }
  return totals;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
