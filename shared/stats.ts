/**
 * Baseline's statistics: pure functions, no dependencies, imported by the API and the dashboard.
 * Proportions and differences are in proportion units (0..1, −1..1); the UI turns them into
 * percentages and points. 95% confidence and a 0.05 two-sided alpha unless told otherwise.
 *
 * Each function names its method and source; test/stats.test.ts reproduces the published tables.
 */
export { normalCdf, normalQuantile, normalSurvival, studentTCdf, studentTQuantile, zForConfidence } from './stats/distributions.ts';
export {
  wilson,
  newcombeDiff,
  twoProportionZTest,
  diffInDiff,
  DEFAULT_CONFIDENCE,
  type Interval,
  type IntervalOptions,
  type BeforeAfter,
} from './stats/proportions.ts';
export { benjaminiHochberg } from './stats/multiplicity.ts';
export {
  power2p,
  minimumDetectableEffect,
  minimumDetectableDiD,
  requiredSampleSize,
  requiredSampleSizeDiD,
  DEFAULT_ALPHA,
  DEFAULT_POWER,
  type DetectableChange,
  type PlannedGroup,
  type PowerOptions,
} from './stats/power.ts';
export { meanScore, enps, classifyEnps, type ScaleCounts } from './stats/scores.ts';
