/**
 * The results views, each built from stored cells only (O(segments), never O(responses)): one
 * group's results, a comparison of two waves, the heatmap, the trend across a survey's waves.
 */
import { LruCache } from '../lru.ts';
import type { Comparison, ComparedStatement, HeatCell, Heatmap, Slice, Trend, TrendPoint, WaveResults } from '../../shared/api-results.ts';
import { localize } from '../../shared/scales.ts';
import { judgeChanges, type ChangeCell } from '../../shared/verdict.ts';
import { wilson } from '../../shared/stats.ts';
import { unitSegmentId } from '../../shared/segments.ts';
import type { AppDeps } from '../deps.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { getCell } from '../store/cells.ts';
import { getSurvey, listWavesOfSurvey, type Wave } from '../store/waves.ts';
import { assertMayRead, mayRead, type Reader } from './access.ts';
import { closedStatements, comparableCount, comparableShare, describeShare, describeStatement, statementRef, waveRef } from './describe.ts';
import { getShareTable, type ShareTable } from './share-table.ts';
import { findSegmentId, labelOf, loadClosedWave, resolveSegment, type WaveContext } from './wave-context.ts';

export interface ViewOptions {
  reader: Reader;
  lang: string;
}

/** GET /api/waves/:id/results: per statement n, counts, shares with intervals, mean, eNPS, and the group's response rate. */
export async function buildResults(deps: AppDeps, waveId: string, slice: Partial<Slice>, opts: ViewOptions): Promise<WaveResults> {
  const context = await loadClosedWave(deps, waveId);
  const segmentId = resolveSegment(context, slice);
  assertMayRead(opts.reader, context, [segmentId]);
  const cell = await getCell(deps.store, waveId, segmentId);
  return {
    wave: waveRef(context.wave, cell),
    segment: { id: segmentId, label: labelOf(context, segmentId) },
    statements: closedStatements(context.wave).map((statement) => describeStatement(statement, cell?.statements[statement.id], opts.lang, context.wave.k)),
  };
}

const sortKey = (wave: Wave) => wave.opensAt ?? wave.createdAt;
const DAY = 24 * 60 * 60 * 1000;

/**
 * The wave to compare with: among the survey's closed waves that opened earlier, the one opening
 * closest to a year before (within 300–430 days), else the latest earlier one.
 */
export async function findPreviousWave(deps: AppDeps, wave: Wave): Promise<{ wave: Wave; basis: 'year-over-year' | 'previous-wave' } | undefined> {
  const earlier = (await listWavesOfSurvey(deps.store, wave.surveyId))
    .filter((other) => other.id !== wave.id && other.status === 'closed' && sortKey(other) < sortKey(wave))
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  if (earlier.length === 0) return undefined;
  const at = Date.parse(sortKey(wave));
  const yearAgo = earlier
    .map((other) => ({ other, days: (at - Date.parse(sortKey(other))) / DAY }))
    .filter(({ days }) => days >= 300 && days <= 430)
    .sort((a, b) => Math.abs(a.days - 365) - Math.abs(b.days - 365))[0];
  if (yearAgo) return { wave: yearAgo.other, basis: 'year-over-year' };
  return { wave: earlier[earlier.length - 1], basis: 'previous-wave' };
}

