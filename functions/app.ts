/**
 * The Baseline API: one Hono app, one sub-app per resource, the same in Lambda and embedded mode.
 * Respondent routes are public (the token travels in the body); every other route is declared with
 * the roles that may call it (functions/contract.ts), which the route checks itself, whatever sits
 * in front. /api/openapi.json is generated from the same declarations.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { createTokenVerifier } from './auth.ts';
import { type ContractEnv, createContractApp, jsonContent } from './contract.ts';
import type { AppDeps } from './deps.ts';
import { ValidationError } from './errors.ts';
import { errorsComponent, publicOpenApiPaths } from './openapi-public.ts';
import { applyApiEdges, limitBody, publicRoutes } from './respondent-app.ts';
import { commentRoutes } from './routes/comments.ts';
import { compareRoutes } from './routes/compare.ts';
import { demoRoutes } from './routes/demo.ts';
import { grantRoutes } from './routes/grants.ts';
import { importRoutes } from './routes/imports.ts';
import { initiativeRoutes } from './routes/initiatives.ts';
import { jobRoutes } from './routes/jobs.ts';
import { planRoutes } from './routes/plan.ts';
import { resultsRoutes, trendRoutes } from './routes/results.ts';
import { rosterRoutes } from './routes/roster.ts';
import { segmentRoutes } from './routes/segments.ts';
import { statementRoutes } from './routes/statements.ts';
import { surveyRoutes } from './routes/surveys.ts';
import { waveRoutes } from './routes/waves.ts';

const KB = 1024;
/** Longer than any id a route takes: such a path is refused before it reaches a handler or the store. */
const MAX_PATH_SEGMENT = 200;

const boundPathSegments: MiddlewareHandler = async (c, next) => {
  if (new URL(c.req.url).pathname.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT)) {
    throw new ValidationError(`path: a path segment is longer than ${MAX_PATH_SEGMENT} characters`, 'path');
  }
  await next();
};

/** The routes anyone may call, by method and path as the document names them. */
export const PUBLIC_ROUTES = ['GET /api/health', 'GET /api/config', 'GET /api/openapi.json', 'POST /api/questionnaire', 'POST /api/responses'] as const;

const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'this document (OpenAPI 3.1), generated from the route declarations',
  'x-public': true,
  responses: { 200: jsonContent(z.object({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).loose(), 'the document') },
});

/** The whole API (embedded mode, and the staff Lambda). */
export function createApp(deps: AppDeps) {
  const verify = createTokenVerifier(deps.auth);
  const api = applyApiEdges(createContractApp().basePath('/api'), deps);
  api.use('*', boundPathSegments);
  // Each staff route verifies the bearer token itself (contract.ts), with this one verifier.
  api.use('*', async (c, next) => {
    c.set('verifyToken', verify);
    await next();
  });
  // A directory of 300,000 people is ~20 MB of CSV; the cloud sends large files through S3 instead.
  api.use('/roster/*', limitBody(50 * KB * KB));
  api.use('/waves/import', limitBody(10 * KB * KB));
  for (const prefix of ['/statements', '/surveys', '/waves', '/jobs', '/demo', '/compare', '/initiatives', '/plan', '/staff'])
    api.use(`${prefix}/*`, limitBody(256 * KB));
  api.route('/', publicRoutes(deps));
  api.route('/roster', rosterRoutes(deps));
  api.route('/statements', statementRoutes(deps));
  api.route('/surveys', surveyRoutes(deps));
  api.route('/surveys', trendRoutes(deps));
  api.route('/waves', importRoutes(deps));
  api.route('/waves', waveRoutes(deps));
  api.route('/waves', resultsRoutes(deps));
  api.route('/waves', commentRoutes(deps));
  api.route('/waves', segmentRoutes(deps));
  api.route('/compare', compareRoutes(deps));
  api.route('/initiatives', initiativeRoutes(deps));
  api.route('/plan', planRoutes(deps));
  api.route('/staff', grantRoutes(deps));
  api.route('/jobs', jobRoutes(deps));
  api.route('/demo', demoRoutes(deps));
  let document: unknown;
  api.openapi(openApiRoute, (c) => {
    document ??= buildOpenApiDocument(api);
    return c.json(document as { openapi: string; paths: Record<string, unknown> });
  });
  return api;
}

/** The document: every declared route, the public respondent routes, one `Errors` schema. */
export function buildOpenApiDocument(api: ReturnType<typeof createContractApp>) {
  const generated = api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Baseline API', version: '1', description: 'Organizational-health pulse surveys with honest statistics and enforced confidentiality.' },
  });
  // Every error answer has the one shape: point them all at one `Errors` schema instead of a copy each.
  for (const operations of Object.values(generated.paths ?? {})) {
    for (const operation of Object.values(operations as Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>)) {
      const errorAnswer = operation.responses?.['4XX']?.content?.['application/json'];
      if (errorAnswer) errorAnswer.schema = { $ref: '#/components/schemas/Errors' };
    }
  }
  return {
    ...generated,
    paths: { ...publicOpenApiPaths(), ...generated.paths },
    components: {
      ...generated.components,
      schemas: { ...generated.components?.schemas, Errors: errorsComponent },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

export type { ContractEnv };
