/**
 * From one stored cell to what a view may show of it. The close certified visibility once; a
 * hidden cell gives a reason and no number, a visible one its exact numbers and what follows from
 * them (shared/publishable.ts), and comparisons apply the larger k of the two waves and leave out
 * groups under 10 (too few to compare).
 */
import { SMALL_GROUP, type HiddenReason, type StatementResult, type WaveRef } from '../../shared/api-results.ts';
import { favorability, localize, localizeTheme, type ScaleKind } from '../../shared/scales.ts';
import { classifyEnps, enps, meanScore, wilson } from '../../shared/stats.ts';
import type { Count } from '../../shared/verdict.ts';
import type { SegmentCell, StatementCell } from '../../shared/wave-cells.ts';
import type { StoredStatement } from '../store/statements.ts';
import type { Wave } from '../store/waves.ts';

/** Keys an imported wave uses when it only knows % favorable and n. */
export const IMPORTED_FAVORABLE = 'fav';
export const IMPORTED_OTHER = 'other';

/** Statements that have results (comments are read on their own route). */
export const closedStatements = (wave: Wave): StoredStatement[] => (wave.statements ?? []).filter((statement) => statement.scale !== 'text');

export function statementRef(statement: StoredStatement, lang: string) {
  const ref = { id: statement.id, text: localize(statement.text, lang), theme: localizeTheme(statement.theme, lang), scale: statement.scale };
  return statement.options ? { ...ref, options: statement.options.map((option) => ({ id: option.id, text: localize(option.text, lang) })) } : ref;
}

/** Favorable answers out of all answers; undefined for scales without a favorable side (choice). */
export function favorableCount(scale: ScaleKind, cell: StatementCell): Count | undefined {
  if (cell.counts[IMPORTED_FAVORABLE] !== undefined) return { x: cell.counts[IMPORTED_FAVORABLE], n: cell.n };
  if (scale === 'choice' || scale === 'text') return undefined;
  let x = 0;
  for (const [point, count] of Object.entries(cell.counts)) if (favorability(scale, Number(point)) === 'favorable') x += count;
  return { x, n: cell.n };
}

const BOUNDS: Partial<Record<ScaleKind, readonly [number, number]>> = { agree5: [1, 5], health3: [1, 3], enps: [0, 10] };

/**
 * Why a statement cell shows nothing at all, or undefined when it shows. `k` is the view's k (the
 * larger of compared waves). A hidden cell's reason is decided here from the directory alone, never
 * read from the cell: `below-k` only for a group of fewer than k invited (`invited`; every segment
 * has k or more, so only a complement can), else `differencing`. Cells stored by closes before
 * 3f791da say `below-k` wherever 1..k−1 answered: a range of a hidden count, still in their tables.
 */
export function hiddenReason(cell: StatementCell | undefined, k: number, invited?: number): HiddenReason | undefined {
  if (!cell) return 'not-asked';
  if (!cell.visible) return invited !== undefined && invited > 0 && invited < k ? 'below-k' : 'differencing';
  if (cell.n > 0 && cell.n < k) return 'below-k';
  return undefined;
}

/** One statement's results in one group of one wave (a segment: k or more invited). */
export function describeStatement(statement: StoredStatement, cell: StatementCell | undefined, lang: string, k: number): StatementResult {
  const ref = statementRef(statement, lang);
  const reason = hiddenReason(cell, k);
  if (reason || !cell) return { ...ref, hidden: true, reason: reason ?? 'not-asked' };
  const result: StatementResult = { ...ref, n: cell.n };
  if (cell.n === 0) return result;
  const favorable = favorableCount(statement.scale, cell);
  if (favorable) result.favorable = wilson(favorable.x, favorable.n);
  if (cell.counts[IMPORTED_FAVORABLE] !== undefined) return result;
  result.counts = { ...cell.counts };
  const bounds = BOUNDS[statement.scale];
  if (!bounds) return result;
  let neutral = 0;
  for (const [point, count] of Object.entries(cell.counts)) if (favorability(statement.scale, Number(point)) === 'neutral') neutral += count;
  result.neutral = wilson(neutral, cell.n);
  result.unfavorable = wilson(cell.n - neutral - (favorable?.x ?? 0), cell.n);
  const mean = meanScore(cell.counts, { bounds });
  result.mean = { estimate: mean.mean, lower: mean.lower, upper: mean.upper };
  if (statement.scale === 'enps') {
    const { promoters, passives, detractors } = classifyEnps(cell.counts);
    result.enps = enps(promoters, passives, detractors);
  }
  return result;
}

