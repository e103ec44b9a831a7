/**
 * One family per view: the heatmap's changes are judged together (Benjamini–Hochberg across the
 * whole map), and so are a comparison's. The fixture has changes that pass alone (p < 0.05) and
 * even within their row or column of the map, but not across the whole view: they must not be
 * called rose or fell, nor colored. Read through the HTTP API, as the dashboard reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, Heatmap } from '../shared/api-results.ts';
import { benjaminiHochberg, twoProportionZTest } from '../shared/stats.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { closeWave } from './helpers/scenario.ts';

const STATEMENTS = ['family-one', 'family-two', 'family-three'];

/** Favorable out of 100 per unit: before, every cell 50; after, two cells rose a little. */
const AFTER: Record<string, Record<string, number>> = {
  'family-one': { 'Org > A': 67, 'Org > B': 65 },
  'family-two': { 'Org > A': 50, 'Org > B': 50 },
  'family-three': { 'Org > A': 50, 'Org > B': 50 },
};

let rt: TestRuntime;
let before: string;
let after: string;

function csv(favorable: (statement: string, unit: string) => number): string {
  const rows = ['statement,unit,n,favorable'];
  for (const statement of STATEMENTS) {
    const a = favorable(statement, 'Org > A');
    const b = favorable(statement, 'Org > B');
    // favorable is a percentage; with 100 people per unit it is also the count.
    rows.push(`${statement},,200,${(a + b) / 2}`, `${statement},Org > A,100,${a}`, `${statement},Org > B,100,${b}`);
  }
  return rows.join('\n');
}

async function importWave(surveyId: string, name: string, opensAt: string, body: string): Promise<string> {
  const response = await rt.staff('/api/waves/import', { method: 'POST', body: JSON.stringify({ surveyId, name, minGroupSize: 5, opensAt, csv: body }) });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { waveId: string }).waveId;
}

const pOf = (favorable: number) => twoProportionZTest(favorable, 100, 50, 100).p;

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const id of STATEMENTS) {
    const created = await rt.staff('/api/statements', {
      method: 'POST',
      body: JSON.stringify({ id, text: { en: `Statement ${id}` }, scale: 'agree5', theme: 'Family' }),
    });
    expect(created.status).toBe(201);
  }
  const survey = (await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Families' }) })).json()) as { id: string };
  before = await importWave(
    survey.id,
    '2016',
    '2016-03-01T00:00:00.000Z',
    csv(() => 50),
  );
  after = await importWave(
    survey.id,
    '2017',
    '2017-03-01T00:00:00.000Z',
    csv((statement, unit) => AFTER[statement][unit]),
  );
});
afterAll(async () => {
  await rt?.stop();
});

describe('the fixture', () => {
  it('has changes that pass alone, and within their row or column, but not across the six changes of the map', () => {
    const a = pOf(67);
    const b = pOf(65);
    expect(a).toBeLessThan(0.05);
    expect(b).toBeLessThan(0.05);
    const whole = benjaminiHochberg([a, b, 1, 1, 1, 1]);
    expect(Math.min(...whole)).toBeGreaterThan(0.05);
    expect(benjaminiHochberg([a, b])[0]).toBeLessThan(0.05); // the row of family-one
    expect(benjaminiHochberg([a, 1, 1])[0]).toBeLessThan(0.05); // the column of Org > A
  });
});

