/**
 * `npm start`: the whole product on one machine. The same Hono app as in Lambda, the same store
 * code against dynalite persisted under the data folder, jobs in-process, mail to the outbox, and
 * the built web app. Flags: --memory (keep nothing), --no-demo (start empty).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createOutboxMailer } from '../mailer.ts';
import { isFreshDataFolder, markSeeded, seedDemo } from '../demo/seed-demo.ts';
import { sweepExpiredItems } from '../store/expiry.ts';
import { startDueTransitionTimer } from '../waves/schedule.ts';
import { DataFolderBusyError, lockDataFolder } from './engine.ts';
import { holdCloseAt } from './chaos-hold.ts';
import { startEmbeddedRuntime } from './runtime.ts';
import { createSite } from './site.ts';
import { signLocalToken } from './signing-key.ts';

const args = new Set(process.argv.slice(2));
const memory = args.has('--memory');
const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = memory ? undefined : resolve(process.env.DATA_DIR ?? '.data');
const baseUrl = process.env.PUBLIC_BASE_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
const webRoot = resolve('web/dist');

async function main() {
  // The pinned SDK runs on Node 20 by choice (see README); its upgrade notice is not for our users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let unlock = async () => {};
  if (dataDir) {
    try {
      unlock = await lockDataFolder(dataDir);
    } catch (error) {
      if (error instanceof DataFolderBusyError) {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
  }
  const outbox = dataDir ? join(dataDir, 'outbox') : await mkdtemp(join(tmpdir(), 'baseline-outbox-'));
  // Test-only (`npm run test:chaos`): hold a close inside a chosen stage so that a SIGKILL lands there.
  const hold = process.env.BASELINE_CHAOS_HOLD_CLOSE;
  // Benchmark-only (`npm run bench -- scale`, `submissions`): recount live participation more often than the
  // privacy delay allows, so that a benchmark can measure what a recount costs while submissions arrive.
  const refreshMs = process.env.BASELINE_BENCH_PARTICIPATION_REFRESH_MS;
  const runtime = await startEmbeddedRuntime({
    dataDir,
    mailer: createOutboxMailer(outbox),
    publicBaseUrl: baseUrl,
    timing: refreshMs ? { participationRefreshMs: Number(refreshMs) } : undefined,
    onEngine: hold ? (engine) => holdCloseAt(engine.client, hold) : undefined,
  });

  // Benchmark-only (`npm run bench -- scale -- N --meter`): price every DynamoDB request in read and
  // write units (the capacity meter of `npm run bench -- cost`) and, on SIGUSR2, print what was spent
  // since the last signal and on which partitions most, so the bench can extrapolate the cloud's times.
  if (process.env.BASELINE_BENCH_METER) await printMeterOnSignal(runtime.engine.client);

  if (await isFreshDataFolder(runtime.deps)) {
    const demo = !args.has('--no-demo');
    if (demo) {
      console.log('Loading the demo organization (Soundwave, about 400 people) through the real submission and close paths…');
      await seedDemo(runtime.deps);
    }
    await markSeeded(runtime.deps, demo);
  }

  const site = createSite(runtime.app, webRoot);

  const server = serve({ fetch: site.fetch, port, hostname: host }, () => {
    void announce();
  });
  const stopTimer = startDueTransitionTimer(runtime.deps);
  // dynalite has no TTL: expired invitation markers, abandoned close counts and closed waves' sealed responses are swept at start and hourly.
  const sweep = () =>
    sweepExpiredItems(runtime.deps.store).catch((error) => runtime.deps.logger.error('sweeping expired items failed', { error: String(error) }));
  void sweep();
  const sweepTimer = setInterval(sweep, 3_600_000);
  sweepTimer.unref();

  async function announce() {
    const token = await signLocalToken(runtime.signingKey, { role: 'admin' });
    console.log(`Baseline is running at ${baseUrl}`);
    console.log(`Staff sign-in: ${baseUrl}/signin#token=${token}`);
    // An analyst reads only the units granted to their subject id (Admin › Analyst access).
    const analystToken = await signLocalToken(runtime.signingKey, { role: 'analyst' });
    console.log(`Analyst sign-in (subject local-analyst; grant units under Admin › Analyst access): ${baseUrl}/signin#token=${analystToken}`);
    console.log(`Outbox: ${outbox}`);
    console.log(`Data: ${dataDir ?? 'in memory (nothing is kept)'}`);
    if (dataDir) console.log('A bearer token for scripts: npm run token -- --role admin   (or --role analyst)');
    // `npm run token` cannot reach a key that lives only in this process.
    else console.log(`Bearer token for scripts (admin, 12 hours, this run only): ${token}`);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    stopTimer();
    clearInterval(sweepTimer);
    server.close();
    await runtime.stop();
    await unlock();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function printMeterOnSignal(client: Parameters<typeof import('../../test/bench/capacity-meter.ts').CapacityMeter.attach>[0]) {
  const { CapacityMeter } = await import('../../test/bench/capacity-meter.ts');
  const meter = await CapacityMeter.attach(client);
  process.on('SIGUSR2', () => {
    const partitions = meter.takePartitions();
    const top = (by: 'readUnits' | 'writeUnits') => [...partitions].sort((a, b) => b[by] - a[by]).slice(0, 3);
    const { requests, readUnits, writeUnits, indexWriteUnits } = meter.totals;
    const line = {
      totals: { requests, readUnits, writeUnits, indexWriteUnits, shadowRequests: meter.shadowRequests },
      partitions: partitions.length,
      hottestWrites: top('writeUnits'),
      hottestReads: top('readUnits'),
    };
    console.log(`meter ${JSON.stringify(line)}`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
