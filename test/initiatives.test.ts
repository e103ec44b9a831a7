/**
 * Initiatives through the API, on imported waves (aggregates, so the numbers are exact and the
 * suite fast): verdicts read against the hypothesis, the pre-trend check with two baseline waves,
 * the regression-to-the-mean note, confounding, and groups that must not overlap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Impact, Initiative } from '../shared/api-results.ts';
import { groupsDisjoint, impactWords, judgeImpacts, planInitiative, type GroupShape } from '../shared/initiative.ts';
import { UnitTree } from '../shared/org.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { STATEMENTS } from './helpers/scenario.ts';

let rt: TestRuntime;
let surveyId: string;
const waves: Record<'w2013' | 'w2014' | 'w2015', string> = { w2013: '', w2014: '', w2015: '' };

/** Favorable shares per unit and statement → a CSV of counts (favorable answer 4, the rest 2). */
function aggregatesCsv(shares: Record<string, Record<string, number>>, sizes: Record<string, number>): string {
  const lines = ['statement,unit,n,1,2,3,4,5'];
  for (const [statement, byUnit] of Object.entries(shares)) {
    const total = { n: 0, x: 0 };
    for (const [unit, share] of Object.entries(byUnit)) {
      const n = sizes[unit];
      const x = Math.round(n * share);
      total.n += n;
      total.x += x;
      lines.push(`${statement},Org > ${unit},${n},0,${n - x},0,${x},0`);
    }
    lines.push(`${statement},,${total.n},0,${total.n - total.x},0,${total.x},0`);
  }
  return lines.join('\n');
}

