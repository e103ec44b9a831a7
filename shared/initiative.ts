/**
 * Judging an initiative against its hypothesis: difference-in-differences per statement, the one
 * verdict rule (z-test, Benjamini–Hochberg across the initiative's statements) read against the
 * expected direction, a check that target and comparison moved alike before the initiative, a
 * regression-to-the-mean note, and whether two groups can overlap. Pure; the API and the
 * dashboard share it. Words never claim a cause: "consistent with the hypothesis", never "caused".
 */
import { UnitTree } from './org';
import {
  benjaminiHochberg,
  DEFAULT_ALPHA,
  DEFAULT_CONFIDENCE,
  diffInDiff,
  minimumDetectableDiD,
  normalSurvival,
  twoProportionZTest,
  type DetectableChange,
  type Interval,
} from './stats';
import { decideVerdict, type Count } from './verdict';

export type Direction = 'up' | 'down';
export type ImpactVerdict = 'consistent' | 'contradicts' | 'noise';

/** One group's favorable counts before and after. */
export interface GroupCounts {
  before: Count;
  after: Count;
}

export interface ImpactInput {
  direction: Direction;
  /** Smallest change (proportion units) the group would call a success. */
  minChange?: number;
  target: GroupCounts;
  comparison: GroupCounts;
}

export interface ImpactJudgement extends Interval {
  p: number;
  q: number;
  verdict: ImpactVerdict;
  detectable: DetectableChange;
  words: string;
}

const MINUS = '\u2212';
const points = (value: number) => Math.round(value * 100) || 0;
const signed = (value: number) => {
  const rounded = points(value);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `${MINUS}${-rounded}` : '0';
};
const plural = (n: number) => `${n} ${n === 1 ? 'point' : 'points'}`;
const intervalWords = (interval: Interval) => `${Math.round(DEFAULT_CONFIDENCE * 100)}% interval ${signed(interval.lower)} to ${signed(interval.upper)}`;

/**
 * z-test of a difference-in-differences: the estimate over its standard error with each group's
 * two waves pooled (the null is "neither group changed"), the same variance minimumDetectableDiD
 * plans with. Two-sided.
 */
export function didZTest(target: GroupCounts, comparison: GroupCounts): { z: number; p: number } {
  const pooledVariance = ({ before, after }: GroupCounts) => {
    const pooled = (before.x + after.x) / (before.n + after.n);
    return pooled * (1 - pooled) * (1 / before.n + 1 / after.n);
  };
  const share = (count: Count) => count.x / count.n;
  const estimate = share(target.after) - share(target.before) - (share(comparison.after) - share(comparison.before));
  const se = Math.sqrt(pooledVariance(target) + pooledVariance(comparison));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = estimate / se;
  return { z, p: Math.min(1, 2 * normalSurvival(Math.abs(z))) };
}

const asPair = ({ before, after }: GroupCounts) => [[before.x, before.n], [after.x, after.n]] as const;

/** The difference-in-differences of two groups with its square-and-add interval (Newcombe 2001). */
export function groupDiffInDiff(target: GroupCounts, comparison: GroupCounts): Interval {
  return diffInDiff({ target: asPair(target), comparison: asPair(comparison) });
}

/**
 * Judge an initiative's statements together (one family for Benjamini–Hochberg). The verdict rule
 * says rose / fell / noise; read against the expected direction it becomes consistent / contradicts /
 * can't tell.
 */
export function judgeImpacts(inputs: readonly ImpactInput[], alpha = DEFAULT_ALPHA): ImpactJudgement[] {
  const tests = inputs.map((input) => ({ interval: groupDiffInDiff(input.target, input.comparison), p: didZTest(input.target, input.comparison).p }));
  const qs = benjaminiHochberg(tests.map((test) => test.p));
  return inputs.map((input, index) => {
    const { interval, p } = tests[index];
    const q = qs[index];
    const moved = decideVerdict(q, interval.estimate, alpha);
    const verdict: ImpactVerdict = moved === 'noise' ? 'noise' : (moved === 'rose') === (input.direction === 'up') ? 'consistent' : 'contradicts';
    const detectable = minimumDetectableDiD({
      target: { nBefore: input.target.before.n, nAfter: input.target.after.n, p: clampShare(input.target.before) },
      comparison: { nBefore: input.comparison.before.n, nAfter: input.comparison.after.n, p: clampShare(input.comparison.before) },
      alpha,
    });
    const judged = { ...interval, p, q, verdict, detectable, words: '' };
    judged.words = describeImpact(judged, input, inputs.length);
    return judged;
  });
}

// A share of exactly 0 or 1 has no variance to plan with; nudge it inside.
const clampShare = (count: Count) => Math.min(0.999, Math.max(0.001, count.x / count.n));

