/**
 * The harvesting attacker (issue 9): an admin who reads every view of every closed wave through
 * the HTTP API, writes each published number as an equation or a range over the counts of the
 * finest groups of people (leaf unit × attribute combination, per statement and scale point), and
 * solves with integer programming (HiGHS) for every small group it can name.
 *
 * Written apart from the defender on purpose: nothing here imports shared/certify*, shared/disclosure*
 * or the views' code. What it knows is what an admin knows: the directory (who is invited where),
 * the public scales and the public display rules, and the responses of the routes.
 */
import { expect } from 'vitest';
import { parseCsv } from '../../shared/csv.ts';
import { closeWave, rosterCsv, STATEMENTS, type PersonRow } from './scenario.ts';
import type { TestRuntime } from './embedded.ts';

// ---------- the organization ----------

/** Mulberry32: a fixed seed gives the same organization and answers on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OrgShape {
  seed: number;
  departments: number;
  teamsPerDepartment: [number, number];
  teamSize: [number, number];
  /** People sitting directly in a department (not in a team). */
  directInDepartment: [number, number];
  directInRoot: number;
}

export const SMALL_ORG: OrgShape = { seed: 9, departments: 3, teamsPerDepartment: [1, 2], teamSize: [6, 9], directInDepartment: [1, 3], directInRoot: 2 };

export const ATTRIBUTES = { tenure: ['new', 'old'], site: ['Stockholm', 'Gothenburg'] } as const;
const ROOT = 'Org';

/** A directory of small units, with people directly in parent units and two binary attributes. */
export function generateOrganization(shape: OrgShape): PersonRow[] {
  const random = seededRandom(shape.seed);
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo + 1));
  const rows: PersonRow[] = [];
  const add = (unit: string, count: number) => {
    for (let i = 0; i < count; i++) {
      rows.push({
        email: `p${String(rows.length).padStart(4, '0')}@org.test`,
        orgUnit: unit,
        tenure: random() < 0.6 ? 'new' : 'old',
        site: random() < 0.55 ? 'Stockholm' : 'Gothenburg',
      });
    }
  };
  add(ROOT, shape.directInRoot);
  for (let d = 1; d <= shape.departments; d++) {
    const department = `${ROOT} > D${d}`;
    add(department, between(shape.directInDepartment));
    const teams = between(shape.teamsPerDepartment);
    for (let t = 1; t <= teams; t++) add(`${department} > T${t}`, between(shape.teamSize));
  }
  return rows;
}

// ---------- finest groups and named groups ----------

