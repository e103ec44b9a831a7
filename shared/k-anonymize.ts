/**
 * k-anonymization of the profiles stored with responses after a wave closes: every stored
 * combination (a unit, maybe an ancestor of the person's own, and a subset of their attribute
 * values) covers at least k invitees, so no record singles anyone out among fewer than k colleagues.
 */
import type { OrgUnit, Profile, ProfileCount } from './org.ts';
import { UnitTree, profileKey } from './org.ts';

interface Entry {
  attributes: Record<string, string>;
  count: number;
}

/** Invitee counts arranged for coverage queries, with caches: build once per close. */
export class KAnonymityIndex {
  readonly k: number;
  readonly tree: UnitTree;
  /** For each unit, the invitee profiles of the unit and every unit below it. */
  private readonly subtree = new Map<string, Entry[]>();
  private readonly ancestry = new Map<string, string[]>();
  private readonly coverageCache = new Map<string, number>();
  private readonly resultCache = new Map<string, Profile>();

  constructor(units: OrgUnit[], invitees: ProfileCount[], k: number) {
    this.k = k;
    this.tree = new UnitTree(units);
    for (const unit of units) {
      this.subtree.set(unit.id, []);
      this.ancestry.set(
        unit.id,
        this.tree.ancestry(unit.id).map((u) => u.id),
      );
    }
    for (const { profile, count } of invitees) {
      if (count <= 0) continue;
      const entry = { attributes: profile.attributes, count };
      for (const unitId of this.unitsFrom(profile.unitId)) this.subtree.get(unitId)!.push(entry);
    }
  }

  /** The unit and its ancestors, nearest first. */
  unitsFrom(unitId: string): string[] {
    const ids = this.ancestry.get(unitId);
    if (!ids) throw new Error(`unknown org unit ${unitId}`);
    return ids;
  }

  coverage(profile: Profile): number {
    const key = profileKey(profile);
    let covered = this.coverageCache.get(key);
    if (covered === undefined) {
      covered = 0;
      const names = Object.keys(profile.attributes);
      for (const entry of this.subtree.get(profile.unitId) ?? []) {
        if (names.every((name) => entry.attributes[name] === profile.attributes[name])) covered += entry.count;
      }
      this.coverageCache.set(key, covered);
    }
    return covered;
  }

  generalize(profile: Profile): Profile {
    const key = profileKey(profile);
    let result = this.resultCache.get(key);
    if (!result) {
      result = this.search(profile);
      this.resultCache.set(key, result);
    }
    return result;
  }

  /**
   * At the person's own unit, drop attributes one at a time, always the one whose value is rarest
   * among invitees matching the others (its removal widens the group most), until k are covered;
   * failing that, move one unit up and start again from all the attributes. Restarting keeps the
   * demographics whenever the larger unit alone makes the group big enough, which is what later
   * analysis needs most.
   */
  private search(profile: Profile): Profile {
    for (const unitId of this.unitsFrom(profile.unitId)) {
      let attributes = { ...profile.attributes };
      for (;;) {
        const candidate = { unitId, attributes };
        if (this.coverage(candidate) >= this.k) return candidate;
        const names = Object.keys(attributes).sort();
        if (names.length === 0) break;
        let best: Record<string, string> | undefined;
        let bestCoverage = -1;
        for (const name of names) {
          const { [name]: _dropped, ...rest } = attributes;
          const covered = this.coverage({ unitId, attributes: rest });
          if (covered > bestCoverage) {
            best = rest;
            bestCoverage = covered;
          }
        }
        attributes = best!;
      }
    }
    // Fewer than k invitees in the whole organization: the most general profile is all there is.
    return { unitId: this.tree.root.id, attributes: {} };
  }
}

/** Index the invitees of a wave for k-anonymization (the directory snapshot taken at open). */
export function buildKAnonymityIndex(units: OrgUnit[], invitees: ProfileCount[], k: number): KAnonymityIndex {
  return new KAnonymityIndex(units, invitees, k);
}

/** How many invitees a (possibly generalized) profile covers: in its unit or below, with exactly its attribute values. */
export function coverage(profile: Profile, index: KAnonymityIndex): number {
  return index.coverage(profile);
}

/**
 * Generalize a profile until its combination covers at least k invitees: drop the most specific
 * attribute (the one whose value is rarest among the invitees matching the rest), then move the
 * unit one level up; repeat. Cached by profile, so a close calls it once per response cheaply.
 */
export function kAnonymize(profile: Profile, index: KAnonymityIndex): Profile {
  return index.generalize(profile);
}
