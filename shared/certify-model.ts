/**
 * The attacker's model of a closed wave, as the confidentiality certificate audits it (DESIGN.md,
 * "Confidentiality"; issue 9). Pure: it builds the unknowns, the published equations and the
 * protected groups; shared/certify.ts runs the audit and functions/certify-solver.ts the solver.
 *
 * Unknowns. For every finest group f (a profile: one unit, where people sit directly, × one
 * combination of attribute values) the directory makes its invited count I_f public. Unknown are
 * the responded count r_f and, per statement s and scale point p, the count x[f,s,p]; the answered
 * count is a[f,s] = Σ_p x[f,s,p].
 *
 * What the attacker knows: 0 ≤ x, a[f,s] ≤ r_f ≤ I_f, integrality, and one equation per published
 * number. For every visible cell of a segment S (segments include the complements "not:<id>"):
 *   Σ_{f∈S} r_f = responded_S                   when the responded count shows,
 *   Σ_{f∈S} x[f,s,p] = count_{S,s,p}, every p  when statement s shows in S.
 * Every visible statement cell is taken to publish its exact point counts and n: whatever a view
 * shows of it (%, means, bands, intervals, eNPS, changes) is a function of those, so this
 * over-approximates what is shown, which is the safe direction.
 *
 * Protected groups, named the way an attacker can name them: every finest group of 1..k-1
 * invitees; every difference of two published nested groups (segments and complements) of 1..k-1
 * invitees; every published group minus the union of its published disjoint parts (child units,
 * the unit's value cells, a value cell's child cells); and everyone outside any of these. For each
 * such group G of 1..k-1 invitees none of r_G, a[G,s], x[G,s,p] may be pinned to one value
 * (0 included: "nobody in G answered p"). For every published group and remainder of any size,
 * responded and answered counts of 1..k-1 may not be pinned (results of fewer than k people).
 *
 * Allowed, and counted apart: a pin that one visible group of k or more invitees gives on its own
 * because its count sits at a bound (0, or all of its invitees): a unanimous group reveals its
 * members' answers, and no tool can prevent that.
 */
import { parseProfileKey, profileKey, UnitTree, type OrgUnit, type ProfileCount } from './org.ts';
import { attributeSegmentId, segmentsOfProfile, unitAttributeSegmentId, unitSegmentId, type Segment } from './segments.ts';
import { scaleValues } from './scales.ts';
import type { CountedStatement, Tally } from './tally.ts';

/** A published group: a segment or its complement, as a set of finest groups. */
export interface ModelCell {
  id: string;
  /** Sorted finest-group indices. */
  members: Int32Array;
  invited: number;
  /** Index of the segment cell this is the complement of, for complements. */
  complementOf?: number;
}

export interface ModelStatement {
  id: string;
  /** Points some respondent chose; a point nobody chose is fixed at 0 (see below). */
  points: string[];
  /**
   * Scale points nobody in the organization chose. They get no unknowns (fixing them at 0 gives
   * the attacker more, the safe direction); with the statement's root cell visible, "nobody in G
   * chose p" is the root's own unanimity.
   */
  emptyPoints: string[];
}

/** A group the certificate protects. */
export interface ProtectedGroup {
  name: string;
  members: Int32Array;
  invited: number;
  /** `small`: 1..k-1 invitees, every quantity protected. `count`: only counts of 1..k-1. */
  kind: 'small' | 'count';
}

/** Vector index: 0 is responded, 1 + s is statement s. */
export type VectorIndex = number;

export interface CertifyModel {
  k: number;
  profileKeys: string[];
  invited: Int32Array;
  /** The truth: responded per finest group, and per statement a flat [point × finest group] array. */
  responded: Int32Array;
  counts: Int32Array[];
  statements: ModelStatement[];
  cells: ModelCell[];
  root: number;
  /** For each finest group, the cells (segments and complements) it belongs to. */
  cellsOf: Int32Array[];
  groups: ProtectedGroup[];
  /** Each finest group's unit, and each unit's parent (null for the root). */
  unitOf: string[];
  parentOf: Map<string, string | null>;
}

export interface ModelInput {
  k: number;
  units: OrgUnit[];
  invitees: ProfileCount[];
  segments: Segment[];
  statements: readonly CountedStatement[];
  tally: Tally;
}

export const complementCellId = (segmentId: string) => `not:${segmentId}`;