function describeImpact(judged: Interval & { p: number; verdict: ImpactVerdict; detectable: DetectableChange }, input: ImpactInput, familySize: number): string {
  const size = Math.abs(points(judged.estimate));
  const relative =
    size === 0
      ? 'the target moved like the comparison group'
      : `the target ${judged.estimate > 0 ? 'rose' : 'fell'} ${plural(size)} ${judged.estimate > 0 ? 'more' : 'further'} than the comparison group`;
  const head = `${relative} (${intervalWords(judged)})`;
  if (judged.verdict === 'consistent') {
    const hoped = input.minChange !== undefined && Math.abs(judged.estimate) < input.minChange ? `; smaller than the ${plural(points(input.minChange))} hoped for` : '';
    return `Consistent with the hypothesis: ${head}${hoped}.`;
  }
  if (judged.verdict === 'contradicts') return `Contradicts the hypothesis: ${head}.`;
  const crowded = familySize > 1 && judged.p < DEFAULT_ALPHA ? ` among the ${familySize} statements judged here` : '';
  const { down, up } = judged.detectable;
  const reach =
    down !== null && up !== null
      ? `only differences beyond ${signed(down)} / ${signed(up)} points are detectable with these groups`
      : 'no difference is detectable with groups this small';
  return `Can't tell from noise${crowded}: ${head}; ${reach}.`;
}

/**
 * Did target and comparison move alike before the initiative? With two baseline waves (earliest
 * and latest), the difference-in-differences between them should be indistinguishable from 0.
 */
export function checkParallelTrends(pre: { target: GroupCounts; comparison: GroupCounts }, alpha = DEFAULT_ALPHA): { ok: boolean; difference: Interval; words: string } {
  const difference = groupDiffInDiff(pre.target, pre.comparison);
  const { p } = didZTest(pre.target, pre.comparison);
  const ok = p >= alpha;
  const size = plural(Math.abs(points(difference.estimate)));
  const words = ok
    ? `Before the initiative, target and comparison moved alike within noise (difference ${signed(difference.estimate)} points, ${intervalWords(difference)}).`
    : `Before the initiative, the target ${difference.estimate > 0 ? 'rose' : 'fell'} ${size} ${difference.estimate > 0 ? 'more' : 'further'} than the comparison group (${intervalWords(difference)}): the groups were not on parallel paths, so the difference-in-differences may be off.`;
  return { ok, difference, words };
}

export const PARALLEL_TRENDS_UNCHECKED = 'Only one baseline wave: whether target and comparison moved alike before the initiative cannot be checked.';

/** A target this far from its comparison at baseline gets the note even when the gap is not significant. */
const LOW_START = 0.05;

/**
 * A note when the target started unusually far from its comparison on the side the hypothesis
 * expects it to leave (low for a hoped-for rise, high for a hoped-for fall): groups are often
 * chosen for such scores, and extreme scores tend to drift back on their own (regression to the mean).
 */
export function regressionToMeanNote(target: Count, comparison: Count, direction: Direction = 'up', alpha = DEFAULT_ALPHA): string | undefined {
  const gap = target.x / target.n - comparison.x / comparison.n;
  if (direction === 'up' ? gap >= 0 : gap <= 0) return undefined;
  const significant = twoProportionZTest(target.x, target.n, comparison.x, comparison.n).p < alpha;
  if (!significant && Math.abs(gap) < LOW_START) return undefined;
  const pct = (count: Count) => `${Math.round((count.x / count.n) * 100)}%`;
  const [side, move] = direction === 'up' ? ['lower', 'rise'] : ['higher', 'fall'];
  return `The target started ${side} than the comparison group (${pct(target)} vs ${pct(comparison)} favorable): part of any ${move} may be regression to the mean rather than the initiative.`;
}

/** A group as the overlap check sees it: an optional unit (with everything below) and an optional attribute value, or everyone outside such a group. */
export type GroupShape =
  | { kind: 'group'; unitId?: string; attribute?: { name: string; value: string } }
  | { kind: 'outside'; of: { unitId?: string; attribute?: { name: string; value: string } } };

function unitWithin(tree: UnitTree, inner: string | undefined, outer: string | undefined): boolean {
  if (outer === undefined || outer === tree.root.id) return true;
  if (inner === undefined) return false;
  return tree.ancestry(inner).some((unit) => unit.id === outer);
}

type Plain = { unitId?: string; attribute?: { name: string; value: string } };

/** Every member of `inner` is a member of `outer`. */
function contains(tree: UnitTree, outer: Plain, inner: Plain): boolean {
  if (!unitWithin(tree, inner.unitId, outer.unitId)) return false;
  if (!outer.attribute) return true;
  return inner.attribute?.name === outer.attribute.name && inner.attribute.value === outer.attribute.value;
}

/** No person can be in both groups (by the structure alone, whatever the counts). */
export function groupsDisjoint(tree: UnitTree, a: GroupShape, b: GroupShape): boolean {
  if (a.kind === 'outside' && b.kind === 'outside') return false;
  if (a.kind === 'outside') return b.kind === 'group' && contains(tree, a.of, b);
  if (b.kind === 'outside') return contains(tree, b.of, a);
  const unitsApart = a.unitId !== undefined && b.unitId !== undefined && !unitWithin(tree, a.unitId, b.unitId) && !unitWithin(tree, b.unitId, a.unitId);
  const valuesApart = a.attribute !== undefined && b.attribute !== undefined && a.attribute.name === b.attribute.name && a.attribute.value !== b.attribute.value;
  return unitsApart || valuesApart;
}

/** Whether two periods (ISO instants, inclusive) share any time. */
export function periodsOverlap(a: { from: string; to: string }, b: { from: string; to: string }): boolean {
  return a.from <= b.to && b.from <= a.to;
}
