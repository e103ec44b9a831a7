/**
 * Imported waves (aggregates of a survey run elsewhere): a closed wave with cells, suppressed at
 * import by the same rules as a close, then read through the same results routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trend, WaveResults } from '../shared/api-results.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { STATEMENTS } from './helpers/scenario.ts';
import { seedDemo } from '../functions/demo/seed-demo.ts';
import type { Comparison, Impact } from '../shared/api-results.ts';
import type { Segment } from '../shared/segments.ts';
import { listCells } from '../functions/store/cells.ts';
import { getWaveSnapshot } from '../functions/waves/snapshot.ts';
import { attackWithMilp } from './fixtures/milp-attacker.ts';

let rt: TestRuntime;
let surveyId: string;

async function importCsv(name: string, csv: string, opensAt = '2016-03-01T00:00:00.000Z'): Promise<Response> {
  return rt.staff('/api/waves/import', { method: 'POST', body: JSON.stringify({ surveyId, name, minGroupSize: 5, opensAt, csv }) });
}

async function results(waveId: string, query = ''): Promise<WaveResults> {
  const response = await rt.staff(`/api/waves/${waveId}/results${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as WaveResults;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const statement of STATEMENTS) await rt.staff('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
  surveyId = ((await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Elsewhere' }) })).json()) as { id: string }).id;
});
afterAll(async () => {
  await rt?.stop();
});

describe('importing a wave of aggregates', () => {
  it('counts per scale point: results with intervals; a unit of 3 is no group, and nothing lets it be worked out', async () => {
    const csv = [
      'statement,unit,n,1,2,3,4,5',
      'mgmt-expectations,,43,3,7,8,15,10',
      'mgmt-expectations,Org > A,20,1,3,4,7,5',
      'mgmt-expectations,Org > B,20,1,3,4,7,5',
      'mgmt-expectations,Org > C,3,1,1,0,1,0',
    ].join('\n');
    const response = await importCsv('Imported counts', csv);
    expect(response.status, await response.clone().text()).toBe(201);
    const { waveId, hiddenCells } = (await response.json()) as { waveId: string; hiddenCells: number };
    expect(hiddenCells).toBeGreaterThan(0);

    expect((await rt.staff(`/api/waves/${waveId}/results?unit=${encodeURIComponent('Org > C')}`)).status).toBe(400);
    const shown = await Promise.all(['', '?unit=Org%20%3E%20A', '?unit=Org%20%3E%20B'].map((query) => results(waveId, query)));
    const n = shown.map((view) => view.statements.find((statement) => statement.id === 'mgmt-expectations')!);
    if (!n[0].hidden) {
      const remainder = n[0].n! - (n[1].hidden ? 0 : n[1].n!) - (n[2].hidden ? 0 : n[2].n!);
      expect(remainder === 0 || remainder >= 5, `the whole minus A and B leaves ${remainder}`).toBe(true);
    }
    const visible = n.find((statement) => !statement.hidden)!;
    expect(visible.counts).toBeDefined();
    expect(visible.favorable!.lower).toBeLessThan(visible.favorable!.estimate);
    // Aggregates say who answered, not who was invited: no response rate is made up.
    expect(shown[1].wave.responseRate).toBeUndefined();
  });

  it('% favorable only: shares with intervals, no distribution, and a trend across imported waves', async () => {
    const first = await importCsv(
      '2016',
      'statement,unit,n,favorable\ntraining,,200,40\ntraining,Org > A,100,35\ntraining,Org > B,100,45',
      '2016-03-01T00:00:00.000Z',
    );
    const second = await importCsv(
      '2017',
      'statement,unit,n,favorable\ntraining,,210,50\ntraining,Org > A,105,52\ntraining,Org > B,105,48',
      '2017-03-01T00:00:00.000Z',
    );
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const { waveId } = (await second.json()) as { waveId: string };
    const training = (await results(waveId, '?unit=Org%20%3E%20A')).statements.find((statement) => statement.id === 'training')!;
    expect(training.favorable!.estimate).toBeCloseTo(55 / 105, 10);
    expect(training.counts).toBeUndefined();
    expect(training.mean).toBeUndefined();
    const trend = (await (await rt.staff(`/api/surveys/${surveyId}/trend?statement=training&unit=${encodeURIComponent('Org > A')}`)).json()) as Trend;
    expect(trend.points.filter((point) => point.favorable).map((point) => Math.round(point.favorable!.estimate * 100))).toEqual([35, 52]);
  });

  it.each([
    ['statement,unit,n,1,2,3,4,5\nmgmt-expectations,,10,1,1,1,1,1', /line 2: the counts add up to 5, not n = 10/],
    ['statement,unit,n,favorable\nno-such,,10,50', /line 2: unknown statement "no-such"/],
    ['statement,unit,n,favorable\ntraining,Org > A,10,50', /needs a row for the whole organization/],
    ['statement,unit,n,favorable\ntraining,,10,50\ntraining,Org > A > X,5,50', /line 3: .*needs a row for Org > A, the unit above/],
    ['statement,unit,n,favorable\ntraining,,10,50\ntraining,Org > A,20,50', /add up to more than its own row/],
    ['unit,n\n,5', /the header needs the columns statement and n/],
    ['statement,unit,n,favorable,comment\ntraining,,10,50,great', /line 1: unknown column "comment"; the columns are statement, unit/],
    ['Statement,Team,Department,n,favorable\ntraining,,,10,50', /line 1: unknown columns "Team", "Department"/],
    ['statement,statementId,n,favorable\ntraining,training,10,50', /two columns mean "statement"/],
  ])('refuses a CSV that does not add up, with a 400 naming the line', async (csv, message) => {
    const response = await importCsv('bad', csv);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { field: string; message: string } };
    expect(error.field).toBe('csv');
    expect(error.message).toMatch(message);
  });
});

describe('the names other vendors give the columns, and the field period', () => {
  it('takes "Statement ID", "Org unit", "Respondents" and "% favorable" (with a % sign or a decimal comma)', async () => {
    const csv = ['Statement ID,Org unit,Respondents,% favorable', 'training,,200,"40,5%"', 'training,Org > A,100,35%', 'training,Org > B,100,46'].join('\n');
    const response = await importCsv('Vendor names', csv);
    expect(response.status, await response.clone().text()).toBe(201);
    const { waveId } = (await response.json()) as { waveId: string };
    const whole = (await results(waveId)).statements.find((statement) => statement.id === 'training')!;
    expect(whole.favorable!.estimate).toBeCloseTo(81 / 200, 10);
  });

  it('needs the day the wave opened, takes a plain date, and refuses a close before the open', async () => {
    const body = (extra: Record<string, unknown>) => JSON.stringify({ surveyId, name: 'Dated', csv: 'statement,n,favorable\ntraining,10,50', ...extra });
    const missing = await rt.staff('/api/waves/import', { method: 'POST', body: body({}) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { field: string } }).error.field).toBe('opensAt');
    const backwards = await rt.staff('/api/waves/import', { method: 'POST', body: body({ opensAt: '2014-03-03', closesAt: '2014-03-01' }) });
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: { field: string } }).error.field).toBe('closesAt');
    const dated = await rt.staff('/api/waves/import', { method: 'POST', body: body({ opensAt: '2014-03-03', closesAt: '2014-03-21' }) });
    expect(dated.status, await dated.clone().text()).toBe(201);
    const { waveId } = (await dated.json()) as { waveId: string };
    const wave = (await (await rt.staff(`/api/waves/${waveId}`)).json()) as { opensAt: string; closesAt: string };
    expect([wave.opensAt, wave.closesAt]).toEqual(['2014-03-03T00:00:00.000Z', '2014-03-21T00:00:00.000Z']);
  });
});

describe('an imported baseline among native waves (the demo organization)', () => {
  let demo: TestRuntime;
  let annual: { id: string; waves: Array<{ id: string; name: string }> };
  beforeAll(async () => {
    demo = await startTestRuntime();
    await seedDemo(demo.deps);
    const { surveys } = (await (await demo.staff('/api/surveys')).json()) as { surveys: Array<typeof annual & { name: string }> };
    annual = surveys.find((survey) => survey.name === 'Annual survey')!;
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it("a 2013 import entered after 2014 and 2015 precedes them in year over year, trend and impact, on the directory's own units", async () => {
    // Unit paths without the top unit ("Technology") name the directory's units.
    const csv = ['Statement,Org unit,n,% favorable', 'training,,300,40', 'training,Technology,120,30', 'training,Product,60,45'].join('\n');
    const response = await demo.staff('/api/waves/import', {
      method: 'POST',
      body: JSON.stringify({ surveyId: annual.id, name: '2013 (vendor)', opensAt: '2013-03-04', closesAt: '2013-03-22', csv }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const imported = ((await response.json()) as { waveId: string }).waveId;
    const wave2014 = annual.waves.find((wave) => wave.name === '2014')!.id;
    const wave2015 = annual.waves.find((wave) => wave.name === '2015')!.id;

    const yoy = (await (await demo.staff(`/api/waves/${wave2014}/compare-previous?unit=${encodeURIComponent('Soundwave > Technology')}`)).json()) as Comparison;
    expect(yoy.from.id).toBe(imported);
    expect(yoy.basis).toBe('year-over-year');
    const trend = (await (
      await demo.staff(`/api/surveys/${annual.id}/trend?statement=training&unit=${encodeURIComponent('Soundwave > Technology')}`)
    ).json()) as Trend;
    expect(trend.points.map((point) => point.waveName)).toEqual(['2013 (vendor)', '2014', '2015']);

    const registered = await demo.staff('/api/initiatives', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Training budget',
        hypothesis: 'A training budget per team makes development easier to find in Technology',
        statements: [{ id: 'training', direction: 'up', minChange: 0.03 }],
        target: { unit: 'Soundwave > Technology' },
        baselineWaveIds: [imported],
        followUpWaveIds: [wave2015],
        phase: 'ship',
      }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    const { id } = (await registered.json()) as { id: string };
    const impact = (await (await demo.staff(`/api/initiatives/${id}/impact`)).json()) as Impact;
    expect(impact.baseline.map((wave) => wave.id)).toEqual([imported]);
    expect(impact.statements[0].target?.before.n).toBe(120);
  });
});

describe('an imported wave is certified like a closed one', () => {
  it('by the solver-free certificate, stored on the wave; the integer-programming attacker pins nothing off a bound', async () => {
    // People sitting directly in parent units (a parent's row minus its children's), small units,
    // and statements answered by different numbers of people.
    const rows = [
      ['', 60, [4, 9, 12, 20, 15], 57, [3, 8, 12, 19, 15]],
      ['Org > A', 29, [2, 4, 6, 10, 7], 27, [1, 4, 6, 9, 7]],
      ['Org > A > A1', 12, [1, 2, 2, 4, 3], 12, [1, 2, 2, 4, 3]],
      ['Org > A > A2', 14, [1, 1, 3, 5, 4], 13, [0, 1, 3, 5, 4]],
      ['Org > B', 27, [2, 4, 5, 9, 7], 26, [2, 3, 5, 9, 7]],
      ['Org > B > B1', 7, [0, 1, 2, 2, 2], 7, [0, 1, 2, 2, 2]],
      ['Org > B > B2', 17, [2, 2, 3, 6, 4], 16, [2, 1, 3, 6, 4]],
    ] as const;
    const csv = [
      'statement,unit,n,1,2,3,4,5',
      ...rows.flatMap(([unit, n1, counts1, n2, counts2]) => [
        `mgmt-expectations,${unit},${n1},${counts1.join(',')}`,
        `training,${unit},${n2},${counts2.join(',')}`,
      ]),
    ].join('\n');
    const response = await importCsv('Imported, certified', csv);
    expect(response.status, await response.clone().text()).toBe(201);
    const { waveId } = (await response.json()) as { waveId: string };
    const wave = (await (await rt.staff(`/api/waves/${waveId}`)).json()) as { certificate?: { method: string; overApproximations: string[] } };
    expect(wave.certificate).toMatchObject({ method: 'over-approximated', overApproximations: ['atoms'] });

    const snapshot = (await getWaveSnapshot(rt.deps.store, waveId))!;
    const cells = await listCells(rt.deps.store, waveId);
    const derivations = await attackWithMilp({
      k: 5,
      units: snapshot.units,
      invitees: snapshot.invitees,
      segments: snapshot.segments.map(({ invited: _invited, ...segment }) => segment as Segment),
      statements: [
        { id: 'mgmt-expectations', scale: 'agree5' },
        { id: 'training', scale: 'agree5' },
      ],
      cells,
    });
    expect(derivations.filter((pin) => pin.value !== 0 && pin.value !== pin.invited)).toEqual([]);
  });
});
