/** Any two closed waves compared for one group (GET /api/compare). */
import { Hono } from 'hono';
import { compareQuerySchema } from '../../shared/api-results.ts';
import type { StaffVariables } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { validate, preferredLang } from '../http.ts';
import { readerOf } from '../results/access.ts';
import { comparisonCsv } from '../results/csv.ts';
import { buildComparison } from '../results/views.ts';
import { respondWith } from './results.ts';

export function compareRoutes(deps: AppDeps) {
  return new Hono<{ Variables: StaffVariables }>().get('/', validate('query', compareQuerySchema), async (c) => {
    const { format, lang, from, to, ...slice } = c.req.valid('query');
    const view = await buildComparison(deps, from, to, slice, { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
    return respondWith(c, format, view, comparisonCsv, `compare-${view.from.name}-${view.to.name}`);
  });
}
