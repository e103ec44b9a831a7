/**
 * The one verdict rule. Every comparison the API returns and every heatmap cell the dashboard
 * colours goes through judgeChanges, so a word and a colour can never disagree.
 *
 * - Significance: the pooled two-proportion z-test, then Benjamini–Hochberg across the whole family
 *   (everything on one view: a heatmap's family is the whole heatmap); significant when q < alpha.
 * - What is shown: the change after − before with Newcombe's hybrid score interval.
 * - When it is not significant: the smallest fall and rise these group sizes could detect (80%
 *   power at alpha, from the baseline proportion), so "no verdict" reads as "too small to see",
 *   not as "nothing happened".
 */
import {
  benjaminiHochberg,
  DEFAULT_ALPHA,
  DEFAULT_CONFIDENCE,
  minimumDetectableEffect,
  newcombeDiff,
  twoProportionZTest,
  type DetectableChange,
  type Interval,
} from './stats.ts';

/** The verdict, and the key of a cell's colour. */
export type Verdict = 'rose' | 'fell' | 'noise';

/** Favourable count x out of n respondents, in one wave. */
export interface Count {
  x: number;
  n: number;
}

/** One comparison: the same statement and group in an earlier and a later wave. */
export interface ChangeCell {
  before: Count;
  after: Count;
}

export interface JudgeOptions {
  /** False discovery rate for the verdict; 0.05 unless given. */
  alpha?: number;
  /** Confidence level of the interval shown; 0.95 unless given. */
  confidence?: number;
  /** Power at which a change counts as detectable; 0.8 unless given. */
  power?: number;
  /** The language of the words: Swedish for "sv", English otherwise. */
  lang?: string;
}

/** A judged change: estimate and interval (after − before, proportion units), p, q, verdict, detectable change, words. */
export interface ChangeJudgement extends Interval {
  p: number;
  q: number;
  verdict: Verdict;
  detectable: DetectableChange;
  words: string;
}

/** The verdict from a BH-adjusted q and the direction of the estimate. */
export function decideVerdict(q: number, estimate: number, alpha = DEFAULT_ALPHA): Verdict {
  if (q < alpha && estimate !== 0) return estimate > 0 ? 'rose' : 'fell';
  return 'noise';
}

/**
 * Judge a family of changes together. Suppressed cells (null) keep their place, come back null and
 * take no part in the family: their numbers are not known to anyone, including this rule.
 */
export function judgeChanges(cells: ReadonlyArray<ChangeCell | null>, opts: JudgeOptions = {}): Array<ChangeJudgement | null> {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const judged = cells.map((cell) => {
    if (!cell) return null;
    const { before, after } = cell;
    return {
      interval: newcombeDiff(after.x, after.n, before.x, before.n, { confidence: opts.confidence }),
      p: twoProportionZTest(after.x, after.n, before.x, before.n).p,
      detectable: minimumDetectableEffect({ n1: before.n, n2: after.n, p: before.x / before.n, alpha, power: opts.power }),
    };
  });
  const present = judged.filter((entry) => entry !== null);
  const qValues = benjaminiHochberg(present.map((entry) => entry.p));
  const wordOptions = { ...opts, familySize: present.length };
  let next = 0;
  return judged.map((entry) => {
    if (!entry) return null;
    const { interval, p, detectable } = entry;
    const q = qValues[next++];
    const judgement: ChangeJudgement = {
      estimate: interval.estimate,
      lower: interval.lower,
      upper: interval.upper,
      p,
      q,
      verdict: decideVerdict(q, interval.estimate, alpha),
      detectable,
      words: '',
    };
    judgement.words = describeChange(judgement, wordOptions);
    return judgement;
  });
}

/** Judge one change on its own (a family of one). */
export function judgeChange(cell: ChangeCell, opts: JudgeOptions = {}): ChangeJudgement {
  return judgeChanges([cell], opts)[0] as ChangeJudgement;
}

const MINUS = '\u2212';

/** A proportion difference as whole percentage points. */
function points(value: number): number {
  return Math.round(value * 100) || 0;
}

