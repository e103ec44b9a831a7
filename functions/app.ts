/**
 * The Baseline API: one Hono app, one sub-app per resource, the same in Lambda and embedded mode.
 * Respondent routes are public (the token travels in the body); every other route needs a staff
 * bearer token, verified here whatever sits in front.
 */
import type { MiddlewareHandler } from 'hono';
import { createTokenVerifier, requireRole } from './auth.ts';
import { ValidationError } from './errors.ts';
import type { AppDeps } from './deps.ts';
import { openApiDocument } from './openapi.ts';
import { removeDemo } from './demo/remove-demo.ts';
import { createApiBase, limitBody, publicRoutes } from './respondent-app.ts';
import { rosterRoutes } from './routes/roster.ts';
import { statementRoutes } from './routes/statements.ts';
import { surveyRoutes } from './routes/surveys.ts';
import { waveRoutes } from './routes/waves.ts';
import { commentRoutes } from './routes/comments.ts';
import { compareRoutes } from './routes/compare.ts';
import { grantRoutes } from './routes/grants.ts';
import { importRoutes } from './routes/imports.ts';
import { initiativeRoutes } from './routes/initiatives.ts';
import { planRoutes } from './routes/plan.ts';
import { resultsRoutes, trendRoutes } from './routes/results.ts';
import { segmentRoutes } from './routes/segments.ts';
import { resultsOpenApiPaths } from './results/openapi-paths.ts';
import { getJob } from './store/jobs.ts';

const KB = 1024;
/** Longer than any id a route takes: such a path is refused before it reaches a handler or the store. */
const MAX_PATH_SEGMENT = 200;

const boundPathSegments: MiddlewareHandler = async (c, next) => {
  if (new URL(c.req.url).pathname.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT)) {
    throw new ValidationError(`path: a path segment is longer than ${MAX_PATH_SEGMENT} characters`, 'path');
  }
  await next();
};
/** Results routes an analyst may call (each checks the analyst's grants). */
const RESULTS_READ = /^\/api\/(waves\/[^/]+\/(results|compare-previous|heatmap|comments|segments)|surveys\/[^/]+\/trend)$/;
/** What an analyst reads to find its way to results: the survey and wave list, the statement bank. */
const CATALOG_READ = /^\/api\/(surveys|surveys\/[^/]+|statements)$/;

/** The whole API (embedded mode, and the staff Lambda). */
export function createApp(deps: AppDeps) {
  const verify = createTokenVerifier(deps.auth);
  const admin = requireRole(verify, 'admin');
  // Analysts read results (limited to their granted units inside the handlers); everything else is admin only.
  const staff = requireRole(verify, 'admin', 'analyst');
  const gate: MiddlewareHandler = (c, next) =>
    RESULTS_READ.test(c.req.path) || (c.req.method === 'GET' && CATALOG_READ.test(c.req.path)) ? staff(c, next) : admin(c, next);
  const smallBody = limitBody(256 * KB);
  const importBody = limitBody(10 * KB * KB);
  const limit: MiddlewareHandler = (c, next) => (c.req.path === '/api/waves/import' ? importBody(c, next) : smallBody(c, next));
  const api = createApiBase(deps);
  api.use('*', boundPathSegments);
  api.route('/', publicRoutes(deps));
  api.get('/openapi.json', (c) => c.json(openApiDocument(resultsOpenApiPaths())));
  // In Hono 4.13 '/x/*' matches '/x' itself and everything below it: one registration guards a
  // resource (guarding '/roster' alone once left '/roster/uploads' open; registering both '/x' and
  // '/x/*' checked the token twice on '/x').
  const guard = (prefixes: string[], ...middleware: MiddlewareHandler[]) => {
    for (const prefix of prefixes) api.use(`${prefix}/*`, ...middleware);
  };
  // A directory of 300,000 people is ~20 MB of CSV; the cloud sends large files through S3 instead.
  guard(['/roster'], admin, limitBody(50 * KB * KB));
  guard(['/statements', '/surveys', '/waves', '/jobs', '/demo'], gate, limit);
  guard(['/compare', '/initiatives', '/plan'], staff, smallBody);
  guard(['/staff'], admin, smallBody);
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
  api.get('/jobs/:id', async (c) => {
    const { payload: _payload, ...job } = await getJob(deps.store, c.req.param('id'));
    return c.json(job);
  });
  api.delete('/demo', async (c) => c.json(await removeDemo(deps)));
  return api;
}
