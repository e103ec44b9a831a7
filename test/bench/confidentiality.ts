/**
 * Speed of the pure confidentiality code on organizations of close-sized scale: building segments,
 * aggregating profiles, deciding visibility, k-anonymizing, judging a heatmap's family.
 *
 *   npm run bench -- confidentiality
 */
import { decideVisibility } from '../../shared/disclosure.ts';
import { buildKAnonymityIndex, kAnonymize } from '../../shared/k-anonymize.ts';
import { UnitTree } from '../../shared/org.ts';
import { buildSegments, countBySegment, segmentsOfProfile, unitSegmentId } from '../../shared/segments.ts';
import { judgeChanges } from '../../shared/verdict.ts';
import { profileKey } from '../../shared/org.ts';
import { addToTally, type CountedStatement } from '../../shared/tally.ts';
import { CLOSE_AUDIT_BUDGET_MS, certifyWaveCells, type SegmentCell } from '../../shared/wave-cells.ts';
import { seededRandom } from '../../shared/random.ts';
import { loadMilpSolver } from '../../functions/certify-solver.ts';
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

  const wide = generateOrg({
    seed: 5,
    depth: 3,
    fanOut: [6, 6],
    maxUnits: 200,
    leafPeople: [100, 300],
    attributeCount: 3,
    valuesPerAttribute: [4, 5],
    missingRate: 0.05,
  });
  const wideSegments = buildSegments(wide.units, wide.invitees, 5);
  const aggregated = time(() => countBySegment(wide.invitees, new UnitTree(wide.units), new Set(wideSegments.map((segment) => segment.id))));
  figures[`count ${wide.invitees.length} distinct profiles over ${wideSegments.length} segments`] = `${aggregated.ms} ms`;

  const sparse = generateOrg({
    seed: 5,
    depth: 3,
    fanOut: [2, 8],
    maxUnits: 200,
    leafPeople: [30, 110],
    attributeCount: 3,
    valuesPerAttribute: [3, 5],
    missingRate: 0.05,
  });
  const respondents = sampleRespondents(sparse.invitees, 0.8, 1);
  const sparseSegments = buildSegments(sparse.units, sparse.invitees, 5);
  const decided = time(() => decideVisibility({ k: 5, units: sparse.units, segments: sparseSegments, counts: respondents }));
  const hidden = [...decided.value.values()].filter((visibility) => !visibility.visible).length;
  figures[`decide visibility, ${respondents.reduce((sum, entry) => sum + entry.count, 0)} respondents, ${sparseSegments.length} segments`] =
    `${decided.ms} ms (${hidden} of ${decided.value.size} cells hidden)`;

  const anonymizable = generateOrg({
    seed: 9,
    depth: 3,
    fanOut: [6, 6],
    maxUnits: 200,
    leafPeople: [400, 700],
    attributeCount: 3,
    valuesPerAttribute: [3, 5],
    missingRate: 0.05,
  });
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

  await benchCertificate(figures);
  console.table(figures);
  return figures;
}

/** Share of published cells (responded and statement cells of every segment and complement) hidden. */
function hiddenShare(cells: SegmentCell[]): string {
  let total = 0;
  let hidden = 0;
  for (const cell of cells) {
    total++;
    if (!cell.respondedVisible) hidden++;
    for (const statement of Object.values(cell.statements)) {
      total++;
      if (!statement.visible) hidden++;
    }
  }
  return `${((100 * hidden) / total).toFixed(1)}% of ${total.toLocaleString('en')} cells hidden`;
}

/**
 * Which groups a reader can still open: segments with any cell shown, by kind (units below the
 * root, organization-wide attribute values, unit × value cells).
 */
