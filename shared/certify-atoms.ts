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
 * added only if every class it splits keeps 0 or k or more invitees on both sides, else it is
 * hidden. Units go first, top down (what most readers look for), then the other segments largest
 * first, so an attribute is kept wherever it splits units into classes of k or more.
 */
import { profileKey, type ProfileCount, type UnitTree } from './org.ts';
import { segmentsOfProfile } from './segments.ts';

export interface AtomInput {
  k: number;
  tree: UnitTree;
  invitees: ProfileCount[];
  /** Segment ids (not complements, not the root) with whether any of their or their complement's cells is shown. */
  segments: Array<{ id: string; kind: 'unit' | 'attribute' | 'unitAttribute'; unitId?: string; shown: boolean }>;
}

/** Segment ids to hide so that every class of invitees the shown segments tell apart holds 0 or at least k. */
export function hideUntilAtomsHoldK(input: AtomInput): Set<string> {
  const { k, tree } = input;
  const index = new Map(input.segments.map((segment, i) => [segment.id, i]));
  const kept = new Set(index.keys());
  // Finest groups (a unit's own members with one attribute combination) and who is in each segment.
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
  const members: number[][] = input.segments.map(() => []);
  keys.forEach((key, f) => {
    for (const id of segmentsOfProfile(profiles.get(key)!, tree, kept)) members[index.get(id)!].push(f);
  });
  const depth = (segment: AtomInput['segments'][number]) => (segment.unitId === undefined ? 0 : tree.ancestry(segment.unitId).length);
  const size = (s: number) => members[s].reduce((sum, f) => sum + invited[f], 0);
  const order = input.segments
    .map((_, s) => s)
    .filter((s) => input.segments[s].shown)
    .sort((a, b) => {
      const [x, y] = [input.segments[a], input.segments[b]];
      if ((x.kind === 'unit') !== (y.kind === 'unit')) return x.kind === 'unit' ? -1 : 1;
      return depth(x) - depth(y) || size(b) - size(a) || (x.id < y.id ? -1 : 1);
    });

  const atomOf = new Int32Array(keys.length);
  const atomInvited = [invited.reduce((sum, n) => sum + n, 0)];
  const hide = new Set<string>();
  for (const s of order) {
    const inside = new Map<number, number>();
    for (const f of members[s]) inside.set(atomOf[f], (inside.get(atomOf[f]) ?? 0) + invited[f]);
    const fine = (n: number) => n === 0 || n >= k;
    if (![...inside].every(([atom, n]) => fine(n) && fine(atomInvited[atom] - n))) {
      hide.add(input.segments[s].id);
      continue;
    }
    const split = new Map<number, number>();
    for (const [atom, n] of inside) {
      if (n === atomInvited[atom]) continue;
      split.set(atom, atomInvited.length);
      atomInvited.push(n);
      atomInvited[atom] -= n;
    }
    for (const f of members[s]) atomOf[f] = split.get(atomOf[f]) ?? atomOf[f];
  }
  return hide;
}