/** GET /api/compare and compare-previous: per statement both values, the change with its interval, p, q, verdict, detectable change. */
export async function buildComparison(
  deps: AppDeps,
  fromId: string,
  toId: string,
  slice: Partial<Slice>,
  opts: ViewOptions & { basis?: Comparison['basis'] },
): Promise<Comparison> {
  const [from, to] = await Promise.all([loadClosedWave(deps, fromId), loadClosedWave(deps, toId)]);
  // The slice must be a group of the later wave (else 400); in the earlier wave it may not have been one (too few invited then).
  const toSegment = resolveSegment(to, slice);
  const fromSegment = findSegmentId(from, slice).id;
  if (fromSegment) assertMayRead(opts.reader, from, [fromSegment]);
  assertMayRead(opts.reader, to, [toSegment]);
  const k = Math.max(from.wave.k, to.wave.k);
  const [before, after] = await Promise.all([fromSegment ? getCell(deps.store, fromId, fromSegment) : undefined, getCell(deps.store, toId, toSegment)]);
  const beforeStatements = new Map(closedStatements(from.wave).map((statement) => [statement.id, statement]));
  const statements = closedStatements(to.wave);
  const pairs = statements.map((statement) => {
    const a = fromSegment ? comparableCount(beforeStatements.get(statement.id), before?.statements[statement.id], k) : { reason: 'not-a-segment' as const };
    const b = comparableCount(statement, after?.statements[statement.id], k);
    return { statement, a, b, cell: a.count && b.count ? ({ before: a.count, after: b.count } satisfies ChangeCell) : null };
  });
  const judged = judgeChanges(
    pairs.map((pair) => pair.cell),
    { lang: opts.lang },
  );
  return {
    from: waveRef(from.wave, before, k),
    to: waveRef(to.wave, after, k),
    k,
    segment: { id: toSegment, label: labelOf(to, toSegment) },
    basis: opts.basis ?? 'chosen',
    statements: pairs.map(({ statement, a, b, cell }, index): ComparedStatement => {
      const ref = statementRef(statement, opts.lang);
      const change = judged[index];
      if (!cell || !change) return { ...ref, hidden: true, reason: a.reason ?? b.reason ?? 'differencing' };
      return {
        ...ref,
        before: { n: cell.before.n, favorable: wilson(cell.before.x, cell.before.n) },
        after: { n: cell.after.n, favorable: wilson(cell.after.x, cell.after.n) },
        change,
      };
    }),
  };
}

/** Whole-dimension maps kept: one of an organization of 2,000 units holds ~28,000 cells, so few. */
const HEATMAP_MEMO = 8;
const heatmaps = new LruCache<string, Heatmap>(HEATMAP_MEMO);

/** The heatmap's dimension choices: org levels that have unit segments, then attributes. */
function dimensionsOf(context: WaveContext): Array<{ id: string; label: string; segmentIds: string[] }> {
  const levels = new Map<number, string[]>();
  const attributes = new Map<string, string[]>();
  for (const segment of context.segments.values()) {
    if (segment.kind === 'unit') {
      const depth = context.tree.depth(segment.unitId);
      if (depth > 0) levels.set(depth, [...(levels.get(depth) ?? []), segment.id]);
    } else if (segment.kind === 'attribute') {
      attributes.set(segment.attribute, [...(attributes.get(segment.attribute) ?? []), segment.id]);
    }
  }
  return [
    ...[...levels.entries()].sort(([a], [b]) => a - b).map(([depth, ids]) => ({ id: String(depth), label: `Org level ${depth}`, segmentIds: ids })),
    ...[...attributes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, ids]) => ({ id: name, label: name, segmentIds: ids })),
  ];
}

/**
 * GET /api/waves/:id/heatmap: statements × the segments of one dimension, % favorable and the
 * change since the previous wave. Every change in the map is one Benjamini–Hochberg family, and
 * the verdict that colors a cell is the same rule that words a comparison.
 */