/** What share views (heatmap, comparisons) need of a statement cell: n, favorable count, visibility (its stored reason is not read: see hiddenReason). */
export interface ShareCell {
  n: number;
  /** Undefined for scales without a favorable side. */
  x?: number;
  visible: boolean;
}

export function toShareCell(scale: ScaleKind, cell: StatementCell): ShareCell {
  const favorable = favorableCount(scale, cell);
  return { n: cell.n, ...(favorable ? { x: favorable.x } : {}), visible: cell.visible };
}

/** % favorable of one segment's cell as a share view shows it: hidden with a reason, or n with a Wilson interval. */
export function describeShare(cell: ShareCell | undefined, k: number): Pick<StatementResult, 'hidden' | 'reason' | 'n' | 'favorable'> {
  const reason = hiddenReason(cell && { n: cell.n, counts: {}, visible: cell.visible }, k);
  if (reason || !cell) return { hidden: true, reason: reason ?? 'not-asked' };
  if (cell.n === 0 || cell.x === undefined) return { n: cell.n };
  return { n: cell.n, favorable: wilson(cell.x, cell.n) };
}

/**
 * A cell's favorable count for a comparison, or why it takes no part: hidden, under the view's k,
 * under 10 (too few to compare without exposing a distribution), or no favorable side.
 */
export function comparableShare(cell: ShareCell | undefined, k: number, invited?: number): { count?: Count; reason?: HiddenReason } {
  const reason = hiddenReason(cell && { n: cell.n, counts: {}, visible: cell.visible }, k, invited);
  if (reason || !cell) return { reason: reason ?? 'not-asked' };
  if (cell.n < SMALL_GROUP) return { reason: 'small-group' };
  return cell.x === undefined ? { reason: 'not-asked' } : { count: { x: cell.x, n: cell.n } };
}

/** comparableShare for a stored statement cell; `invited`, the group's, where it may be a complement. */
export function comparableCount(
  statement: StoredStatement | undefined,
  cell: StatementCell | undefined,
  k: number,
  invited?: number,
): { count?: Count; reason?: HiddenReason } {
  if (!statement) return { reason: 'not-asked' };
  return comparableShare(cell && toShareCell(statement.scale, cell), k, invited);
}

/** A wave as a view names it, with the group's participation when the close let it show (and it reaches the view's k). */
export function waveRef(wave: Wave, cell: SegmentCell | undefined, k = wave.k): WaveRef {
  const ref: WaveRef = { id: wave.id, name: wave.name, k: wave.k, ...(wave.opensAt ? { opensAt: wave.opensAt } : {}) };
  if (!cell) return ref;
  // An imported wave knows who answered, not who was invited: no invited count, no response rate.
  if (wave.imported) {
    if (cell.respondedVisible && (cell.responded === 0 || cell.responded >= k)) ref.responded = cell.responded;
    return ref;
  }
  if (cell.invitedVisible) ref.invited = cell.invited;
  if (cell.invitedVisible && cell.respondedVisible && (cell.responded === 0 || cell.responded >= k)) {
    ref.responded = cell.responded;
    if (cell.invited > 0) ref.responseRate = cell.responded / cell.invited;
  }
  return ref;
}
