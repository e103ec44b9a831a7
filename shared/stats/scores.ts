/** Scores of one group beyond a proportion: the mean of a rating scale and the eNPS. */
import { studentTQuantile, zForConfidence } from './distributions.ts';
import { DEFAULT_CONFIDENCE, type Interval, type IntervalOptions } from './proportions.ts';

/** How many respondents chose each scale value, e.g. { 1: 3, 2: 5, 3: 10, 4: 20, 5: 12 }. */
export type ScaleCounts = Readonly<Record<string | number, number>>;

/**
 * Mean score with the Student t interval mean ± t(1 − α/2, n − 1) · s / √n, from counts per scale
 * value. `bounds` (the scale's ends, e.g. [1, 5]) clips the interval so small groups never show a
 * limit off the scale. Needs at least two respondents.
 */
export function meanScore(
  counts: ScaleCounts,
  opts: IntervalOptions & { bounds?: readonly [number, number] } = {},
): { mean: number; lower: number; upper: number; n: number } {
  let n = 0;
  let sum = 0;
  const entries = Object.entries(counts).map(([key, count]) => {
    const value = Number(key);
    if (!Number.isFinite(value)) throw new RangeError(`scale value must be a number, got ${key}`);
    if (!(Number.isFinite(count) && count >= 0)) throw new RangeError(`count for ${key} must be a non-negative number, got ${count}`);
    n += count;
    sum += value * count;
    return [value, count] as const;
  });
  if (!(n >= 2)) throw new RangeError(`a mean score needs at least 2 respondents, got ${n}`);
  const mean = sum / n;
  // Two passes (mean first) keep the variance exact for large n.
  const squares = entries.reduce((acc, [value, count]) => acc + count * (value - mean) ** 2, 0);
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(squares / (n - 1) / n);
  const [low, high] = opts.bounds ?? [-Infinity, Infinity];
  return { mean, lower: Math.max(low, mean - half), upper: Math.min(high, mean + half), n };
}

/** eNPS categories from counts per 0–10 rating: promoters 9–10, passives 7–8, detractors 0–6. */
export function classifyEnps(counts: ScaleCounts): { promoters: number; passives: number; detractors: number } {
  const tally = { promoters: 0, passives: 0, detractors: 0 };
  for (const [key, count] of Object.entries(counts)) {
    const rating = Number(key);
    if (!(Number.isInteger(rating) && rating >= 0 && rating <= 10)) throw new RangeError(`eNPS rating must be an integer 0..10, got ${key}`);
    if (rating >= 9) tally.promoters += count;
    else if (rating >= 7) tally.passives += count;
    else tally.detractors += count;
  }
  return tally;
}

/** Pseudo-observations of Rocks' adjusted Wald interval: detractors, passives, promoters (3 in all). */
const ROCKS_PSEUDO = { detractors: 0.75, passives: 1.5, promoters: 0.75 } as const;

/**
 * Employee Net Promoter Score, % promoters − % detractors, in proportion units −1..1 (the UI
 * multiplies by 100), with the adjusted Wald interval of Rocks (2016, "Interval estimation for the
 * 'Net Promoter Score'", The American Statistician 70(4)), as in his R package NPS
 * (nps_test(test = "adjusted.wald")): add 3/4 to promoters and detractors and 3/2 to passives,
 * then NPS' ± z·√(((p' + d') − (p' − d')²) / n'), clipped to −1..1. The estimate stays the raw score.
 */
export function enps(promoters: number, passives: number, detractors: number, opts: IntervalOptions = {}): Interval {
  for (const [name, count] of Object.entries({ promoters, passives, detractors })) {
    if (!(Number.isFinite(count) && count >= 0)) throw new RangeError(`${name} must be a non-negative count, got ${count}`);
  }
  const n = promoters + passives + detractors;
  if (!(n > 0)) throw new RangeError('eNPS needs at least one respondent');
  const z = zForConfidence(opts.confidence ?? DEFAULT_CONFIDENCE);
  const nAdjusted = n + ROCKS_PSEUDO.detractors + ROCKS_PSEUDO.passives + ROCKS_PSEUDO.promoters;
  const pro = (promoters + ROCKS_PSEUDO.promoters) / nAdjusted;
  const det = (detractors + ROCKS_PSEUDO.detractors) / nAdjusted;
  const centre = pro - det;
  const half = z * Math.sqrt((pro + det - centre * centre) / nAdjusted);
  return { estimate: (promoters - detractors) / n, lower: Math.max(-1, centre - half), upper: Math.min(1, centre + half) };
}
