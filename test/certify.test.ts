/**
 * The confidentiality certificate (issue 9) against an attacker with integer programming
 * (test/fixtures/milp-attacker.ts, written apart from the engine): on organizations built so that
 * each of the derivations exists under the equality rules alone, and on generated ones.
 */
import { describe, expect, it } from 'vitest';
import { loadMilpSolver } from '../functions/certify-solver.ts';
import { decideVisibility } from '../shared/disclosure.ts';
import { parseProfileKey, profileKey, type Profile, type ProfileCount } from '../shared/org.ts';
import { buildSegments, type Segment } from '../shared/segments.ts';
import { addToTally, answeredCount, type CountedStatement, type Tally } from '../shared/tally.ts';
import { keptByStructure, respondedShownLive } from '../shared/live-participation.ts';
import { certifyWaveCells } from '../shared/wave-cells.ts';
import { attackWithMilp } from './fixtures/milp-attacker.ts';
import { anOrg, generateOrg, type GeneratedOrg } from './fixtures/org-builder.ts';
import { seededRandom } from '../shared/random.ts';

const K = 5;
const S1: CountedStatement = { id: 's1', scale: 'agree5' };
const S2: CountedStatement = { id: 's2', scale: 'agree5' };

interface Respondent {
  profile: Profile;
  answers: Record<string, number>;
}

function people(unitId: string, answers: Array<Record<string, number>>, attributes: Record<string, string> = {}): Respondent[] {
  return answers.map((a) => ({ profile: { unitId, attributes }, answers: a }));
}

/**
 * Close the wave: `certified` with the audit; `before`, the defender issue 9 found wanting (the
 * equality rules per count vector, zeros taken as free knowledge, exposure judged by the count).
 */
async function close(org: GeneratedOrg, respondents: Respondent[], statements: CountedStatement[], mode: 'before' | 'certified') {
  const tally: Tally = addToTally(
    {},
    respondents.map((r) => ({ profileKey: profileKey(r.profile), answers: r.answers })),
    statements,
  );
  const segments = buildSegments(org.units, org.invitees, K);
  const solver = await loadMilpSolver();
  const { cells, certificate } = certifyWaveCells({
    k: K,
    units: org.units,
    invitees: org.invitees,
    segments,
    statements,
    tally,
    ...(mode === 'certified' ? { audit: { solver, budgetMs: 60_000, checkMoves: true } } : {}),
  });
  if (mode === 'before') {
    const plain = segments.map(({ invited: _invited, ...segment }) => segment as Segment);
    const vectorOf = (count: (entry: Tally[string]) => number): ProfileCount[] =>
      Object.entries(tally).map(([key, entry]) => ({ profile: parseProfileKey(key), count: count(entry) }));
    const responded = decideVisibility({ k: K, units: org.units, segments: plain, counts: vectorOf((entry) => entry.respondents) });
    const answered = statements.map((statement) =>
      decideVisibility({ k: K, units: org.units, segments: plain, counts: vectorOf((entry) => answeredCount(entry.statements[statement.id])) }),
    );
    for (const cell of cells) {
      cell.respondedVisible = responded.get(cell.segment.id)?.visible ?? false;
      statements.forEach((statement, s) => (cell.statements[statement.id].visible = answered[s].get(cell.segment.id)?.visible ?? false));
    }
  }
  const derivations = await attackWithMilp({ k: K, units: org.units, invitees: org.invitees, segments, statements, cells });
  return { cells, certificate, derivations };
}

const agree = (...points: number[]) => points.map((p) => ({ s1: p, s2: ((p + 1) % 5) + 1 }));

/**
 * A generated organization with shapes that are hard to protect (units under k, people sitting
 * directly in parent units, unit × value cells just above k) and its answers to S1 and S2: about
 * 75% respond, each statement skipped now and then, so answered < responded.
 */
function generatedWave(seed: number): { org: GeneratedOrg; respondents: Respondent[] } {
  const org = generateOrg({
    seed,
    depth: 2,
    fanOut: [2, 3],
    leafPeople: [3, 9],
    directChance: 0.5,
    attributeCount: 2,
    valuesPerAttribute: [2, 3],
    missingRate: 0.1,
  });
  const random = seededRandom(seed * 31);
  const respondents: Respondent[] = [];
  for (const { profile, count } of org.invitees) {
    for (let i = 0; i < count; i++) {
      if (random() < 0.25) continue;
      const answers: Record<string, number> = {};
      for (const statement of [S1, S2]) if (random() > 0.15) answers[statement.id] = 1 + Math.floor(random() * 5);
      respondents.push({ profile, answers });
    }
  }
  return { org, respondents };
}

