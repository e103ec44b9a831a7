/**
 * One proportion, the difference of two, and the difference of two differences: estimates with
 * score-based intervals, and the pooled z-test. Proportions are 0..1 throughout; the UI formats.
 */
import { normalSurvival, zForConfidence } from './distributions.ts';

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface IntervalOptions {
  /** Two-sided confidence level; 0.95 unless given. */
  confidence?: number;
}

export const DEFAULT_CONFIDENCE = 0.95;

/** Throws a RangeError naming the argument unless 0 <= x <= n and n > 0 (counts may be fractional, e.g. imported % × n). */
export function assertCount(x: number, n: number, name = 'x'): void {
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`n for ${name} must be a positive number, got ${n}`);
  if (!(Number.isFinite(x) && x >= 0 && x <= n)) throw new RangeError(`${name} must be between 0 and n = ${n}, got ${x}`);
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Wilson score interval for x successes out of n (Wilson 1927; Newcombe 1998a, method 3, no
 * continuity correction); the same interval R's prop.test(x, n, correct = FALSE) reports.
 *
 * `population` (N) applies the finite-population correction (N − n)/(N − 1) to the variance, which
 * for the score interval is the same as shrinking z² by that factor: a census (n = N) has no
 * sampling error. Use it only to describe one wave ("of our 400 people"); never for comparisons
 * (DESIGN.md: a comparison is about the climate people live in, not a fixed list of names).
 */
export function wilson(x: number, n: number, opts: IntervalOptions & { population?: number } = {}): Interval {
  assertCount(x, n);
  let z = zForConfidence(opts.confidence ?? DEFAULT_CONFIDENCE);
  if (opts.population !== undefined) {
    const N = opts.population;
    if (!(N >= n)) throw new RangeError(`population must be at least n = ${n}, got ${N}`);
    z *= N > 1 ? Math.sqrt((N - n) / (N - 1)) : 0;
  }
  const p = x / n;
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z / (n + z2)) * Math.sqrt((x * (n - x)) / n + z2 / 4);
  return { estimate: p, lower: clamp(centre - half, 0, p), upper: clamp(centre + half, p, 1) };
}

/**
 * Interval for p1 − p2 from independent samples: Newcombe's hybrid score interval (Newcombe 1998b,
 * "Interval estimation for the difference between independent proportions", method 10, no
 * continuity correction). Each side combines the two Wilson limits by square-and-add:
 *   lower = d − √((p1 − l1)² + (u2 − p2)²),  upper = d + √((u1 − p1)² + (p2 − l2)²).
 */
export function newcombeDiff(x1: number, n1: number, x2: number, n2: number, opts: IntervalOptions = {}): Interval {
  assertCount(x1, n1, 'x1');
  assertCount(x2, n2, 'x2');
  const a = wilson(x1, n1, opts);
  const b = wilson(x2, n2, opts);
  const d = a.estimate - b.estimate;
  return {
    estimate: d,
    lower: clamp(d - Math.hypot(a.estimate - a.lower, b.upper - b.estimate), -1, d),
    upper: clamp(d + Math.hypot(a.upper - a.estimate, b.estimate - b.lower), d, 1),
  };
}

/**
 * Pooled two-proportion z-test of p1 = p2, two-sided (the statistic whose square is the Pearson
 * chi-square of R's prop.test(correct = FALSE)). When both groups are 0% or both 100% the pooled
 * variance is zero and there is no evidence of a difference: z = 0, p = 1.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  assertCount(x1, n1, 'x1');
  assertCount(x2, n2, 'x2');
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, p: Math.min(1, 2 * normalSurvival(Math.abs(z))) };
}

/** Counts of one group in two waves: [[xBefore, nBefore], [xAfter, nAfter]]. */
export type BeforeAfter = readonly [readonly [number, number], readonly [number, number]];

/**
 * Difference-in-differences (target after − before) − (comparison after − before), with the
 * square-and-add (MOVER) interval built from the two Newcombe intervals (Newcombe 2001,
 * "Estimating the difference between differences"; Zou & Donner 2008):
 *   lower = D − √((dT − lT)² + (uC − dC)²),  upper = D + √((uT − dT)² + (dC − lC)²).
 * All four samples are treated as independent: between waves people join and leave, and
 * responses are anonymous, so the waves cannot be paired.
 */
export function diffInDiff(groups: { target: BeforeAfter; comparison: BeforeAfter }, opts: IntervalOptions = {}): Interval {
  const change = ([[xBefore, nBefore], [xAfter, nAfter]]: BeforeAfter) => newcombeDiff(xAfter, nAfter, xBefore, nBefore, opts);
  const t = change(groups.target);
  const c = change(groups.comparison);
  const d = t.estimate - c.estimate;
  return {
    estimate: d,
    lower: clamp(d - Math.hypot(t.estimate - t.lower, c.upper - c.estimate), -2, d),
    upper: clamp(d + Math.hypot(t.upper - t.estimate, c.estimate - c.lower), d, 2),
  };
}
