/**
 * The certificate for a wave too large for the integer-programming audit (shared/certify.ts): a
 * sound over-approximation that needs no solver and no data, only who is in which group.
 *
 * Call two invitees alike when every shown group (a segment or its complement, shown in any count
 * vector) holds both or neither; an atom is a class of alike invitees. Every published number is a
 * sum, over the members of a shown group, of something about each member (responded, answered,
 * chose p). So exchanging everything two alike people answered leaves every published number as
 * it is. If every atom holds k or more invitees, a group G of 1..k−1 invitees holds no whole atom:
 * each member has someone alike outside G, and a count of G can be worked out only if every atom
 * G meets answered that count alike (all of it or none of it), which is the stated limit of a
 * group of k or more answering unanimously (README, "Privacy"). So: hide whole segments until
 * every atom holds 0 or at least k invitees.
 *
 * Built up rather than cut down: starting from the whole organization, each shown segment is
 * added only if every atom it splits keeps 0 or k or more invitees on both sides. Units go first,
 * top down (every manager's page), then the other segments largest first. Hiding segments only
 * merges atoms (unions of atoms of k or more hold k or more), so a later hide never breaks the rule
 * for what stays. That allows a trade: an organization-wide attribute value the rule refuses is
 * still shown if hiding a few units (whose people then join the atom of the unit above) lets it
 * split every atom into 0 or k or more, and those units hold at most `TRADE_SHARE` of the people
 * the value covers. Without it, a 10,000-person organization (200 units) kept every unit and not one
 * organization-wide value: a single team with 1..k−1 people in Göteborg hid Göteborg everywhere.
 *
 * Measured on the bench's organizations (`npm run bench -- confidentiality`), other orders did
 * worse for readers: organization-wide values first, or every segment largest first, showed 5–12
 * of 13 values but hid 195–199 of the 199 units below the root.
 */
import { profileKey, type ProfileCount, type UnitTree } from './org.ts';
import { segmentsOfProfile } from './segments.ts';

export interface AtomInput {
  k: number;
  tree: UnitTree;
  invitees: ProfileCount[];
  /** Segment ids (not complements, not the root) with whether any of their or their complement's cells is shown. */
  segments: Array<{ id: string; kind: 'unit' | 'attribute' | 'unitAttribute'; unitId?: string; shown: boolean; forced?: boolean }>;
  /** Never trade units for a value (the bench's "before", and tests of the plain rule). */
  noTrades?: boolean;
}

/** Segment ids to hide so that every class of invitees the shown segments tell apart holds 0 or at least k. */
export function hideUntilAtomsHoldK(input: AtomInput): Set<string> {
  const problem = indexSegments(input);
  const forced = input.segments.flatMap((segment, s) => (segment.forced ? [s] : []));
  const shown = keepGreedily(problem, forced, orderSegments(problem, input), !input.noTrades);
  return new Set(input.segments.filter((_, s) => !shown[s]).map((segment) => segment.id));
}

interface Problem {
  k: number;
  /** Invitees per finest group (a unit's own members with one attribute combination). */
  invited: Int32Array;
  /** Finest groups in each segment. */
  members: Int32Array[];
  size: number[];
  /** Per finest group, the unit segments it falls in, nearest first. */
  unitsOf: number[][];
  /** Per unit segment, the unit × value segments of the same unit (hidden with it in a trade). */
  cellsOfUnit: Map<number, number[]>;
  /** Per unit id (the root's included), the unit segments of its child units. */
  childUnits: Map<string, number[]>;
  rootId: string;
  /** Segments units may be traded for: organization-wide attribute values. */
  tradable: boolean[];
  unitIdOf: Array<string | undefined>;
}

