import { describe, expect, it } from 'vitest';
import { UnitTree } from '../shared/org.ts';
import { attributeSegmentId, buildSegments, countBySegment, segmentsOfProfile, unitAttributeSegmentId, unitSegmentId } from '../shared/segments.ts';
import { anOrg, generateOrg, sampleRespondents } from './fixtures/org-builder.ts';

const acme = () =>
  anOrg()
    .unit('tech', 'root', 'Technology')
    .unit('web', 'tech', 'Web')
    .unit('data', 'tech', 'Data')
    .unit('sales', 'root', 'Sales')
    .people('web', 6, { site: 'Oslo' })
    .people('web', 2, { site: 'Bergen' })
    .people('data', 3, { site: 'Bergen' })
    .people('tech', 1, {})
    .people('sales', 5, { site: 'Oslo' })
    .build();

describe('buildSegments', () => {
  it('counts a unit with everyone below it, including people sitting directly in it', () => {
    const org = acme();
    const segments = buildSegments(org.units, org.invitees, 1);
    const invited = new Map(segments.map((s) => [s.id, s.invited]));
    expect(invited.get(unitSegmentId('root'))).toBe(17);
    expect(invited.get(unitSegmentId('tech'))).toBe(12);
    expect(invited.get(unitSegmentId('web'))).toBe(8);
    expect(invited.get(attributeSegmentId('site', 'Bergen'))).toBe(5);
    expect(invited.get(unitAttributeSegmentId('tech', 'site', 'Oslo'))).toBe(6);
    expect(invited.get(unitAttributeSegmentId('root', 'site', 'Oslo'))).toBe(11);
  });

  it('keeps only segments with at least k invitees', () => {
    const org = acme();
    const ids = buildSegments(org.units, org.invitees, 5).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([unitSegmentId('web'), unitSegmentId('sales'), attributeSegmentId('site', 'Bergen')]));
    expect(ids).not.toContain(unitSegmentId('data')); // 3 people
    expect(ids).not.toContain(unitAttributeSegmentId('web', 'site', 'Bergen')); // 2 people
    for (const segment of buildSegments(org.units, org.invitees, 5)) expect(segment.invited).toBeGreaterThanOrEqual(5);
  });

  it('lists the root first and is stable for the same directory in any order', () => {
    const org = generateOrg({ seed: 7, depth: 3, attributeCount: 2 });
    const forward = buildSegments(org.units, org.invitees, 5);
    const shuffled = buildSegments([...org.units].reverse(), [...org.invitees].reverse(), 5);
    expect(forward[0].id).toBe(unitSegmentId('root'));
    expect(shuffled).toEqual(forward);
  });

  it('gives URI-safe ids that tell odd names apart', () => {
    const odd = ['a:b', 'a=b', 'a&b', 'Øst / Vest', '日本', 'x y%'];
    const ids = [
      ...odd.map(unitSegmentId),
      ...odd.map((name) => attributeSegmentId(name, name)),
      ...odd.map((name) => unitAttributeSegmentId(name, name, name)),
      attributeSegmentId('a', 'b=c'),
      attributeSegmentId('a=b', 'c'),
      unitAttributeSegmentId('a:b', 'c', 'd'),
      unitAttributeSegmentId('a', 'b:c', 'd'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(u|a|ua):[A-Za-z0-9\-_.!~*'()%:=]*$/);
    expect(unitAttributeSegmentId('a:b', 'c', 'd').split(':')).toHaveLength(3);
    expect(decodeURIComponent(unitSegmentId('日本').slice(2))).toBe('日本');
  });
});

describe('segmentsOfProfile and countBySegment', () => {
  it('places a person in their unit, its ancestors, their values and each ancestor × value, if kept', () => {
    const org = acme();
    const tree = new UnitTree(org.units);
    const kept = new Set(buildSegments(org.units, org.invitees, 5).map((s) => s.id));
    const ids = segmentsOfProfile({ unitId: 'web', attributes: { site: 'Oslo' } }, tree, kept);
    expect(ids.sort()).toEqual(
      [
        unitSegmentId('web'),
        unitSegmentId('tech'),
        unitSegmentId('root'),
        attributeSegmentId('site', 'Oslo'),
        unitAttributeSegmentId('web', 'site', 'Oslo'),
        unitAttributeSegmentId('tech', 'site', 'Oslo'),
        unitAttributeSegmentId('root', 'site', 'Oslo'),
      ].sort(),
    );
  });

  it('agrees with counting each person one by one', () => {
    const org = generateOrg({ seed: 11, depth: 3, fanOut: [1, 4], attributeCount: 3, missingRate: 0.2 });
    const tree = new UnitTree(org.units);
    const kept = new Set(buildSegments(org.units, org.invitees, 5).map((s) => s.id));
    const respondents = sampleRespondents(org.invitees, 0.6, 5);
    const totals = countBySegment(respondents, tree, kept);
    const slow = new Map<string, number>([...kept].map((id) => [id, 0]));
    for (const { profile, count } of respondents) {
      for (let i = 0; i < count; i++) for (const id of segmentsOfProfile(profile, tree, kept)) slow.set(id, slow.get(id)! + 1);
    }
    expect(totals).toEqual(slow);
    expect(totals.get(unitSegmentId('root'))).toBe(respondents.reduce((sum, c) => sum + c.count, 0));
  });
});
