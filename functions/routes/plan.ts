/** The power planner (GET /api/plan): what two waves, or an initiative, can detect with given group sizes, and the sizes a change needs. */
import { type Plan, planQuerySchema, planSchema } from '../../shared/api-results.ts';
import { minimumDetectableDiD, minimumDetectableEffect, requiredSampleSize, requiredSampleSizeDiD } from '../../shared/stats.ts';
import type { AppDeps } from '../deps.ts';
import { createContractApp, errorResponses, jsonContent, STAFF, staffRoute } from '../contract.ts';

const MINUS = '\u2212';
const signed = (value: number | null) => (value === null ? 'none' : value > 0 ? `+${Math.round(value * 100)}` : `${MINUS}${Math.round(-value * 100)}`);
const finite = (n: number) => (Number.isFinite(n) ? Math.ceil(n) : undefined);

export const planRouteDefs = {
  plan: staffRoute(STAFF, {
    method: 'get',
    path: '/',
    summary: 'power planner: detectable change for group sizes, sizes needed for a change',
    request: { query: planQuerySchema },
    responses: { 200: jsonContent(planSchema, 'the plan'), ...errorResponses },
  }),
};

export function planRoutes(_deps: AppDeps) {
  return createContractApp().openapi(planRouteDefs.plan, (c) => {
    const { n1, n2, p, change } = c.req.valid('query');
    const twoWaves = minimumDetectableEffect({ n1, n2, p });
    const initiative = minimumDetectableDiD({ target: { nBefore: n1, nAfter: n1, p }, comparison: { nBefore: n2, nAfter: n2, p } });
    const reachable = change !== undefined && p + change > 0 && p + change < 1;
    const plan: Plan = {
      inputs: { n1, n2, p, ...(change !== undefined ? { change } : {}) },
      twoWaves: { detectable: twoWaves, ...(reachable ? { neededPerWave: finite(requiredSampleSize({ p1: p, p2: p + change })) } : {}) },
      initiative: { detectable: initiative, ...(reachable ? { neededPerGroup: finite(requiredSampleSizeDiD({ pTarget: p, pComparison: p, change })) } : {}) },
      words: `With ${n1} and ${n2} respondents starting at ${Math.round(p * 100)}% favorable, two waves detect changes beyond ${signed(twoWaves.down)} / ${signed(twoWaves.up)} points; an initiative (target ${n1}, comparison ${n2}) detects differences beyond ${signed(initiative.down)} / ${signed(initiative.up)} points.`,
    };
    return c.json(plan);
  });
}
