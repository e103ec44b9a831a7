/**
 * The statistics reproduce published worked examples; each test names its source. Where no table
 * was at hand, the example is worked by hand in the comment and the arithmetic can be followed.
 */
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  diffInDiff,
  enps,
  classifyEnps,
  meanScore,
  minimumDetectableDiD,
  minimumDetectableEffect,
  newcombeDiff,
  normalCdf,
  normalQuantile,
  power2p,
  requiredSampleSize,
  requiredSampleSizeDiD,
  studentTCdf,
  studentTQuantile,
  twoProportionZTest,
  wilson,
} from '../shared/stats.ts';

const limits = (interval: { lower: number; upper: number }) => [interval.lower, interval.upper];

function expectLimits(interval: { lower: number; upper: number }, lower: number, upper: number, digits = 4) {
  expect(interval.lower).toBeCloseTo(lower, digits);
  expect(interval.upper).toBeCloseTo(upper, digits);
}

describe('normal distribution', () => {
  it('gives the textbook critical values (R qnorm; Abramowitz & Stegun table 26.5)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 12);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 13);
  });

  it('keeps relative precision far into the tails (R pnorm(-5), pnorm(-10))', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    expect(normalCdf(-10) / 7.619853024160527e-24).toBeCloseTo(1, 12);
    expect(normalQuantile(1e-20)).toBeCloseTo(-9.262340089798408, 10);
  });

  it('inverts its own CDF', () => {
    for (const p of [1e-12, 0.001, 0.02425, 0.1, 0.3, 0.7, 0.97575, 0.999]) {
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
    }
  });
});

describe("Student's t quantile", () => {
  // Two-sided 95% critical values from any t table (e.g. Fisher & Yates, Statistical Tables, table III).
  it.each([
    [1, 12.706],
    [2, 4.303],
    [5, 2.571],
    [10, 2.228],
    [30, 2.042],
    [120, 1.98],
  ])('df = %i: t(0.975) = %f', (df, critical) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(critical, 3);
  });

  it('matches the table at 99% and is symmetric (t table, df = 10: 3.169)', () => {
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.169, 3);
    expect(studentTQuantile(0.005, 10)).toBeCloseTo(-3.169, 3);
  });

  it('inverts the t CDF and tends to the normal for large df', () => {
    for (const df of [3, 7.5, 25]) expect(studentTCdf(studentTQuantile(0.9, df), df)).toBeCloseTo(0.9, 12);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });
});

describe('wilson', () => {
  // Newcombe (1998a), "Two-sided confidence intervals for the single proportion", Table I,
  // method 3 (score interval without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → %f to %f (Newcombe 1998a, Table I)', (x, n, lower, upper) => {
    const interval = wilson(x, n);
    expect(interval.estimate).toBeCloseTo(x / n, 12);
    expectLimits(interval, lower, upper);
  });

  it('mirrors for the complementary proportion (29/29 from 0/29)', () => {
    const none = wilson(0, 29);
    const all = wilson(29, 29);
    expect(all.lower).toBeCloseTo(1 - none.upper, 12);
    expect(all.upper).toBe(1);
  });

  it('with the finite-population correction, a census has no sampling error', () => {
    expect(limits(wilson(300, 400, { population: 400 }))).toEqual([0.75, 0.75]);
  });

  it('the correction equals shrinking z by √((N − n)/(N − 1)): 200 of our 400 people', () => {
    const shrink = Math.sqrt((400 - 200) / (400 - 1));
    const equivalentConfidence = 2 * normalCdf(1.959963984540054 * shrink) - 1;
    const corrected = wilson(130, 200, { population: 400 });
    const plain = wilson(130, 200, { confidence: equivalentConfidence });
    expectLimits(corrected, plain.lower, plain.upper, 12);
    expect(corrected.upper - corrected.lower).toBeLessThan(wilson(130, 200).upper - wilson(130, 200).lower);
  });

  it('refuses counts that cannot be', () => {
    expect(() => wilson(5, 0)).toThrow(RangeError);
    expect(() => wilson(6, 5)).toThrow(/x must be between 0 and n/);
    expect(() => wilson(3, 10, { population: 5 })).toThrow(/population/);
  });
});