/** Build the model: finest groups, their true counts, the published cells and the protected groups. */
export function buildCertifyModel(input: ModelInput): CertifyModel {
  const { k } = input;
  const tree = new UnitTree(input.units);
  const indexOf = new Map<string, number>();
  const profileKeys: string[] = [];
  const invitedList: number[] = [];
  const add = (key: string) => {
    let index = indexOf.get(key);
    if (index === undefined) {
      index = profileKeys.length;
      indexOf.set(key, index);
      profileKeys.push(key);
      invitedList.push(0);
    }
    return index;
  };
  for (const { profile, count } of input.invitees) if (count > 0) invitedList[add(profileKey(profile))] += count;
  // A respondent always has an invitation; a tally profile outside the directory (it cannot
  // happen at close) is taken to have exactly its respondents invited.
  for (const [key, entry] of Object.entries(input.tally)) {
    const index = add(profileKey(parseProfileKey(key)));
    if (invitedList[index] < entry.respondents) invitedList[index] = entry.respondents;
  }
  const F = profileKeys.length;
  const invited = Int32Array.from(invitedList);
  const responded = new Int32Array(F);
  const tallyOf = new Map<number, Tally[string]>();
  for (const [key, entry] of Object.entries(input.tally)) {
    const index = indexOf.get(profileKey(parseProfileKey(key)))!;
    responded[index] += entry.respondents;
    tallyOf.set(index, entry);
  }

  const statements: ModelStatement[] = [];
  const counts: Int32Array[] = [];
  for (const statement of input.statements) {
    const totals = new Map<string, number>();
    for (const entry of tallyOf.values()) {
      for (const [point, count] of Object.entries(entry.statements[statement.id] ?? {})) totals.set(point, (totals.get(point) ?? 0) + count);
    }
    const points = [...totals]
      .filter(([, count]) => count > 0)
      .map(([point]) => point)
      .sort();
    const emptyPoints = scaleValues(statement.scale)
      .map(String)
      .filter((point) => !points.includes(point));
    const flat = new Int32Array(points.length * F);
    for (const [index, entry] of tallyOf) {
      const byPoint = entry.statements[statement.id] ?? {};
      points.forEach((point, p) => (flat[p * F + index] = byPoint[point] ?? 0));
    }
    statements.push({ id: statement.id, points, emptyPoints });
    counts.push(flat);
  }

  // Published cells: every segment, then the complement of every segment but the root.
  const kept = new Set(input.segments.map((segment) => segment.id));
  const segmentIndex = new Map(input.segments.map((segment, i) => [segment.id, i]));
  const membersOf: number[][] = input.segments.map(() => []);
  profileKeys.forEach((key, f) => {
    for (const id of segmentsOfProfile(parseProfileKey(key), tree, kept)) membersOf[segmentIndex.get(id)!].push(f);
  });
  const sumInvited = (members: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < members.length; i++) sum += invited[members[i]];
    return sum;
  };
  const everyone = sumInvited(Array.from({ length: F }, (_, f) => f));
  const cells: ModelCell[] = input.segments.map((segment, i) => {
    const members = Int32Array.from(membersOf[i]);
    return { id: segment.id, members, invited: sumInvited(members) };
  });
  const rootId = unitSegmentId(tree.root.id);
  const root = segmentIndex.get(rootId);
  if (root === undefined) throw new Error('the root unit must be a segment');
  input.segments.forEach((segment, i) => {
    if (segment.id === rootId) return;
    const inside = new Uint8Array(F);
    for (const f of cells[i].members) inside[f] = 1;
    const members: number[] = [];
    for (let f = 0; f < F; f++) if (!inside[f]) members.push(f);
    cells.push({ id: complementCellId(segment.id), members: Int32Array.from(members), invited: everyone - cells[i].invited, complementOf: i });
  });
  const cellsOfList: number[][] = Array.from({ length: F }, () => []);
  cells.forEach((cell, c) => {
    for (const f of cell.members) cellsOfList[f].push(c);
  });
  const cellsOf = cellsOfList.map((list) => Int32Array.from(list));

  const groups = protectedGroups({ k, F, invited, cells, segments: input.segments, segmentIndex, tree, profileKeys, everyone });
  const unitOf = profileKeys.map((key) => parseProfileKey(key).unitId);
  const parentOf = new Map(input.units.map((unit) => [unit.id, unit.parentId]));
  return { k, profileKeys, invited, responded, counts, statements, cells, root, cellsOf, groups, unitOf, parentOf };
}