describe('the confidentiality certificate against an integer-programming attacker', () => {
  it('parent minus a child holding all but 3 people, nobody of whom responded: "none of these 3 responded"', async () => {
    const org = anOrg().unit('p', 'root').unit('c', 'p').unit('q', 'root').people('p', 3).people('c', 20).people('q', 10).build();
    const respondents = [...people('c', agree(1, 2, 3, 4, 5, 4, 4, 3, 2, 5, 4, 4, 3, 5, 1)), ...people('q', agree(4, 4, 3, 2, 5, 5, 4, 1))];
    const before = await close(org, respondents, [S1, S2], 'before');
    expect(before.derivations).toContainEqual(expect.objectContaining({ invited: 3, quantity: 'responded', value: 0 }));
    const after = await close(org, respondents, [S1, S2], 'certified');
    expect(after.derivations).toEqual([]);
    expect(after.certificate.hidden.differencing + after.certificate.hidden.audit).toBeGreaterThan(0);
  });

  it('parent minus a child where the 3 others responded but skipped a statement: "none of these 3 answered it"', async () => {
    const org = anOrg().unit('p', 'root').unit('c', 'p').unit('q', 'root').people('p', 3).people('c', 20).people('q', 10).build();
    const respondents = [
      ...people('c', agree(1, 2, 3, 4, 5, 4, 4, 3, 2, 5, 4, 4, 3, 5, 1)),
      ...people('p', [{ s2: 4 }, { s2: 2 }]),
      ...people('q', agree(4, 4, 3, 2, 5, 5, 4, 1)),
    ];
    const before = await close(org, respondents, [S1, S2], 'before');
    expect(before.derivations).toContainEqual(expect.objectContaining({ invited: 3, quantity: 'answered s1', value: 0 }));
    const after = await close(org, respondents, [S1, S2], 'certified');
    expect(after.derivations).toEqual([]);
  });

  it('an attribute value across two units, one unit shown whole, and non-negativity: one person’s answer', async () => {
    const org = anOrg()
      .unit('a', 'root')
      .unit('b', 'root')
      .people('a', 1, { site: 'X' })
      .people('a', 4, { site: 'Y' })
      .people('b', 4, { site: 'X' })
      .people('b', 8, { site: 'Y' })
      .build();
    const respondents = [
      ...people('a', [{ s1: 1 }], { site: 'X' }),
      ...people('a', [{ s1: 2 }, { s1: 3 }, { s1: 4 }, { s1: 5 }], { site: 'Y' }),
      ...people('b', [{ s1: 3 }, { s1: 4 }, { s1: 4 }, { s1: 5 }], { site: 'X' }),
      ...people('b', [{ s1: 3 }, { s1: 3 }, { s1: 4 }, { s1: 4 }, { s1: 5 }, { s1: 5 }, { s1: 4 }, { s1: 3 }], { site: 'Y' }),
    ];
    const before = await close(org, respondents, [S1], 'before');
    expect(before.derivations).toContainEqual(expect.objectContaining({ invited: 1, quantity: 's1 = 1', value: 1 }));
    const after = await close(org, respondents, [S1], 'certified');
    expect(after.derivations).toEqual([]);
  });

  // Seeds chosen for shapes: units under k, people sitting directly in parent units, unit × value
  // cells just above k, statements skipped so that answered < responded.
  it.each([12, 15, 16])('leaves nothing to derive on a generated organization (seed %i)', { timeout: 180_000 }, async (seed) => {
    const { org, respondents } = generatedWave(seed);
    const after = await close(org, respondents, [S1, S2], 'certified');
    expect(after.derivations).toEqual([]);
    expect(after.certificate.checked.quantities).toBeGreaterThan(0);
  });
});