describe('newcombeDiff', () => {
  // Newcombe (1998b), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Statistics in Medicine 17:873–890, Table II, method 10.
  // For (c) and (d) the brief quoted 0.0026–0.8224 and −0.0326–0.1933; −0.0326–0.1933 is the
  // Miettinen–Nurminen interval (method 6) for (d), not method 10. Method 10's formula gives the
  // values pinned here (the paper's table text was not retrievable offline to re-read).
  it.each([
    ['a', 56, 70, 48, 80, 0.0524, 0.3339],
    ['b', 9, 10, 3, 10, 0.1705, 0.809],
    ['c', 6, 7, 2, 7, 0.0582, 0.8062],
    ['d', 5, 56, 0, 29, -0.0381, 0.1926],
    ['e', 0, 10, 0, 20, -0.1611, 0.2775],
    ['f', 10, 10, 0, 20, 0.6791, 1],
  ])('(%s) %i/%i − %i/%i → %f to %f (Newcombe 1998b, Table II)', (_, x1, n1, x2, n2, lower, upper) => {
    const interval = newcombeDiff(x1, n1, x2, n2);
    expect(interval.estimate).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expectLimits(interval, lower, upper);
  });

  it('is the square-and-add of the two Wilson intervals (Newcombe 1998b, eq. for method 10)', () => {
    const [a, b] = [wilson(56, 70), wilson(48, 80)];
    const d = newcombeDiff(56, 70, 48, 80);
    expect(d.lower).toBeCloseTo(d.estimate - Math.hypot(a.estimate - a.lower, b.upper - b.estimate), 12);
    expect(d.upper).toBeCloseTo(d.estimate + Math.hypot(a.upper - a.estimate, b.estimate - b.lower), 12);
  });
});

describe('twoProportionZTest', () => {
  it('60/100 vs 40/100: pooled 0.5, se = √(0.25 · 2/100), z = 0.2/0.0707 = 2√2, p = 0.004678', () => {
    const { z, p } = twoProportionZTest(60, 100, 40, 100);
    expect(z).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(p).toBeCloseTo(0.0046777349810473, 12);
    expect(twoProportionZTest(40, 100, 60, 100).z).toBeCloseTo(-2 * Math.SQRT2, 12);
  });

  it("z² is the Pearson chi-square of the 2×2 table, as R's prop.test(correct = FALSE) reports", () => {
    for (const [x1, n1, x2, n2] of [
      [56, 70, 48, 80],
      [9, 10, 3, 10],
      [5, 56, 0, 29],
      [83, 86, 90, 93],
    ]) {
      const observed = [x1, n1 - x1, x2, n2 - x2];
      const total = n1 + n2;
      const yes = (x1 + x2) / total;
      const expected = [n1 * yes, n1 * (1 - yes), n2 * yes, n2 * (1 - yes)];
      const chiSquare = observed.reduce((sum, o, i) => sum + (o - expected[i]) ** 2 / expected[i], 0);
      expect(twoProportionZTest(x1, n1, x2, n2).z ** 2).toBeCloseTo(chiSquare, 10);
    }
  });

  it('both groups at 0% or both at 100% is no evidence of a difference, not NaN', () => {
    expect(twoProportionZTest(0, 12, 0, 40)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZTest(12, 12, 40, 40)).toEqual({ z: 0, p: 1 });
  });
});

describe('benjaminiHochberg', () => {
  // Benjamini & Hochberg (1995), section 4: fifteen p values; at 0.05 the procedure rejects the
  // four smallest. Adjusted values as R p.adjust(method = "BH") and the SciPy documentation of
  // false_discovery_control print them for this example.
  const published = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1];
  const adjusted = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714, 0.06385714, 0.0645, 0.0765, 0.486, 0.58118182, 0.714875, 0.75323077, 0.81321429, 1];

  it('reproduces the adjusted values of the 1995 example and its four discoveries', () => {
    const q = benjaminiHochberg(published);
    q.forEach((value, i) => expect(value).toBeCloseTo(adjusted[i], 7));
    expect(q.filter((value) => value < 0.05)).toHaveLength(4);
  });

  it('returns the q values in input order', () => {
    const order = [7, 0, 14, 3, 11, 5, 9, 1, 13, 2, 6, 12, 4, 10, 8];
    const q = benjaminiHochberg(order.map((i) => published[i]));
    q.forEach((value, k) => expect(value).toBeCloseTo(adjusted[order[k]], 7));
  });

  it('handles an empty family and refuses values that are not p values', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(() => benjaminiHochberg([0.2, 1.2])).toThrow(RangeError);
  });
});

