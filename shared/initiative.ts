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
const LEVEL = Math.round(DEFAULT_CONFIDENCE * 100);

/** The words of an impact page per language (numbers and signs are the same in both). */
const IMPACT_WORDS = {
  en: {
    points: (n: number) => `${n} ${n === 1 ? 'point' : 'points'}`,
    interval: (interval: Interval) => `${LEVEL}% interval ${signed(interval.lower)} to ${signed(interval.upper)}`,
    movedAlike: 'the target moved like the comparison group',
    movedMore: (rose: boolean, size: string) => `the target ${rose ? 'rose' : 'fell'} ${size} ${rose ? 'more' : 'further'} than the comparison group`,
    consistent: (head: string) => `Consistent with the hypothesis: ${head}`,
    smallerThanHoped: (size: string) => `; smaller than the ${size} hoped for`,
    contradicts: (head: string) => `Contradicts the hypothesis: ${head}.`,
    noise: (crowded: number | undefined, head: string, reach: string) => `Can't tell from noise${crowded ? ` among the ${crowded} statements judged here` : ''}: ${head}; ${reach}.`,
    reach: (down: string, up: string) => `only differences beyond ${down} / ${up} points are detectable with these groups`,
    reachNone: 'no difference is detectable with groups this small',
    alikeBefore: (difference: string, interval: string) => `Before the initiative, target and comparison moved alike within noise (difference ${difference} points, ${interval}).`,
    apartBefore: (moved: string, interval: string) => `Before the initiative, ${moved} (${interval}): the groups were not on parallel paths, so the difference-in-differences may be off.`,
    unchecked: 'Only one baseline wave: whether target and comparison moved alike before the initiative cannot be checked.',
    hiddenBaseline: 'The earliest baseline wave hides this statement for one of the groups, so whether they moved alike before cannot be checked.',
    regression: (up: boolean, target: string, comparison: string) =>
      `The target started ${up ? 'lower' : 'higher'} than the comparison group (${target} vs ${comparison} favorable): part of any ${up ? 'rise' : 'fall'} may be regression to the mean rather than the initiative.`,
    confounded: (name: string, label: string) => `Confounded: "${name}" targets an overlapping group (${label}) in the same period, so the two initiatives' effects cannot be told apart here.`,
    notAGroup: 'The target or comparison group is not a group of every wave involved (fewer than k invited, or the unit did not exist), so some results cannot be shown.',
  },
  sv: {
    points: (n: number) => `${n} ${n === 1 ? 'procentenhet' : 'procentenheter'}`,
    interval: (interval: Interval) => `${LEVEL} % intervall ${signed(interval.lower)} till ${signed(interval.upper)}`,
    movedAlike: 'målgruppen rörde sig som jämförelsegruppen',
    movedMore: (rose: boolean, size: string) => `målgruppen ${rose ? 'steg' : 'sjönk'} ${size} mer än jämförelsegruppen`,
    consistent: (head: string) => `Förenligt med hypotesen: ${head}`,
    smallerThanHoped: (size: string) => `; mindre än de ${size} man hoppades på`,
    contradicts: (head: string) => `Motsäger hypotesen: ${head}.`,
    noise: (crowded: number | undefined, head: string, reach: string) => `Går inte att skilja från slumpen${crowded ? ` bland de ${crowded} påståenden som bedöms här` : ''}: ${head}; ${reach}.`,
    reach: (down: string, up: string) => `bara skillnader bortom ${down} / ${up} procentenheter kan upptäckas med dessa grupper`,
    reachNone: 'ingen skillnad kan upptäckas med så små grupper',
    alikeBefore: (difference: string, interval: string) => `Före initiativet rörde sig målgrupp och jämförelsegrupp lika inom slumpens marginal (skillnad ${difference} procentenheter, ${interval}).`,
    apartBefore: (moved: string, interval: string) => `Före initiativet ${moved} (${interval}): grupperna följde inte parallella banor, så skillnaden i skillnader kan vara missvisande.`,
    unchecked: 'Bara en baslinjemätning: om målgrupp och jämförelsegrupp rörde sig lika före initiativet går inte att kontrollera.',
    hiddenBaseline: 'Den tidigaste baslinjemätningen döljer påståendet för en av grupperna, så om de rörde sig lika före initiativet går inte att kontrollera.',
    regression: (up: boolean, target: string, comparison: string) =>
      `Målgruppen började ${up ? 'lägre' : 'högre'} än jämförelsegruppen (${target} mot ${comparison} positiva): en del av ${up ? 'en ökning' : 'en nedgång'} kan vara regression mot medelvärdet snarare än initiativet.`,
    confounded: (name: string, label: string) => `Sammanblandat: "${name}" riktar sig till en överlappande grupp (${label}) under samma period, så de två initiativens effekter går inte att skilja åt här.`,
    notAGroup: 'Mål- eller jämförelsegruppen är inte en grupp i varje mätning som ingår (färre än k inbjudna, eller enheten fanns inte), så vissa resultat kan inte visas.',
  },
};
export type ImpactWords = (typeof IMPACT_WORDS)['en'];