describe('the reason a hidden cell gives', () => {
  // "Fewer than k answered" on a team of 7 would publish "1..4 of these 7 answered": a range the
  // audit does not model. Two such teams under their department's n pinned that the 2 people
  // sitting directly in the department both answered (the harvesting attacker, seed 21).
  it.each([
    ['the equality rules', undefined],
    ['the solver-free certificate', { maxProgram: 0 }],
  ] as const)('depends on who was invited, never on how many answered (%s)', (_name, audit) => {
    const org = anOrg()
      .unit('d', 'root')
      .unit('t1', 'd')
      .unit('t2', 'd')
      .unit('q', 'root')
      .people('d', 2)
      .people('t1', 7)
      .people('t2', 7)
      .people('q', 12)
      .people('root', 3)
      .build();
    const respondents = [
      ...people('d', agree(4, 2)),
      ...people('t1', agree(3, 5)),
      ...people('t2', agree(1, 4, 5)),
      ...people('q', agree(4, 4, 3, 2, 5, 5, 4, 1, 2, 3)),
    ];
    const tally = addToTally(
      {},
      respondents.map((r) => ({ profileKey: profileKey(r.profile), answers: r.answers })),
      [S1, S2],
    );
    const segments = buildSegments(org.units, org.invitees, K);
    const { cells } = certifyWaveCells({ k: K, units: org.units, invitees: org.invitees, segments, statements: [S1, S2], tally, ...(audit ? { audit } : {}) });
    const reasons = cells.flatMap((cell) => [
      ...(cell.respondedVisible ? [] : [{ id: cell.segment.id, invited: cell.invited, reason: cell.respondedReason }]),
      ...Object.values(cell.statements).flatMap((statement) =>
        statement.visible ? [] : [{ id: cell.segment.id, invited: cell.invited, reason: statement.reason }],
      ),
    ]);
    // The teams' cells (7 invited, 2 and 3 answered) are hidden, and say only what hides any cell.
    expect(reasons.filter((entry) => entry.id.includes('t1') || entry.id.includes('t2')).length).toBeGreaterThan(0);
    for (const entry of reasons) expect(entry, entry.id).toEqual({ ...entry, reason: entry.invited < K ? 'below-k' : 'differencing' });
  });
});

describe('counts published while the wave was open', () => {
  // Live participation showed responded counts (shared/live-participation.ts); the close cannot take
  // them back, so its certificate must hold with them known. The harvesting attacker, reading the
  // last live counts before the close, pinned "1 of these 2 responded" when the close's audit hid a
  // responded cell live participation had shown.
  // Seed 4: without the close taking the live counts as published, 2 responded counts pinned off a bound.
  it.each([2, 4, 12])('leave nothing to derive with the closed results (seed %i)', { timeout: 180_000 }, async (seed) => {
    const { org, respondents } = generatedWave(seed);
    const statements = [S1, S2];
    const tally = addToTally(
      {},
      respondents.map((r) => ({ profileKey: profileKey(r.profile), answers: r.answers })),
      statements,
    );
    const segments = buildSegments(org.units, org.invitees, K);
    const plain = segments.map(({ invited: _invited, ...segment }) => segment as Segment);
    const respondedVector = Object.entries(tally).map(([key, entry]) => ({ profile: parseProfileKey(key), count: entry.respondents }));
    const shownLive = respondedShownLive({
      k: K,
      units: org.units,
      segments: plain,
      answered: respondedVector,
      kept: keptByStructure(K, org.units, org.invitees, plain),
      invitedHidden: new Set(),
    });
    const { cells } = certifyWaveCells({
      k: K,
      units: org.units,
      invitees: org.invitees,
      segments,
      statements,
      tally,
      publishedWhileOpen: [...shownLive],
      audit: { solver: await loadMilpSolver(), budgetMs: 60_000 },
    });
    // The attacker reads the closed cells and, from before the close, the live counts.
    for (const cell of cells) if (shownLive.has(cell.segment.id)) cell.respondedVisible = cell.invitedVisible = true;
    const derivations = await attackWithMilp({ k: K, units: org.units, invitees: org.invitees, segments, statements, cells });
    // At a bound (0, or everyone in the group) is the stated limit of a unanimous group of k or more
    // (a class of alike colleagues, under the solver-free certificate); nothing else.
    expect(derivations.filter((pin) => pin.value !== 0 && pin.value !== pin.invited)).toEqual([]);
  });
});