describe('power and sample size', () => {
  // R documentation of power.prop.test, examples:
  //   power.prop.test(n = 50, p1 = .50, p2 = .75)      ## => power = 0.740 (prints 0.7401659)
  //   power.prop.test(p1 = .50, p2 = .75, power = .90) ## => n = 76.7
  //   power.prop.test(n = 50, p1 = .5, power = .90)    ## => p2 = 0.8026
  it('power.prop.test(n = 50, p1 = .50, p2 = .75) → power 0.7401659', () => {
    expect(power2p({ n1: 50, n2: 50, p1: 0.5, p2: 0.75 })).toBeCloseTo(0.7401659, 7);
    expect(power2p({ n1: 50, n2: 50, p1: 0.75, p2: 0.5 })).toBeCloseTo(0.7401659, 7);
  });

  it('power.prop.test(p1 = .50, p2 = .75, power = .90) → n = 76.7', () => {
    const n = requiredSampleSize({ p1: 0.5, p2: 0.75, power: 0.9 });
    expect(n).toBeCloseTo(76.7, 1);
    expect(power2p({ n1: n, n2: n, p1: 0.5, p2: 0.75 })).toBeCloseTo(0.9, 10);
  });

  it('power.prop.test(n = 50, p1 = .5, power = .90) → p2 = 0.8026, so the detectable rise is +0.3026', () => {
    const { up, down } = minimumDetectableEffect({ n1: 50, n2: 50, p: 0.5, power: 0.9 });
    expect(up).toBeCloseTo(0.3026, 4);
    expect(down).toBeCloseTo(-0.3026, 4);
  });

  it('no finite group detects no change', () => {
    expect(requiredSampleSize({ p1: 0.4, p2: 0.4 })).toBe(Infinity);
  });
});

describe('minimumDetectableEffect', () => {
  it('is asymmetric: from 70% a fall toward 50% is harder to detect than a rise', () => {
    const { down, up } = minimumDetectableEffect({ n1: 200, n2: 200, p: 0.7 });
    expect(down).toBeLessThan(0);
    expect(up).toBeGreaterThan(0);
    expect(-down!).toBeGreaterThan(up!);
  });

  it('reaches the requested power exactly at its limits', () => {
    const { down, up } = minimumDetectableEffect({ n1: 180, n2: 240, p: 0.62, power: 0.8 });
    expect(power2p({ n1: 180, n2: 240, p1: 0.62, p2: 0.62 + up! })).toBeCloseTo(0.8, 9);
    expect(power2p({ n1: 180, n2: 240, p1: 0.62, p2: 0.62 + down! })).toBeCloseTo(0.8, 9);
  });

  it('says null when no change on the scale could be detected (20 people at 2%: no fall)', () => {
    const { down, up } = minimumDetectableEffect({ n1: 20, n2: 20, p: 0.02 });
    expect(down).toBeNull();
    expect(up).toBeGreaterThan(0.3);
  });
});

describe('minimumDetectableDiD', () => {
  it('10,000 in each of the four groups at 50%: about (1.96 + 0.84) × √(4 · 0.25 / 10,000) = 2.8 points', () => {
    const group = { nBefore: 10_000, nAfter: 10_000, p: 0.5 };
    const { down, up } = minimumDetectableDiD({ target: group, comparison: group });
    expect(up).toBeCloseTo((1.959964 + 0.841621) * 0.01, 4);
    expect(down).toBeCloseTo(-up!, 6);
  });

  it('with an enormous comparison group, reduces to the two-wave detectable change of the target', () => {
    const target = { nBefore: 150, nAfter: 170, p: 0.55 };
    const did = minimumDetectableDiD({ target, comparison: { nBefore: 1e9, nAfter: 1e9, p: 0.5 } });
    const twoWave = minimumDetectableEffect({ n1: 150, n2: 170, p: 0.55 });
    expect(did.up).toBeCloseTo(twoWave.up!, 5);
    expect(did.down).toBeCloseTo(twoWave.down!, 5);
  });

  it('agrees with requiredSampleSizeDiD: that many per group detects exactly that change', () => {
    const n = requiredSampleSizeDiD({ pTarget: 0.45, pComparison: 0.5, change: 0.1 });
    const { up } = minimumDetectableDiD({
      target: { nBefore: n, nAfter: n, p: 0.45 },
      comparison: { nBefore: n, nAfter: n, p: 0.5 },
    });
    expect(up).toBeCloseTo(0.1, 8);
  });
});

