/**
 * Planning: power of the two-wave comparison, the smallest change it can detect, and the group
 * sizes a change needs; the same for an initiative's difference-in-differences.
 *
 * Normal approximation as in R's power.prop.test (strict = FALSE: the far rejection tail is
 * ignored, so power at zero difference is alpha / 2): the test statistic uses the pooled variance
 * under the null, its spread under the alternative uses each group's own variance. With unequal
 * groups the pooled proportion is the size-weighted mean, which is what the pooled test estimates.
 */
import { normalCdf, normalQuantile } from './distributions.ts';

export interface PowerOptions {
  /** Two-sided significance level; 0.05 unless given. */
  alpha?: number;
  /** Target power; 0.8 unless given. */
  power?: number;
}

/**
 * Smallest detectable change below and above a starting point, in proportion units: `down` is
 * negative, `up` positive. null when no change within 0..1 reaches the power (groups too small).
 */
export interface DetectableChange {
  down: number | null;
  up: number | null;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.8;

const variance = (p: number) => p * (1 - p);

function criticalValues(opts: PowerOptions): { zAlpha: number; zBeta: number } {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const power = opts.power ?? DEFAULT_POWER;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be between 0 and 1, got ${power}`);
  return { zAlpha: normalQuantile(1 - alpha / 2), zBeta: normalQuantile(power) };
}

function assertProportion(p: number, name: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a proportion between 0 and 1, got ${p}`);
}

function assertSize(n: number, name: string): void {
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`${name} must be a positive group size, got ${n}`);
}

/**
 * Variance of the estimated difference for a true change of `delta`: under the null (`null0`,
 * from pooled proportions) and under the alternative (`alt`). Plain functions returning numbers,
 * because the solvers below call them thousands of times per heatmap.
 */
interface Spread {
  null0: (delta: number) => number;
  alt: (delta: number) => number;
}

/** Power of a two-sided z-test of a difference with the given variances; strict = FALSE, as R. */
function powerOf(delta: number, null0: number, alt: number, zAlpha: number): number {
  const margin = Math.abs(delta) - zAlpha * Math.sqrt(null0);
  if (!(alt > 0)) return margin > 0 ? 1 : 0;
  return normalCdf(margin / Math.sqrt(alt));
}

function twoWaveSpread(n1: number, n2: number, p1: number): Spread {
  const inverseSum = 1 / n1 + 1 / n2;
  const before = variance(p1) / n1;
  return {
    null0: (delta) => variance(p1 + (n2 * delta) / (n1 + n2)) * inverseSum,
    alt: (delta) => before + variance(p1 + delta) / n2,
  };
}

/**
 * Power of the pooled two-sided two-proportion z-test to detect p1 vs p2 with groups of n1 and n2
 * (normal approximation; equals R's power.prop.test for n1 = n2, e.g. n = 50, p1 = .50, p2 = .75
 * gives 0.7401659).
 */
export function power2p(args: { n1: number; n2: number; p1: number; p2: number; alpha?: number }): number {
  const { n1, n2, p1, p2 } = args;
  assertSize(n1, 'n1');
  assertSize(n2, 'n2');
  assertProportion(p1, 'p1');
  assertProportion(p2, 'p2');
  const { zAlpha } = criticalValues({ alpha: args.alpha });
  const spread = twoWaveSpread(n1, n2, p1);
  return powerOf(p2 - p1, spread.null0(p2 - p1), spread.alt(p2 - p1), zAlpha);
}

/**
 * Smallest |delta| in one direction (sign +1 or −1) at which power reaches the target, up to
 * `limit`. Power reaches the target exactly where delta − zα·σ0 − zβ·σ1 = 0, so no CDF is needed.
 * The margin can dip before it rises (near 0% the pooled variance grows fastest), so a coarse grid
 * finds the first crossing and the Illinois variant of regula falsi refines it (a heatmap judges
 * thousands of cells, so evaluations count).
 */
function smallestDetectable(spread: Spread, sign: 1 | -1, limit: number, opts: PowerOptions): number | null {
  if (!(limit > 0)) return null;
  const { zAlpha, zBeta } = criticalValues(opts);
  const margin = (size: number) => size - zAlpha * Math.sqrt(spread.null0(sign * size)) - zBeta * Math.sqrt(spread.alt(sign * size));
  const steps = 16;
  let a = 0;
  let fa = margin(0);
  for (let k = 1; k <= steps; k++) {
    let b = (limit * k) / steps;
    let fb = margin(b);
    if (fb >= 0) {
      if (fa >= 0) return sign * a;
      let side = 0;
      for (let i = 0; i < 100 && b - a > 1e-12; i++) {
        const c = (a * fb - b * fa) / (fb - fa);
        const fc = margin(c);
        if (Math.abs(fc) < 1e-13) return sign * c;
        if (fc >= 0) {
          b = c;
          fb = fc;
          if (side === 1) fa /= 2;
          side = 1;
        } else {
          a = c;
          fa = fc;
          if (side === -1) fb /= 2;
          side = -1;
        }
      }
      return sign * b;
    }
    a = b;
    fa = fb;
  }
  return null;
}

