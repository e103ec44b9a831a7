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
import { getJob } from './store/jobs.ts';
import { listSurveys } from './store/waves.ts';
import { BaselineError } from './errors.ts';

const KB = 1024;
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
  const admin = requireRole(createTokenVerifier(deps.auth), 'admin');
  const api = new Hono().basePath('/api');
  api.use('*', requestLogger(deps));
  api.route('/', publicRoutes(deps));
  api.get('/openapi.json', (c) => c.json(openApiDocument()));
  // A directory of 300,000 people is ~20 MB of CSV; the cloud sends large files through S3 instead.
  api.use('/roster', admin, bodyLimit({ maxSize: 50 * KB * KB, onError: tooLarge }));
  for (const prefix of ['/statements', '/surveys', '/waves', '/jobs', '/demo']) {
    api.use(prefix, admin, bodyLimit({ maxSize: 256 * KB, onError: tooLarge }));
    api.use(`${prefix}/*`, admin, bodyLimit({ maxSize: 256 * KB, onError: tooLarge }));
  }
  api.route('/roster', rosterRoutes(deps));
  api.route('/statements', statementRoutes(deps));
  api.route('/surveys', surveyRoutes(deps));
  api.route('/waves', waveRoutes(deps));
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
