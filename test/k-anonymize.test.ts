import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../shared/org.ts';
import { UnitTree } from '../shared/org.ts';
import { buildKAnonymityIndex, coverage, kAnonymize } from '../shared/k-anonymize.ts';
import { anOrg, orgArbitrary } from './fixtures/org-builder.ts';
import { propertyParameters } from './helpers/properties.ts';

/** Counted person by person, independently of the index. */
function slowCoverage(profile: Profile, invitees: { profile: Profile; count: number }[], tree: UnitTree): number {
  let covered = 0;
  for (const { profile: p, count } of invitees) {
    const inUnit = tree.ancestry(p.unitId).some((unit) => unit.id === profile.unitId);
    const sameValues = Object.entries(profile.attributes).every(([name, value]) => p.attributes[name] === value);
    if (inUnit && sameValues) covered += count;
  }
  return covered;
}

function isGeneralizationOf(output: Profile, input: Profile, tree: UnitTree): boolean {
  const unitIsAncestor = tree.ancestry(input.unitId).some((unit) => unit.id === output.unitId);
  const keptValuesMatch = Object.entries(output.attributes).every(([name, value]) => input.attributes[name] === value);
  return unitIsAncestor && keptValuesMatch;
}

const org = () =>
  anOrg()
    .unit('tech', 'root')
    .unit('web', 'tech')
    .unit('data', 'tech')
    .people('web', 6, { gender: 'woman', site: 'Oslo' })
    .people('web', 1, { gender: 'man', site: 'Oslo' })
    .people('web', 1, { gender: 'woman', site: 'Tromsø' })
    .people('data', 3, { gender: 'man', site: 'Oslo' })
    .people('root', 4, { gender: 'man', site: 'Tromsø' })
    .build();

describe('kAnonymize', () => {
  it('leaves a profile alone when it already covers k invitees', () => {
    const index = buildKAnonymityIndex(org().units, org().invitees, 5);
    const profile = { unitId: 'web', attributes: { gender: 'woman', site: 'Oslo' } };
    expect(kAnonymize(profile, index)).toEqual(profile);
  });

  it('drops the rarest attribute first and keeps the common one', () => {
    const index = buildKAnonymityIndex(org().units, org().invitees, 5);
    // In web, man+Oslo is 1 person; of the 7 web people matching "man" or "Oslo" alone, Oslo covers 7, man only 1.
    expect(kAnonymize({ unitId: 'web', attributes: { gender: 'man', site: 'Oslo' } }, index)).toEqual({
      unitId: 'web',
      attributes: { site: 'Oslo' },
    });
  });

  it('moves up a unit when the unit alone is under k, keeping the values the larger unit can hide', () => {
    const index = buildKAnonymityIndex(org().units, org().invitees, 5);
    // data has 3 people. In tech, men in Oslo are 4: gender goes (Oslo alone covers 10 in tech, men alone 4).
    const result = kAnonymize({ unitId: 'data', attributes: { gender: 'man', site: 'Oslo' } }, index);
    expect(coverage(result, index)).toBeGreaterThanOrEqual(5);
    expect(result).toEqual({ unitId: 'tech', attributes: { site: 'Oslo' } });
  });

  it('answers from the whole organization with no attributes when the organization itself is under k', () => {
    const tiny = anOrg().unit('a', 'root').people('a', 2, { site: 'x' }).build();
    const index = buildKAnonymityIndex(tiny.units, tiny.invitees, 5);
    expect(kAnonymize({ unitId: 'a', attributes: { site: 'x' } }, index)).toEqual({ unitId: 'root', attributes: {} });
  });

  it('always covers at least k invitees, only generalizes, and counts coverage right (property)', () => {
    fc.assert(
      fc.property(orgArbitrary({ maxUnits: 30 }), fc.integer({ min: 3, max: 10 }), (generated, k) => {
        const total = generated.invitees.reduce((sum, c) => sum + c.count, 0);
        fc.pre(total >= k);
        const tree = new UnitTree(generated.units);
        const index = buildKAnonymityIndex(generated.units, generated.invitees, k);
        for (const { profile } of generated.invitees) {
          const result = kAnonymize(profile, index);
          expect(isGeneralizationOf(result, profile, tree)).toBe(true);
          expect(coverage(result, index)).toBe(slowCoverage(result, generated.invitees, tree));
          expect(coverage(result, index)).toBeGreaterThanOrEqual(k);
          if (slowCoverage(profile, generated.invitees, tree) >= k) expect(result).toEqual(profile);
        }
      }),
      propertyParameters(150),
    );
  });
});
