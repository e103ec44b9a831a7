/** Results of closed waves: one group's results, the comparison with the previous wave, the heatmap, and a survey's trend. */
import type { Context } from 'hono';
import {
  comparisonSchema,
  heatmapQuerySchema,
  heatmapSchema,
  sliceQuerySchema,
  trendQuerySchema,
  trendSchema,
  waveResultsSchema,
} from '../../shared/api-results.ts';
import { createContractApp, errorResponses, jsonOrCsvContent, STAFF, staffRoute, surveyIdParams, waveIdParams } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { preferredLang } from '../http.ts';
import { readerOf } from '../results/access.ts';
import { comparisonCsv, heatmapCsv, resultsCsv, trendCsv } from '../results/csv.ts';
import { buildCompareToPrevious, buildHeatmap, buildResults, buildTrend, pageHeatmap } from '../results/views.ts';

/** JSON, or the view's CSV when `?format=csv` (its headers in `lang`). */
export function respondWith<T>(c: Context, format: string | undefined, view: T, toCsv: (view: T, lang: string) => string, filename: string, lang = 'en') {
  if (format !== 'csv') return c.json(view);
  // Names come from wave and initiative names: keep the header plain ASCII with nothing to break out of the quotes.
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);
  // The byte-order mark tells Excel the file is UTF-8 (without it "Instämmer" opens as mojibake).
  return c.body(`\uFEFF${toCsv(view, lang)}`, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${safe}.csv"`,
    'cache-control': 'no-store',
  });
}

export const resultsRouteDefs = {
  results: staffRoute(STAFF, {
    method: 'get',
    path: '/{waveId}/results',
    summary: 'one group of a closed wave: n, counts, shares with Wilson intervals, mean, eNPS, response rate; ?format=csv',
    request: { params: waveIdParams, query: sliceQuerySchema },
    responses: { 200: jsonOrCsvContent(waveResultsSchema, 'results'), ...errorResponses },
  }),
  comparePrevious: staffRoute(STAFF, {
    method: 'get',
    path: '/{waveId}/compare-previous',
    summary: 'the same against the wave about a year earlier in the survey, else the previous wave',
    request: { params: waveIdParams, query: sliceQuerySchema },
    responses: { 200: jsonOrCsvContent(comparisonSchema, 'comparison'), ...errorResponses },
  }),
  heatmap: staffRoute(STAFF, {
    method: 'get',
    path: '/{waveId}/heatmap',
    summary:
      'statements × groups of an org level or attribute: % favorable and change, colored by the verdict rule (one BH family); JSON a page of groups from ?offset, the CSV every group',
    request: { params: waveIdParams, query: heatmapQuerySchema },
    responses: { 200: jsonOrCsvContent(heatmapSchema, 'heatmap'), ...errorResponses },
  }),
  trend: staffRoute(STAFF, {
    method: 'get',
    path: '/{surveyId}/trend',
    summary: 'one statement across every closed wave of a survey',
    request: { params: surveyIdParams, query: trendQuerySchema },
    responses: { 200: jsonOrCsvContent(trendSchema, 'trend'), ...errorResponses },
  }),
};

/** Mounted at /waves. */
export function resultsRoutes(deps: AppDeps) {
  return createContractApp()
    .openapi(resultsRouteDefs.results, async (c) => {
      const { format, lang, ...slice } = c.req.valid('query');
      const language = preferredLang(c, lang);
      const view = await buildResults(deps, c.req.param('waveId'), slice, { reader: await readerOf(deps, c.get('staff')), lang: language });
      return respondWith(c, format, view, resultsCsv, `results-${view.wave.name}`, language);
    })
    .openapi(resultsRouteDefs.comparePrevious, async (c) => {
      const { format, lang, ...slice } = c.req.valid('query');
      const language = preferredLang(c, lang);
      const view = await buildCompareToPrevious(deps, c.req.param('waveId'), slice, { reader: await readerOf(deps, c.get('staff')), lang: language });
      return respondWith(c, format, view, comparisonCsv, `compare-${view.from.name}-${view.to.name}`, language);
    })
    .openapi(resultsRouteDefs.heatmap, async (c) => {
      const { format, lang, dimension, offset } = c.req.valid('query');
      const language = preferredLang(c, lang);
      const view = await buildHeatmap(deps, c.req.param('waveId'), dimension, { reader: await readerOf(deps, c.get('staff')), lang: language });
      // The CSV is the whole dimension (compact enough for 2,000 groups); JSON a page of groups, what the dashboard shows at once.
      return respondWith(c, format, format === 'csv' ? view : pageHeatmap(view, offset), heatmapCsv, `heatmap-${view.wave.name}-${view.dimension}`, language);
    });
}

/** Mounted at /surveys. */
export function trendRoutes(deps: AppDeps) {
  return createContractApp().openapi(resultsRouteDefs.trend, async (c) => {
    const { format, lang, statement, ...slice } = c.req.valid('query');
    const language = preferredLang(c, lang);
    const view = await buildTrend(deps, c.req.param('surveyId'), statement, slice, { reader: await readerOf(deps, c.get('staff')), lang: language });
    return respondWith(c, format, view, trendCsv, `trend-${statement}`, language);
  });
}
