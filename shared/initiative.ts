/**
 * Judging an initiative against its hypothesis: difference-in-differences per statement, the one
 * verdict rule (z-test, Benjamini–Hochberg across the initiative's statements) read against the
 * expected direction, a check that target and comparison moved alike before the initiative, a
 * regression-to-the-mean note, and whether two groups can overlap. Pure; the API and the
 * dashboard share it. Words never claim a cause: "consistent with the hypothesis", never "caused".
 */
import type { UnitTree } from './org.ts';
import {
  benjaminiHochberg,
  DEFAULT_ALPHA,
  DEFAULT_CONFIDENCE,
  diffInDiff,
  minimumDetectableDiD,
  normalSurvival,
  requiredSampleSizeDiD,
  twoProportionZTest,
  type DetectableChange,
  type Interval,
} from './stats.ts';
import { decideVerdict, type Count } from './verdict.ts';

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
/** Counts of people in each language's own grouping ("1,200" / "1 200"), by Intl.NumberFormat. */
const countEn = (n: number) => new Intl.NumberFormat('en').format(n);
const countSv = (n: number) => new Intl.NumberFormat('sv').format(n);

/** The words of an impact page per language (numbers and signs are the same in both). */
const IMPACT_WORDS = {
  en: {
    percent: (share: number) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(share),
    points: (n: number) => `${n} ${n === 1 ? 'point' : 'points'}`,
    interval: (interval: Interval) => `${LEVEL}% interval ${signed(interval.lower)} to ${signed(interval.upper)}`,
    movedAlike: 'the target moved like the comparison group',
    movedMore: (rose: boolean, size: string) => `the target ${rose ? 'rose' : 'fell'} ${size} ${rose ? 'more' : 'further'} than the comparison group`,
    consistent: (head: string) => `Consistent with the hypothesis: ${head}.`,
    consistentReached: (head: string, hoped: string) => `Consistent with the hypothesis and at least the ${hoped} hoped for: ${head}.`,
    consistentUnsure: (head: string, hoped: string) => `Consistent with the hypothesis: ${head}; the change may be smaller than the ${hoped} hoped for.`,
    smallerThanHoped: (head: string, hoped: string) => `Real but smaller than hoped: ${head}; the group hoped for at least ${hoped}.`,
    planReaches: (hoped: string, reach: string) => `A change of ${hoped} is detectable with these groups (${reach}).`,
    planShort: (hoped: string, reach: string) => `A change of ${hoped} is not detectable with these groups: ${reach}.`,
    planNoTarget: (reach: string) => `With these groups, ${reach}. Name the smallest change worth having to check it against.`,
    planNeeded: (needed: number, n: number) =>
      `About ${countEn(needed)} respondents in the target and as many in the comparison group, in each wave, would detect it (the target had ${countEn(n)}).`,
    planDetectable:
      'Detectable: with groups the size of this baseline (assuming as many answer in the follow-up), the changes hoped for can be told from noise.',
    planPartly: (count: number, total: number) =>
      `Only ${count} of the ${total} hoped-for changes are detectable with these groups (assuming as many answer in the follow-up as in the baseline).`,
    planNot:
      'Not detectable with these groups: the changes hoped for are smaller than what can be told from noise here (assuming as many answer in the follow-up as in the baseline).',
    planImpossible: (needed: number, organization: number) =>
      `Not with this organization: a change this small needs about ${countEn(needed)} respondents in the target and as many in the comparison group, and the whole organization had ${countEn(organization)} respondents. Pool the statements into one index, hope for a larger change, or judge it in words rather than numbers.`,
    suggestPeople: (needed: number, n: number) =>
      `more people: about ${countEn(needed)} respondents in the target and as many in the comparison group (the target had ${countEn(n)}); a higher response rate helps too`,
    suggestPool: (count: number) =>
      `pooling the hypothesis's ${count} statements into one index: if they move together, an index is measured more precisely than any one statement`,
    suggestWaves: 'more waves: a second follow-up (or a second baseline) averages out part of the noise',
    suggestTarget: (reach: string) => `a larger target: a larger group, or a larger change worth having (${reach})`,
    whatWouldHelp: 'What would make it detectable:',
    peopleNotEnough: (needed: number, organization: number) =>
      `More people alone would not do it here: about ${countEn(needed)} respondents per group are needed, and the whole organization had ${countEn(organization)} respondents.`,
    contradicts: (head: string) => `Contradicts the hypothesis: ${head}.`,
    noise: (crowded: number | undefined, head: string, reach: string) =>
      `Can't tell from noise${crowded ? ` among the ${crowded} statements judged here` : ''}: ${head}; ${reach}.`,
    reach: (down: string, up: string) => `only differences beyond ${down} / ${up} points are detectable with these groups`,
    reachNone: 'no difference is detectable with groups this small',
    alikeBefore: (difference: string, interval: string) =>
      `Before the initiative, target and comparison moved alike within noise (difference ${difference} points, ${interval}).`,
    apartBefore: (moved: string, interval: string) =>
      `Before the initiative, ${moved} (${interval}): the groups were not on parallel paths, so the difference-in-differences may be off.`,
    unchecked: 'Only one baseline wave: whether target and comparison moved alike before the initiative cannot be checked.',
    hiddenBaseline: 'The earliest baseline wave hides this statement for one of the groups, so whether they moved alike before cannot be checked.',
    regression: (up: boolean, target: string, comparison: string) =>
      `The target started ${up ? 'lower' : 'higher'} than the comparison group (${target} vs ${comparison} favorable): part of any ${up ? 'rise' : 'fall'} may be regression to the mean rather than the initiative.`,
    confounded: (name: string, label: string) =>
      `Confounded: "${name}" targets an overlapping group (${label}) in the same period, so the two initiatives' effects cannot be told apart here.`,
    notAGroup:
      'The target or comparison group is not a group of every wave involved (fewer than k invited, or the unit did not exist), so some results cannot be shown.',
  },
  sv: {
    percent: (share: number) => new Intl.NumberFormat('sv', { style: 'percent', maximumFractionDigits: 0 }).format(share),
    points: (n: number) => `${n} ${n === 1 ? 'procentenhet' : 'procentenheter'}`,
    interval: (interval: Interval) => `${LEVEL} % intervall ${signed(interval.lower)} till ${signed(interval.upper)}`,
    movedAlike: 'målgruppen rörde sig som jämförelsegruppen',
    movedMore: (rose: boolean, size: string) => `målgruppen ${rose ? 'steg' : 'sjönk'} ${size} mer än jämförelsegruppen`,
    consistent: (head: string) => `Förenligt med hypotesen: ${head}.`,
    consistentReached: (head: string, hoped: string) => `Förenligt med hypotesen och minst de ${hoped} man hoppades på: ${head}.`,
    consistentUnsure: (head: string, hoped: string) => `Förenligt med hypotesen: ${head}; förändringen kan vara mindre än de ${hoped} man hoppades på.`,
    smallerThanHoped: (head: string, hoped: string) => `Verklig men mindre än man hoppats: ${head}; gruppen hoppades på minst ${hoped}.`,
    planReaches: (hoped: string, reach: string) => `En förändring på ${hoped} kan upptäckas med dessa grupper (${reach}).`,
    planShort: (hoped: string, reach: string) => `En förändring på ${hoped} kan inte upptäckas med dessa grupper: ${reach}.`,
    planNoTarget: (reach: string) => `Med dessa grupper gäller att ${reach}. Ange den minsta förändring som är värd något för att pröva mot den.`,
    planNeeded: (needed: number, n: number) =>
      `Omkring ${countSv(needed)} svarande i målgruppen och lika många i jämförelsegruppen, i varje mätning, skulle upptäcka den (målgruppen hade ${countSv(n)}).`,
    planDetectable:
      'Kan upptäckas: med grupper lika stora som i baslinjen (om lika många svarar i uppföljningen) kan de förändringar man hoppas på skiljas från slumpen.',
    planPartly: (count: number, total: number) =>
      `Bara ${count} av de ${total} förändringar man hoppas på kan upptäckas med dessa grupper (om lika många svarar i uppföljningen som i baslinjen).`,
    planNot:
      'Kan inte upptäckas med dessa grupper: de förändringar man hoppas på är mindre än vad som kan skiljas från slumpen här (om lika många svarar i uppföljningen som i baslinjen).',
    planImpossible: (needed: number, organization: number) =>
      `Inte i den här organisationen: en så liten förändring kräver omkring ${countSv(needed)} svarande i målgruppen och lika många i jämförelsegruppen, och hela organisationen hade ${countSv(organization)} svarande. Slå ihop påståendena till ett index, hoppas på en större förändring, eller bedöm den med ord snarare än siffror.`,
    suggestPeople: (needed: number, n: number) =>
      `fler personer: omkring ${countSv(needed)} svarande i målgruppen och lika många i jämförelsegruppen (målgruppen hade ${countSv(n)}); en högre svarsfrekvens hjälper också`,
    suggestPool: (count: number) =>
      `att slå ihop hypotesens ${count} påståenden till ett index: om de rör sig tillsammans mäts ett index säkrare än ett enskilt påstående`,
    suggestWaves: 'fler mätningar: en andra uppföljning (eller en andra baslinje) jämnar ut en del av slumpen',
    suggestTarget: (reach: string) => `ett större mål: en större grupp, eller en större förändring som är värd något (${reach})`,
    whatWouldHelp: 'Det här skulle göra den möjlig att upptäcka:',
    peopleNotEnough: (needed: number, organization: number) =>
      `Fler personer räcker inte här: omkring ${countSv(needed)} svarande per grupp behövs, och hela organisationen hade ${countSv(organization)} svarande.`,
    contradicts: (head: string) => `Motsäger hypotesen: ${head}.`,
    noise: (crowded: number | undefined, head: string, reach: string) =>
      `Går inte att skilja från slumpen${crowded ? ` bland de ${crowded} påståenden som bedöms här` : ''}: ${head}; ${reach}.`,
    reach: (down: string, up: string) => `bara skillnader bortom ${down} / ${up} procentenheter kan upptäckas med dessa grupper`,
    reachNone: 'ingen skillnad kan upptäckas med så små grupper',
    alikeBefore: (difference: string, interval: string) =>
      `Före initiativet rörde sig målgrupp och jämförelsegrupp lika inom slumpens marginal (skillnad ${difference} procentenheter, ${interval}).`,
    apartBefore: (moved: string, interval: string) =>
      `Före initiativet ${moved} (${interval}): grupperna följde inte parallella banor, så skillnaden i skillnader kan vara missvisande.`,
    unchecked: 'Bara en baslinjemätning: om målgrupp och jämförelsegrupp rörde sig lika före initiativet går inte att kontrollera.',
    hiddenBaseline: 'Den tidigaste baslinjemätningen döljer påståendet för en av grupperna, så om de rörde sig lika före initiativet går inte att kontrollera.',
    regression: (up: boolean, target: string, comparison: string) =>
      `Målgruppen började ${up ? 'lägre' : 'högre'} än jämförelsegruppen (${target} mot ${comparison} positiva): en del av ${up ? 'en ökning' : 'en nedgång'} kan vara regression mot medelvärdet snarare än initiativet.`,
    confounded: (name: string, label: string) =>
      `Sammanblandat: "${name}" riktar sig till en överlappande grupp (${label}) under samma period, så de två initiativens effekter går inte att skilja åt här.`,
    notAGroup:
      'Mål- eller jämförelsegruppen är inte en grupp i varje mätning som ingår (färre än k inbjudna, eller enheten fanns inte), så vissa resultat kan inte visas.',
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

const asPair = ({ before, after }: GroupCounts) =>
  [
    [before.x, before.n],
    [after.x, after.n],
  ] as const;

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

/**
 * A consistent change read against the smallest change worth having: `reached` when the whole
 * interval lies beyond it, `smaller` when even the estimate falls short, `unsure` in between.
 */
export function reachOfHope(interval: Interval, input: Pick<ImpactInput, 'direction' | 'minChange'>): 'reached' | 'smaller' | 'unsure' | undefined {
  if (input.minChange === undefined) return undefined;
  const toward = input.direction === 'up' ? 1 : -1;
  // A hair of tolerance: a 3-point hope is met by an interval ending at 2.9999999 points.
  const nearest = toward > 0 ? interval.lower : -interval.upper;
  if (nearest >= input.minChange - 1e-9) return 'reached';
  if (toward * interval.estimate < input.minChange - 1e-9) return 'smaller';
  return 'unsure';
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
    const hoped = reachOfHope(judged, input);
    if (hoped === undefined) return words.consistent(head);
    const size = words.points(points(input.minChange!));
    return hoped === 'reached'
      ? words.consistentReached(head, size)
      : hoped === 'smaller'
        ? words.smallerThanHoped(head, size)
        : words.consistentUnsure(head, size);
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
  const pct = (count: Count) => words.percent(count.x / count.n);
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
  const valuesApart =
    a.attribute !== undefined && b.attribute !== undefined && a.attribute.name === b.attribute.name && a.attribute.value !== b.attribute.value;
  return unitsApart || valuesApart;
}

/** Whether two periods (ISO instants, inclusive) share any time. */
export function periodsOverlap(a: { from: string; to: string }, b: { from: string; to: string }): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/** One statement of an initiative before its follow-up: the baseline of each group and the change hoped for. */
export interface PlanInput {
  direction: Direction;
  minChange?: number;
  target: Count;
  comparison: Count;
}

export interface StatementPlan {
  detectable: DetectableChange;
  /** Whether the smallest change worth having is within reach; absent when none was named. */
  reaches?: boolean;
  /** Respondents per group and wave that would detect the hoped-for change. */
  neededPerGroup?: number;
  words: string;
}

export type PlanVerdict = 'detectable' | 'partly' | 'not-yet' | 'impossible';

/**
 * The planner's verdict on a registered hypothesis, before its follow-up: with groups the size of
 * the baseline (as many answering again), is each hoped-for change detectable (power 80%, α 5%)?
 * If not, what would make it so: more people (how many), pooling the statements into an index,
 * more waves, a larger target; or plainly that this organization is too small for it.
 */
export function planInitiative(
  inputs: readonly PlanInput[],
  organization: { respondents?: number },
  alpha = DEFAULT_ALPHA,
  words: ImpactWords = impactWords(),
): { verdict: PlanVerdict; words: string; suggestions: string[]; statements: StatementPlan[] } {
  const statements = inputs.map((input): StatementPlan => {
    const detectable = minimumDetectableDiD({
      target: { nBefore: input.target.n, nAfter: input.target.n, p: clampShare(input.target) },
      comparison: { nBefore: input.comparison.n, nAfter: input.comparison.n, p: clampShare(input.comparison) },
      alpha,
    });
    const { down, up } = detectable;
    const reach = down !== null && up !== null ? words.reach(signed(down), signed(up)) : words.reachNone;
    if (input.minChange === undefined) return { detectable, words: words.planNoTarget(reach) };
    const hoped = `${input.direction === 'up' ? '+' : MINUS}${words.points(points(input.minChange))}`;
    const edge = input.direction === 'up' ? up : down === null ? null : -down;
    const reaches = edge !== null && edge <= input.minChange + 1e-9;
    if (reaches) return { detectable, reaches, words: words.planReaches(hoped, reach) };
    const pTarget = clampShare(input.target);
    const change = input.direction === 'up' ? input.minChange : -input.minChange;
    const possible = pTarget + change > 0 && pTarget + change < 1;
    const needed = possible ? Math.ceil(requiredSampleSizeDiD({ pTarget, pComparison: clampShare(input.comparison), change, alpha })) : undefined;
    const neededWords = needed !== undefined && Number.isFinite(needed) ? ` ${words.planNeeded(needed, input.target.n)}` : '';
    return {
      detectable,
      reaches,
      ...(needed !== undefined && Number.isFinite(needed) ? { neededPerGroup: needed } : {}),
      words: `${words.planShort(hoped, reach)}${neededWords}`,
    };
  });
  const judged = statements.filter((plan) => plan.reaches !== undefined);
  const short = judged.filter((plan) => !plan.reaches);
  if (short.length === 0) return { verdict: 'detectable', words: words.planDetectable, suggestions: [], statements };
  const needed = Math.max(...short.map((plan) => plan.neededPerGroup ?? Infinity));
  const targetN = Math.max(...inputs.map((input) => input.target.n));
  if (organization.respondents !== undefined && (!Number.isFinite(needed) || 2 * needed > organization.respondents) && inputs.length === 1) {
    return { verdict: 'impossible', words: words.planImpossible(Number.isFinite(needed) ? needed : 0, organization.respondents), suggestions: [], statements };
  }
  const widest = short.map((plan) => plan.detectable).find((detectable) => detectable.up !== null && detectable.down !== null);
  const suggestions = [
    ...(Number.isFinite(needed) && !(organization.respondents !== undefined && 2 * needed > organization.respondents)
      ? [words.suggestPeople(needed, targetN)]
      : []),
    ...(inputs.length > 1 ? [words.suggestPool(inputs.length)] : []),
    words.suggestWaves,
    words.suggestTarget(widest ? words.reach(signed(widest.down!), signed(widest.up!)) : words.reachNone),
  ];
  const verdict: PlanVerdict = short.length < judged.length ? 'partly' : 'not-yet';
  const head = verdict === 'partly' ? words.planPartly(judged.length - short.length, judged.length) : words.planNot;
  const tooFew =
    organization.respondents !== undefined && Number.isFinite(needed) && 2 * needed > organization.respondents
      ? ` ${words.peopleNotEnough(needed, organization.respondents)}`
      : '';
  return { verdict, words: `${head}${tooFew}`, suggestions, statements };
}
