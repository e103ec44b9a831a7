/** Results of closed waves: one group's results, the comparison with the previous wave, the heatmap, and a survey's trend. */
import { Hono, type Context } from 'hono';
import { heatmapQuerySchema, sliceQuerySchema, trendQuerySchema } from '../../shared/api-results.ts';
import type { StaffVariables } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { validate, preferredLang } from '../http.ts';
import { readerOf } from '../results/access.ts';
import { comparisonCsv, heatmapCsv, resultsCsv, trendCsv } from '../results/csv.ts';
import { buildCompareToPrevious, buildHeatmap, buildResults, buildTrend } from '../results/views.ts';

/** JSON, or the view's CSV when `?format=csv`. */
export function respondWith<T>(c: Context, format: string | undefined, view: T, toCsv: (view: T) => string, filename: string) {
  if (format !== 'csv') return c.json(view);
  // Names come from wave and initiative names: keep the header plain ASCII with nothing to break out of the quotes.
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);
  return c.body(toCsv(view), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${safe}.csv"`, 'cache-control': 'no-store' });
}

/** Mounted at /waves. */
export function resultsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: StaffVariables }>()
    .get('/:id/results', validate('query', sliceQuerySchema), async (c) => {
      const { format, lang, ...slice } = c.req.valid('query');
      const view = await buildResults(deps, c.req.param('id'), slice, { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
      return respondWith(c, format, view, resultsCsv, `results-${view.wave.name}`);
    })
    .get('/:id/compare-previous', validate('query', sliceQuerySchema), async (c) => {
      const { format, lang, ...slice } = c.req.valid('query');
      const view = await buildCompareToPrevious(deps, c.req.param('id'), slice, { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
      return respondWith(c, format, view, comparisonCsv, `compare-${view.from.name}-${view.to.name}`);
    })
    .get('/:id/heatmap', validate('query', heatmapQuerySchema), async (c) => {
      const { format, lang, dimension } = c.req.valid('query');
      const view = await buildHeatmap(deps, c.req.param('id'), dimension, { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
      return respondWith(c, format, view, heatmapCsv, `heatmap-${view.wave.name}-${view.dimension}`);
    });
}

/** Mounted at /surveys. */
export function trendRoutes(deps: AppDeps) {
  return new Hono<{ Variables: StaffVariables }>().get('/:id/trend', validate('query', trendQuerySchema), async (c) => {
    const { format, lang, statement, ...slice } = c.req.valid('query');
    const view = await buildTrend(deps, c.req.param('id'), statement, slice, { reader: await readerOf(deps, c.get('staff')), lang: preferredLang(c, lang) });
    return respondWith(c, format, view, trendCsv, `trend-${statement}`);
  });
}