/** The groups the certificate protects (see the module comment), deduplicated by membership. */
function protectedGroups(input: {
  k: number;
  F: number;
  invited: Int32Array;
  cells: ModelCell[];
  segments: Segment[];
  segmentIndex: Map<string, number>;
  tree: UnitTree;
  profileKeys: string[];
  everyone: number;
}): ProtectedGroup[] {
  const { k, F, invited, cells, segments, segmentIndex, tree, everyone } = input;
  const groups: ProtectedGroup[] = [];
  const seen = new Set<string>();
  const small = (n: number) => n > 0 && n < k;
  const sizeOf = (members: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < members.length; i++) sum += invited[members[i]];
    return sum;
  };
  const push = (name: string, members: Int32Array, kind?: 'small' | 'count') => {
    const size = sizeOf(members);
    if (size === 0) return;
    const signature = members.join(',');
    if (seen.has(signature)) return;
    const decided = kind ?? (small(size) ? 'small' : 'count');
    seen.add(signature);
    groups.push({ name, members, invited: size, kind: decided });
    // Everyone outside a small group is a group the attacker can name too.
    if (decided === 'small' && small(everyone - size)) {
      const inside = new Uint8Array(F);
      for (const f of members) inside[f] = 1;
      const rest: number[] = [];
      for (let f = 0; f < F; f++) if (!inside[f] && invited[f] > 0) rest.push(f);
      push(`everyone but ${name}`, Int32Array.from(rest));
    }
  };
  const minus = (whole: Int32Array, parts: Int32Array[]) => {
    const out = new Uint8Array(F);
    for (const f of whole) out[f] = 1;
    for (const part of parts) for (const f of part) out[f] = 0;
    const members: number[] = [];
    for (const f of whole) if (out[f]) members.push(f);
    return Int32Array.from(members);
  };

  for (let f = 0; f < F; f++) if (small(invited[f])) push(`finest group ${input.profileKeys[f]}`, Int32Array.of(f), 'small');
  cells.forEach((cell) => push(cell.id, cell.members));

  // Groups anyone reading the directory can name besides the published ones: the people sitting
  // directly in a unit, and those of them with one attribute value.
  const named: Array<{ id: string; members: Int32Array; invited: number }> = cells.map((cell) => ({
    id: cell.id,
    members: cell.members,
    invited: cell.invited,
  }));
  for (let f = 0; f < F; f++) named.push({ id: `finest group ${input.profileKeys[f]}`, members: Int32Array.of(f), invited: invited[f] });
  const directOf = new Map<string, number[]>();
  input.profileKeys.forEach((key, f) => {
    const profile = parseProfileKey(key);
    const add = (id: string) => (directOf.get(id) ?? directOf.set(id, []).get(id)!).push(f);
    add(`direct in ${profile.unitId}`);
    for (const [attribute, value] of Object.entries(profile.attributes)) add(`direct in ${profile.unitId} with ${attribute}=${value}`);
  });
  for (const [id, list] of directOf) {
    const members = Int32Array.from(list);
    push(id, members);
    named.push({ id, members, invited: sizeOf(members) });
  }

  // Differences of two nested named groups with 1..k-1 invitees between them.
  const order = named.map((_, c) => c).sort((a, b) => named[a].invited - named[b].invited);
  // One membership buffer, refilled for each outer group that needs it.
  const buffer = new Uint8Array(F);
  let filled = -1;
  const bitsOf = (index: number) => {
    if (filled !== index) {
      if (filled >= 0) for (const f of named[filled].members) buffer[f] = 0;
      for (const f of named[index].members) buffer[f] = 1;
      filled = index;
    }
    return buffer;
  };
  for (let i = 0; i < order.length; i++) {
    const outer = named[order[i]];
    for (let j = i - 1; j >= 0; j--) {
      const inner = named[order[j]];
      const gap = outer.invited - inner.invited;
      if (gap >= k) break;
      if (gap <= 0 || inner.members.length >= outer.members.length) continue;
      const bits = bitsOf(order[i]);
      if (!inner.members.every((f) => bits[f] === 1)) continue;
      push(`${outer.id} minus ${inner.id}`, minus(outer.members, [inner.members]));
    }
  }

  // A published group minus the union of its published disjoint parts.
  const cellOf = (id: string) => {
    const index = segmentIndex.get(id);
    return index === undefined ? undefined : cells[index];
  };
  const attributesOf = new Map<string, Set<string>>();
  for (const segment of segments) {
    if (segment.kind === 'unit') continue;
    if (!attributesOf.has(segment.attribute)) attributesOf.set(segment.attribute, new Set());
    attributesOf.get(segment.attribute)!.add(segment.value);
  }
  const childrenOf = new Map<string, string[]>();
  for (const unit of tree.byId.values())
    if (unit.parentId !== null) (childrenOf.get(unit.parentId) ?? childrenOf.set(unit.parentId, []).get(unit.parentId)!).push(unit.id);
  const remainder = (whole: ModelCell | undefined, partIds: string[], label: string) => {
    if (!whole) return;
    const parts = partIds.map(cellOf).filter((cell): cell is ModelCell => cell !== undefined);
    if (parts.length === 0) return;
    push(
      `${whole.id} minus its ${label}`,
      minus(
        whole.members,
        parts.map((part) => part.members),
      ),
    );
  };
  for (const segment of segments) {
    const whole = cells[segmentIndex.get(segment.id)!];
    if (segment.kind === 'unit') {
      const children = childrenOf.get(segment.unitId) ?? [];
      remainder(whole, children.map(unitSegmentId), 'child units');
      for (const [attribute, values] of attributesOf) {
        remainder(
          whole,
          [...values].map((value) => unitAttributeSegmentId(segment.unitId, attribute, value)),
          `${attribute} cells`,
        );
        if (segment.unitId === tree.root.id)
          remainder(
            whole,
            [...values].map((value) => attributeSegmentId(attribute, value)),
            `${attribute} values`,
          );
      }
    } else if (segment.kind === 'unitAttribute') {
      const children = childrenOf.get(segment.unitId) ?? [];
      remainder(
        whole,
        children.map((child) => unitAttributeSegmentId(child, segment.attribute, segment.value)),
        'child cells',
      );
    } else {
      const children = childrenOf.get(tree.root.id) ?? [];
      remainder(
        whole,
        children.map((child) => unitAttributeSegmentId(child, segment.attribute, segment.value)),
        'child cells',
      );
    }
  }
  return groups;
}
