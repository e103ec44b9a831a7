/** Properties every interval and test must keep for any counts a survey can produce (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, diffInDiff, enps, meanScore, minimumDetectableEffect, newcombeDiff, power2p, twoProportionZTest, wilson } from '../shared/stats.ts';
import { propertyParameters } from './helpers/properties.ts';

/** x favourable out of n respondents, n from 1 to 5,000. */
const count = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
const confidence = fc.constantFrom(0.8, 0.9, 0.95, 0.99);
const EPS = 1e-12;

describe('interval properties', () => {
  it('a Wilson interval lies in 0..1 and contains the observed proportion', () => {
    fc.assert(
      fc.property(count, confidence, ([x, n], level) => {
        const { estimate, lower, upper } = wilson(x, n, { confidence: level });
        expect(lower).toBeGreaterThanOrEqual(0);
        expect(upper).toBeLessThanOrEqual(1);
        expect(lower).toBeLessThanOrEqual(estimate);
        expect(upper).toBeGreaterThanOrEqual(estimate);
      }),
      propertyParameters(),
    );
  });

  it('a higher confidence never gives a narrower Wilson interval', () => {
    fc.assert(
      fc.property(count, ([x, n]) => {
        const narrow = wilson(x, n, { confidence: 0.9 });
        const wide = wilson(x, n, { confidence: 0.99 });
        expect(wide.lower).toBeLessThanOrEqual(narrow.lower + EPS);
        expect(wide.upper).toBeGreaterThanOrEqual(narrow.upper - EPS);
      }),
      propertyParameters(),
    );
  });

  it('the finite-population correction only narrows, and vanishes for a vast population', () => {
    fc.assert(
      fc.property(count, fc.integer({ min: 0, max: 10_000 }), ([x, n], extra) => {
        const plain = wilson(x, n);
        const corrected = wilson(x, n, { population: n + extra });
        expect(corrected.lower).toBeGreaterThanOrEqual(plain.lower - EPS);
        expect(corrected.upper).toBeLessThanOrEqual(plain.upper + EPS);
        const vast = wilson(x, n, { population: 1e12 });
        expect(vast.lower).toBeCloseTo(plain.lower, 6);
      }),
      propertyParameters(),
    );
  });

  it('a Newcombe interval lies in −1..1, contains the difference, and flips sign when the groups swap', () => {
    fc.assert(
      fc.property(count, count, confidence, ([x1, n1], [x2, n2], level) => {
        const forward = newcombeDiff(x1, n1, x2, n2, { confidence: level });
        const backward = newcombeDiff(x2, n2, x1, n1, { confidence: level });
        expect(forward.lower).toBeGreaterThanOrEqual(-1);
        expect(forward.upper).toBeLessThanOrEqual(1);
        expect(forward.lower).toBeLessThanOrEqual(forward.estimate);
        expect(forward.upper).toBeGreaterThanOrEqual(forward.estimate);
        expect(backward.lower).toBeCloseTo(-forward.upper, 12);
        expect(backward.upper).toBeCloseTo(-forward.lower, 12);
      }),
      propertyParameters(),
    );
  });

  it('a difference-in-differences interval lies in −2..2, contains the estimate, is wider than the target change alone, and flips when target and comparison swap', () => {
    fc.assert(
      fc.property(count, count, count, count, ([tb, ntb], [ta, nta], [cb, ncb], [ca, nca]) => {
        const target = [
          [tb, ntb],
          [ta, nta],
        ] as const;
        const comparison = [
          [cb, ncb],
          [ca, nca],
        ] as const;
        const did = diffInDiff({ target, comparison });
        expect(did.lower).toBeGreaterThanOrEqual(-2);
        expect(did.upper).toBeLessThanOrEqual(2);
        expect(did.lower).toBeLessThanOrEqual(did.estimate);
        expect(did.upper).toBeGreaterThanOrEqual(did.estimate);
        const change = newcombeDiff(ta, nta, tb, ntb);
        expect(did.upper - did.lower).toBeGreaterThanOrEqual(change.upper - change.lower - EPS);
        const swapped = diffInDiff({ target: comparison, comparison: target });
        expect(swapped.lower).toBeCloseTo(-did.upper, 12);
        expect(swapped.upper).toBeCloseTo(-did.lower, 12);
      }),
      propertyParameters(),
    );
  });

  it('a mean score interval contains the mean, which lies within the scale', () => {
    const counts = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 5, maxLength: 5 }).filter((c) => c.reduce((a, b) => a + b) >= 2);
    fc.assert(
      fc.property(counts, (c) => {
        const score = meanScore(Object.fromEntries(c.map((k, i) => [i + 1, k])), { bounds: [1, 5] });
        expect(score.mean).toBeGreaterThanOrEqual(1);
        expect(score.mean).toBeLessThanOrEqual(5);
        expect(score.lower).toBeLessThanOrEqual(score.mean + EPS);
        expect(score.upper).toBeGreaterThanOrEqual(score.mean - EPS);
      }),
      propertyParameters(),
    );
  });

  it('an eNPS interval stays within −1..1 and is ordered', () => {
    const group = fc.tuple(fc.nat(2000), fc.nat(2000), fc.nat(2000)).filter(([a, b, c]) => a + b + c > 0);
    fc.assert(
      fc.property(group, ([promoters, passives, detractors]) => {
        const score = enps(promoters, passives, detractors);
        expect(score.lower).toBeGreaterThanOrEqual(-1);
        expect(score.upper).toBeLessThanOrEqual(1);
        expect(score.lower).toBeLessThan(score.upper);
        expect(score.estimate).toBeGreaterThanOrEqual(-1);
        expect(score.estimate).toBeLessThanOrEqual(1);
      }),
      propertyParameters(),
    );
  });
});

