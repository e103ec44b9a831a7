/** The embedded server's whole site: the API, the respondent page at /r and the dashboard, all behind the same security headers. */
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import { answerNoRoute } from '../respondent-app.ts';
import { secureHeadersMiddleware } from '../secure-headers.ts';

// biome-ignore lint/suspicious/noExplicitAny: the API app, whatever its env
export function createSite(api: Hono<any, any, any>, webRoot: string) {
  const site = new Hono();
  site.use('*', secureHeadersMiddleware());
  site.route('/', api);
  // An unknown API path is a JSON 404, not the dashboard's shell below.
  site.all('/api/*', answerNoRoute);
  site.all('/api', answerNoRoute);
  // The build writes .br and .gz copies beside every file; serving them keeps the respondent page
  // inside its 40 KB budget. Hashed asset names never change content, so they may be cached for good.
  const immutable = (path: string, c: Context) => {
    if (path.includes('/assets/')) c.header('cache-control', 'public, max-age=31536000, immutable');
  };
  site.get('/r', serveStatic({ path: join(webRoot, 'respond.html'), precompressed: true }));
  site.use('/*', serveStatic({ root: webRoot, precompressed: true, onFound: immutable }));
  // The dashboard routes in the browser: any other page path gets its shell.
  site.get('*', serveStatic({ path: join(webRoot, 'index.html'), precompressed: true }));
  return site;
}