/** The impact page's words in a language: Swedish for "sv", English otherwise. */
export function impactWords(lang?: string): ImpactWords {
  return lang === 'sv' ? IMPACT_WORDS.sv : IMPACT_WORDS.en;
}

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
export function judgeImpacts(inputs: readonly ImpactInput[], alpha = DEFAULT_ALPHA, words: ImpactWords = impactWords()): ImpactJudgement[] {
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
    judged.words = describeImpact(judged, input, inputs.length, words);
    return judged;
  });
}

// A share of exactly 0 or 1 has no variance to plan with; nudge it inside.
const clampShare = (count: Count) => Math.min(0.999, Math.max(0.001, count.x / count.n));

function describeImpact(
  judged: Interval & { p: number; verdict: ImpactVerdict; detectable: DetectableChange },
  input: ImpactInput,
  familySize: number,
  words: ImpactWords,
): string {
  const size = Math.abs(points(judged.estimate));
  const relative = size === 0 ? words.movedAlike : words.movedMore(judged.estimate > 0, words.points(size));
  const head = `${relative} (${words.interval(judged)})`;
  if (judged.verdict === 'consistent') {
    const hoped = input.minChange !== undefined && Math.abs(judged.estimate) < input.minChange ? words.smallerThanHoped(words.points(points(input.minChange))) : '';
    return `${words.consistent(head)}${hoped}.`;
  }
  if (judged.verdict === 'contradicts') return words.contradicts(head);
  const crowded = familySize > 1 && judged.p < DEFAULT_ALPHA ? familySize : undefined;
  const { down, up } = judged.detectable;
  const reach = down !== null && up !== null ? words.reach(signed(down), signed(up)) : words.reachNone;
  return words.noise(crowded, head, reach);
}

/**
 * Did target and comparison move alike before the initiative? With two baseline waves (earliest
 * and latest), the difference-in-differences between them should be indistinguishable from 0.
 */
export function checkParallelTrends(
  pre: { target: GroupCounts; comparison: GroupCounts },
  alpha = DEFAULT_ALPHA,
  words: ImpactWords = impactWords(),
): { ok: boolean; difference: Interval; words: string } {
  const difference = groupDiffInDiff(pre.target, pre.comparison);
  const { p } = didZTest(pre.target, pre.comparison);
  const ok = p >= alpha;
  const moved = words.movedMore(difference.estimate > 0, words.points(Math.abs(points(difference.estimate))));
  return {
    ok,
    difference,
    words: ok ? words.alikeBefore(signed(difference.estimate), words.interval(difference)) : words.apartBefore(moved, words.interval(difference)),
  };
}

/** A target this far from its comparison at baseline gets the note even when the gap is not significant. */
const LOW_START = 0.05;

/**
 * A note when the target started unusually far from its comparison on the side the hypothesis
 * expects it to leave (low for a hoped-for rise, high for a hoped-for fall): groups are often
 * chosen for such scores, and extreme scores tend to drift back on their own (regression to the mean).
 */
export function regressionToMeanNote(
  target: Count,
  comparison: Count,
  direction: Direction = 'up',
  alpha = DEFAULT_ALPHA,
  words: ImpactWords = impactWords(),
): string | undefined {
  const gap = target.x / target.n - comparison.x / comparison.n;
  if (direction === 'up' ? gap >= 0 : gap <= 0) return undefined;
  const significant = twoProportionZTest(target.x, target.n, comparison.x, comparison.n).p < alpha;
  if (!significant && Math.abs(gap) < LOW_START) return undefined;
  const pct = (count: Count) => `${Math.round((count.x / count.n) * 100)}%`;
  return words.regression(direction === 'up', pct(target), pct(comparison));
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