describe('test properties', () => {
  it('the z-test p value is a probability, never NaN, and symmetric in the groups', () => {
    fc.assert(
      fc.property(count, count, ([x1, n1], [x2, n2]) => {
        const { z, p } = twoProportionZTest(x1, n1, x2, n2);
        expect(Number.isNaN(z)).toBe(false);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(twoProportionZTest(x2, n2, x1, n1).p).toBeCloseTo(p, 12);
      }),
      propertyParameters(),
    );
  });

  it('BH q values are at least p, at most 1, keep the order of the p values, and ignore input order', () => {
    const pValues = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(pValues, (p) => {
        const q = benjaminiHochberg(p);
        q.forEach((value, i) => {
          expect(value).toBeGreaterThanOrEqual(p[i]);
          expect(value).toBeLessThanOrEqual(1);
        });
        for (let i = 0; i < p.length; i++) for (let j = 0; j < p.length; j++) if (p[i] < p[j]) expect(q[i]).toBeLessThanOrEqual(q[j]);
        const reversed = benjaminiHochberg([...p].reverse());
        expect(reversed.reverse()).toEqual(q);
      }),
      propertyParameters(),
    );
  });

  it('more people never lowers power, and the detectable change shrinks as groups grow', () => {
    const proportion = fc.double({ min: 0.05, max: 0.95, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 2000 }), proportion, proportion, (n, p1, p2) => {
        expect(power2p({ n1: 2 * n, n2: 2 * n, p1, p2 })).toBeGreaterThanOrEqual(power2p({ n1: n, n2: n, p1, p2 }) - EPS);
        const small = minimumDetectableEffect({ n1: n, n2: n, p: p1 });
        const large = minimumDetectableEffect({ n1: 4 * n, n2: 4 * n, p: p1 });
        if (small.up !== null) expect(large.up!).toBeLessThanOrEqual(small.up);
        if (small.down !== null) expect(large.down!).toBeGreaterThanOrEqual(small.down);
      }),
      propertyParameters(),
    );
  });
});