function shownByKind(cells: SegmentCell[], rootSegmentId: string): string {
  const counts = { unit: [0, 0], attribute: [0, 0], unitAttribute: [0, 0] };
  for (const cell of cells) {
    const { segment } = cell;
    if (segment.kind === 'complement' || segment.id === rootSegmentId) continue;
    const shown = cell.respondedVisible || Object.values(cell.statements).some((statement) => statement.visible);
    counts[segment.kind][1]++;
    if (shown) counts[segment.kind][0]++;
  }
  const [units, values, unitValues] = [counts.unit, counts.attribute, counts.unitAttribute].map(([shown, all]) => `${shown}/${all}`);
  return `shown: units ${units}, organization-wide values ${values}, unit × value cells ${unitValues}`;
}

/**
 * The certificate on organizations of 400, 10,000 and 100,000 people (200 units, 3 attributes, 5
 * statements, 80% responding, 5% skipping each statement): the equality rules alone, the close's
 * path (the audit within its budget where the program fits, else the solver-free certificate), and
 * at 400 the integer-programming audit with a minute to run.
 */
async function benchCertificate(figures: Record<string, string>): Promise<void> {
  const statements: CountedStatement[] = Array.from({ length: 5 }, (_, i) => ({ id: `s${i + 1}`, scale: 'agree5' }));
  const solver = await loadMilpSolver();
  for (const [people, leafPeople] of [
    [400, [1, 4]],
    [10_000, [40, 88]],
    [100_000, [400, 880]],
  ] as const) {
    const org = generateOrg({
      seed: 17,
      depth: 3,
      fanOut: [6, 6],
      maxUnits: 200,
      leafPeople: [leafPeople[0], leafPeople[1]],
      directChance: 0.2,
      attributeCount: 3,
      valuesPerAttribute: [3, 5],
      missingRate: 0.03,
    });
    const random = seededRandom(people);
    const responses: { profileKey: string; answers: Record<string, number> }[] = [];
    for (const { profile, count } of org.invitees) {
      const key = profileKey(profile);
      for (let i = 0; i < count; i++) {
        if (random() >= 0.8) continue;
        const answers: Record<string, number> = {};
        for (const statement of statements) if (random() >= 0.05) answers[statement.id] = 1 + Math.floor(random() * 5);
        responses.push({ profileKey: key, answers });
      }
    }
    const tally = addToTally({}, responses, statements);
    const segments = buildSegments(org.units, org.invitees, 5);
    const invited = org.invitees.reduce((sum, entry) => sum + entry.count, 0);
    const label = `${invited.toLocaleString('en')} people, ${org.units.length} units, ${responses.length.toLocaleString('en')} responses`;
    const rules = time(() => certifyWaveCells({ k: 5, units: org.units, invitees: org.invitees, segments, statements, tally }));
    figures[`equality rules alone (not a certificate), ${label}`] = `${rules.ms} ms, ${hiddenShare(rules.value.cells)}`;
    // The close's own path: the audit where the program fits AUDIT_MAX_PROGRAM, else the solver-free certificate.
    const close = time(() =>
      certifyWaveCells({ k: 5, units: org.units, invitees: org.invitees, segments, statements, tally, audit: { solver, budgetMs: CLOSE_AUDIT_BUDGET_MS } }),
    );
    const { certificate: closed } = close.value;
    figures[`close's certificate, ${label}`] =
      `${close.ms} ms, ${hiddenShare(close.value.cells)}, method ${closed.method} (${closed.overApproximations.join(', ')}); ${shownByKind(close.value.cells, unitSegmentId(new UnitTree(org.units).root.id))}`;
    if (people > 400) continue;
    const audited = time(() =>
      certifyWaveCells({
        k: 5,
        units: org.units,
        invitees: org.invitees,
        segments,
        statements,
        tally,
        audit: { solver, budgetMs: 60_000, maxVariables: 1_000_000, maxProgram: 1_000_000 },
      }),
    );
    const { certificate } = audited.value;
    figures[`integer-programming audit, ${label}`] =
      `${audited.ms} ms, ${hiddenShare(audited.value.cells)}, method ${certificate.method} (${certificate.overApproximations.join(', ')}), ${certificate.solves} solves, ${certificate.leaks} leaks, ${certificate.unanimity} unanimity`;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchConfidentiality();
