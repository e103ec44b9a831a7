/**
 * fast-check parameters for every property test: a fixed seed, so that a failure in `npm test`
 * reproduces on the next run and on any machine; `npm run bench -- properties` runs the same
 * properties with PROPERTY_SCALE times the cases and a seed of its own (printed, so a failure
 * there reproduces too). PROPERTY_SEED and PROPERTY_PATH replay a reported failure.
 */
export const PROPERTY_SEED = Number(process.env.PROPERTY_SEED ?? 20261129);

export function propertyParameters(numRuns = 100): { seed: number; numRuns: number; path?: string } {
  const scale = Number(process.env.PROPERTY_SCALE ?? 1);
  return { seed: PROPERTY_SEED, numRuns: Math.max(1, Math.round(numRuns * scale)), ...(process.env.PROPERTY_PATH ? { path: process.env.PROPERTY_PATH } : {}) };
}