function indexSegments(input: AtomInput): Problem {
  const { tree } = input;
  const index = new Map(input.segments.map((segment, i) => [segment.id, i]));
  const invitedOf = new Map<string, number>();
  const profiles = new Map<string, ProfileCount['profile']>();
  for (const { profile, count } of input.invitees) {
    if (count <= 0) continue;
    const key = profileKey(profile);
    invitedOf.set(key, (invitedOf.get(key) ?? 0) + count);
    profiles.set(key, profile);
  }
  const keys = [...invitedOf.keys()];
  const invited = Int32Array.from(keys, (key) => invitedOf.get(key)!);
  const lists: number[][] = input.segments.map(() => []);
  const unitsOf: number[][] = [];
  const all = new Set(index.keys());
  keys.forEach((key, f) => {
    const units: number[] = [];
    // segmentsOfProfile lists the profile's units nearest first.
    for (const id of segmentsOfProfile(profiles.get(key)!, tree, all)) {
      const s = index.get(id)!;
      lists[s].push(f);
      if (input.segments[s].kind === 'unit') units.push(s);
    }
    unitsOf.push(units);
  });
  const members = lists.map((list) => Int32Array.from(list));
  const size = members.map((list) => list.reduce((sum, f) => sum + invited[f], 0));
  const unitByUnitId = new Map(input.segments.flatMap((segment, s) => (segment.kind === 'unit' ? [[segment.unitId, s] as const] : [])));
  const cellsOfUnit = new Map<number, number[]>();
  input.segments.forEach((segment, s) => {
    if (segment.kind !== 'unitAttribute' || segment.unitId === undefined) return;
    const unit = unitByUnitId.get(segment.unitId);
    if (unit === undefined) return;
    cellsOfUnit.set(unit, [...(cellsOfUnit.get(unit) ?? []), s]);
  });
  const childUnits = new Map<string, number[]>();
  input.segments.forEach((segment, s) => {
    const parentId = segment.kind === 'unit' && segment.unitId !== undefined ? tree.byId.get(segment.unitId)?.parentId : undefined;
    if (parentId) childUnits.set(parentId, [...(childUnits.get(parentId) ?? []), s]);
  });
  const unitIdOf = input.segments.map((segment) => (segment.kind === 'unit' ? segment.unitId : undefined));
  return {
    k: input.k,
    invited,
    members,
    size,
    unitsOf,
    cellsOfUnit,
    childUnits,
    rootId: tree.root.id,
    unitIdOf,
    tradable: input.segments.map((segment) => segment.kind === 'attribute'),
  };
}

/** The shown segments in the order the greedy considers them: units top down, then the rest largest first. */
function orderSegments(problem: Problem, input: AtomInput): number[] {
  const depth = (s: number) => {
    const unitId = input.segments[s].unitId;
    return unitId === undefined ? 0 : input.tree.ancestry(unitId).length;
  };
  return input.segments
    .map((_, s) => s)
    .filter((s) => input.segments[s].shown)
    .sort((a, b) => {
      const [x, y] = [input.segments[a], input.segments[b]];
      if ((x.kind === 'unit') !== (y.kind === 'unit')) return x.kind === 'unit' ? -1 : 1;
      return (x.kind === 'unit' ? depth(a) - depth(b) : 0) || problem.size[b] - problem.size[a] || (x.id < y.id ? -1 : 1);
    });
}

/** Which invitees are alike so far: the atom of each finest group and each atom's invitees. */
class Atoms {
  readonly atomOf: Int32Array;
  readonly invited: number[];

  constructor(private readonly problem: Problem) {
    this.atomOf = new Int32Array(problem.invited.length);
    this.invited = [problem.invited.reduce((sum, n) => sum + n, 0)];
  }

  /** Atoms segment s would split into 1..k−1 on either side, each with one of its finest groups inside s. */
  badSplits(s: number): Array<{ atom: number; finest: number }> {
    const { k, invited, members } = this.problem;
    const inside = new Map<number, { n: number; finest: number }>();
    for (const f of members[s]) {
      const entry = inside.get(this.atomOf[f]);
      if (entry) entry.n += invited[f];
      else inside.set(this.atomOf[f], { n: invited[f], finest: f });
    }
    const fine = (n: number) => n === 0 || n >= k;
    return [...inside].filter(([atom, { n }]) => !fine(n) || !fine(this.invited[atom] - n)).map(([atom, { finest }]) => ({ atom, finest }));
  }

  split(s: number): void {
    const { invited, members } = this.problem;
    const inside = new Map<number, number>();
    for (const f of members[s]) inside.set(this.atomOf[f], (inside.get(this.atomOf[f]) ?? 0) + invited[f]);
    const moved = new Map<number, number>();
    for (const [atom, n] of inside) {
      if (n === this.invited[atom]) continue;
      moved.set(atom, this.invited.length);
      this.invited.push(n);
      this.invited[atom] -= n;
    }
    for (const f of members[s]) this.atomOf[f] = moved.get(this.atomOf[f]) ?? this.atomOf[f];
  }

