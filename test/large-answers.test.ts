/**
 * Large answers stay small (issue 12): for an organization of 2,000 units, in one level and
 * nested, every heatmap page and every CSV stays well under the 6 MB a Lambda may answer. Before
 * the heatmap was paged and its CSV laid out by group, one level of 2,000 groups answered 13.5 MB
 * of JSON and 3.8 MB of CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Heatmap } from '../shared/api-results.ts';
import { parseCsv } from '../shared/csv.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { aLargeClosedSurvey, LARGE_STATEMENTS } from './helpers/large-org.ts';

const MB = 1_000_000;
/** The bounds asserted: a sixth and a quarter of Lambda's 6 MB (measured: 0.70 MB a page, 1.05 MB the CSV). */
const JSON_BOUND = 1 * MB;
const CSV_BOUND = 1.5 * MB;
/** One group's results and comparison do not grow with the organization at all. */
const ONE_GROUP_BOUND = 64_000;

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

async function bytesOf(path: string): Promise<{ status: number; bytes: Uint8Array }> {
  const response = await rt.staff(path);
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe.each([
  { shape: 'flat' as const, dimension: '1', groups: 2_000 },
  { shape: 'nested' as const, dimension: '2', groups: 1_960 },
])('an organization of 2,000 units, $shape', ({ shape, dimension, groups }) => {
  let waveId: string;
  let surveyId: string;
  beforeAll(async () => {
    ({ waveId, surveyId } = await aLargeClosedSurvey(rt, shape));
  }, 120_000);

  it(`pages its heatmap of ${groups} groups: every page under ${JSON_BOUND / MB} MB, every group on exactly one page`, async () => {
    const seen: string[] = [];
    let offset = 0;
    let total = Number.POSITIVE_INFINITY;
    while (offset < total) {
      const { status, bytes } = await bytesOf(`/api/waves/${waveId}/heatmap?dimension=${dimension}&offset=${offset}`);
      expect(status).toBe(200);
      expect(bytes.byteLength).toBeLessThan(JSON_BOUND);
      const page = JSON.parse(new TextDecoder().decode(bytes)) as Heatmap;
      // The whole organization's column rides on every page; the rest are the page's groups.
      expect(page.segments[0].whole).toBe(true);
      expect(page.cells).toHaveLength(page.segments.length * LARGE_STATEMENTS.length);
      seen.push(...page.segments.filter((segment) => !segment.whole).map((segment) => segment.id));
      total = page.page.total;
      offset += page.page.size;
    }
    expect(total).toBe(groups);
    expect(new Set(seen).size).toBe(groups);
    expect(seen).toHaveLength(groups);
  });

  it(`answers the whole heatmap as CSV under ${CSV_BOUND / MB} MB: one row per group, every statement's numbers across`, async () => {
    const { status, bytes } = await bytesOf(`/api/waves/${waveId}/heatmap?dimension=${dimension}&format=csv`);
    expect(status).toBe(200);
    expect(bytes.byteLength).toBeLessThan(CSV_BOUND);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes).slice(1));
    expect(rows).toHaveLength(groups + 1);
    expect(header.fields).toContain('large-0: % favorable');
    // Every cell was shown and judged: its change is in the file.
    const change = header.fields.indexOf('large-enps: change (points)');
    expect(rows.every((row) => row.fields[change] !== '')).toBe(true);
  });

  it(`lists the wave's groups (every picker) and its participation under ${JSON_BOUND / MB} MB (measured: 0.18–0.25 MB)`, async () => {
    for (const path of ['segments', 'participation']) {
      const { status, bytes } = await bytesOf(`/api/waves/${waveId}/${path}`);
      expect(status, path).toBe(200);
      expect(bytes.byteLength, path).toBeLessThan(JSON_BOUND);
    }
  });

  it('answers one group’s results, comparison and trend, JSON and CSV, in a few kilobytes whatever the organization’s size', async () => {
    const trend = `/api/surveys/${surveyId}/trend?statement=${LARGE_STATEMENTS[0].id}`;
    const views = ['results', 'results?format=csv', 'compare-previous', 'compare-previous?format=csv'].map((view) => `/api/waves/${waveId}/${view}`);
    for (const path of [...views, trend, `${trend}&format=csv`]) {
      const { status, bytes } = await bytesOf(path);
      expect(status, path).toBe(200);
      expect(bytes.byteLength, path).toBeLessThan(ONE_GROUP_BOUND);
    }
  });
});
