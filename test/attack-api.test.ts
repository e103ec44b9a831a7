/**
 * Attacks on the results API (issue 3): what an attacker with admin access can read through the
 * routes must never pin down a group smaller than k. Each attack combines views the way a
 * curious reader would: a parent minus its visible children, a unit minus its unit × attribute
 * cells, a rest-of-organization or difference-in-differences that would isolate a small group,
 * and a unanimous small group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, Heatmap, Impact, WaveResults } from '../shared/api-results.ts';
import { parseCsv } from '../shared/csv.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aWave, closeWave, type PersonRow } from './helpers/scenario.ts';

const K = 5;
let rt: TestRuntime;

/** People of one unit: `count` of them, the first `old` with tenure 3y+, the rest <1y. */
function people(unit: string, count: number, old = 0): PersonRow[] {
  const slug = unit.replaceAll(/[^A-Za-z]/g, '').toLowerCase();
  return Array.from({ length: count }, (_, i) => ({ email: `${slug}${i}@acme.test`, orgUnit: unit, tenure: i < old ? '3y+' : '<1y' }));
}

/** Open a wave for the roster, answer for each person `answersOf` returns answers for, close it. */
async function runWave(
  rows: PersonRow[],
  answersOf: (person: PersonRow) => Record<string, number | string> | undefined,
): Promise<{ waveId: string; surveyId: string }> {
  const before = rt.mail.length;
  const { waveId, surveyId } = await aWave(rt).withRoster(rows).withK(K).open();
  const byEmail = new Map(rows.map((row) => [row.email, row]));
  for (const message of rt.mail.slice(before)) {
    const answers = answersOf(byEmail.get(message.to)!);
    if (!answers) continue;
    const token = /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1];
    expect((await rt.post('/api/responses', { token, answers })).status).toBe(201);
  }
  expect((await closeWave(rt, waveId)).status).toBe('done');
  return { waveId, surveyId };
}

const mixed = (i: number) => ({ 'mgmt-expectations': (i % 5) + 1, training: ((i * 3) % 5) + 1, enps: i % 11 });