/**
 * Minimum detectable change from a baseline proportion p between a wave of n1 and a wave of n2:
 * the smallest fall and rise at which power2p reaches `power` (default 0.8) at two-sided `alpha`
 * (default 0.05), solved numerically. Asymmetric because a proportion's variance depends on where
 * it is: from 80% a fall is easier to miss than a rise. R: power.prop.test(n = 50, p1 = .5,
 * power = .9) gives p2 = 0.8026, i.e. up = +0.3026.
 */
export function minimumDetectableEffect(args: { n1: number; n2: number; p: number } & PowerOptions): DetectableChange {
  const { n1, n2, p } = args;
  assertSize(n1, 'n1');
  assertSize(n2, 'n2');
  assertProportion(p, 'p');
  const spread = twoWaveSpread(n1, n2, p);
  return { down: smallestDetectable(spread, -1, p, args), up: smallestDetectable(spread, 1, 1 - p, args) };
}

/** One group of an initiative for planning: its sizes in the baseline and follow-up waves, and its baseline proportion. */
export interface PlannedGroup {
  nBefore: number;
  nAfter: number;
  p: number;
}

/**
 * Minimum detectable difference-in-differences: the smallest extra fall and rise of the target
 * (comparison flat) that reach `power`. The variance of the estimate is the sum of the four
 * proportions' variances (independent samples); under the null the target's two waves are pooled,
 * as in the two-wave test, so a very large comparison group gives back minimumDetectableEffect.
 */
export function minimumDetectableDiD(args: { target: PlannedGroup; comparison: PlannedGroup } & PowerOptions): DetectableChange {
  const { target, comparison } = args;
  for (const [name, group] of Object.entries({ target, comparison })) {
    assertSize(group.nBefore, `${name}.nBefore`);
    assertSize(group.nAfter, `${name}.nAfter`);
    assertProportion(group.p, `${name}.p`);
  }
  const comparisonVariance = variance(comparison.p) * (1 / comparison.nBefore + 1 / comparison.nAfter);
  const targetSpread = twoWaveSpread(target.nBefore, target.nAfter, target.p);
  const spread: Spread = {
    null0: (delta) => targetSpread.null0(delta) + comparisonVariance,
    alt: (delta) => targetSpread.alt(delta) + comparisonVariance,
  };
  return { down: smallestDetectable(spread, -1, target.p, args), up: smallestDetectable(spread, 1, 1 - target.p, args) };
}

/**
 * Group size (each of two equal groups) at which the two-sided test of p1 vs p2 reaches `power`:
 * the closed form of power.prop.test's equation, n = ((zα·√(2·p̄q̄) + zβ·√(p1q1 + p2q2)) / |p1 − p2|)²
 * (R: power.prop.test(p1 = .50, p2 = .75, power = .90) gives n = 76.7). Not rounded; round up to
 * plan. Infinity when p1 = p2.
 */
export function requiredSampleSize(args: { p1: number; p2: number } & PowerOptions): number {
  const { p1, p2 } = args;
  assertProportion(p1, 'p1');
  assertProportion(p2, 'p2');
  const { zAlpha, zBeta } = criticalValues(args);
  if (p1 === p2) return Infinity;
  const pooled = (p1 + p2) / 2;
  const root = (zAlpha * Math.sqrt(2 * variance(pooled)) + zBeta * Math.sqrt(variance(p1) + variance(p2))) / Math.abs(p1 - p2);
  return root * root;
}

/**
 * Group size (each of the four groups of an initiative: target and comparison, before and after)
 * at which a difference-in-differences of `change` (the target moving from pTarget by `change`
 * more than a flat comparison at pComparison) reaches `power`: the requiredSampleSize equation with
 * the comparison's two variances added, as minimumDetectableDiD. Infinity when change = 0.
 */
export function requiredSampleSizeDiD(args: { pTarget: number; pComparison: number; change: number } & PowerOptions): number {
  const { pTarget, pComparison, change } = args;
  assertProportion(pTarget, 'pTarget');
  assertProportion(pComparison, 'pComparison');
  assertProportion(pTarget + change, 'pTarget + change');
  const { zAlpha, zBeta } = criticalValues(args);
  if (change === 0) return Infinity;
  const pooled = pTarget + change / 2;
  const comparison = 2 * variance(pComparison);
  const root =
    (zAlpha * Math.sqrt(2 * variance(pooled) + comparison) + zBeta * Math.sqrt(variance(pTarget) + variance(pTarget + change) + comparison)) / Math.abs(change);
  return root * root;
}
