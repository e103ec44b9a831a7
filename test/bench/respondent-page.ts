/**
 * The respondent page's budget, measured in Debian's chromium on the slow mobile profile of
 * issue 4 (1.6 Mbps down, 750 kbps up, 150 ms round trip, 4× CPU slowdown), cold cache each run:
 * bytes transferred (headers included, as the network sees them), request count, third-party
 * requests, and the time from navigation start until the first statement's radios accept input.
 * Also the dashboard's JS size (raw and gzip) from the build.
 *
 *   npx vite build --logLevel warn && npx tsx test/bench/respondent-page.ts [runs] [--compressed]
 *
 * `--compressed` serves web/dist the way CloudFront does (brotli/gzip, here the build's
 * precompressed files) from a static server in this script, with /api passed to `npm start`;
 * without it the page comes from `npm start` itself, as served today.
 *
 * Budget: ≤ 40 KB, ≤ 6 requests, no third party, interactive in < 1 s. BENCH_DEBUG=1 also prints
 * each run's resource timings and performance marks, to see where the time goes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { fileURLToPath } from 'node:url';
import { findUnansweredLinks, launchBrowser, PHONE } from '../e2e/harness.ts';
import { startServer } from '../e2e/server.ts';

const runs = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 5);
const compressed = process.argv.includes('--compressed');
const dist = fileURLToPath(new URL('../../web/dist/assets', import.meta.url));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function dashboardJsSize(): { raw: number; gzip: number } {
  const files = readdirSync(dist).filter((name) => name.startsWith('index-') && name.endsWith('.js'));
  return files.reduce(
    (sum, name) => {
      const bytes = readFileSync(join(dist, name));
      return { raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length };
    },
    { raw: 0, gzip: 0 },
  );
}

/** The built web app with precompressed serving, and /api forwarded to the real server. */
async function startCompressedStatic(apiBase: string): Promise<{ baseUrl: string; close: () => void }> {
  const root = fileURLToPath(new URL('../../web/dist', import.meta.url));
  const site = new Hono();
  site.all('/api/*', (c) =>
    fetch(`${apiBase}${new URL(c.req.url).pathname}`, {
      method: c.req.method,
      headers: c.req.raw.headers,
      body: c.req.raw.body,
      duplex: 'half',
    } as RequestInit),
  );
  site.get('/r', serveStatic({ path: join(root, 'respond.html'), precompressed: true }));
  site.use('/*', serveStatic({ root, precompressed: true }));
  return new Promise((resolve) => {
    const server = serve({ fetch: site.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ baseUrl: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    );
  });
}

const server = await startServer();
const browser = await launchBrowser();
const front = compressed ? await startCompressedStatic(server.baseUrl) : null;
try {
  const links = (await findUnansweredLinks(server.baseUrl, server.outbox, runs)).map((link) => (front ? link.replace(server.baseUrl, front.baseUrl) : link));
  if (links.length < runs) throw new Error(`need ${runs} unanswered invitation links, found ${links.length}`);
  const results: { bytes: number; requests: number; thirdParty: number; interactiveMs: number; urls: string[] }[] = [];
  for (const link of links) {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const urls = new Map<string, string>();
    let bytes = 0;
    cdp.on('Network.requestWillBeSent', (event) => {
      if (!event.request.url.startsWith('data:')) urls.set(event.requestId, event.request.url);
    });
    cdp.on('Network.loadingFinished', (event) => {
      if (urls.has(event.requestId)) bytes += event.encodedDataLength;
    });
    await page.goto(link);
    await page.waitForFunction(() => {
      const radio = document.querySelector<HTMLInputElement>('fieldset input[type=radio]');
      return radio !== null && !radio.disabled && radio.getBoundingClientRect().height > 0;
    });
    const interactiveMs = await page.evaluate(() => performance.now());
    if (process.env.BENCH_DEBUG) {
      const marks = await page.evaluate(() =>
        JSON.stringify([
          ...performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]),
          ...performance
            .getEntriesByType('resource')
            .map((e) => [e.name.slice(-12), Math.round(e.startTime), Math.round((e as PerformanceResourceTiming).responseEnd)]),
        ]),
      );
      console.error(Math.round(interactiveMs), marks);
    }
    await page.waitForLoadState('networkidle');
    const origin = new URL(link).origin;
    const all = [...urls.values()];
    results.push({
      bytes,
      requests: all.length,
      thirdParty: all.filter((url) => new URL(url).origin !== origin).length,
      interactiveMs,
      urls: all.map((url) => new URL(url).pathname),
    });
    await context.close();
  }
  const report = {
    served: compressed ? 'web/dist precompressed (brotli), as CloudFront serves it' : 'npm start (functions/local/main.ts) as is',
    profile: '1.6 Mbps down, 750 kbps up, 150 ms RTT, 4x CPU slowdown, cold cache, 360x780',
    runs,
    respondentPage: {
      bytesTransferred: median(results.map((r) => r.bytes)),
      requests: median(results.map((r) => r.requests)),
      thirdPartyRequests: Math.max(...results.map((r) => r.thirdParty)),
      firstStatementInteractiveMs: { median: Math.round(median(results.map((r) => r.interactiveMs))), all: results.map((r) => Math.round(r.interactiveMs)) },
      requestPaths: results[0].urls,
    },
    dashboardJs: dashboardJsSize(),
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  front?.close();
  await browser.close();
  await server.stop();
}
