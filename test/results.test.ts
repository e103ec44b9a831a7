/**
 * The results API on the demo organization (seeded once, through the real paths): the story the
 * product exists for (Technology +4 / +6 year over year, Career Steps against the rest of the
 * organization), the heatmap, the trend, the planner, analyst grants, 400s that name the field, CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, Heatmap, Impact, Plan, Trend, WaveResults } from '../shared/api-results.ts';
import { parseCsv } from '../shared/csv.ts';
import { seedDemo } from '../functions/demo/seed-demo.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';

let rt: TestRuntime;
let annual: { id: string; waves: Array<{ id: string; name: string }> };
let wave2014: string;
let wave2015: string;
const TECHNOLOGY = 'Soundwave > Technology';

async function getJson<T>(path: string, init: { role?: 'admin' | 'analyst' } = {}): Promise<T> {
  const response = await rt.staff(path, init);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  await seedDemo(rt.deps);
  const { surveys } = await getJson<{ surveys: Array<typeof annual & { name: string }> }>('/api/surveys');
  annual = surveys.find((survey) => survey.name === 'Annual survey')!;
  wave2014 = annual.waves.find((wave) => wave.name === '2014')!.id;
  wave2015 = annual.waves.find((wave) => wave.name === '2015')!.id;
}, 120_000);
afterAll(async () => {
  await rt?.stop();
});

const points = (value: number) => Math.round(value * 100);

describe('year over year in Technology (the story)', () => {
  it('shows +4 and +6 points with intervals, a verdict, the detectable change and both response rates', async () => {
    const view = await getJson<Comparison>(`/api/waves/${wave2015}/compare-previous?unit=${encodeURIComponent(TECHNOLOGY)}`);
    expect(view.basis).toBe('year-over-year');
    expect(view.from.name).toBe('2014');
    expect(view.segment.label).toBe(TECHNOLOGY);
    expect(view.from.responseRate).toBeCloseTo(0.8, 1);
    expect(view.to.responseRate).toBeCloseTo(0.8, 1);
    const byId = new Map(view.statements.map((statement) => [statement.id, statement]));
    for (const [id, expected] of [
      ['mgmt-expectations', 4],
      ['training', 6],
    ] as const) {
      const change = byId.get(id)!.change!;
      expect(points(change.estimate)).toBe(expected);
      expect(change.lower).toBeLessThan(change.estimate);
      expect(change.upper).toBeGreaterThan(change.estimate);
      // ~120 respondents a year: a 4–6 point change is within noise, and the words say so without over-claiming.
      expect(change.verdict).toBe('noise');
      expect(change.words).toMatch(
        new RegExp(
          `^rose ${expected} points \\(95% interval −\\d+ to \\+\\d+\\): can't tell from noise; only changes beyond −\\d+ / \\+\\d+ points are detectable here$`,
        ),
      );
      expect(change.detectable.up!).toBeGreaterThan(change.estimate);
      expect(change.q).toBeGreaterThanOrEqual(change.p);
    }
  });

  it('words the statements and the verdicts in Swedish for a Swedish reader', async () => {
    const response = await rt.staff(`/api/waves/${wave2015}/compare-previous?unit=${encodeURIComponent(TECHNOLOGY)}`, {
      headers: { 'accept-language': 'sv-SE,sv;q=0.9' },
    });
    const view = (await response.json()) as Comparison;
    const clear = view.statements.find((statement) => statement.id === 'mgmt-expectations')!;
    expect(clear.text).toBe('Ledningen gör sina förväntningar tydliga');
    expect(clear.change!.words).toMatch(
      /^steg 4 procentenheter \(95 % intervall −\d+ till \+\d+\): går inte att skilja från slumpen; bara förändringar bortom −\d+ \/ \+\d+ procentenheter kan upptäckas här$/,
    );
    // An explicit ?lang= wins over the header.
    const english = await getJson<Comparison>(`/api/waves/${wave2015}/compare-previous?unit=${encodeURIComponent(TECHNOLOGY)}&lang=en`);
    expect(english.statements.find((statement) => statement.id === 'mgmt-expectations')!.change!.words).toMatch(/^rose 4 points/);
  });

  it('the rest of the organization stays flat on the same statements', async () => {
    const { statements } = await getJson<Comparison>(`/api/compare?from=${wave2014}&to=${wave2015}&unit=Soundwave%20%3E%20Product`);
    const change = statements.find((statement) => statement.id === 'mgmt-expectations')!.change!;
    expect(Math.abs(points(change.estimate))).toBeLessThanOrEqual(2);
  });
});

describe('Career Steps', () => {
  it('has an impact page: the difference-in-differences against everyone outside Technology, read against the hypothesis', async () => {
    const { initiatives } = await getJson<{ initiatives: Array<{ id: string; name: string; phase: string }> }>('/api/initiatives');
    const careerSteps = initiatives.find((initiative) => initiative.name === 'Career Steps')!;
    expect(careerSteps.phase).toBe('tweak');
    const impact = await getJson<Impact>(`/api/initiatives/${careerSteps.id}/impact`);
    expect(impact.initiative.comparisonLabel).toBe(`¬ ${TECHNOLOGY}`);
    expect(impact.responseRates.target.after).toBeCloseTo(0.8, 1);
    expect(impact.statements.map((statement) => statement.id)).toEqual(['mgmt-expectations', 'training']);
    for (const [statement, expected] of impact.statements.map((s, index) => [s, [4, 6][index]] as const)) {
      expect(points(statement.target!.change.estimate)).toBe(expected);
      expect(points(statement.comparison!.change.estimate)).toBe(0);
      expect(points(statement.did!.estimate)).toBe(expected);
      expect(statement.did!.lower).toBeLessThan(0);
      expect(statement.did!.verdict).toBe('noise');
      expect(statement.did!.words).toMatch(
        /^Can't tell from noise: the target rose \d points more than the comparison group \(95% interval −\d+ to \+\d+\); only differences beyond/,
      );
      expect(statement.did!.words).not.toMatch(/caus/i);
      expect(statement.parallelTrends).toEqual({ checked: false, words: expect.stringMatching(/Only one baseline wave/) });
      // Technology started 7–8 points below the rest: the note says a rise may be regression to the mean.
      expect(statement.regressionToMean).toMatch(/regression to the mean/);
    }
    const swedish = (await (await rt.staff(`/api/initiatives/${careerSteps.id}/impact`, { headers: { 'accept-language': 'sv' } })).json()) as Impact;
    const [clear] = swedish.statements;
    expect(clear.text).toBe('Ledningen gör sina förväntningar tydliga');
    expect(clear.did!.words).toMatch(
      /^Går inte att skilja från slumpen: målgruppen steg 4 procentenheter mer än jämförelsegruppen \(95 % intervall −\d+ till \+\d+\); bara skillnader bortom/,
    );
    expect(clear.parallelTrends!.words).toMatch(/^Bara en baslinjemätning/);
    expect(clear.regressionToMean).toMatch(/regression mot medelvärdet/);
  });
});

describe('wave results', () => {
  it('per statement: n, counts, shares with Wilson intervals, mean, eNPS, and the response rate', async () => {
    const view = await getJson<WaveResults>(`/api/waves/${wave2015}/results?unit=Technology`);
    expect(view.segment.label).toBe(TECHNOLOGY);
    expect(view.wave.responseRate).toBeCloseTo(0.8, 1);
    const clear = view.statements.find((statement) => statement.id === 'mgmt-expectations')!;
    expect(clear.n).toBe(120);
    expect(Object.values(clear.counts!).reduce((a, b) => a + b, 0)).toBe(120);
    expect(clear.favorable!.estimate + clear.neutral!.estimate + clear.unfavorable!.estimate).toBeCloseTo(1, 10);
    expect(clear.favorable!.lower).toBeLessThan(clear.favorable!.estimate);
    expect(clear.mean!.estimate).toBeGreaterThan(1);
    const enps = view.statements.find((statement) => statement.id === 'enps')!;
    expect(enps.enps!.estimate).toBeGreaterThanOrEqual(-1);
    expect(view.statements.some((statement) => statement.id === 'comments')).toBe(false);
  });

  it('a filter by attribute, and a unit × attribute, are results of the wave’s own segments', async () => {
    const byLocation = await getJson<WaveResults>(`/api/waves/${wave2015}/results?filter=location:Stockholm`);
    expect(byLocation.segment.label).toBe('location: Stockholm');
    const techStockholm = await getJson<WaveResults>(`/api/waves/${wave2015}/results?unit=Technology&filter=location:Stockholm`);
    expect(techStockholm.segment.label).toBe(`${TECHNOLOGY} · location: Stockholm`);
  });

  it.each([
    ['unit', '?unit=Nowhere'],
    ['filter', '?filter=location:Atlantis'],
    ['filter', '?filter=no-colon'],
    ['format', '?format=xml'],
  ])('a slice or option outside the wave is a 400 naming %s', async (field, query) => {
    const response = await rt.staff(`/api/waves/${wave2015}/results${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
  });

  it.each([
    ['/api/compare?to=x', 'from'],
    ['/api/plan?n1=100&n2=abc&p=0.5', 'n2'],
    ['/api/plan?n1=100&n2=100&p=1.5', 'p'],
    ['/api/waves/W/heatmap?dimension=shoe-size', 'dimension'],
  ])('%s is a 400 naming %s', async (path, field) => {
    const response = await rt.staff(path.replace('W', wave2015));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});

describe('heatmap, trend, planner', () => {
  it('heatmap: statements × the org level, colored by the verdict rule over the whole map', async () => {
    const map = await getJson<Heatmap>(`/api/waves/${wave2015}/heatmap?dimension=1`);
    expect(map.previous?.name).toBe('2014');
    expect(map.segments.map((segment) => segment.label)).toContain(TECHNOLOGY);
    // The whole organization is the first column, what every group is read against.
    expect(map.segments[0]).toMatchObject({ label: 'Soundwave', whole: true });
    expect(map.segments.filter((segment) => segment.whole)).toHaveLength(1);
    expect(map.dimensions.map((dimension) => dimension.id)).toEqual(expect.arrayContaining(['1', '2', 'location', 'tenure']));
    expect(map.cells).toHaveLength(map.statements.length * map.segments.length);
    const technologyColumn = map.segments.find((segment) => segment.label === TECHNOLOGY)!;
    expect(technologyColumn.responseRate).toBeCloseTo(0.8, 1);
    expect(technologyColumn.previousResponseRate).toBeCloseTo(0.8, 1);
    const technology = technologyColumn.id;
    const cell = map.cells.find((c) => c.segmentId === technology && c.statementId === 'training')!;
    expect(points(cell.change!.estimate)).toBe(6);
    // One family: q is adjusted over every change on the map, so it is at least the cell's own p.
    const family = map.cells.filter((c) => c.change).length;
    expect(family).toBeGreaterThan(20);
    expect(cell.change!.q).toBeGreaterThanOrEqual(cell.change!.p);
    for (const c of map.cells) if (c.hidden) expect(c.favorable ?? c.n ?? c.change).toBeUndefined();
  });

  it('trend: % favorable with intervals across every closed wave', async () => {
    const trend = await getJson<Trend>(`/api/surveys/${annual.id}/trend?statement=training&unit=Technology`);
    expect(trend.points.map((point) => point.waveName)).toEqual(['2014', '2015']);
    expect(trend.points.map((point) => points(point.favorable!.estimate))).toEqual([40, 46]);
  });

  it('planner: detectable changes for two waves and for an initiative, and the sizes a change needs', async () => {
    const plan = await getJson<Plan>('/api/plan?n1=120&n2=120&p=0.45&change=0.06');
    expect(plan.twoWaves.detectable.up!).toBeGreaterThan(0.06);
    expect(plan.initiative.detectable.up!).toBeGreaterThan(plan.twoWaves.detectable.up!);
    expect(plan.twoWaves.neededPerWave!).toBeGreaterThan(120);
    expect(plan.initiative.neededPerGroup!).toBeGreaterThan(plan.twoWaves.neededPerWave!);
  });
});

describe('analysts see only the units granted to them', () => {
  it('403 outside the grants, 200 inside; only an admin sets grants', async () => {
    const analyst = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await rt.token('analyst', 'analyst-7')}`);
      return rt.app.request(path, { ...init, headers });
    };
    expect((await analyst(`/api/waves/${wave2015}/results?unit=Technology`)).status).toBe(403);
    expect(
      (
        await analyst('/api/staff/analyst-7/grants', {
          method: 'PUT',
          body: JSON.stringify({ units: ['Soundwave'] }),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(403);
    const granted = await rt.staff('/api/staff/analyst-7/grants', { method: 'PUT', body: JSON.stringify({ units: [TECHNOLOGY] }) });
    expect(granted.status).toBe(200);
    expect(await getJson<{ units: string[] }>('/api/staff/analyst-7/grants')).toEqual({ units: [TECHNOLOGY] });

    expect((await analyst(`/api/waves/${wave2015}/results?unit=Technology`)).status).toBe(200);
    expect((await analyst(`/api/waves/${wave2015}/results?unit=${encodeURIComponent('Technology > Playback')}`)).status).toBe(200);
    expect((await analyst(`/api/waves/${wave2015}/compare-previous?unit=Technology`)).status).toBe(200);
    for (const outside of [
      `/api/waves/${wave2015}/results?unit=Product`,
      `/api/waves/${wave2015}/results`,
      `/api/waves/${wave2015}/results?filter=location:Stockholm`,
      `/api/compare?from=${wave2014}&to=${wave2015}&unit=Design`,
    ]) {
      expect((await analyst(outside)).status, outside).toBe(403);
    }
    const map = (await (await analyst(`/api/waves/${wave2015}/heatmap?dimension=2`)).json()) as Heatmap;
    expect(map.segments.length).toBeGreaterThan(0);
    expect(map.segments.every((segment) => segment.label.startsWith(TECHNOLOGY))).toBe(true);
    // Initiatives: the target inside the grants, compared with everyone outside it, is readable; naming another unit is not.
    const { initiatives } = await getJson<{ initiatives: Array<{ id: string; name: string }> }>('/api/initiatives');
    expect((await analyst(`/api/initiatives/${initiatives.find((i) => i.name === 'Career Steps')!.id}/impact`)).status).toBe(200);
    const againstProduct = {
      name: 'Tech vs Product',
      hypothesis: 'x',
      statements: [{ id: 'training', direction: 'up' }],
      target: { unit: TECHNOLOGY },
      comparison: { unit: 'Soundwave > Product' },
      baselineWaveIds: [wave2014],
      followUpWaveIds: [wave2015],
      phase: 'think',
    };
    expect(
      (await analyst('/api/initiatives', { method: 'POST', body: JSON.stringify(againstProduct), headers: { 'content-type': 'application/json' } })).status,
    ).toBe(403);
    // Participation and wave management stay admin only.
    expect((await analyst(`/api/waves/${wave2015}/participation`)).status).toBe(403);
  });
});

describe('CSV', () => {
  it('results, compare, heatmap, trend and impact come as CSV with the same numbers and suppression', async () => {
    const { initiatives } = await getJson<{ initiatives: Array<{ id: string }> }>('/api/initiatives');
    for (const path of [
      `/api/waves/${wave2015}/results?unit=Technology&format=csv`,
      `/api/waves/${wave2015}/compare-previous?unit=Technology&format=csv`,
      `/api/waves/${wave2015}/heatmap?format=csv`,
      `/api/surveys/${annual.id}/trend?statement=training&format=csv`,
      `/api/initiatives/${initiatives[0].id}/impact?format=csv`,
    ]) {
      const response = await rt.staff(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = parseCsv(await response.text());
      expect(rows.length, path).toBeGreaterThan(1);
    }
    const rows = parseCsv(await (await rt.staff(`/api/waves/${wave2015}/compare-previous?unit=Technology&format=csv`)).text());
    const header = rows[0].fields;
    const training = rows.find((row) => row.fields[header.indexOf('statement')] === 'training')!.fields;
    expect(training[header.indexOf('change (points)')]).toBe('5.8'); // change in points, one decimal
  });

  it('opens in Excel: a byte-order mark, the header row first, headers in the dashboard’s language', async () => {
    const bytes = new Uint8Array(await (await rt.staff(`/api/waves/${wave2015}/results?unit=Technology&format=csv`)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const english = new TextDecoder().decode(bytes);
    const [header, first] = parseCsv(english);
    expect(header.fields.slice(0, 5)).toEqual(['wave', 'group', 'response rate %', 'statement', 'text']);
    expect(first.fields[0]).toBe('2015');
    const swedish = await (await rt.staff(`/api/waves/${wave2015}/results?unit=Technology&format=csv`, { headers: { 'accept-language': 'sv' } })).text();
    expect(parseCsv(swedish)[0].fields.slice(0, 5)).toEqual(['omgång', 'grupp', 'svarsfrekvens %', 'påstående', 'text']);
    expect(swedish).toContain('Ledningen gör sina förväntningar tydliga');
  });
});

describe('comments', () => {
  it('reads a large group’s comments, shuffled, and refuses to filter them by attributes', async () => {
    type Comments = { hidden?: boolean; comments: Array<{ statementId: string; text: string }>; units: Array<{ label: string }> };
    // The whole organization: under the close's certificate a unit's comments show only where its
    // comment count is a certified cell, and the demo's sparse comment counts mostly are not.
    const first = await getJson<Comments>(`/api/waves/${wave2015}/comments?statement=comments`);
    expect(first.hidden).toBeUndefined();
    expect(first.comments.length).toBeGreaterThan(5);
    const orders = new Set<string>();
    for (let i = 0; i < 5; i++) orders.add(JSON.stringify((await getJson<Comments>(`/api/waves/${wave2015}/comments`)).comments));
    expect(orders.size).toBeGreaterThan(1);
    const filtered = await rt.staff(`/api/waves/${wave2015}/comments?unit=Technology&filter=location:Stockholm`);
    expect(filtered.status).toBe(400);
    expect(((await filtered.json()) as { error: { field: string } }).error.field).toBe('filter');
  });

  it('comes a page at a time: following nextCursor shows each comment once, in one shuffle', async () => {
    type Page = { comments: Array<{ statementId: string; text: string }>; total: number; nextCursor?: string };
    const whole = await getJson<Page>(`/api/waves/${wave2015}/comments`);
    expect(whole.nextCursor).toBeUndefined();
    expect(whole.comments).toHaveLength(whole.total);
    const pages: Page[] = [await getJson<Page>(`/api/waves/${wave2015}/comments?limit=7`)];
    while (pages.at(-1)!.nextCursor) pages.push(await getJson<Page>(`/api/waves/${wave2015}/comments?limit=7&cursor=${pages.at(-1)!.nextCursor}`));
    expect(pages).toHaveLength(Math.ceil(whole.total / 7));
    expect(pages.every((page) => page.total === whole.total && page.comments.length <= 7)).toBe(true);
    const paged = pages.flatMap((page) => page.comments.map((comment) => JSON.stringify(comment)));
    expect(paged.sort()).toEqual(whole.comments.map((comment) => JSON.stringify(comment)).sort());
    // The same cursor gives the same page: one shuffle, not a new one per page.
    const again = await getJson<Page>(`/api/waves/${wave2015}/comments?limit=7&cursor=${pages[0].nextCursor}`);
    expect(again.comments).toEqual(pages[1].comments);
    const tooMany = await rt.staff(`/api/waves/${wave2015}/comments?limit=1001`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { field: string } }).error.field).toBe('limit');
    for (const cursor of ['not-a-cursor', Buffer.from('zz.3').toString('base64url')]) {
      const refused = await rt.staff(`/api/waves/${wave2015}/comments?cursor=${cursor}`);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { field: string } }).error.field).toBe('cursor');
    }
  });
});

describe('removing the demo', () => {
  // Last in this file: it removes what the tests above read.
  it('takes the demo initiative with it', async () => {
    expect((await rt.staff('/api/demo', { method: 'DELETE' })).status).toBe(200);
    const { initiatives } = await getJson<{ initiatives: Array<{ name: string }> }>('/api/initiatives');
    expect(initiatives.map((initiative) => initiative.name)).not.toContain('Career Steps');
  });
});