export async function buildHeatmap(deps: AppDeps, waveId: string, dimensionId: string | undefined, opts: ViewOptions): Promise<Heatmap> {
  const context = await loadClosedWave(deps, waveId);
  const dimensions = dimensionsOf(context);
  const wanted = dimensionId ?? dimensions[0]?.id;
  const dimension = dimensions.find((candidate) => candidate.id === wanted);
  if (!dimension)
    throw new ValidationError(
      `dimension: this wave has no org level or attribute "${wanted}"; choose one of ${dimensions.map((d) => d.id).join(', ')}`,
      'dimension',
    );
  // The whole organization comes first, as the column every group is read against (when this reader may see it).
  const whole = unitSegmentId(context.tree.root.id);
  const segmentIds = [...(dimension.segmentIds.includes(whole) ? [] : [whole]), ...dimension.segmentIds].filter((id) => mayRead(opts.reader, context, id));
  if (segmentIds.length === 0 && !opts.reader.admin) assertMayRead(opts.reader, context, dimension.segmentIds.slice(0, 1));

  const previous = await findPreviousWave(deps, context.wave);
  // Both waves are closed, so the same map for the same readable segments is the same answer: keep the last few.
  const memoKey = [
    waveId,
    previous?.wave.id ?? '',
    dimension.id,
    opts.lang,
    segmentIds.length === dimension.segmentIds.length ? '*' : segmentIds.join(','),
  ].join('\u0000');
  const remembered = heatmaps.get(memoKey);
  if (remembered) return remembered;
  const k = Math.max(context.wave.k, previous?.wave.k ?? 0);
  const [table, previousTable] = await Promise.all([
    getShareTable(deps, context),
    previous ? loadClosedWave(deps, previous.wave.id).then((previousContext) => getShareTable(deps, previousContext)) : Promise.resolve(undefined),
  ]);
  const statements = closedStatements(context.wave);
  const previousAsked = new Set(previous ? closedStatements(previous.wave).map((statement) => statement.id) : []);

  const layout: Array<{ base: HeatCell; change: ChangeCell | null; changeReason?: HeatCell['changeReason'] }> = [];
  for (const statement of statements) {
    for (const segmentId of segmentIds) {
      const cell = table[segmentId]?.statements[statement.id];
      const shown = describeShare(cell, context.wave.k);
      const base: HeatCell = { statementId: statement.id, segmentId, ...shown };
      if (shown.hidden || !previousTable) {
        layout.push({ base, change: null });
        continue;
      }
      const before = previousAsked.has(statement.id)
        ? comparableShare(previousTable[segmentId]?.statements[statement.id], k)
        : { reason: 'not-asked' as const };
      const after = comparableShare(cell, k);
      const change = before.count && after.count ? { before: before.count, after: after.count } : null;
      layout.push({ base, change, changeReason: change ? undefined : (before.reason ?? after.reason) });
    }
  }
  const judged = judgeChanges(
    layout.map((entry) => entry.change),
    { lang: opts.lang },
  );
  const heatmap: Heatmap = {
    wave: waveRef(context.wave, undefined),
    ...(previous ? { previous: waveRef(previous.wave, undefined) } : {}),
    k,
    dimension: dimension.id,
    dimensions: dimensions.map(({ id, label }) => ({ id, label })),
    statements: statements.map((statement) => statementRef(statement, opts.lang)),
    // Response rates stand beside every comparison, the heatmap's too.
    segments: segmentIds.map((id) => {
      const rate = (entry: ShareTable[string] | undefined) =>
        entry?.invited && entry.responded !== undefined && (entry.responded === 0 || entry.responded >= k) ? entry.responded / entry.invited : undefined;
      const now = rate(table[id]);
      const before = previousTable ? rate(previousTable[id]) : undefined;
      return {
        id,
        label: labelOf(context, id),
        ...(id === whole ? { whole: true } : {}),
        ...(now !== undefined ? { responseRate: now } : {}),
        ...(before !== undefined ? { previousResponseRate: before } : {}),
      };
    }),
    cells: layout.map(({ base, changeReason }, index) => {
      const change = judged[index];
      if (change) return { ...base, change };
      return changeReason && !base.hidden && previous ? { ...base, changeReason } : base;
    }),
    page: { offset: 0, size: segmentIds.filter((id) => id !== whole).length, total: segmentIds.filter((id) => id !== whole).length },
  };
  heatmaps.set(memoKey, heatmap);
  return heatmap;
}

/** Cells a heatmap page aims at: 14 statements × 100 groups is ~0.7 MB of JSON, 100 statements × 20 groups ~1 MB. */
const HEATMAP_PAGE_CELLS = 2_000;
const HEATMAP_PAGE_MIN = 10;
const HEATMAP_PAGE_MAX = 100;

/** How many of a dimension's groups one heatmap page holds for a wave of this many statements. */
export function heatmapPageSize(statements: number): number {
  return Math.min(HEATMAP_PAGE_MAX, Math.max(HEATMAP_PAGE_MIN, Math.floor(HEATMAP_PAGE_CELLS / Math.max(1, statements))));
}

/**
 * One page of a whole-dimension heatmap: the groups from `offset`, and the whole organization's
 * column on every page. The changes keep the verdicts judged across the whole dimension, so a
 * cell reads the same on any page and in the CSV.
 */