const SCORED = STATEMENTS.filter((statement) => statement.scale !== 'text');
const POINTS: Record<string, number[]> = { agree5: [1, 2, 3, 4, 5], enps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
const SIDES: Record<string, Record<'favorable' | 'neutral' | 'unfavorable', number[]>> = {
  agree5: { favorable: [4, 5], neutral: [3], unfavorable: [1, 2] },
  enps: { favorable: [9, 10], neutral: [7, 8], unfavorable: [0, 1, 2, 3, 4, 5, 6] },
};

/** The finest groups: a person's own unit × their full attribute combination. */
export interface Directory {
  groups: string[];
  groupOf: Map<string, number>;
  invited: number[];
  unitOfGroup: string[];
  attrsOfGroup: Array<Record<string, string>>;
  units: string[];
}

export function directoryOf(rows: PersonRow[]): Directory {
  const groups: string[] = [];
  const index = new Map<string, number>();
  const groupOf = new Map<string, number>();
  const invited: number[] = [];
  const unitOfGroup: string[] = [];
  const attrsOfGroup: Array<Record<string, string>> = [];
  const units = new Set<string>();
  for (const row of rows) {
    const key = `${row.orgUnit}|${row.tenure}|${row.site}`;
    let at = index.get(key);
    if (at === undefined) {
      at = groups.length;
      index.set(key, at);
      groups.push(key);
      invited.push(0);
      unitOfGroup.push(row.orgUnit);
      attrsOfGroup.push({ tenure: row.tenure, site: row.site });
    }
    invited[at]++;
    groupOf.set(row.email, at);
    const parts = row.orgUnit.split(' > ');
    for (let i = 1; i <= parts.length; i++) units.add(parts.slice(0, i).join(' > '));
  }
  return { groups, groupOf, invited, unitOfGroup, attrsOfGroup, units: [...units].sort() };
}

const within = (unit: string, ancestor: string) => unit === ancestor || unit.startsWith(`${ancestor} > `);

/** A slice as the routes take it, and the finest groups it covers. */
export interface Slice {
  unit?: string;
  filter?: string;
  label: string;
  members: number[];
}

export function slicesOf(directory: Directory): Slice[] {
  const slices: Slice[] = [];
  const select = (test: (g: number) => boolean) => directory.groups.map((_, g) => g).filter(test);
  for (const unit of directory.units) {
    slices.push({ ...(unit === ROOT ? {} : { unit }), label: unit, members: select((g) => within(directory.unitOfGroup[g], unit)) });
  }
  for (const [attribute, values] of Object.entries(ATTRIBUTES)) {
    for (const value of values) {
      slices.push({ filter: `${attribute}:${value}`, label: `${attribute}: ${value}`, members: select((g) => directory.attrsOfGroup[g][attribute] === value) });
      for (const unit of directory.units) {
        if (unit === ROOT) continue;
        slices.push({
          unit,
          filter: `${attribute}:${value}`,
          label: `${unit} · ${attribute}: ${value}`,
          members: select((g) => within(directory.unitOfGroup[g], unit) && directory.attrsOfGroup[g][attribute] === value),
        });
      }
    }
  }
  return slices.filter((slice) => slice.members.length > 0);
}

// ---------- running the waves ----------

export interface Truth {
  /** per finest group: responded, commented, and statement → point → count */
  responded: number[];
  commented: number[];
  counts: Array<Record<string, Record<number, number>>>;
}

export interface HarvestOrg {
  rows: PersonRow[];
  directory: Directory;
  k: number;
  surveyId: string;
  waveIds: string[];
  truth: Truth[];
  /** Live participation as the dashboard showed it just before each wave closed (every answer in). */
  live: LiveParticipation[];
}

type LiveParticipation = { responded: number | string; segments: Array<{ label: string; responded: number | string; rate?: number }> };

/** Answers of one person in one wave: about 80% respond, each statement skipped now and then. */
function answersOf(random: () => number): { answers: Record<string, number | string>; commented: boolean } | undefined {
  if (random() < 0.2) return undefined;
  const answers: Record<string, number | string> = {};
  for (const statement of SCORED) {
    if (random() < 0.15) continue;
    const points = POINTS[statement.scale];
    // Skewed towards the favorable end, like real surveys, so some small groups are near-unanimous.
    const draw = Math.min(points.length - 1, Math.floor(Math.sqrt(random()) * points.length));
    answers[statement.id] = points[draw];
  }
  const commented = random() < 0.3;
  if (commented) answers.comment = 'A comment';
  if (Object.keys(answers).length === 0) answers[SCORED[0].id] = 3;
  return { answers, commented };
}

/** Upload the directory, open and close `waves` waves of one survey with generated answers. */
export async function runHarvestOrg(rt: TestRuntime, rows: PersonRow[], opts: { k: number; waves: number; seed: number }): Promise<HarvestOrg> {
  const directory = directoryOf(rows);
  const roster = await rt.staff('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(rows) });
  expect(roster.status, await roster.clone().text()).toBe(200);
  for (const statement of STATEMENTS) {
    const response = await rt.staff('/api/statements', { method: 'POST', body: JSON.stringify(statement) });
    expect([201, 409]).toContain(response.status);
  }
  const survey = (await (await rt.staff('/api/surveys', { method: 'POST', body: JSON.stringify({ name: 'Harvest' }) })).json()) as { id: string };
  const random = seededRandom(opts.seed * 7919 + 1);
  const waveIds: string[] = [];
  const truth: Truth[] = [];
  const live: LiveParticipation[] = [];
  for (let w = 0; w < opts.waves; w++) {
    const created = await rt.staff(`/api/surveys/${survey.id}/waves`, {
      method: 'POST',
      body: JSON.stringify({ name: `Wave ${w + 1}`, statementIds: STATEMENTS.map((statement) => statement.id), minGroupSize: opts.k }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const waveId = ((await created.json()) as { id: string }).id;
    const before = rt.mail.length;
    expect((await rt.staff(`/api/waves/${waveId}/open`, { method: 'POST' })).status).toBe(202);
    await rt.jobsIdle();
    const t: Truth = { responded: directory.groups.map(() => 0), commented: directory.groups.map(() => 0), counts: directory.groups.map(() => ({})) };
    // By recipient, not by send order (mail goes out in parallel batches): the same seed gives everyone the same answers.
    for (const message of rt.mail.slice(before).sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0))) {
      const answer = answersOf(random);
      if (!answer) continue;
      const token = /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1];
      const response = await rt.post('/api/responses', { token, answers: answer.answers });
      expect(response.status, await response.clone().text()).toBe(201);
      const g = directory.groupOf.get(message.to)!;
      t.responded[g]++;
      if (answer.commented) t.commented[g]++;
      for (const statement of SCORED) {
        const value = answer.answers[statement.id];
        if (typeof value !== 'number') continue;
        const byPoint = (t.counts[g][statement.id] ??= {});
        byPoint[value] = (byPoint[value] ?? 0) + 1;
      }
    }
    // An analyst watching participation while the wave is open reads its last counts before the close.
    live.push((await (await rt.staff(`/api/waves/${waveId}/participation`)).json()) as LiveParticipation);
    expect((await closeWave(rt, waveId)).status).toBe('done');
    waveIds.push(waveId);
    truth.push(t);
  }
  return { rows, directory, k: opts.k, surveyId: survey.id, waveIds, truth, live };
}

// ---------- facts: what was published, as linear statements over the finest groups ----------

/** A linear quantity of one group: responded, commented, or a weighted sum of one statement's point counts. */
export type Quantity = { kind: 'responded' } | { kind: 'commented' } | { kind: 'points'; statement: string; weights: Record<number, number> };

export interface Fact {
  wave: number;
  members: number[];
  quantity: Quantity;
  lower: number;
  upper: number;
  source: string;
}

const answeredQ = (statement: string): Quantity => ({ kind: 'points', statement, weights: Object.fromEntries(POINTS[scaleOf(statement)].map((p) => [p, 1])) });
const sideQ = (statement: string, side: 'favorable' | 'neutral' | 'unfavorable'): Quantity => ({
  kind: 'points',
  statement,
  weights: Object.fromEntries(SIDES[scaleOf(statement)][side].map((p) => [p, 1])),
});
const pointQ = (statement: string, point: number): Quantity => ({ kind: 'points', statement, weights: { [point]: 1 } });
const scaleOf = (statement: string) => SCORED.find((candidate) => candidate.id === statement)!.scale;

/** The public band rule (README): which favorable counts x of n are consistent with a band. */
function bandRange(band: { kind: string; value: number }, n: number): [number, number] {
  const fits: number[] = [];
  for (let x = 0; x <= n; x++) {
    const top = Math.min(0.75, (n - 1) / n);
    const share = x / n;
    const shown =
      share >= top
        ? { kind: 'at-least', value: top }
        : share <= 1 - top
          ? { kind: 'at-most', value: 1 - top }
          : { kind: 'about', value: Math.min(0.9, Math.max(0.1, Math.round(share * 10) / 10)) };
    if (shown.kind === band.kind && Math.abs(shown.value - band.value) < 1e-9) fits.push(x);
  }
  return fits.length > 0 ? [Math.min(...fits), Math.max(...fits)] : [0, n];
}

interface Share {
  hidden?: boolean;
  reason?: string;
  n?: number;
  favorable?: { estimate: number };
  favorableBand?: { kind: string; value: number };
  counts?: Record<string, number>;
  neutral?: { estimate: number };
  unfavorable?: { estimate: number };
  mean?: { estimate: number };
  enps?: { estimate: number };
}

/** Collects facts and counts the numbers read. */
export class Harvest {
  facts: Fact[] = [];
  numbers = 0;
  requests = 0;
  constructor(readonly org: HarvestOrg) {}

  private add(wave: number, members: number[], quantity: Quantity, lower: number, upper: number, source: string) {
    this.facts.push({ wave, members, quantity, lower, upper, source });
  }

  equal(wave: number, members: number[], quantity: Quantity, value: number, source: string) {
    this.numbers++;
    this.add(wave, members, quantity, value, value, source);
  }

  /** A published rate over a known invited count is an exact count. */
  rate(wave: number, members: number[], rate: number | undefined, source: string) {
    if (rate === undefined) return;
    const invited = members.reduce((sum, g) => sum + this.org.directory.invited[g], 0);
    this.equal(wave, members, { kind: 'responded' }, Math.round(rate * invited), source);
  }

  responded(wave: number, members: number[], responded: number | undefined, source: string) {
    if (typeof responded === 'number') this.equal(wave, members, { kind: 'responded' }, responded, source);
  }

  /** One statement's shown numbers in one group. */
  share(wave: number, members: number[], statement: string, shown: Share, source: string) {
    if (!SCORED.some((candidate) => candidate.id === statement)) return;
    if (shown.hidden) {
      // "Fewer than k answered" is itself a range an attacker reads.
      if (shown.reason === 'below-k') this.add(wave, members, answeredQ(statement), 0, this.org.k - 1, `${source} below-k`);
      return;
    }
    if (shown.n === undefined) {
      // A band without n is a range over x/n: kept out of the model (a weaker attacker, never an unsound one).
      if (shown.favorableBand || shown.favorable) this.numbers++;
      return;
    }
    const n = shown.n;
    this.equal(wave, members, answeredQ(statement), n, `${source} n`);
    if (n === 0) return;
    const exact = (quantity: Quantity, share: number | undefined, what: string) => {
      if (share !== undefined) this.equal(wave, members, quantity, Math.round(share * n), `${source} ${what}`);
    };
    exact(sideQ(statement, 'favorable'), shown.favorable?.estimate, 'favorable');
    exact(sideQ(statement, 'neutral'), shown.neutral?.estimate, 'neutral');
    exact(sideQ(statement, 'unfavorable'), shown.unfavorable?.estimate, 'unfavorable');
    if (shown.favorableBand) {
      this.numbers++;
      const [lo, hi] = bandRange(shown.favorableBand, n);
      this.add(wave, members, sideQ(statement, 'favorable'), lo, hi, `${source} band`);
    }
    if (shown.counts) {
      // The distribution lists the points someone chose: a point it leaves out was chosen by nobody.
      for (const point of POINTS[scaleOf(statement)])
        this.equal(wave, members, pointQ(statement, point), shown.counts[String(point)] ?? 0, `${source} count ${point}`);
    }
    if (shown.mean) {
      const weights = Object.fromEntries(POINTS[scaleOf(statement)].map((p) => [p, p]));
      this.equal(wave, members, { kind: 'points', statement, weights }, Math.round(shown.mean.estimate * n), `${source} mean`);
    }
    if (shown.enps) {
      const weights = Object.fromEntries(POINTS.enps.map((p) => [p, p >= 9 ? 1 : p >= 7 ? 0 : -1]));
      this.equal(wave, members, { kind: 'points', statement, weights }, Math.round(shown.enps.estimate * n), `${source} eNPS`);
    }
  }
}

async function getJson<T>(rt: TestRuntime, harvest: Harvest, path: string): Promise<T | undefined> {
  harvest.requests++;
  const response = await rt.staff(path);
  if (response.status === 400 || response.status === 404) return undefined;
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as T;
}

const query = (slice: { unit?: string; filter?: string }) =>
  [slice.unit ? `unit=${encodeURIComponent(slice.unit)}` : '', slice.filter ? `filter=${encodeURIComponent(slice.filter)}` : ''].filter(Boolean).join('&');

/** Number of a CSV cell, or undefined. */
const num = (cell: string | undefined) => (cell === undefined || cell === '' ? undefined : Number(cell));

/**
 * Every published number of the organization's closed waves, read through the HTTP API the way an
 * admin would: participation, results JSON and CSV per group, every heatmap, compare-previous and
 * compare, trends, comments and impact pages against "everyone outside".
 */
export async function harvestEverything(rt: TestRuntime, org: HarvestOrg): Promise<Harvest> {
  const harvest = new Harvest(org);
  const slices = slicesOf(org.directory);
  const all = org.directory.groups.map((_, g) => g);
  const byLabel = new Map(slices.map((slice) => [slice.label, slice]));
  const lastWave = org.waveIds.length - 1;

  for (const [w, live] of org.live.entries()) {
    harvest.responded(w, all, typeof live.responded === 'number' ? live.responded : undefined, 'live participation root');
    for (const segment of live.segments) {
      const slice = byLabel.get(segment.label);
      if (!slice) continue;
      harvest.responded(w, slice.members, typeof segment.responded === 'number' ? segment.responded : undefined, `live participation ${segment.label}`);
      harvest.rate(w, slice.members, segment.rate, `live participation rate ${segment.label}`);
    }
  }

  for (const [w, waveId] of org.waveIds.entries()) {
    const participation = await getJson<{
      responded: number | string;
      segments: Array<{ label: string; invited: number | string; responded: number | string; rate?: number }>;
    }>(rt, harvest, `/api/waves/${waveId}/participation`);
    harvest.responded(w, all, typeof participation?.responded === 'number' ? participation.responded : undefined, 'participation root');
    for (const segment of participation?.segments ?? []) {
      const slice = byLabel.get(segment.label);
      if (!slice) continue;
      harvest.responded(w, slice.members, typeof segment.responded === 'number' ? segment.responded : undefined, `participation ${segment.label}`);
      harvest.rate(w, slice.members, segment.rate, `participation rate ${segment.label}`);
    }

    for (const slice of slices) {
      const view = await getJson<{ wave: { responded?: number; responseRate?: number }; statements: Array<Share & { id: string }> }>(
        rt,
        harvest,
        `/api/waves/${waveId}/results?${query(slice)}`,
      );
      if (!view) continue;
      harvest.responded(w, slice.members, view.wave.responded, `results ${slice.label}`);
      harvest.rate(w, slice.members, view.wave.responseRate, `results rate ${slice.label}`);
      for (const statement of view.statements) harvest.share(w, slice.members, statement.id, statement, `results ${slice.label} ${statement.id}`);

      harvest.requests++;
      const csv = parseCsv(await (await rt.staff(`/api/waves/${waveId}/results?${query(slice)}&format=csv`)).text()).map((row) => row.fields);
      const header = csv[1];
      const column = (name: string) => header.indexOf(name);
      for (const row of csv.slice(2)) {
        const statement = row[0];
        const n = num(row[column('n')]);
        if (n === undefined || !SCORED.some((candidate) => candidate.id === statement)) continue;
        const pct = (name: string) => {
          const value = num(row[column(name)]);
          return value === undefined ? undefined : { estimate: value / 100 };
        };
        harvest.share(
          w,
          slice.members,
          statement,
          { n, favorable: pct('% favorable'), neutral: pct('% neutral'), unfavorable: pct('% unfavorable') },
          `csv ${slice.label} ${statement}`,
        );
      }

      if (w === lastWave && w > 0) {
        type Side = { n: number; favorable: { estimate: number } };
        type Compared = {
          from: { responded?: number; responseRate?: number };
          to: { responded?: number; responseRate?: number };
          statements: Array<{ id: string; before?: Side; after?: Side }>;
        };
        const sources: Array<[string, Compared | undefined]> = [
          ['compare-previous', await getJson<Compared>(rt, harvest, `/api/waves/${waveId}/compare-previous?${query(slice)}`)],
          [
            'compare',
            await getJson<Compared>(rt, harvest, `/api/compare?from=${org.waveIds[w - 1]}&to=${waveId}${slice.unit || slice.filter ? `&${query(slice)}` : ''}`),
          ],
        ];
        for (const [name, compared] of sources) {
          if (!compared) continue;
          harvest.responded(w - 1, slice.members, compared.from.responded, `${name} from ${slice.label}`);
          harvest.rate(w - 1, slice.members, compared.from.responseRate, `${name} from rate ${slice.label}`);
          harvest.responded(w, slice.members, compared.to.responded, `${name} to ${slice.label}`);
          harvest.rate(w, slice.members, compared.to.responseRate, `${name} to rate ${slice.label}`);
          for (const statement of compared.statements) {
            if (statement.before) harvest.share(w - 1, slice.members, statement.id, statement.before, `${name} before ${slice.label}`);
            if (statement.after) harvest.share(w, slice.members, statement.id, statement.after, `${name} after ${slice.label}`);
          }
        }
      }
    }

    type HeatmapView = {
      dimensions: Array<{ id: string }>;
      segments: Array<{ id: string; label: string; responseRate?: number; previousResponseRate?: number }>;
      cells: Array<Share & { statementId: string; segmentId: string }>;
      page: { offset: number; size: number; total: number };
    };
    const first = await getJson<HeatmapView>(rt, harvest, `/api/waves/${waveId}/heatmap`);
    // Every page of every dimension (a page holds up to 100 groups).
    const pages = (first?.dimensions ?? []).map((dimension) => ({ dimension, offset: 0 }));
    for (let at = pages.shift(); at; at = pages.shift()) {
      const { dimension, offset } = at;
      const heatmap = await getJson<HeatmapView>(
        rt,
        harvest,
        `/api/waves/${waveId}/heatmap?dimension=${encodeURIComponent(dimension.id)}${offset ? `&offset=${offset}` : ''}`,
      );
      if (!heatmap) continue;
      if (heatmap.page.offset + heatmap.page.size < heatmap.page.total) pages.push({ dimension, offset: heatmap.page.offset + heatmap.page.size });
      const members = new Map(heatmap.segments.map((segment) => [segment.id, byLabel.get(segment.label)?.members]));
      for (const segment of heatmap.segments) {
        const slice = byLabel.get(segment.label);
        if (!slice) continue;
        harvest.rate(w, slice.members, segment.responseRate, `heatmap rate ${segment.label}`);
        if (w > 0) harvest.rate(w - 1, slice.members, segment.previousResponseRate, `heatmap previous rate ${segment.label}`);
      }
      for (const cell of heatmap.cells) {
        const cellMembers = members.get(cell.segmentId);
        if (cellMembers) harvest.share(w, cellMembers, cell.statementId, cell, `heatmap ${dimension.id} ${cell.segmentId}`);
      }
    }

    for (const slice of slices.filter((candidate) => !candidate.filter)) {
      const comments = await getJson<{ hidden?: boolean; comments: unknown[] }>(
        rt,
        harvest,
        `/api/waves/${waveId}/comments${slice.unit ? `?unit=${encodeURIComponent(slice.unit)}` : ''}`,
      );
      if (!comments || comments.hidden) continue;
      harvest.numbers++;
      // Readable only with 10 or more respondents; a comment listed under a unit was written in it (k-anonymizing moves units up, never sideways).
      harvest.facts.push({
        wave: w,
        members: slice.members,
        quantity: { kind: 'responded' },
        lower: 10,
        upper: Number.POSITIVE_INFINITY,
        source: `comments readable ${slice.label}`,
      });
      const count = comments.comments.length;
      const isRoot = !slice.unit;
      harvest.facts.push({
        wave: w,
        members: slice.members,
        quantity: { kind: 'commented' },
        lower: count,
        upper: isRoot ? count : Number.POSITIVE_INFINITY,
        source: `comments ${slice.label}`,
      });
    }
  }

  for (const statement of SCORED) {
    for (const slice of slices) {
      type TrendView = { points: Array<Share & { waveId: string; responseRate?: number }> };
      const trend = await getJson<TrendView>(
        rt,
        harvest,
        `/api/surveys/${org.surveyId}/trend?statement=${statement.id}${slice.unit || slice.filter ? `&${query(slice)}` : ''}`,
      );
      for (const point of trend?.points ?? []) {
        const w = org.waveIds.indexOf(point.waveId);
        harvest.rate(w, slice.members, point.responseRate, `trend rate ${slice.label}`);
        harvest.share(w, slice.members, statement.id, point, `trend ${slice.label} ${statement.id}`);
      }
    }
  }

  if (org.waveIds.length > 1) {
    const [baseline, followUp] = [org.waveIds[org.waveIds.length - 2], org.waveIds[org.waveIds.length - 1]];
    for (const slice of slices) {
      if (!slice.unit && !slice.filter) continue;
      harvest.requests++;
      const created = await rt.staff('/api/initiatives', {
        method: 'POST',
        body: JSON.stringify({
          name: `Impact ${slice.label}`,
          hypothesis: 'It rises',
          statements: SCORED.map((statement) => ({ id: statement.id, direction: 'up' })),
          target: { ...(slice.unit ? { unit: slice.unit } : {}), ...(slice.filter ? { filter: slice.filter } : {}) },
          baselineWaveIds: [baseline],
          followUpWaveIds: [followUp],
          phase: 'ship',
        }),
      });
      if (created.status === 400) continue;
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      type Side = { n: number; favorable: { estimate: number } };
      type ImpactView = {
        responseRates: { target: { before?: number; after?: number }; comparison: { before?: number; after?: number } };
        statements: Array<{ id: string; target?: { before: Side; after: Side }; comparison?: { before: Side; after: Side } }>;
      };
      const impact = await getJson<ImpactView>(rt, harvest, `/api/initiatives/${id}/impact`);
      if (!impact) continue;
      const outside = all.filter((g) => !slice.members.includes(g));
      const [wb, wa] = [org.waveIds.length - 2, org.waveIds.length - 1];
      harvest.rate(wb, slice.members, impact.responseRates.target.before, `impact target rate ${slice.label}`);
      harvest.rate(wa, slice.members, impact.responseRates.target.after, `impact target rate ${slice.label}`);
      harvest.rate(wb, outside, impact.responseRates.comparison.before, `impact outside rate ${slice.label}`);
      harvest.rate(wa, outside, impact.responseRates.comparison.after, `impact outside rate ${slice.label}`);
      for (const statement of impact.statements) {
        for (const [role, members] of [
          ['target', slice.members],
          ['comparison', outside],
        ] as const) {
          const change = statement[role];
          if (!change) continue;
          harvest.share(wb, members, statement.id, change.before, `impact ${role} before ${slice.label}`);
          harvest.share(wa, members, statement.id, change.after, `impact ${role} after ${slice.label}`);
        }
      }
    }
  }
  return harvest;
}

// ---------- the integer program ----------

type Term = [variable: number, coefficient: number];

interface Model {
  variables: number;
  responded: number[];
  commented: number[];
  points: Map<string, number>;
  truth: number[];
}

/** Variables of one wave: per finest group responded, commented and each statement's point counts. */
function modelOf(org: HarvestOrg, w: number): Model {
  const truth: number[] = [];
  const responded: number[] = [];
  const commented: number[] = [];
  const points = new Map<string, number>();
  const t = org.truth[w];
  org.directory.groups.forEach((_, g) => {
    responded.push(truth.push(t.responded[g]) - 1);
    commented.push(truth.push(t.commented[g]) - 1);
    for (const statement of SCORED) {
      for (const point of POINTS[statement.scale]) points.set(`${g}|${statement.id}|${point}`, truth.push(t.counts[g][statement.id]?.[point] ?? 0) - 1);
    }
  });
  return { variables: truth.length, responded, commented, points, truth };
}

function termsOf(model: Model, members: number[], quantity: Quantity): Term[] {
  const terms: Term[] = [];
  for (const g of members) {
    if (quantity.kind === 'responded') terms.push([model.responded[g], 1]);
    else if (quantity.kind === 'commented') terms.push([model.commented[g], 1]);
    else
      for (const [point, weight] of Object.entries(quantity.weights))
        if (weight !== 0) terms.push([model.points.get(`${g}|${quantity.statement}|${point}`)!, weight]);
  }
  return terms;
}

const valueOf = (terms: Term[], values: number[]) => terms.reduce((sum, [variable, coefficient]) => sum + coefficient * values[variable], 0);

function linear(terms: Term[]): string {
  const parts = terms.map(([variable, coefficient], i) => `${coefficient < 0 ? '-' : i === 0 ? '' : '+'} ${Math.abs(coefficient)} v${variable}`);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 12) lines.push(parts.slice(i, i + 12).join(' '));
  return lines.join('\n  ') || '0 v0';
}

/** The LP text of one wave's structure and facts, objective left to fill in. */
function constraintsOf(org: HarvestOrg, model: Model, facts: Fact[]): string[] {
  const rows: string[] = [];
  org.directory.groups.forEach((_, g) => {
    rows.push(
      `${linear([
        [model.commented[g], 1],
        [model.responded[g], -1],
      ])} <= 0`,
    );
    for (const statement of SCORED) {
      rows.push(`${linear([...POINTS[statement.scale].map((p): Term => [model.points.get(`${g}|${statement.id}|${p}`)!, 1]), [model.responded[g], -1]])} <= 0`);
    }
  });
  const seen = new Set<string>();
  for (const fact of facts) {
    const terms = termsOf(model, fact.members, fact.quantity);
    const body = linear(terms);
    const key = `${body}|${fact.lower}|${fact.upper}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (fact.lower === fact.upper) rows.push(`${body} = ${fact.lower}`);
    else {
      if (Number.isFinite(fact.lower)) rows.push(`${body} >= ${fact.lower}`);
      if (Number.isFinite(fact.upper)) rows.push(`${body} <= ${fact.upper}`);
    }
  }
  return rows;
}

function lpText(org: HarvestOrg, model: Model, rows: string[], sense: 'Maximize' | 'Minimize', objective: Term[], integer: boolean): string {
  const bounds: string[] = [];
  org.directory.groups.forEach((_, g) => bounds.push(` 0 <= v${model.responded[g]} <= ${org.directory.invited[g]}`));
  const generals = Array.from({ length: model.variables }, (_, i) => `v${i}`);
  const chunks: string[] = [];
  for (let i = 0; i < generals.length; i += 20) chunks.push(` ${generals.slice(i, i + 20).join(' ')}`);
  return [
    sense,
    ` obj: ${linear(objective)}`,
    'Subject To',
    ...rows.map((row, i) => ` c${i}: ${row}`),
    'Bounds',
    ...bounds,
    ...(integer ? ['Generals', ...chunks] : []),
    'End',
    '',
  ].join('\n');
}

type Highs = {
  solve(problem: string, options?: Record<string, unknown>): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal: number }> };
};

let solverPromise: Promise<Highs> | undefined;
async function solver(): Promise<Highs> {
  solverPromise ??= import('highs').then(async (module) => (await (module.default as unknown as () => Promise<Highs>)()) as Highs);
  return solverPromise;
}

// ---------- the attack ----------

export type PinKind = 'responded' | 'answered' | 'commented' | 'answer' | 'none-answered';

export interface Pin {
  wave: number;
  members: number[];
  invitees: number;
  what: string;
  kind: PinKind;
  value: number;
  /** Follows from one published group of k or more being unanimous (or answering no p at all). */
  unanimity: boolean;
}

export interface AttackReport {
  requests: number;
  numbers: number;
  facts: number;
  groups: number;
  quantities: number;
  solves: number;
  solveMs: number;
  derivations: Pin[];
  unanimity: Pin[];
}

/** Small groups the attacker can name: finest groups, and differences of groups it has seen or can build. */
export function smallGroups(org: HarvestOrg): number[][] {
  const { directory, k } = org;
  const all = directory.groups.map((_, g) => g);
  const named = new Map<string, number[]>();
  const name = (members: number[]) => {
    const sorted = [...new Set(members)].sort((a, b) => a - b);
    if (sorted.length > 0) named.set(sorted.join(','), sorted);
  };
  for (const slice of slicesOf(directory)) {
    name(slice.members);
    name(all.filter((g) => !slice.members.includes(g)));
  }
  for (const unit of directory.units) {
    const direct = all.filter((g) => directory.unitOfGroup[g] === unit);
    name(direct);
    for (const [attribute, values] of Object.entries(ATTRIBUTES))
      for (const value of values) name(direct.filter((g) => directory.attrsOfGroup[g][attribute] === value));
  }
  for (const g of all) name([g]);
  const sets = [...named.values()];
  for (const a of sets) {
    for (const b of sets) {
      if (a === b || b.length >= a.length) continue;
      const inA = new Set(a);
      if (b.every((g) => inA.has(g))) name(a.filter((g) => !b.includes(g)));
    }
  }
  const size = (members: number[]) => members.reduce((sum, g) => sum + directory.invited[g], 0);
  return [...named.values()].filter((members) => size(members) >= 1 && size(members) <= k - 1);
}

/**
 * For every small group and every count of it (responded, commented, answered per statement, each
 * scale point), minimize and maximize over every integer solution consistent with what was
 * published; a count whose minimum equals its maximum is derived. Random objectives first rule
 * out most counts in a few solves; each one left gets its own minimum and maximum.
 */
export async function attack(org: HarvestOrg, harvest: Harvest, opts: { randomRounds?: number; stopAfter?: number } = {}): Promise<AttackReport> {
  const highs = await solver();
  const groups = smallGroups(org);
  const report: AttackReport = {
    requests: harvest.requests,
    numbers: harvest.numbers,
    facts: harvest.facts.length,
    groups: groups.length,
    quantities: 0,
    solves: 0,
    solveMs: 0,
    derivations: [],
    unanimity: [],
  };
  const random = seededRandom(12345);
  for (const [w] of org.waveIds.entries()) {
    const model = modelOf(org, w);
    const facts = harvest.facts.filter((fact) => fact.wave === w);
    // The attacker's model must hold for the truth: a fact the truth breaks is a misread, and would make the search unsound.
    for (const fact of facts) {
      const value = valueOf(termsOf(model, fact.members, fact.quantity), model.truth);
      expect(value >= fact.lower && value <= fact.upper, `${fact.source}: true ${value} outside [${fact.lower}, ${fact.upper}]`).toBe(true);
    }
    const rows = constraintsOf(org, model, facts);
    const quantities: Array<{ members: number[]; what: string; kind: PinKind; quantity: Quantity; terms: Term[]; truth: number }> = [];
    for (const members of groups) {
      const push = (what: string, kind: PinKind, quantity: Quantity) => {
        const terms = termsOf(model, members, quantity);
        quantities.push({ members, what, kind, quantity, terms, truth: valueOf(terms, model.truth) });
      };
      push('responded', 'responded', { kind: 'responded' });
      push('commented', 'commented', { kind: 'commented' });
      for (const statement of SCORED) {
        push(`${statement.id} answered`, 'answered', answeredQ(statement.id));
        for (const point of POINTS[statement.scale]) push(`${statement.id} = ${point}`, 'answer', pointQ(statement.id, point));
      }
    }
    report.quantities += quantities.length;
    let open = quantities.map((_, i) => i);
    const solve = (sense: 'Maximize' | 'Minimize', objective: Term[], integer = true): number[] => {
      report.solves++;
      const started = performance.now();
      const result = highs.solve(lpText(org, model, rows, sense, objective, integer), { mip_rel_gap: 0 });
      report.solveMs += performance.now() - started;
      expect(result.Status, 'the published numbers must be consistent (the truth satisfies them)').toBe('Optimal');
      return Array.from({ length: model.variables }, (_, i) => result.Columns[`v${i}`]?.Primal ?? 0);
    };
    // The relaxation's optimum bounds the integer one: when the relaxation cannot move a count, no integer solution can.
    const same = (terms: Term[], values: number[], truth: number) => Math.abs(valueOf(terms, values) - truth) < 1e-6;
    const rule = (values: number[]) => {
      open = open.filter((i) => same(quantities[i].terms, values, quantities[i].truth));
    };
    for (let round = 0; round < (opts.randomRounds ?? 8) && open.length > 0; round++) {
      const objective: Term[] = [];
      for (const i of open) for (const [variable, coefficient] of quantities[i].terms) objective.push([variable, coefficient * (random() < 0.5 ? -1 : 1)]);
      rule(solve(round % 2 === 0 ? 'Maximize' : 'Minimize', merge(objective)));
    }
    for (const i of [...open]) {
      if (!open.includes(i)) continue;
      if (opts.stopAfter !== undefined && report.derivations.length >= opts.stopAfter) break;
      const q = quantities[i];
      let moved = false;
      for (const sense of ['Maximize', 'Minimize'] as const) {
        if (same(q.terms, solve(sense, q.terms, false), q.truth)) continue;
        const values = solve(sense, q.terms);
        if (!same(q.terms, values, q.truth)) {
          rule(values);
          moved = true;
          break;
        }
      }
      if (moved) continue;
      const kind: PinKind = q.kind === 'answer' && q.truth === 0 ? 'none-answered' : q.kind;
      const pin: Pin = {
        wave: w,
        members: q.members,
        invitees: q.members.reduce((sum, g) => sum + org.directory.invited[g], 0),
        what: q.what,
        kind,
        value: q.truth,
        unanimity: false,
      };
      pin.unanimity = followsFromUnanimity(org, facts, pin, q.quantity);
      (pin.unanimity ? report.unanimity : report.derivations).push(pin);
      open = open.filter((j) => j !== i);
    }
  }
  return report;
}

function merge(terms: Term[]): Term[] {
  const byVariable = new Map<number, number>();
  for (const [variable, coefficient] of terms) byVariable.set(variable, (byVariable.get(variable) ?? 0) + coefficient);
  const merged = [...byVariable.entries()].filter(([, coefficient]) => coefficient !== 0);
  return merged.length > 0 ? merged : [[0, 1]];
}

/**
 * The stated limit (README, "Privacy"), the same definition the close's audit uses: a group D of k
 * or more invitees that is published, or is the difference A \ B of two published groups with B
 * inside A (its count is then the difference of theirs), gives away its own count when it sits at
 * a bound: nobody in D responded / answered / chose p (0), or everyone in D responded (all its
 * invitees). That tells the same about every member, and no tool can prevent it short of hiding D.
 * A pin of a smaller group G inside such a D, with the same value at the same bound, is that limit.
 */
function followsFromUnanimity(org: HarvestOrg, facts: Fact[], pin: Pin, quantity: Quantity): boolean {
  const invitedOf = (members: number[]) => members.reduce((sum, g) => sum + org.directory.invited[g], 0);
  if (pin.value !== 0 && pin.value !== invitedOf(pin.members)) return false;
  // Which published counts of D bound the pinned one: the same count; at 0 also any count holding
  // it (responded holds every answer, a set of points holds each of them).
  const covers = (fact: Fact) => {
    if (fact.lower !== fact.upper) return false;
    if (pin.value !== 0) return JSON.stringify(fact.quantity) === JSON.stringify(quantity);
    if (fact.quantity.kind === 'responded') return true;
    if (quantity.kind !== fact.quantity.kind) return false;
    if (quantity.kind === 'points' && fact.quantity.kind === 'points') {
      if (quantity.statement !== fact.quantity.statement) return false;
      const weights = fact.quantity.weights;
      return Object.keys(quantity.weights).every((point) => (weights[Number(point)] ?? 0) > 0) && Object.values(weights).every((weight) => weight >= 0);
    }
    return true;
  };
  const sameWeights = (a: Fact, b: Fact) => JSON.stringify(a.quantity) === JSON.stringify(b.quantity);
  const candidates = facts.filter((fact) => covers(fact) && pin.members.every((g) => fact.members.includes(g)));
  for (const whole of candidates) {
    // D = whole itself.
    const value = (members: number[], count: number) => (pin.value === 0 ? count === 0 : count === invitedOf(members));
    if (invitedOf(whole.members) >= org.k && value(whole.members, whole.lower)) return true;
    // D = whole minus a published part that leaves G inside D.
    for (const part of facts) {
      if (!covers(part) || !sameWeights(whole, part) || part.members.length >= whole.members.length) continue;
      if (pin.members.some((g) => part.members.includes(g)) || !part.members.every((g) => whole.members.includes(g))) continue;
      const rest = whole.members.filter((g) => !part.members.includes(g));
      if (invitedOf(rest) >= org.k && value(rest, whole.lower - part.lower)) return true;
    }
  }
  return false;
}

/** One line per derivation, for the report. */
export function describePin(org: HarvestOrg, pin: Pin): string {
  const who = pin.members.map((g) => org.directory.groups[g]).join(' + ');
  return `wave ${pin.wave + 1}: [${who}] (${pin.invitees} invited) ${pin.what} = ${pin.value}`;
}

export function summarize(report: AttackReport): string {
  const byKind = (pins: Pin[]) => {
    const counts = new Map<string, number>();
    for (const pin of pins) counts.set(pin.kind, (counts.get(pin.kind) ?? 0) + 1);
    return [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
  };
  const single = report.derivations.filter((pin) => pin.invitees === 1).length;
  const groups = new Set(report.derivations.map((pin) => `${pin.wave}|${pin.members.join(',')}`)).size;
  return [
    `${report.requests} requests, ${report.numbers} published numbers, ${report.facts} facts; ${report.groups} small groups, ${report.quantities} counts, ${report.solves} linear and integer programs in ${Math.round(report.solveMs / 1000)} s`,
    `${report.derivations.length} derivations in ${groups} groups (${byKind(report.derivations) || 'none'}), ${single} about a single person; ${report.unanimity.length} follow from a published group's unanimity`,
  ].join('\n');
}