describe('diffInDiff', () => {
  // Worked by hand. Wilson 95% limits: 50/100 → 0.4038 to 0.5962; 60/100 → 0.5020 to 0.6906.
  // Target change 0.10: down-distance √(0.0980² + 0.0962²) = 0.1373, up-distance √(0.0906² + 0.0962²) = 0.1321.
  // Comparison change 0: both distances √(2 · 0.0962²) = 0.1360.
  // DiD 0.10: lower 0.10 − √(0.1373² + 0.1360²) = −0.0933; upper 0.10 + √(0.1321² + 0.1360²) = 0.2896.
  it('target 50/100 → 60/100 against a comparison flat at 50/100 (Newcombe 2001 square-and-add)', () => {
    const did = diffInDiff({
      target: [
        [50, 100],
        [60, 100],
      ],
      comparison: [
        [50, 100],
        [50, 100],
      ],
    });
    expect(did.estimate).toBeCloseTo(0.1, 12);
    expectLimits(did, -0.0933, 0.2896, 3);
  });

  it('with a flat comparison of a million, is the target change with its Newcombe interval', () => {
    const did = diffInDiff({
      target: [
        [50, 100],
        [60, 100],
      ],
      comparison: [
        [500_000, 1_000_000],
        [500_000, 1_000_000],
      ],
    });
    const change = newcombeDiff(60, 100, 50, 100);
    expectLimits(did, change.lower, change.upper, 2);
  });

  it('subtracts the comparison change: both groups rising 10 points is no difference', () => {
    const did = diffInDiff({
      target: [
        [40, 100],
        [50, 100],
      ],
      comparison: [
        [400, 1000],
        [500, 1000],
      ],
    });
    expect(did.estimate).toBeCloseTo(0, 12);
    expect(did.lower).toBeLessThan(0);
    expect(did.upper).toBeGreaterThan(0);
  });
});

describe('meanScore', () => {
  // By hand: one answer at each of 1..5 → mean 3, s = √(10/4) = 1.5811, se = s/√5 = 0.7071,
  // t(0.975, 4) = 2.776 (t table) → 3 ± 1.963 → 1.037 to 4.963.
  it('one answer per point of a five-point scale: 3 (1.037 to 4.963)', () => {
    const score = meanScore({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
    expect(score.mean).toBe(3);
    expect(score.n).toBe(5);
    expectLimits(score, 1.037, 4.963, 3);
  });

  it('clips to the scale when told its ends', () => {
    const score = meanScore({ 4: 1, 5: 4 }, { bounds: [1, 5] });
    expect(score.mean).toBeCloseTo(4.8, 12);
    expect(score.upper).toBe(5);
  });

  it('needs two respondents and numeric scale values', () => {
    expect(() => meanScore({ 3: 1 })).toThrow(RangeError);
    expect(() => meanScore({ agree: 4 })).toThrow(/scale value/);
  });
});

describe('enps', () => {
  // Rocks (2016), adjusted Wald, as his R package NPS implements it (pseudo-observations 0.75
  // detractors, 1.5 passives, 0.75 promoters). By hand for 50 promoters, 30 passives, 20 detractors:
  // n' = 103, p' = 50.75/103 = 0.49272, d' = 20.75/103 = 0.20146, NPS' = 0.29126,
  // variance = (0.49272 + 0.20146) − 0.29126² = 0.60935, se = √(0.60935/103) = 0.07692,
  // interval 0.29126 ± 1.95996 · 0.07692 = 0.1405 to 0.4420; the reported score stays 0.30.
  it('50 promoters, 30 passives, 20 detractors: +0.30 (0.1405 to 0.4420)', () => {
    const score = enps(50, 30, 20);
    expect(score.estimate).toBeCloseTo(0.3, 12);
    expectLimits(score, 0.1405, 0.442);
  });

  it('stays within −1..1 for a unanimous small group', () => {
    const all = enps(0, 0, 6);
    expect(all.estimate).toBe(-1);
    expect(all.lower).toBe(-1);
    expect(all.upper).toBeLessThan(0);
  });

  it('classifies 0–10 ratings: 9–10 promoters, 7–8 passives, 0–6 detractors', () => {
    expect(classifyEnps({ 0: 1, 6: 2, 7: 3, 8: 4, 9: 5, 10: 6 })).toEqual({ promoters: 11, passives: 7, detractors: 3 });
    expect(() => classifyEnps({ 11: 1 })).toThrow(RangeError);
  });
});