export function pageHeatmap(heatmap: Heatmap, offset = 0): Heatmap {
  const groups = heatmap.segments.filter((segment) => !segment.whole);
  if (offset > 0 && offset >= groups.length)
    throw new ValidationError(`offset: this heatmap has ${groups.length} groups; the last page starts before ${groups.length}`, 'offset');
  const size = heatmapPageSize(heatmap.statements.length);
  const shown = groups.slice(offset, offset + size);
  const segments = [...heatmap.segments.filter((segment) => segment.whole), ...shown];
  const ids = new Set(segments.map((segment) => segment.id));
  return {
    ...heatmap,
    segments,
    cells: heatmap.cells.filter((cell) => ids.has(cell.segmentId)),
    page: { offset, size, total: groups.length },
  };
}

/** GET /api/surveys/:id/trend: one statement's % favorable with its interval in every closed wave of a survey, oldest first. */
export async function buildTrend(deps: AppDeps, surveyId: string, statementId: string, slice: Partial<Slice>, opts: ViewOptions): Promise<Trend> {
  const survey = await getSurvey(deps.store, surveyId);
  const waves = (await listWavesOfSurvey(deps.store, surveyId)).filter((wave) => wave.status === 'closed').sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  const asked = waves.flatMap((wave) => (wave.statements ?? []).filter((statement) => statement.id === statementId));
  if (asked.length === 0) throw new ValidationError(`statement: no closed wave of this survey asked "${statementId}"`, 'statement');
  const statement = asked[asked.length - 1];
  // A trend sets waves side by side: the larger k of them applies to every point.
  const k = Math.max(...waves.map((wave) => wave.k));
  if (statement.scale === 'text' || statement.scale === 'choice')
    throw new ValidationError(`statement: "${statementId}" has no favorable side to trend`, 'statement');

  const points: TrendPoint[] = [];
  let label: string | undefined;
  let anyGroup = false;
  for (const wave of waves) {
    const context = await loadClosedWave(deps, wave.id);
    const base = { waveId: wave.id, waveName: wave.name, k: wave.k, ...(wave.opensAt ? { opensAt: wave.opensAt } : {}) };
    const found = findSegmentId(context, slice);
    if (!found.id) {
      points.push({ ...base, hidden: true, reason: 'not-a-segment' });
      continue;
    }
    anyGroup = true;
    assertMayRead(opts.reader, context, [found.id]);
    label = labelOf(context, found.id);
    const cell = await getCell(deps.store, wave.id, found.id);
    const waveStatement = (wave.statements ?? []).find((candidate) => candidate.id === statementId);
    const rate = waveRef(wave, cell, k).responseRate;
    if (!waveStatement) {
      points.push({ ...base, hidden: true, reason: 'not-asked' });
      continue;
    }
    const shown = describeStatement(waveStatement, cell?.statements[statementId], opts.lang, k);
    if (shown.hidden) points.push({ ...base, hidden: true, reason: shown.reason });
    else
      points.push({ ...base, ...(rate !== undefined ? { responseRate: rate } : {}), n: shown.n, ...(shown.favorable ? { favorable: shown.favorable } : {}) });
  }
  if (!anyGroup) {
    const field = slice.filter ? 'filter' : 'unit';
    throw new ValidationError(`${field}: not a group of any closed wave of this survey`, field);
  }
  return {
    survey: { id: survey.id, name: survey.name },
    statement: { id: statement.id, text: localize(statement.text, opts.lang) },
    segment: { label: label ?? '' },
    points,
  };
}

/** GET /api/waves/:id/compare-previous. */
export async function buildCompareToPrevious(deps: AppDeps, waveId: string, slice: Partial<Slice>, opts: ViewOptions): Promise<Comparison> {
  const { wave } = await loadClosedWave(deps, waveId);
  const previous = await findPreviousWave(deps, wave);
  if (!previous) throw new NotFoundError(`a closed wave of this survey before ${wave.name}`, 'no-previous-wave');
  return buildComparison(deps, previous.wave.id, waveId, slice, { ...opts, basis: previous.basis });
}