function signedPoints(value: number): string {
  const rounded = points(value);
  if (rounded > 0) return `+${rounded}`;
  if (rounded < 0) return `${MINUS}${-rounded}`;
  return '0';
}

interface Phrases {
  unchanged: string;
  verb: (rose: boolean) => string;
  points: (size: number) => string;
  interval: (level: number, lower: string, upper: string) => string;
  noise: string;
  crowded: (familySize: number) => string;
  detectable: (down: string | null, up: string | null) => string;
}

/** The words of a verdict per language; numbers and signs are the same in both. */
const PHRASES: Record<'en' | 'sv', Phrases> = {
  en: {
    unchanged: 'did not change',
    verb: (rose) => (rose ? 'rose' : 'fell'),
    points: (size) => (size === 0 ? 'less than 1 point' : `${size} ${size === 1 ? 'point' : 'points'}`),
    interval: (level, lower, upper) => `${level}% interval ${lower} to ${upper}`,
    noise: "can't tell from noise",
    crowded: (familySize) => `can't tell from noise among the ${familySize} changes compared here`,
    detectable: (down, up) =>
      down !== null && up !== null
        ? `only changes beyond ${down} / ${up} points are detectable here`
        : down !== null
          ? `only falls beyond ${down} points are detectable here`
          : up !== null
            ? `only rises beyond ${up} points are detectable here`
            : 'no change is detectable with groups this small',
  },
  sv: {
    unchanged: 'förändrades inte',
    verb: (rose) => (rose ? 'steg' : 'sjönk'),
    points: (size) => (size === 0 ? 'mindre än 1 procentenhet' : `${size} ${size === 1 ? 'procentenhet' : 'procentenheter'}`),
    interval: (level, lower, upper) => `${String(level).replace('.', ',')} % intervall ${lower} till ${upper}`,
    noise: 'går inte att skilja från slumpen',
    crowded: (familySize) => `går inte att skilja från slumpen bland de ${familySize} förändringar som jämförs här`,
    detectable: (down, up) =>
      down !== null && up !== null
        ? `bara förändringar bortom ${down} / ${up} procentenheter kan upptäckas här`
        : down !== null
          ? `bara nedgångar bortom ${down} procentenheter kan upptäckas här`
          : up !== null
            ? `bara ökningar bortom ${up} procentenheter kan upptäckas här`
            : 'ingen förändring kan upptäckas med så små grupper',
  },
};

const phrasesFor = (lang: string | undefined): Phrases => (lang === 'sv' ? PHRASES.sv : PHRASES.en);

function movement(estimate: number, phrases: Phrases): string {
  if (estimate === 0) return phrases.unchanged;
  return `${phrases.verb(estimate > 0)} ${phrases.points(Math.abs(points(estimate)))}`;
}

/**
 * Plain words for a judged change that claim no more than the numbers: "rose 6 points (95% interval
 * +1 to +11)"; "rose 4 points (95% interval −2 to +10): can't tell from noise; only changes beyond
 * −11 / +12 points are detectable here". Points are percentage points rounded to whole numbers.
 * When the change would pass alone but not among the family, the words say so.
 */
export function describeChange(
  change: Interval & { p: number; verdict: Verdict; detectable: DetectableChange },
  opts: JudgeOptions & { familySize?: number } = {},
): string {
  const phrases = phrasesFor(opts.lang);
  const level = Math.round((opts.confidence ?? DEFAULT_CONFIDENCE) * 1000) / 10;
  const head = `${movement(change.estimate, phrases)} (${phrases.interval(level, signedPoints(change.lower), signedPoints(change.upper))})`;
  if (change.verdict !== 'noise') return head;
  const familySize = opts.familySize ?? 1;
  const crowded = familySize > 1 && change.p < (opts.alpha ?? DEFAULT_ALPHA);
  const { down, up } = change.detectable;
  const reach = phrases.detectable(down === null ? null : signedPoints(down), up === null ? null : signedPoints(up));
  return `${head}: ${crowded ? phrases.crowded(familySize) : phrases.noise}; ${reach}`;
}
