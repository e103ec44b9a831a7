/**
 * Benjamini–Hochberg adjusted p-values ("q values"), in input order: the step-up false discovery
 * rate procedure (Benjamini & Hochberg 1995), computed as R's p.adjust(p, method = "BH"):
 * q(i) = min over j >= i of (m / j) · p(j) for the ascending p(1..m), capped at 1. A cell is
 * significant at FDR alpha when q < alpha.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const [i, p] of pValues.entries()) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p value ${i} must be between 0 and 1, got ${p}`);
  }
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[b] - pValues[a]);
  const q = new Array<number>(m);
  let running = 1;
  order.forEach((index, k) => {
    running = Math.min(running, (m / (m - k)) * pValues[index]);
    q[index] = running;
  });
  return q;
}
