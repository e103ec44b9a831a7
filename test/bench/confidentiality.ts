/**
 * Speed of the pure confidentiality code on organizations of close-sized scale: building segments,
 * aggregating profiles, deciding visibility, k-anonymizing, judging a heatmap's family.
 *
 *   npm run bench -- confidentiality
 */
import { decideVisibility } from '../../shared/disclosure.ts';
import { buildKAnonymityIndex, kAnonymize } from '../../shared/k-anonymize.ts';
import { UnitTree } from '../../shared/org.ts';
import { buildSegments, countBySegment, segmentsOfProfile } from '../../shared/segments.ts';
import { judgeChanges } from '../../shared/verdict.ts';
import { generateOrg, sampleRespondents } from '../fixtures/org-builder.ts';

function time<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: Math.round(performance.now() - started), value };
}

export async function benchConfidentiality(): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};

  const large = generateOrg({ seed: 3, depth: 3, fanOut: [6, 6], maxUnits: 200, leafPeople: [1500, 2500], attributeCount: 3, valuesPerAttribute: [3, 5] });
  const people = large.invitees.reduce((sum, entry) => sum + entry.count, 0);
  const built = time(() => {
    const segments = buildSegments(large.units, large.invitees, 5);
    const tree = new UnitTree(large.units);
    const kept = new Set(segments.map((segment) => segment.id));
    for (const { profile } of large.invitees) segmentsOfProfile(profile, tree, kept);
    return segments.length;
  });
  figures[`segments of ${people.toLocaleString('en')} people, ${large.units.length} units`] = `${built.ms} ms (${built.value} segments)`;

  const wide = generateOrg({ seed: 5, depth: 3, fanOut: [6, 6], maxUnits: 200, leafPeople: [100, 300], attributeCount: 3, valuesPerAttribute: [4, 5], missingRate: 0.05 });
  const wideSegments = buildSegments(wide.units, wide.invitees, 5);
  const aggregated = time(() => countBySegment(wide.invitees, new UnitTree(wide.units), new Set(wideSegments.map((segment) => segment.id))));
  figures[`count ${wide.invitees.length} distinct profiles over ${wideSegments.length} segments`] = `${aggregated.ms} ms`;

  const sparse = generateOrg({ seed: 5, depth: 3, fanOut: [2, 8], maxUnits: 200, leafPeople: [30, 110], attributeCount: 3, valuesPerAttribute: [3, 5], missingRate: 0.05 });
  const respondents = sampleRespondents(sparse.invitees, 0.8, 1);
  const sparseSegments = buildSegments(sparse.units, sparse.invitees, 5);
  const decided = time(() => decideVisibility({ k: 5, units: sparse.units, segments: sparseSegments, counts: respondents }));
  const hidden = [...decided.value.values()].filter((visibility) => !visibility.visible).length;
  figures[`decide visibility, ${respondents.reduce((sum, entry) => sum + entry.count, 0)} respondents, ${sparseSegments.length} segments`] = `${decided.ms} ms (${hidden} of ${decided.value.size} cells hidden)`;

  const anonymizable = generateOrg({ seed: 9, depth: 3, fanOut: [6, 6], maxUnits: 200, leafPeople: [400, 700], attributeCount: 3, valuesPerAttribute: [3, 5], missingRate: 0.05 });
  const sampled = sampleRespondents(anonymizable.invitees, 0.8, 2);
  const anonymized = time(() => {
    const index = buildKAnonymityIndex(anonymizable.units, anonymizable.invitees, 5);
    let n = 0;
    for (const { profile, count } of sampled) for (let i = 0; i < count; i++, n++) kAnonymize(profile, index);
    return n;
  });
  figures[`k-anonymize ${anonymized.value.toLocaleString('en')} responses`] = `${anonymized.ms} ms`;

  const cells = Array.from({ length: 6000 }, (_, i) => ({ before: { x: 30 + (i % 40), n: 100 + (i % 17) }, after: { x: 35 + (i % 37), n: 105 + (i % 13) } }));
  figures['judge a 6,000-cell heatmap family'] = `${time(() => judgeChanges(cells)).ms} ms`;

  console.table(figures);
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchConfidentiality();
