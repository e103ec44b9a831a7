/** The results routes in the OpenAPI document: queries, bodies and responses from the zod schemas in shared/api-results.ts. */
import * as z from 'zod';
import type { ZodObject, ZodType } from 'zod';
import {
  commentsQuerySchema,
  commentsSchema,
  compareQuerySchema,
  comparisonSchema,
  grantsSchema,
  heatmapQuerySchema,
  heatmapSchema,
  impactQuerySchema,
  impactSchema,
  initiativeCreateSchema,
  initiativeEditSchema,
  initiativeListSchema,
  initiativeSchema,
  planQuerySchema,
  planSchema,
  sliceQuerySchema,
  trendQuerySchema,
  trendSchema,
  waveImportReportSchema,
  waveImportSchema,
  waveResultsSchema,
} from '../../shared/api-results.ts';

const schemaOf = (schema: ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });
const body = (schema: ZodType) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema, 'input') } } });
const ok = (description: string, schema: ZodType, csv = false) => ({
  200: { description, content: { 'application/json': { schema: schemaOf(schema, 'output') }, ...(csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) } },
});
const errors = { '4XX': { description: 'what is wrong, naming the field; 403 outside an analyst\'s grants' } };
const staff = { security: [{ bearer: [] }] };
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const query = (schema: ZodObject) =>
  Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'query', required: !(field as ZodType).safeParse(undefined).success, schema: schemaOf(field as ZodType, 'input') }));

/** Paths for openApiDocument(extraPaths). */
export function resultsOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/waves/{id}/results': { get: { ...staff, summary: 'one group of a closed wave: n, counts, shares with Wilson intervals, mean, eNPS, response rate; ?format=csv', parameters: [path('id'), ...query(sliceQuerySchema)], responses: { ...ok('results', waveResultsSchema, true), ...errors } } },
    '/api/compare': { get: { ...staff, summary: 'two waves for one group: change with Newcombe interval, p, q, verdict, detectable change; the larger k applies', parameters: query(compareQuerySchema), responses: { ...ok('comparison', comparisonSchema, true), ...errors } } },
    '/api/waves/{id}/compare-previous': { get: { ...staff, summary: 'the same against the wave about a year earlier in the survey, else the previous wave', parameters: [path('id'), ...query(sliceQuerySchema)], responses: { ...ok('comparison', comparisonSchema, true), ...errors } } },
    '/api/waves/{id}/heatmap': { get: { ...staff, summary: 'statements × groups of an org level or attribute: % favorable and change, colored by the verdict rule (one BH family)', parameters: [path('id'), ...query(heatmapQuerySchema)], responses: { ...ok('heatmap', heatmapSchema, true), ...errors } } },
    '/api/surveys/{id}/trend': { get: { ...staff, summary: 'one statement across every closed wave of a survey', parameters: [path('id'), ...query(trendQuerySchema)], responses: { ...ok('trend', trendSchema, true), ...errors } } },
    '/api/initiatives': {
      get: { ...staff, summary: 'initiatives', responses: { ...ok('initiatives', initiativeListSchema) } },
      post: { ...staff, summary: 'register an initiative; a comparison overlapping the target is a 400', requestBody: body(initiativeCreateSchema), responses: { 201: { description: 'created', content: { 'application/json': { schema: schemaOf(initiativeSchema, 'output') } } }, ...errors } },
    },
    '/api/initiatives/{id}': {
      patch: { ...staff, summary: 'edit an initiative (hypothesis, statements, follow-up waves, phase); kept in its history with the date, the registration never changes', parameters: [path('id')], requestBody: body(initiativeEditSchema), responses: { ...ok('initiative', initiativeSchema), ...errors } },
    },
    '/api/waves/{id}/segments': { get: { ...staff, summary: 'the groups of a closed wave the reader may open (an analyst: inside the grants), as the results routes take them', parameters: [path('id')], responses: { 200: { description: 'groups' }, ...errors } } },
    '/api/staff/units': { get: { ...staff, summary: 'admin: every org unit of the directory, to grant from', responses: { 200: { description: 'unit paths' }, ...errors } } },
    '/api/initiatives/{id}/impact': { get: { ...staff, summary: 'difference-in-differences per statement, verdict against the hypothesis, pre-trend check, regression-to-the-mean note, confounding warnings', parameters: [path('id'), ...query(impactQuerySchema)], responses: { ...ok('impact', impactSchema, true), ...errors } } },
    '/api/plan': { get: { ...staff, summary: 'power planner: detectable change for group sizes, sizes needed for a change', parameters: query(planQuerySchema), responses: { ...ok('plan', planSchema), ...errors } } },
    '/api/waves/import': { post: { ...staff, summary: 'a closed wave from a CSV of aggregate results, suppressed by the same rules', requestBody: body(waveImportSchema), responses: { 201: { description: 'imported', content: { 'application/json': { schema: schemaOf(waveImportReportSchema, 'output') } } }, ...errors } } },
    '/api/waves/{id}/comments': { get: { ...staff, summary: 'comments of groups with 10 or more respondents, shuffled, never by attributes', parameters: [path('id'), ...query(commentsQuerySchema)], responses: { ...ok('comments', commentsSchema), ...errors } } },
    '/api/staff/{subject}/grants': {
      get: { ...staff, summary: 'admin: the org units an analyst may read', parameters: [path('subject')], responses: { ...ok('grants', grantsSchema), ...errors } },
      put: { ...staff, summary: 'admin: replace an analyst\'s granted org units', parameters: [path('subject')], requestBody: body(grantsSchema), responses: { ...ok('grants', grantsSchema), ...errors } },
    },
  };
}
