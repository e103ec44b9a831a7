/** The one verdict rule: the word and the cell colour come from the same judgement. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, twoProportionZTest } from '../shared/stats.ts';
import { describeChange, judgeChange, judgeChanges, type ChangeCell } from '../shared/verdict.ts';
import { propertyParameters } from './helpers/properties.ts';

const cell = (xBefore: number, nBefore: number, xAfter: number, nAfter: number): ChangeCell => ({
  before: { x: xBefore, n: nBefore },
  after: { x: xAfter, n: nAfter },
});

describe('describeChange', () => {
  it('a significant rise reads as a rise with its interval, in whole points', () => {
    const words = describeChange({ estimate: 0.06, lower: 0.012, upper: 0.108, p: 0.004, verdict: 'rose', detectable: { down: -0.05, up: 0.05 } });
    expect(words).toBe('rose 6 points (95% interval +1 to +11)');
  });

  it('a change that cannot be told from noise says so, and says what could have been seen', () => {
    const words = describeChange({ estimate: 0.04, lower: -0.02, upper: 0.1, p: 0.2, verdict: 'noise', detectable: { down: -0.11, up: 0.12 } });
    expect(words).toBe("rose 4 points (95% interval −2 to +10): can't tell from noise; only changes beyond −11 / +12 points are detectable here");
  });

  it('names a one-sided or missing detectable change plainly', () => {
    const base = { estimate: -0.005, lower: -0.3, upper: 0.2, p: 0.9, verdict: 'noise' as const };
    expect(describeChange({ ...base, detectable: { down: null, up: 0.34 } })).toBe(
      "fell less than 1 point (95% interval −30 to +20): can't tell from noise; only rises beyond +34 points are detectable here",
    );
    expect(describeChange({ ...base, estimate: 0, detectable: { down: null, up: null } })).toBe(
      "did not change (95% interval −30 to +20): can't tell from noise; no change is detectable with groups this small",
    );
  });
});

describe('judgeChanges', () => {
  it('measures after − before: a fall is a fall', () => {
    const judged = judgeChange(cell(400, 1000, 340, 1000));
    expect(judged.estimate).toBeCloseTo(-0.06, 12);
    expect(judged.verdict).toBe('fell');
    expect(judged.words).toMatch(/^fell 6 points \(95% interval −10 to −2\)$/);
  });

  it('uses the z-test p, the baseline proportion for the detectable change, and the Newcombe interval', () => {
    const judged = judgeChange(cell(120, 200, 132, 200));
    expect(judged.p).toBeCloseTo(twoProportionZTest(132, 200, 120, 200).p, 12);
    expect(judged.q).toBe(judged.p);
    expect(judged.detectable).toEqual(minimumDetectableEffect({ n1: 200, n2: 200, p: 0.6 }));
    expect(judged.verdict).toBe('noise');
    expect(judged.words).toBe("rose 6 points (95% interval −3 to +15): can't tell from noise; only changes beyond −14 / +13 points are detectable here");
  });

  it('a p ≈ 0.03 rise is significant alone but not among 20 cells of a heatmap (Benjamini–Hochberg)', () => {
    const suspect = cell(100, 200, 121, 200);
    expect(judgeChange(suspect).p).toBeCloseTo(0.035, 2);
    expect(judgeChange(suspect).verdict).toBe('rose');

    const quiet = Array.from({ length: 19 }, (_, i) => cell(100, 200, 96 + (i % 9), 200));
    const [judged] = judgeChanges([suspect, ...quiet]);
    expect(judged!.q).toBeGreaterThan(0.05);
    expect(judged!.verdict).toBe('noise');
    expect(judged!.words).toContain("can't tell from noise among the 20 changes compared here");
  });

  it('suppressed cells keep their place and take no part in the family', () => {
    const visible = [cell(100, 200, 121, 200), cell(50, 100, 52, 100)];
    const withHoles = judgeChanges([null, visible[0], null, visible[1]]);
    expect(withHoles[0]).toBeNull();
    expect(withHoles[2]).toBeNull();
    expect([withHoles[1], withHoles[3]]).toEqual(judgeChanges(visible));
  });

  it('the word and the colour key agree for any family (property)', () => {
    const aCell = fc
      .tuple(
        fc.integer({ min: 5, max: 3000 }),
        fc.integer({ min: 5, max: 3000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([nBefore, nAfter, before, after]) => cell(Math.round(before * nBefore), nBefore, Math.round(after * nAfter), nAfter));
    fc.assert(
      fc.property(fc.array(fc.option(aCell, { nil: null }), { minLength: 1, maxLength: 40 }), (cells) => {
        for (const judged of judgeChanges(cells)) {
          if (!judged) continue;
          expect(judged.q).toBeGreaterThanOrEqual(judged.p);
          const noise = judged.words.includes("can't tell from noise");
          expect(noise).toBe(judged.verdict === 'noise');
          if (judged.verdict === 'rose') {
            expect(judged.estimate).toBeGreaterThan(0);
            expect(judged.q).toBeLessThan(0.05);
            expect(judged.words).toMatch(/^rose /);
          }
          if (judged.verdict === 'fell') {
            expect(judged.estimate).toBeLessThan(0);
            expect(judged.q).toBeLessThan(0.05);
            expect(judged.words).toMatch(/^fell /);
          }
        }
      }),
      propertyParameters(),
    );
  });
});
