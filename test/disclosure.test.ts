import { describe, expect, it } from 'vitest';
import type { Visibility } from '../shared/disclosure.ts';
import { complementId, decideVisibility } from '../shared/disclosure.ts';
import { UnitTree } from '../shared/org.ts';
import { attributeSegmentId, buildSegments, countBySegment, unitAttributeSegmentId, unitSegmentId } from '../shared/segments.ts';
import type { GeneratedOrg } from './fixtures/org-builder.ts';
import { anOrg, generateOrg, sampleRespondents } from './fixtures/org-builder.ts';

const K = 5;
const u = unitSegmentId;
const shown: Visibility = { visible: true };
const differencing: Visibility = { visible: false, reason: 'differencing' };
const belowK: Visibility = { visible: false, reason: 'below-k' };

/** Visibility of the organization's invited counts, the way the close stores it. */
function decide(org: GeneratedOrg, counts = org.invitees) {
  const segments = buildSegments(org.units, org.invitees, K);
  const visibility = decideVisibility({ k: K, units: org.units, segments, counts });
  const values = countBySegment(counts, new UnitTree(org.units), new Set(segments.map((s) => s.id)));
  return { segments, visibility, values };
}

describe('decideVisibility', () => {
  it('hides a child when the parent minus its visible children would show the 3 people sitting directly in it', () => {
    const org = anOrg()
      .unit('product', 'root')
      .unit('web', 'product')
      .unit('mobile', 'product')
      .unit('sales', 'root')
      .people('web', 12)
      .people('mobile', 8)
      .people('product', 3)
      .people('sales', 10)
      .build();
    const { visibility } = decide(org);
    expect(visibility.get(u('product'))).toEqual(shown);
    expect(visibility.get(u('web'))).toEqual(shown);
    // The smaller child goes; 23 − 12 then leaves 11 people unaccounted for, not 3.
    expect(visibility.get(u('mobile'))).toEqual(differencing);
    expect(visibility.get(complementId(u('mobile')))).toEqual(differencing);
    expect(visibility.get(u('root'))).toEqual(shown);
  });

  it('hides a unit × value cell when the unit minus its value cells would show 2 people without a value', () => {
    const org = anOrg()
      .unit('sales', 'root')
      .unit('ops', 'root')
      .people('sales', 10, { site: 'Oslo' })
      .people('sales', 8, { site: 'Bergen' })
      .people('sales', 2)
      .people('ops', 9, { site: 'Oslo' })
      .people('ops', 6, { site: 'Bergen' })
      .build();
    const { visibility } = decide(org);
    expect(visibility.get(u('sales'))).toEqual(shown);
    const salesSites = ['Oslo', 'Bergen'].map((site) => visibility.get(unitAttributeSegmentId('sales', 'site', site))!);
    expect(salesSites.filter((v) => v.visible)).toHaveLength(1);
    // The same 2 people are everyone minus the two sites org-wide: one of those goes too.
    const sites = ['Oslo', 'Bergen'].map((site) => visibility.get(attributeSegmentId('site', site))!);
    expect(sites.filter((v) => v.visible)).toHaveLength(1);
  });

  it('hides a unit that is nearly the whole organization, since its rest-of-organization is 3 people', () => {
    const org = anOrg().unit('big', 'root').unit('small', 'root').people('big', 27).people('small', 3).build();
    const { visibility } = decide(org);
    expect(visibility.get(u('root'))).toEqual(shown);
    expect(visibility.get(complementId(u('big')))).toEqual(belowK);
    expect(visibility.get(u('big'))).toEqual(differencing);
  });

  it('shows a group with nobody in it as 0 and does not count it as cover for a small remainder', () => {
    const org = anOrg()
      .unit('team', 'root')
      .unit('a', 'team')
      .unit('b', 'team')
      .unit('other', 'root')
      .people('a', 7)
      .people('b', 6)
      .people('team', 3)
      .people('other', 12)
      .build();
    // Of the invitees, nobody in b responded and only 3 of team's direct members did.
    const responded = [
      { profile: { unitId: 'a', attributes: {} }, count: 7 },
      { profile: { unitId: 'team', attributes: {} }, count: 3 },
      { profile: { unitId: 'other', attributes: {} }, count: 12 },
    ];
    const { visibility } = decide(org, responded);
    expect(visibility.get(u('b'))).toEqual(shown);
    expect(visibility.get(u('a'))).toEqual(differencing);
    expect(visibility.get(u('team'))).toEqual(shown);
  });

  it('answers for every segment and its rest-of-organization, the root itself having an empty rest', () => {
    const org = generateOrg({ seed: 21, depth: 2, attributeCount: 2 });
    const { segments, visibility } = decide(org);
    expect(visibility.size).toBe(segments.length * 2);
    for (const segment of segments) {
      expect(visibility.has(segment.id)).toBe(true);
      expect(visibility.has(complementId(segment.id))).toBe(true);
    }
    expect(visibility.get(complementId(u('root')))).toEqual(shown);
  });

  it('never shows a count of 1..k-1 and says which cells are under k', () => {
    const org = generateOrg({ seed: 8, depth: 3, fanOut: [1, 5], leafPeople: [0, 12], attributeCount: 3, missingRate: 0.1 });
    const respondents = sampleRespondents(org.invitees, 0.6, 4);
    const { segments, visibility, values } = decide(org, respondents);
    const everyone = respondents.reduce((sum, c) => sum + c.count, 0);
    let hidden = 0;
    for (const segment of segments) {
      for (const [id, n] of [
        [segment.id, values.get(segment.id)!],
        [complementId(segment.id), everyone - values.get(segment.id)!],
      ] as const) {
        const visibilityOf = visibility.get(id)!;
        if (n > 0 && n < K) expect(visibilityOf).toEqual(belowK);
        if (!visibilityOf.visible) hidden++;
      }
    }
    expect(hidden).toBeGreaterThan(0);
    expect(visibility.get(u('root'))).toEqual(shown);
  });

  it('hides everything but empty groups when fewer than k responded in the whole organization', () => {
    const org = anOrg().unit('a', 'root').unit('b', 'root').people('a', 6).people('b', 6).build();
    const responded = [{ profile: { unitId: 'a', attributes: {} }, count: 3 }];
    const { visibility } = decide(org, responded);
    expect(visibility.get(u('root'))).toEqual(belowK);
    expect(visibility.get(u('a'))).toEqual(belowK);
    expect(visibility.get(u('b'))).toEqual(shown); // 0 responded
    expect(visibility.get(complementId(u('b')))).toEqual(belowK);
    expect(visibility.get(complementId(u('a')))).toEqual(shown);
  });

  it('decides every segment and complement of a 200-unit, 10,000-respondent wave, showing no cell under k', () => {
    const org = generateOrg({
      seed: 5,
      depth: 3,
      fanOut: [2, 8],
      maxUnits: 200,
      leafPeople: [30, 110],
      attributeCount: 3,
      valuesPerAttribute: [3, 5],
      missingRate: 0.05,
    });
    const respondents = sampleRespondents(org.invitees, 0.8, 1);
    const segments = buildSegments(org.units, org.invitees, K);
    expect(segments.length).toBeGreaterThan(1500);
    expect(respondents.reduce((sum, c) => sum + c.count, 0)).toBeGreaterThan(8_000);
    const visibility = decideVisibility({ k: K, units: org.units, segments, counts: respondents });
    expect(visibility.size).toBe(segments.length * 2);
    const counted = countBySegment(respondents, new UnitTree(org.units), new Set(segments.map((segment) => segment.id)));
    for (const [id, n] of counted) if (n > 0 && n < K) expect(visibility.get(id)).toMatchObject({ visible: false });
  });
});
