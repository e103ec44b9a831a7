/** The demo organization: the story it exists to tell, reproducible, and removable in one action. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { favorability } from '../shared/scales.ts';
import { UnitTree } from '../shared/org.ts';
import { unitSegmentId } from '../shared/segments.ts';
import type { SegmentCell } from '../shared/wave-cells.ts';
import { seedDemo } from '../functions/demo/seed-demo.ts';
import { listCells } from '../functions/store/cells.ts';
import { getWaveSnapshot } from '../functions/waves/snapshot.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';

let rt: TestRuntime;
type Survey = { id: string; name: string; demo: boolean; waves: Array<{ id: string; name: string; status: string; invited: number; responded?: number }> };
let surveys: Survey[];

beforeAll(async () => {
  rt = await startTestRuntime();
  await seedDemo(rt.deps);
  surveys = ((await (await rt.staff('/api/surveys')).json()) as { surveys: Survey[] }).surveys;
}, 180_000);
afterAll(async () => {
  await rt.stop();
});

function favorableShare(cell: SegmentCell, statementId: string): number {
  const { counts, n } = cell.statements[statementId];
  const favorable = Object.entries(counts)
    .filter(([value]) => favorability('agree5', Number(value)) === 'favorable')
    .reduce((sum, [, count]) => sum + count, 0);
  return favorable / n;
}

async function technologyAndRest(waveId: string) {
  const snapshot = (await getWaveSnapshot(rt.deps.store, waveId))!;
  const technology = [...new UnitTree(snapshot.units).byId.values()].find((unit) => unit.name === 'Technology')!;
  const cells = await listCells(rt.deps.store, waveId);
  const find = (id: string) => cells.find((cell) => cell.segment.id === id)!;
  return { technology: find(unitSegmentId(technology.id)), rest: find(`not:${unitSegmentId(technology.id)}`) };
}

describe('the demo organization', () => {
  it('has an annual survey closed in 2014 and 2015 at about 80% response, and an open quarterly pulse', () => {
    const annual = surveys.find((survey) => survey.name === 'Annual survey')!;
    expect(annual.waves.map((wave) => [wave.name, wave.status, wave.invited])).toEqual([
      ['2014', 'closed', 400],
      ['2015', 'closed', 400],
    ]);
    for (const wave of annual.waves) expect(wave.responded! / wave.invited).toBeCloseTo(0.8, 2);
    const pulse = surveys.find((survey) => survey.name === 'Quarterly pulse')!;
    expect(pulse.waves.map((wave) => wave.status)).toEqual(['open']);
    expect(surveys.every((survey) => survey.demo)).toBe(true);
  });

  it('moves Technology +4 and +6 points on the two story statements while the rest of the organization stays flat', async () => {
    const [w2014, w2015] = surveys.find((survey) => survey.name === 'Annual survey')!.waves;
    const before = await technologyAndRest(w2014.id);
    const after = await technologyAndRest(w2015.id);
    const points = (statement: string, group: 'technology' | 'rest') =>
      Math.round(100 * (favorableShare(after[group], statement) - favorableShare(before[group], statement)));
    expect(after.technology.invited).toBe(150);
    expect(points('mgmt-expectations', 'technology')).toBe(4);
    expect(points('training', 'technology')).toBe(6);
    expect(points('mgmt-expectations', 'rest')).toBe(0);
    expect(points('training', 'rest')).toBe(0);
  });

  it('is removed in one action', async () => {
    const removed = await rt.staff('/api/demo', { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as { removed: { surveys: number; people: number } }).removed).toMatchObject({ surveys: 2, people: 400 });
    expect(((await (await rt.staff('/api/surveys')).json()) as { surveys: unknown[] }).surveys).toEqual([]);
    expect(((await (await rt.staff('/api/roster')).json()) as { people: number }).people).toBe(0);
    expect(((await (await rt.staff('/api/statements')).json()) as { statements: unknown[] }).statements).toEqual([]);
    const left = await rt.deps.store.doc.send(
      new QueryCommand({ TableName: rt.deps.store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'INITIATIVE' } }),
    );
    expect(left.Items).toEqual([]);
    expect(((await (await rt.app.request('/api/config')).json()) as { demo: boolean }).demo).toBe(false);
  });
});

describe('the API description', () => {
  it('is OpenAPI 3 with request schemas generated from the zod schemas', async () => {
    const document = (await (await rt.staff('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    const submission = document.paths['/api/responses'].post.requestBody!.content['application/json'].schema;
    expect(Object.keys(submission.properties!)).toEqual(['token', 'answers', 'submission']);
  });
});
