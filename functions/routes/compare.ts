/** Any two closed waves compared for one group (GET /api/compare). */
import { compareQuerySchema, comparisonSchema } from '../../shared/api-results.ts';
import { createContractApp, errorResponses, jsonOrCsvContent, STAFF, staffRoute } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { preferredLang } from '../http.ts';
import { readerOf } from '../results/access.ts';
import { comparisonCsv } from '../results/csv.ts';
import { buildComparison } from '../results/views.ts';
import { respondWith } from './results.ts';

export const compareRouteDefs = {
  compare: staffRoute(STAFF, {
    method: 'get',
    path: '/',
    summary: 'two waves for one group: change with Newcombe interval, p, q, verdict, detectable change; the larger k applies',
    request: { query: compareQuerySchema },
    responses: { 200: jsonOrCsvContent(comparisonSchema, 'comparison'), ...errorResponses },
  }),
};

export function compareRoutes(deps: AppDeps) {
  return createContractApp().openapi(compareRouteDefs.compare, async (c) => {
    const { format, lang, from, to, ...slice } = c.req.valid('query');
    const view = await buildComparison(deps, from, to, slice, { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
    return respondWith(c, format, view, comparisonCsv, `compare-${view.from.name}-${view.to.name}`);
  });
}