  static of(problem: Problem, shown: readonly boolean[]): Atoms {
    const atoms = new Atoms(problem);
    shown.forEach((keep, s) => keep && atoms.split(s));
    return atoms;
  }
}

/**
 * A trade hides units holding at most this share of the people the value it shows covers. Measured
 * on the bench's organizations (200 units): at 0.15 or 0.25 a 10,000-person organization showed 2
 * values for 17 of its 199 units and a 100,000-person one 4 values instead of 3 for 8; at 0.5 a
 * 436-person one gave 8 of its 33 units for one value; at 1.0 the 100,000-person one showed 5
 * values for 37 units.
 */
export const TRADE_SHARE = 0.25;

/** The most units (or subtrees) one trade hides, one per round; the share bounds it first on large organizations. */
const TRADE_ROUNDS = 40;

/**
 * Keep the forced segments (already published: a count shown while the wave was open), then add
 * segments in order while the rule holds, trading a few units for an organization-wide value the
 * rule refuses; then retry the refused. A forced segment is never traded away.
 */
function keepGreedily(problem: Problem, forced: number[], order: number[], trades: boolean): boolean[] {
  const shown: boolean[] = problem.members.map(() => false);
  let atoms = new Atoms(problem);
  for (const s of forced) {
    atoms.split(s);
    shown[s] = true;
  }
  const isForced = new Set(forced);
  for (const s of order) {
    if (shown[s]) continue;
    if (atoms.badSplits(s).length === 0) {
      atoms.split(s);
      shown[s] = true;
      continue;
    }
    const hide = trades && problem.tradable[s] ? tradeFor(problem, shown, atoms, s) : undefined;
    if (!hide || [...hide].some((h) => isForced.has(h))) continue;
    for (const h of hide) shown[h] = false;
    shown[s] = true;
    atoms = Atoms.of(problem, shown);
  }
  // A segment refused early may fit now that later ones split its atoms (never unsound: the rule is checked again).
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of order) {
      if (shown[s] || atoms.badSplits(s).length > 0) continue;
      atoms.split(s);
      shown[s] = true;
      changed = true;
    }
  }
  return shown;
}

/**
 * The shown units (with their unit × value cells) to hide so that s splits every atom into 0 or k
 * or more, if they hold at most TRADE_SHARE of the people s covers; else undefined. Each round
 * hides the fewest people that merge some atom s still splits badly with others: where the atom is
 * the people sitting directly in a unit (outside its shown child units), the smallest shown child
 * with everything shown below it joins them; where the atom is a whole unit (no shown unit below),
 * that unit is hidden and its people join the unit above. Never the root.
 */
function tradeFor(problem: Problem, shown: readonly boolean[], atoms: Atoms, s: number): Set<number> | undefined {
  const hide = new Set<number>();
  const showing = (h: number) => shown[h] && !hide.has(h);
  const shownChildren = (unitId: string) => (problem.childUnits.get(unitId) ?? []).filter(showing);
  const withCells = (unit: number) => [unit, ...(problem.cellsOfUnit.get(unit) ?? [])].filter(showing);
  const subtree = (unit: number): number[] => [...withCells(unit), ...shownChildren(problem.unitIdOf[unit]!).flatMap(subtree)];
  const people = (list: number[]) => list.reduce((sum, h) => sum + problem.size[h], 0);
  let lost = 0;
  let current = atoms;
  for (let round = 0; round < TRADE_ROUNDS; round++) {
    const bad = current.badSplits(s);
    if (bad.length === 0) return lost <= TRADE_SHARE * problem.size[s] ? hide : undefined;
    let cheapest: number[] | undefined;
    for (const { finest } of bad) {
      const deepest = problem.unitsOf[finest].find(showing);
      const children = shownChildren(deepest === undefined ? problem.rootId : problem.unitIdOf[deepest]!);
      const candidates = children.length > 0 ? children.map(subtree) : deepest === undefined ? [] : [withCells(deepest)];
      for (const candidate of candidates) if (!cheapest || people(candidate) < people(cheapest)) cheapest = candidate;
    }
    if (!cheapest) return undefined;
    for (const h of cheapest) {
      hide.add(h);
      lost += problem.size[h];
    }
    if (lost > TRADE_SHARE * problem.size[s]) return undefined;
    current = Atoms.of(
      problem,
      shown.map((keep, h) => keep && !hide.has(h)),
    );
  }
  return undefined;
}