describe('the heatmap judges every change in the map as one family', () => {
  it('calls no cell rose or fell and colors none when each passes alone but not across the map', async () => {
    // Two waves run here (imported waves do not share their units, so their heatmap has no changes).
    const people = ['Org > A', 'Org > B'].flatMap((unit) =>
      Array.from({ length: 100 }, (_, j) => ({ email: `${unit.slice(-1).toLowerCase()}${String(j).padStart(3, '0')}@family.test`, unit, j })),
    );
    const roster = await rt.staff('/api/roster', {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: ['email,orgUnit', ...people.map((p) => `${p.email},${p.unit}`)].join('\n'),
    });
    expect(roster.status).toBe(200);
    const survey = (await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Run here' }) })).json()) as { id: string };
    const runWave = async (name: string, favorable: (statement: string, unit: string) => number) => {
      const created = await rt.staff(`/api/surveys/${survey.id}/waves`, {
        method: 'POST',
        body: JSON.stringify({ name, statementIds: STATEMENTS, minGroupSize: 5 }),
      });
      const { id } = (await created.json()) as { id: string };
      const mailed = rt.mail.length;
      expect((await rt.staff(`/api/waves/${id}/open`, { method: 'POST' })).status).toBe(202);
      await rt.jobsIdle();
      const tokenOf = new Map(rt.mail.slice(mailed).map((message) => [message.to, /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1]]));
      for (const person of people) {
        const answers = Object.fromEntries(STATEMENTS.map((statement) => [statement, person.j < favorable(statement, person.unit) ? 5 : 2]));
        expect((await rt.post('/api/responses', { token: tokenOf.get(person.email), answers })).status).toBe(201);
      }
      expect((await closeWave(rt, id)).status).toBe('done');
      return id;
    };
    const first = await runWave('First', () => 50);
    const second = await runWave('Second', (statement, unit) => AFTER[statement][unit]);

    const response = await rt.staff(`/api/waves/${second}/heatmap?dimension=1`);
    expect(response.status, await response.clone().text()).toBe(200);
    const heatmap = (await response.json()) as Heatmap;
    expect(heatmap.previous?.id).toBe(first);
    const changes = heatmap.cells.filter((cell) => cell.change);
    // Three statements in three columns: the whole organization, A and B. The whole organization's
    // rise on family-one (200 people a side) is real across the map; A's and B's pass only alone.
    expect(changes).toHaveLength(9);
    const passingAloneOnly = changes.filter((cell) => cell.change!.p < 0.05 && cell.change!.q >= 0.05);
    expect(passingAloneOnly.map((cell) => cell.statementId)).toEqual(['family-one', 'family-one']);
    for (const cell of passingAloneOnly) {
      expect(cell.change!.verdict).toBe('noise');
      expect(cell.change!.words).toContain("can't tell from noise among the 9 changes compared here");
    }
    expect(changes.filter((cell) => cell.statementId !== 'family-one').map((cell) => cell.change!.verdict)).toEqual(Array(6).fill('noise'));
  });
});

describe('a comparison judges its changes as one family', () => {
  it('says "rose" for a change that passes across its family of three (the rule does speak)', async () => {
    const response = await rt.staff(`/api/compare?from=${before}&to=${after}&unit=${encodeURIComponent('Org > A')}`);
    expect(response.status, await response.clone().text()).toBe(200);
    const comparison = (await response.json()) as Comparison;
    const one = comparison.statements.find((statement) => statement.id === 'family-one')!;
    expect(one.change!.verdict).toBe('rose');
  });

  it.each([
    ['/api/compare', () => `/api/compare?from=${before}&to=${after}&unit=${encodeURIComponent('Org > B')}`],
    ['/api/waves/:id/compare-previous', () => `/api/waves/${after}/compare-previous?unit=${encodeURIComponent('Org > B')}`],
  ])('%s: does not call rose a change that passes alone but not among the three compared', async (_route, path) => {
    const response = await rt.staff(path());
    expect(response.status, await response.clone().text()).toBe(200);
    const comparison = (await response.json()) as Comparison;
    const one = comparison.statements.find((statement) => statement.id === 'family-one')!;
    expect(one.change!.p).toBeLessThan(0.05);
    expect(one.change!.verdict).toBe('noise');
    expect(one.change!.words).toContain("can't tell from noise among the 3 changes compared here");
    expect(comparison.statements.map((statement) => statement.change?.verdict)).toEqual(['noise', 'noise', 'noise']);
  });
});
