/**
 * The Baseline API: one Hono app, one sub-app per resource, the same in Lambda and embedded mode.
 * Respondent routes are public (the token travels in the body); every other route needs a staff
 * bearer token, verified here whatever sits in front.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { bodyLimit } from 'hono/body-limit';
import { createTokenVerifier, requireRole } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { errorHandler } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { removeDemo } from './demo/remove-demo.ts';
import { respondRoutes } from './routes/respond.ts';
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
import { resultsOpenApiPaths } from './results/openapi-paths.ts';
import { getJob } from './store/jobs.ts';
import { listSurveys } from './store/waves.ts';
import { BaselineError } from './errors.ts';

const KB = 1024;
/** Results routes an analyst may call (each checks the analyst's grants). */
const RESULTS_READ = /^\/api\/(waves\/[^/]+\/(results|compare-previous|heatmap|comments)|surveys\/[^/]+\/trend)$/;
const tooLarge = () => {
  throw new BaselineError(413, 'too-large', 'the request body is too large', 'body');
};

/** The public part: health, client configuration, the respondent routes. Its own Lambda serves just this. */
export function createRespondentApp(deps: AppDeps) {
  const api = new Hono().basePath('/api');
  api.use('*', requestLogger(deps));
  return withCommon(deps, api.route('/', publicRoutes(deps)));
}

/** The whole API (embedded mode, and the staff Lambda). */
export function createApp(deps: AppDeps) {
  const verify = createTokenVerifier(deps.auth);
  const admin = requireRole(verify, 'admin');
  // Analysts read results (limited to their granted units inside the handlers); everything else is admin only.
  const staff = requireRole(verify, 'admin', 'analyst');
  const gate: MiddlewareHandler = (c, next) => (RESULTS_READ.test(c.req.path) ? staff(c, next) : admin(c, next));
  const smallBody = bodyLimit({ maxSize: 256 * KB, onError: tooLarge });
  const importBody = bodyLimit({ maxSize: 10 * KB * KB, onError: tooLarge });
  const limit: MiddlewareHandler = (c, next) => (c.req.path === '/api/waves/import' ? importBody(c, next) : smallBody(c, next));
  const api = new Hono().basePath('/api');
  api.use('*', requestLogger(deps));
  api.route('/', publicRoutes(deps));
  api.get('/openapi.json', (c) => c.json(openApiDocument(resultsOpenApiPaths())));
  // A directory of 300,000 people is ~20 MB of CSV; the cloud sends large files through S3 instead.
  api.use('/roster', admin, bodyLimit({ maxSize: 50 * KB * KB, onError: tooLarge }));
  for (const prefix of ['/statements', '/surveys', '/waves', '/jobs', '/demo']) {
    api.use(prefix, gate, limit);
    api.use(`${prefix}/*`, gate, limit);
  }
  for (const prefix of ['/compare', '/initiatives', '/plan']) {
    api.use(prefix, staff, smallBody);
    api.use(`${prefix}/*`, staff, smallBody);
  }
  api.use('/staff/*', admin, smallBody);
  api.route('/roster', rosterRoutes(deps));
  api.route('/statements', statementRoutes(deps));
  api.route('/surveys', surveyRoutes(deps));
  api.route('/surveys', trendRoutes(deps));
  api.route('/waves', importRoutes(deps));
  api.route('/waves', waveRoutes(deps));
  api.route('/waves', resultsRoutes(deps));
  api.route('/waves', commentRoutes(deps));
  api.route('/compare', compareRoutes(deps));
  api.route('/initiatives', initiativeRoutes(deps));
  api.route('/plan', planRoutes(deps));
  api.route('/staff', grantRoutes(deps));
  api.get('/jobs/:id', async (c) => {
    const { payload: _payload, ...job } = await getJob(deps.store, c.req.param('id'));
    return c.json(job);
  });
  api.delete('/demo', async (c) => c.json(await removeDemo(deps)));
  return withCommon(deps, api);
}

function publicRoutes(deps: AppDeps) {
  return new Hono()
    .get('/health', (c) => c.json({ ok: true }))
    .get('/config', async (c) => c.json({ auth: deps.webAuth, demo: (await listSurveys(deps.store)).some((survey) => survey.demo) }))
    .use('/questionnaire', bodyLimit({ maxSize: 16 * KB, onError: tooLarge }))
    .use('/responses', bodyLimit({ maxSize: 64 * KB, onError: tooLarge }))
    .route('/', respondRoutes(deps));
}

function withCommon<T extends Hono>(deps: AppDeps, api: T): T {
  api.onError(errorHandler(deps.logger));
  api.notFound((c) => c.json({ error: { code: 'not-found', message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));
  return api;
}

/** Request log lines: method, route pattern, status and duration only; never a path, body, address or agent. */
function requestLogger(deps: AppDeps): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info('request', { method: c.req.method, route: routePath(c, -1), status: c.res.status, ms: Math.round(performance.now() - started) });
  };
}
