/**
 * Issue 9: views across waves. A trend or comparison of waves with different k applies the larger
 * k to every wave it shows; comments are readable only along responded counts the close
 * certified visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, Trend } from '../shared/api-results.ts';
import { UnitTree } from '../shared/org.ts';
import { unitSegmentId, type WaveSegment } from '../shared/segments.ts';
import { readableUnits } from '../functions/results/comments.ts';
import type { WaveContext } from '../functions/results/wave-context.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, closeWave, rosterCsv, STATEMENTS, type PersonRow } from './helpers/scenario.ts';

let rt: TestRuntime;
const rows: PersonRow[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ email: `a${i}@acme.test`, orgUnit: 'Acme > A', tenure: '<1y' })),
  ...Array.from({ length: 24 }, (_, i) => ({ email: `b${i}@acme.test`, orgUnit: 'Acme > B', tenure: '<1y' })),
];

/** A wave of the survey with k, where 4 of A and 15 of B answer. */
async function closedWave(surveyId: string, name: string, k: number): Promise<string> {
  const created = await rt.staff(`/api/surveys/${surveyId}/waves`, {
    method: 'POST',
    body: JSON.stringify({ name, statementIds: STATEMENTS.map((s) => s.id), minGroupSize: k }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const before = rt.mail.length;
  expect((await rt.staff(`/api/waves/${id}/open`, { method: 'POST' })).status).toBe(202);
  await rt.jobsIdle();
  for (const message of rt.mail.slice(before)) {
    const i = Number(/(\d+)@/.exec(message.to)![1]);
    if (message.to.startsWith('a') ? i >= 4 : i >= 15) continue;
    const token = /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1];
    expect((await rt.post('/api/responses', { token, answers: anAnswer(i) })).status).toBe(201);
  }
  expect((await closeWave(rt, id)).status).toBe('done');
  return id;
}

describe('waves with different k, side by side', () => {
  let surveyId: string;
  let first: string;
  let second: string;
  beforeAll(async () => {
    rt = await startTestRuntime();
    expect((await rt.staff('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(rows) })).status).toBe(200);
    for (const statement of STATEMENTS) await rt.staff('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
    surveyId = ((await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Pulse' }) })).json()) as { id: string }).id;
    first = await closedWave(surveyId, 'Spring', 3);
    second = await closedWave(surveyId, 'Autumn', 6);
  }, 120_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('the trend hides a group of 4 in the k = 3 wave, because the k = 6 wave stands beside it', async () => {
    const alone = (await (await rt.staff(`/api/waves/${first}/results?unit=${encodeURIComponent('Acme > A')}`)).json()) as {
      statements: Array<{ id: string; n?: number }>;
    };
    // On its own the first wave shows the group (4 ≥ its k of 3)…
    expect(alone.statements.find((s) => s.id === 'training')?.n).toBe(4);
    // …but not beside a wave whose k is 6.
    const trend = (await (await rt.staff(`/api/surveys/${surveyId}/trend?statement=training&unit=${encodeURIComponent('Acme > A')}`)).json()) as Trend;
    const point = trend.points.find((p) => p.waveId === first)!;
    expect(point.hidden).toBe(true);
    expect(point.n).toBeUndefined();
    expect(point.responseRate).toBeUndefined();
    const comparison = (await (await rt.staff(`/api/compare?from=${first}&to=${second}&unit=${encodeURIComponent('Acme > A')}`)).json()) as Comparison;
    expect(comparison.k).toBe(6);
    expect(comparison.statements.every((s) => s.before === undefined)).toBe(true);
    expect(comparison.from.responded).toBeUndefined();
  });
});

describe('comments follow certified counts only', () => {
  const units = [
    { id: 'R', name: 'Acme', parentId: null },
    { id: 'A', name: 'A', parentId: 'R' },
    { id: 'B', name: 'B', parentId: 'R' },
  ];
  const segments = new Map<string, WaveSegment>(
    units.map((unit) => [unitSegmentId(unit.id), { id: unitSegmentId(unit.id), kind: 'unit', unitId: unit.id, invited: 20 }]),
  );
  const context = { tree: new UnitTree(units), segments } as unknown as WaveContext;

  it('splits a unit into its children only when every child’s responded count is certified visible', () => {
    const counts: Record<string, number | undefined> = { R: 30, A: 15, B: 15 };
    expect([...readableUnits(context, (id) => counts[id])].sort()).toEqual(['A', 'B', 'R']);
    counts.A = undefined;
    expect([...readableUnits(context, (id) => counts[id])]).toEqual(['R']);
    counts.R = undefined;
    expect([...readableUnits(context, (id) => counts[id])]).toEqual([]);
  });
});