/** n per statement of one group; undefined where hidden. */
async function visibleN(waveId: string, query: string): Promise<Map<string, number | undefined>> {
  const response = await rt.staff(`/api/waves/${waveId}/results?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  const view = (await response.json()) as WaveResults;
  return new Map(view.statements.map((statement) => [statement.id, statement.hidden ? undefined : statement.n]));
}

const exposed = (remainder: number) => remainder > 0 && remainder < K;
const unitQuery = (path: string) => `unit=${encodeURIComponent(path)}`;

describe('one organization, one wave, every view an admin can read', () => {
  let waveId: string;

  beforeAll(async () => {
    rt = await startTestRuntime();
    const rows = [...people('=Acme > Eng > Alpha', 20, 6), ...people('=Acme > Eng > Beta', 6), ...people('=Acme > Sales', 20, 6), ...people('=Acme > Ops', 9)];
    // Who answers is fixed by each person's place in their unit, so the suppression is the same on every run.
    const place = (person: PersonRow) => Number(/(\d+)@/.exec(person.email)![1]);
    ({ waveId } = await runWave(rows, (person) => {
      const i = place(person);
      const unit = person.orgUnit.split(' > ').pop();
      if (unit === 'Alpha') return i < 15 ? mixed(i) : undefined;
      if (unit === 'Beta') return i < 3 ? mixed(i) : undefined;
      // Sales: 3 of the 6 with tenure 3y+ (i < 6), 10 of the 14 newer ones.
      if (unit === 'Sales') return i < 3 || (i >= 6 && i < 16) ? mixed(i) : undefined;
      // Ops: 8 of 9 answer, unanimously the top of every scale.
      return i < 8 ? { 'mgmt-expectations': 5, training: 5, enps: 10 } : undefined;
    }));
  }, 120_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('a parent minus its visible children never leaves a group of 1..k-1', async () => {
    const family: Array<[string, string[]]> = [
      ['=Acme', ['=Acme > Eng', '=Acme > Sales', '=Acme > Ops']],
      ['=Acme > Eng', ['=Acme > Eng > Alpha', '=Acme > Eng > Beta']],
    ];
    let solved = 0;
    for (const [parent, children] of family) {
      const total = await visibleN(waveId, unitQuery(parent));
      const parts = await Promise.all(children.map(async (child) => visibleN(waveId, unitQuery(child)).catch(() => new Map<string, number | undefined>())));
      for (const [statementId, n] of total) {
        if (n === undefined) continue;
        const shown = parts.map((part) => part.get(statementId)).filter((value) => value !== undefined);
        const remainder = n - shown.reduce((a, b) => a + b, 0);
        expect(exposed(remainder), `${parent} − visible children on ${statementId} = ${remainder}`).toBe(false);
        solved++;
      }
    }
    expect(solved).toBeGreaterThan(0);
    // Beta (3 of 6 answered) is hidden, and so is whatever would give it away.
    expect([...(await visibleN(waveId, unitQuery('=Acme > Eng > Beta'))).values()].every((n) => n === undefined)).toBe(true);
  });

  it('a unit minus its unit × attribute cells never leaves a group of 1..k-1', async () => {
    for (const unit of ['=Acme', '=Acme > Sales', '=Acme > Eng', '=Acme > Eng > Alpha']) {
      const total = await visibleN(waveId, unitQuery(unit));
      const byValue = await Promise.all(
        ['<1y', '3y+'].map(async (value) => {
          const query =
            unit === '=Acme' ? `filter=${encodeURIComponent(`tenure:${value}`)}` : `${unitQuery(unit)}&filter=${encodeURIComponent(`tenure:${value}`)}`;
          const response = await rt.staff(`/api/waves/${waveId}/results?${query}`);
          // A 400 means the cell is not a segment at all (under k invited): it publishes nothing.
          return response.status === 400 ? new Map<string, number | undefined>() : visibleN(waveId, query);
        }),
      );
      for (const [statementId, n] of total) {
        if (n === undefined) continue;
        const shown = byValue.map((part) => part.get(statementId)).filter((value) => value !== undefined);
        const remainder = n - shown.reduce((a, b) => a + b, 0);
        expect(exposed(remainder), `${unit} − its tenure cells on ${statementId} = ${remainder}`).toBe(false);
      }
    }
  });

  it('participation counts obey the same rule: a parent minus its visible children', async () => {
    const participation = (await (await rt.staff(`/api/waves/${waveId}/participation`)).json()) as {
      segments: Array<{ label: string; responded: number | string }>;
    };
    const responded = new Map(participation.segments.map((segment) => [segment.label, segment.responded]));
    const parentChildren: Array<[string, string[]]> = [
      ['=Acme', ['=Acme > Eng', '=Acme > Sales', '=Acme > Ops']],
      ['=Acme > Eng', ['=Acme > Eng > Alpha', '=Acme > Eng > Beta']],
    ];
    for (const [parent, children] of parentChildren) {
      const total = responded.get(parent);
      if (typeof total !== 'number') continue;
      const remainder = total - children.map((child) => responded.get(child)).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
      expect(exposed(remainder), `${parent} responded − visible children = ${remainder}`).toBe(false);
    }
  });

  it('a small group is hidden with a reason, or shows the exact numbers of its certified cell: never a band beside n', async () => {
    const view = (await (await rt.staff(`/api/waves/${waveId}/results?${unitQuery('=Acme > Ops')}`)).json()) as WaveResults;
    for (const statement of view.statements) {
      expect('favorableBand' in statement, statement.id).toBe(false);
      if (statement.hidden) {
        expect(statement.reason).toMatch(/^(below-k|differencing)$/);
        for (const key of ['n', 'counts', 'favorable', 'mean', 'enps'] as const) expect(statement[key], `${statement.id}.${key}`).toBeUndefined();
      } else {
        expect(
          Object.values(statement.counts ?? {}).reduce((a, b) => a + b, 0),
          statement.id,
        ).toBe(statement.n);
      }
    }
  });

  it('escapes cells a spreadsheet would run as a formula', async () => {
    const csv = await (await rt.staff(`/api/waves/${waveId}/results?${unitQuery('=Acme > Sales')}&format=csv`)).text();
    const [header, first] = parseCsv(csv);
    expect(first.fields[header.fields.indexOf('group')]).toBe("'=Acme > Sales");
    expect(csv).not.toMatch(/(^|,)=/m);
  });

  it('comments: none for a group under 10, and none for a parent whose children would leave a small remainder', async () => {
    const small = (await (await rt.staff(`/api/waves/${waveId}/comments?${unitQuery('=Acme > Ops')}`)).json()) as { hidden?: boolean; comments: unknown[] };
    expect(small.hidden).toBe(true);
    expect(small.comments).toEqual([]);
    // Eng has 18 respondents, but splitting it would leave Beta's 3 on their own: Alpha is not readable apart from Eng.
    const alpha = (await (await rt.staff(`/api/waves/${waveId}/comments?${unitQuery('=Acme > Eng > Alpha')}`)).json()) as { hidden?: boolean };
    expect(alpha.hidden).toBe(true);
  });
});

describe('a rest-of-organization group or a difference-in-differences that would isolate a small group', () => {
  it('hides the impact rather than showing a number that pins down the 3 people outside the target', async () => {
    rt = await startTestRuntime();
    const rows = [...people('Beta > Big', 30), ...people('Beta > Tiny', 6)];
    const answer = (person: PersonRow) =>
      person.orgUnit.endsWith('Tiny') && Number(person.email.match(/\d+/)![0]) >= 3 ? undefined : mixed(person.email.length);
    const first = await runWave(rows, answer);
    const second = await runWave(rows, answer);
    const created = await rt.staff('/api/initiatives', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Isolate Tiny',
        hypothesis: 'Big rises',
        statements: [
          { id: 'mgmt-expectations', direction: 'up' },
          { id: 'training', direction: 'up' },
        ],
        target: { unit: 'Beta > Big' },
        baselineWaveIds: [first.waveId],
        followUpWaveIds: [second.waveId],
        phase: 'ship',
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const impact = (await (await rt.staff(`/api/initiatives/${id}/impact`)).json()) as Impact;
    for (const statement of impact.statements) {
      expect(statement.hidden, statement.id).toBe(true);
      expect(statement.did ?? statement.target ?? statement.comparison).toBeUndefined();
    }
    expect(impact.responseRates.comparison.after).toBeUndefined();

    // Naming Tiny as the comparison directly gets no further.
    const direct = await rt.staff('/api/initiatives', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Tiny vs Big',
        hypothesis: 'x',
        statements: [{ id: 'training', direction: 'up' }],
        target: { unit: 'Beta > Big' },
        comparison: { unit: 'Beta > Tiny' },
        baselineWaveIds: [first.waveId],
        followUpWaveIds: [second.waveId],
        phase: 'ship',
      }),
    });
    expect(direct.status, await direct.clone().text()).toBe(201);
    const directImpact = (await (await rt.staff(`/api/initiatives/${((await direct.json()) as { id: string }).id}/impact`)).json()) as Impact;
    expect(directImpact.statements.every((statement) => statement.hidden && statement.did === undefined)).toBe(true);

    // And the year-over-year of the whole organization cannot be set against Big's to get Tiny's change.
    const whole = (await (await rt.staff(`/api/compare?from=${first.waveId}&to=${second.waveId}`)).json()) as Comparison;
    const big = (await (await rt.staff(`/api/compare?from=${first.waveId}&to=${second.waveId}&unit=${encodeURIComponent('Beta > Big')}`)).json()) as Comparison;
    for (const statement of whole.statements) {
      const other = big.statements.find((candidate) => candidate.id === statement.id)!;
      if (statement.after && other.after) expect(exposed(statement.after.n - other.after.n)).toBe(false);
    }
    await rt.stop();
  });
});

describe('a unanimous small group', () => {
  it('a unanimous small group (8 respondents) shows its certified numbers or nothing, never a band, and takes no part in comparisons', async () => {
    rt = await startTestRuntime();
    const rows = [...people('Solo > Ops', 9), ...people('Solo > Rest', 30)];
    const place = (person: PersonRow) => Number(/(\d+)@/.exec(person.email)![1]);
    const { waveId } = await runWave(rows, (person) =>
      person.orgUnit.endsWith('Ops')
        ? place(person) < 8
          ? { 'mgmt-expectations': 5, training: 5, enps: 10 }
          : undefined
        : place(person) < 20
          ? mixed(place(person))
          : undefined,
    );
    const response = await rt.staff(`/api/waves/${waveId}/results?${unitQuery('Solo > Ops')}`);
    const view = (await response.json()) as WaveResults;
    for (const statement of view.statements) {
      expect('favorableBand' in statement, statement.id).toBe(false);
      // Eight people answering alike reveal each one's answer if shown: the README says so plainly; the audit decides whether it shows.
      if (!statement.hidden) expect(Object.values(statement.counts ?? {}).reduce((a, b) => a + b, 0)).toBe(statement.n);
    }
    const csv = await (await rt.staff(`/api/waves/${waveId}/results?${unitQuery('Solo > Ops')}&format=csv`)).text();
    expect(csv).not.toMatch(/or more|or less|about \d/);
    // Nor can a comparison or heatmap give the share away: a group under 10 takes no part in one.
    const comparison = (await (await rt.staff(`/api/compare?from=${waveId}&to=${waveId}&${unitQuery('Solo > Ops')}`)).json()) as Comparison;
    expect(comparison.statements.every((statement) => statement.hidden && statement.reason === 'small-group' && !statement.before && !statement.change)).toBe(
      true,
    );
    const heatmap = (await (await rt.staff(`/api/waves/${waveId}/heatmap?dimension=1`)).json()) as Heatmap;
    const ops = heatmap.segments.find((segment) => segment.label === 'Solo > Ops')!.id;
    for (const cell of heatmap.cells.filter((c) => c.segmentId === ops)) {
      expect('favorableBand' in cell).toBe(false);
      expect(cell.change).toBeUndefined();
    }
    await rt.stop();
  });
});