async function importWave(name: string, opensAt: string, shares: Record<string, Record<string, number>>): Promise<string> {
  const response = await rt.staff('/api/waves/import', {
    method: 'POST',
    body: JSON.stringify({ surveyId, name, minGroupSize: 5, opensAt, csv: aggregatesCsv(shares, { Tech: 400, Rest: 600 }) }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { waveId: string }).waveId;
}

async function createInitiative(body: Record<string, unknown>): Promise<Response> {
  return rt.staff('/api/initiatives', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Ladder',
      hypothesis: 'A career ladder makes expectations clearer in Tech',
      statements: [{ id: 'mgmt-expectations', direction: 'up', minChange: 0.05 }],
      target: { unit: 'Org > Tech' },
      baselineWaveIds: [waves.w2013, waves.w2014],
      followUpWaveIds: [waves.w2015],
      phase: 'ship',
      ...body,
    }),
  });
}

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const statement of STATEMENTS) await rt.staff('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
  surveyId = ((await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Annual' }) })).json()) as { id: string }).id;
  // mgmt-expectations: both groups flat before, then Tech +12 and the rest flat.
  // training: Tech already rising faster than the rest before the initiative (no parallel trends).
  waves.w2013 = await importWave('2013', '2013-03-01T00:00:00.000Z', { 'mgmt-expectations': { Tech: 0.4, Rest: 0.5 }, training: { Tech: 0.3, Rest: 0.5 } });
  waves.w2014 = await importWave('2014', '2014-03-01T00:00:00.000Z', { 'mgmt-expectations': { Tech: 0.4, Rest: 0.5 }, training: { Tech: 0.42, Rest: 0.5 } });
  waves.w2015 = await importWave('2015', '2015-03-01T00:00:00.000Z', { 'mgmt-expectations': { Tech: 0.52, Rest: 0.5 }, training: { Tech: 0.5, Rest: 0.5 } });
});
afterAll(async () => {
  await rt?.stop();
});

describe('impact', () => {
  it('a clear rise in the target against a flat comparison is consistent with the hypothesis, and says no more', async () => {
    const created = await createInitiative({
      statements: [
        { id: 'mgmt-expectations', direction: 'up', minChange: 0.03 },
        { id: 'training', direction: 'up' },
      ],
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const initiative = (await created.json()) as Initiative;
    expect(initiative.comparisonLabel).toBe('¬ Org > Tech');
    const impact = (await (await rt.staff(`/api/initiatives/${initiative.id}/impact`)).json()) as Impact;
    const [clear, training] = impact.statements;

    expect(Math.round(clear.did!.estimate * 100)).toBe(12);
    expect(clear.did!.lower).toBeGreaterThan(0);
    expect(clear.did!.verdict).toBe('consistent');
    expect(clear.did!.hoped).toBe('reached');
    expect(clear.did!.words).toMatch(
      /^Consistent with the hypothesis and at least the 3 points hoped for: the target rose 12 points more than the comparison group \(95% interval \+\d+ to \+\d+\)\.$/,
    );
    expect(training.did!.hoped).toBeUndefined();
    expect(clear.parallelTrends).toMatchObject({ checked: true, ok: true });
    expect(clear.regressionToMean).toMatch(/started lower than the comparison group \(40% vs 50% favorable\)/);

    expect(training.parallelTrends).toMatchObject({ checked: true, ok: false });
    expect(training.parallelTrends!.words).toMatch(/not on parallel paths/);
    for (const statement of impact.statements) expect(`${statement.did!.words} ${statement.parallelTrends!.words}`).not.toMatch(/caus|prov/i);
  });

  it('a change against the expected direction contradicts the hypothesis', async () => {
    const created = (await (
      await createInitiative({ name: 'Calm', statements: [{ id: 'mgmt-expectations', direction: 'down' }], target: { unit: 'Org > Tech' } })
    ).json()) as Initiative;
    const impact = (await (await rt.staff(`/api/initiatives/${created.id}/impact`)).json()) as Impact;
    expect(impact.statements[0].did!.verdict).toBe('contradicts');
    expect(impact.statements[0].did!.words).toMatch(/^Contradicts the hypothesis/);
  });

  it('warns when another initiative targets an overlapping group in the same period', async () => {
    const created = (await (await createInitiative({ name: 'Mentoring' })).json()) as Initiative;
    const impact = (await (await rt.staff(`/api/initiatives/${created.id}/impact`)).json()) as Impact;
    expect(impact.warnings.some((warning) => /^Confounded: "Ladder" targets an overlapping group/.test(warning))).toBe(true);
  });

  it('lists initiatives with their phase and groups', async () => {
    const { initiatives } = (await (await rt.staff('/api/initiatives')).json()) as { initiatives: Initiative[] };
    expect(initiatives.map((initiative) => initiative.name)).toEqual(expect.arrayContaining(['Ladder', 'Calm', 'Mentoring']));
  });
});

describe('registering an initiative', () => {
  it.each([
    ['a comparison containing the target', { comparison: { unit: 'Org' } }, 'comparison'],
    ['the target itself as comparison', { comparison: { unit: 'Org > Tech' } }, 'comparison'],
    ['the whole organization with no comparison', { target: { unit: 'Org' } }, 'target'],
    ['a unit the waves do not have', { target: { unit: 'Org > Nowhere' } }, 'target.unit'],
    ['a follow-up before the baseline', () => ({ baselineWaveIds: [waves.w2015], followUpWaveIds: [waves.w2013] }), 'followUpWaveIds'],
    ['an unknown phase', { phase: 'dream' }, 'phase'],
    ['a statement the waves did not ask', { statements: [{ id: 'enps-x', direction: 'up' }] }, 'statements.0.id'],
  ])('refuses %s with a 400 naming the field', async (_, body, field) => {
    const response = await createInitiative(typeof body === 'function' ? body() : body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
  });

  it('accepts a comparison group apart from the target', async () => {
    const response = await createInitiative({ name: 'Against Rest', comparison: { unit: 'Org > Rest' } });
    expect(response.status).toBe(201);
    expect(((await response.json()) as Initiative).comparisonLabel).toBe('Org > Rest');
  });
});

describe('an analyst', () => {
  it('lists and opens only initiatives whose target and comparison lie inside their grants', async () => {
    expect((await createInitiative({ name: 'Rest only', target: { unit: 'Org > Rest' } })).status).toBe(201);
    expect((await createInitiative({ name: 'Tech against Rest', comparison: { unit: 'Org > Rest' } })).status).toBe(201);
    // Grants are picked from the directory's units.
    const roster = 'email,orgUnit\na@org.test,Org > Tech\nb@org.test,Org > Rest\n';
    expect((await rt.staff('/api/roster', { method: 'PUT', body: roster, headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    const granted = await rt.staff('/api/staff/local-analyst/grants', { method: 'PUT', body: JSON.stringify({ units: ['Org > Tech'] }) });
    expect(granted.status, await granted.clone().text()).toBe(200);
    const { initiatives } = (await (await rt.staff('/api/initiatives', { role: 'analyst' })).json()) as { initiatives: Initiative[] };
    const names = initiatives.map((initiative) => initiative.name);
    expect(names).toContain('Ladder');
    expect(names).not.toContain('Rest only');
    expect(names).not.toContain('Tech against Rest');
    const all = (await (await rt.staff('/api/initiatives')).json()) as { initiatives: Initiative[] };
    const restOnly = all.initiatives.find((initiative) => initiative.name === 'Rest only')!;
    expect((await rt.staff(`/api/initiatives/${restOnly.id}/impact`, { role: 'analyst' })).status).toBe(403);
  });
});

describe('groups that cannot overlap (pure)', () => {
  const tree = new UnitTree([
    { id: 'root', name: 'Org', parentId: null },
    { id: 'tech', name: 'Tech', parentId: 'root' },
    { id: 'squad', name: 'Squad', parentId: 'tech' },
    { id: 'rest', name: 'Rest', parentId: 'root' },
  ]);
  const group = (unitId?: string, attribute?: [string, string]): GroupShape => ({
    kind: 'group',
    unitId,
    ...(attribute ? { attribute: { name: attribute[0], value: attribute[1] } } : {}),
  });
  it.each([
    [group('tech'), group('rest'), true],
    [group('tech'), group('squad'), false],
    [group('tech', ['site', 'A']), group('tech', ['site', 'B']), true],
    [group('tech', ['site', 'A']), group(undefined, ['tenure', 'new']), false],
    // Everyone outside Tech: nobody in Tech's squad, but all of Rest.
    [group('squad'), { kind: 'outside', of: { unitId: 'tech' } } as GroupShape, true],
    [group('rest'), { kind: 'outside', of: { unitId: 'tech' } } as GroupShape, false],
  ])('%o and %o disjoint: %s', (a, b, disjoint) => {
    expect(groupsDisjoint(tree, a, b)).toBe(disjoint);
    expect(groupsDisjoint(tree, b, a)).toBe(disjoint);
  });

  it('judges a family together: a change that passes alone can be noise among many', () => {
    const input = {
      direction: 'up' as const,
      target: { before: { x: 40, n: 100 }, after: { x: 54, n: 100 } },
      comparison: { before: { x: 50, n: 100 }, after: { x: 50, n: 100 } },
    };
    const flat = { ...input, target: { before: { x: 40, n: 100 }, after: { x: 40, n: 100 } } };
    const [alone] = judgeImpacts([input]);
    const [crowded] = judgeImpacts([input, flat, flat, flat, flat]);
    expect(crowded.q).toBeGreaterThan(alone.q);
    expect(crowded.estimate).toBeCloseTo(alone.estimate, 12);
  });
});

describe('registering a hypothesis before the data exists (pre-registration)', () => {
  const planned = async (statements: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => {
    const created = await createInitiative({ name: `Plan ${Math.random()}`, baselineWaveIds: [waves.w2015], followUpWaveIds: [], statements, ...extra });
    expect(created.status, await created.clone().text()).toBe(201);
    const initiative = (await created.json()) as Initiative;
    const impact = (await (await rt.staff(`/api/initiatives/${initiative.id}/impact`)).json()) as Impact;
    return { initiative, impact };
  };

  it("with no follow-up: the baseline levels with intervals, the planner's verdict, and what would make the change detectable", async () => {
    const { impact } = await planned([
      { id: 'mgmt-expectations', direction: 'up', minChange: 0.03 },
      { id: 'training', direction: 'up', minChange: 0.03 },
    ]);
    expect(impact.status).toBe('planned');
    expect(impact.pending).toMatch(/^No follow-up wave yet/);
    expect(impact.registration.timing).toBe('before-follow-up');
    expect(impact.registration.words).toMatch(/before any follow-up wave/);
    const [clear] = impact.statements;
    expect(clear.baseline!.target!.n).toBe(400);
    expect(clear.baseline!.target!.favorable.estimate).toBeCloseTo(0.52, 10);
    expect(clear.baseline!.target!.favorable.lower).toBeLessThan(0.52);
    expect(clear.baseline!.comparison!.n).toBe(600);
    expect(clear.plan!.reaches).toBe(false);
    expect(clear.plan!.words).toMatch(
      /^A change of \+3 points is not detectable with these groups: only differences beyond −\d+ \/ \+\d+ points are detectable with these groups\. About [\d,]+ respondents in the target/,
    );
    expect(impact.plan!.verdict).toBe('not-yet');
    expect(impact.plan!.words).toMatch(
      /More people alone would not do it here: about [\d,]+ respondents per group are needed, and the whole organization had 1,000 respondents\./,
    );
    expect(impact.plan!.suggestions.join('\n')).toMatch(/pooling the hypothesis's 2 statements into one index/);
    expect(impact.plan!.suggestions.join('\n')).toMatch(/more waves/);
    expect(impact.plan!.suggestions.join('\n')).toMatch(/a larger target/);
  });

  it('says when the hoped-for change is detectable, and when not with this organization at all', async () => {
    const large = await planned([{ id: 'mgmt-expectations', direction: 'up', minChange: 0.2 }]);
    expect(large.impact.plan).toMatchObject({ verdict: 'detectable', suggestions: [] });
    expect(large.impact.statements[0].plan!.reaches).toBe(true);
    // In a larger organization more people is the first way to get there.
    const larger = planInitiative([{ direction: 'up', minChange: 0.05, target: { x: 208, n: 400 }, comparison: { x: 300, n: 600 } }], { respondents: 10_000 });
    expect(larger.verdict).toBe('not-yet');
    expect(larger.suggestions[0]).toMatch(/^more people: about [\d,]+ respondents in the target and as many in the comparison group \(the target had 400\)/);
    const tiny = await planned([{ id: 'mgmt-expectations', direction: 'up', minChange: 0.01 }]);
    expect(tiny.impact.plan!.verdict).toBe('impossible');
    expect(tiny.impact.plan!.words).toMatch(/^Not with this organization: .* the whole organization had 1,000 respondents\./);
    // Counts of people are grouped the way each language writes them (Intl.NumberFormat): 10 000 in Swedish.
    const swedish = planInitiative(
      [{ direction: 'up', minChange: 0.05, target: { x: 208, n: 400 }, comparison: { x: 300, n: 600 } }],
      { respondents: 10_000 },
      undefined,
      impactWords('sv'),
    );
    expect(swedish.suggestions[0]).toMatch(/^fler personer: omkring \d{1,3}\u00a0\d{3} svarande i målgruppen/);
  });

  it('a draft follow-up is a normal state in words; edits are kept with their dates and never rewrite the registration', async () => {
    const { initiative } = await planned([{ id: 'mgmt-expectations', direction: 'up', minChange: 0.03 }]);
    const draft = await rt.staff(`/api/surveys/${surveyId}/waves`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Next pulse', statementIds: ['mgmt-expectations'], minGroupSize: 5 }),
    });
    expect(draft.status, await draft.clone().text()).toBe(201);
    const draftId = ((await draft.json()) as { id: string }).id;

    const edited = await rt.staff(`/api/initiatives/${initiative.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ followUpWaveIds: [draftId], hypothesis: 'Clearer expectations in Tech, sharper wording' }),
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    const after = (await edited.json()) as Initiative;
    expect(after.createdAt).toBe(initiative.createdAt);
    expect(after.registered!.hypothesis).toBe(initiative.hypothesis);
    expect(after.hypothesis).toBe('Clearer expectations in Tech, sharper wording');
    expect(after.edits).toHaveLength(1);
    expect(after.edits![0].changes).toEqual({ followUpWaveIds: [draftId], hypothesis: 'Clearer expectations in Tech, sharper wording' });
    expect(Date.parse(after.edits![0].at)).toBeGreaterThanOrEqual(Date.parse(initiative.createdAt));

    const response = await rt.staff(`/api/initiatives/${initiative.id}/impact`);
    expect(response.status).toBe(200);
    const impact = (await response.json()) as Impact;
    expect(impact.status).toBe('planned');
    expect(impact.pending).toMatch(/^The follow-up wave “Next pulse” is a draft: it has not opened yet/);
    expect(impact.registration.words).toMatch(/before the follow-up opened/);
    // The registration time cannot be sent in an edit.
    expect(
      (await rt.staff(`/api/initiatives/${initiative.id}`, { method: 'PATCH', body: JSON.stringify({ createdAt: '2000-01-01T00:00:00.000Z' }) })).status,
    ).toBe(400);
  });

  it('registered after the follow-up closed is exploratory, and the verdict weighs the change against the smallest worth having', async () => {
    const created = await createInitiative({
      name: 'Afterthought',
      baselineWaveIds: [waves.w2014],
      followUpWaveIds: [waves.w2015],
      statements: [{ id: 'mgmt-expectations', direction: 'up', minChange: 0.2 }],
    });
    const impact = (await (await rt.staff(`/api/initiatives/${((await created.json()) as Initiative).id}/impact`)).json()) as Impact;
    expect(impact.status).toBe('judged');
    expect(impact.registration).toMatchObject({ timing: 'after-results' });
    expect(impact.registration.words).toMatch(/after the follow-up's results were known: exploratory/);
    expect(impact.statements[0].did!.hoped).toBe('smaller');
    expect(impact.statements[0].did!.words).toMatch(
      /^Real but smaller than hoped: the target rose 12 points more than the comparison group .*; the group hoped for at least 20 points\.$/,
    );
  });
});
