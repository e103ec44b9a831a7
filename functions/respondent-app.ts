/**
 * The public API alone: health, client configuration and the respondent routes. The respondent
 * Lambda serves just this, so its bundle carries no staff, results or OpenAPI code.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import type { AppDeps } from './deps.ts';
import { BaselineError } from './errors.ts';
import { errorHandler } from './http.ts';
import { respondRoutes } from './routes/respond.ts';
import { secureHeadersMiddleware } from './secure-headers.ts';
import { listSurveys } from './store/waves.ts';

const KB = 1024;

/** Bodies over the limit get a 413 in our error shape. */
export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new BaselineError(413, 'too-large', 'the request body is too large', 'body');
    },
  });
}

/**
 * The respondent page posts its JSON as text/plain: from the site to the Respond function's URL (another
 * origin) that is a CORS-simple request, which a browser sends without a preflight. Such a body is read
 * as the JSON it is; any other non-JSON type stays as it came and the validator answers 400.
 */
export function acceptTextAsJson(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type === 'text/plain') c.req.raw.headers.set('content-type', 'application/json');
    await next();
  };
}

/** Request log lines: method, route pattern, status and duration only; never a path, body, address or agent. */
export function requestLogger(deps: AppDeps): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info('request', { method: c.req.method, route: routePath(c, -1), status: c.res.status, ms: Math.round(performance.now() - started) });
  };
}

/** The routes anyone may call. */
export function publicRoutes(deps: AppDeps) {
  return new Hono()
    .get('/health', (c) => c.json({ ok: true }))
    .get('/config', async (c) => c.json({ auth: deps.webAuth, demo: (await listSurveys(deps.store)).some((survey) => survey.demo) }))
    .use('/questionnaire', limitBody(16 * KB), acceptTextAsJson())
    .use('/responses', limitBody(64 * KB), acceptTextAsJson())
    .route('/', respondRoutes(deps));
}

/** The JSON 404 for a path under /api that no route serves (never the dashboard's HTML). */
export const answerNoRoute = (c: Context) => c.json({ error: { code: 'not-found', message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404);

/** What every API app has: security headers, request logging, the one error mapping, a JSON 404. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and schema
export function applyApiEdges<App extends Hono<any, any, any>>(api: App, deps: AppDeps): App {
  api.use('*', secureHeadersMiddleware());
  api.use('*', requestLogger(deps));
  api.onError(errorHandler(deps.logger));
  api.notFound(answerNoRoute);
  return api;
}

/** A Hono app under /api with the shared edges. */
export function createApiBase(deps: AppDeps) {
  return applyApiEdges(new Hono().basePath('/api'), deps);
}

export function createRespondentApp(deps: AppDeps) {
  return createApiBase(deps).route('/', publicRoutes(deps));
}
