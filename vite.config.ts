import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Two pages, built as two separate environments so they share no chunk: with one multi-input
 * build the bundler puts the Svelte runtime both pages use into a common chunk, tree-shaken for
 * the union of both, and the respondent page (budget: 40 KB in all) would load runtime code only
 * the dashboard needs. Built apart, each page gets exactly its own code.
 *
 *
 *   web/index.html   → web/dist/index.html     the dashboard SPA, served at `/` and, as a fallback,
 *                                              at every unknown non-/api path (history routing)
 *   web/respond.html → web/dist/respond.html   the respondent page, served at `/r` (the invitation
 *                                              link is `/r#<token>`; the fragment never reaches a server)
 *   shared JS and CSS → web/dist/assets/*      content-hashed, cacheable forever
 *
 * functions/local/main.ts (and the CloudFront behaviours in infra/) map `/r` to `respond.html`.
 * The dev and preview servers below do the same, and proxy `/api` to a running `npm run dev`.
 */
const root = fileURLToPath(new URL('./web', import.meta.url));

const serveRespondentPageAtR: Connect.NextHandleFunction = (req, _res, next) => {
  if (req.url === '/r' || req.url?.startsWith('/r?')) req.url = '/respond.html';
  next();
};

/**
 * Write `.br` and `.gz` beside every text file of the build, compressed once at the highest level,
 * so a static server with precompressed serving (Hono's `serveStatic({ precompressed: true })`)
 * sends the respondent page at a third of its size without compressing per request.
 */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle).filter((file) => /\.(js|css|html|svg|json)$/.test(file))) {
        const path = join(options.dir!, name);
        const item = bundle[name];
        const source = item.type === 'asset' ? item.source : item.code;
        const bytes = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

const apiProxy = { '/api': `http://127.0.0.1:${process.env.API_PORT ?? '8787'}` };

export default defineConfig({
  root,
  plugins: [
    svelte(),
    precompress(),
    {
      name: 'respondent-page-at-r',
      configureServer: (server) => void server.middlewares.use(serveRespondentPageAtR),
      configurePreviewServer: (server) => void server.middlewares.use(serveRespondentPageAtR),
    },
  ],
  build: { outDir: 'dist', target: 'es2022' },
  environments: {
    client: { build: { emptyOutDir: true, rolldownOptions: { input: { index: `${root}/index.html` } } } },
    respond: {
      consumer: 'client',
      build: { emptyOutDir: false, rolldownOptions: { input: { respond: `${root}/respond.html` } } },
    },
  },
  builder: {
    // Dashboard first: its build empties web/dist, the respondent build then adds to it.
    buildApp: async (builder) => {
      await builder.build(builder.environments.client);
      await builder.build(builder.environments.respond);
    },
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
});
