/** Wires the embedded runtime: engine, tables, store, in-process jobs, local sign-in. Used by `npm start` and the tests. */
import { DEFAULT_TABLE_NAMES } from '../../shared/keys.ts';
import { createApp } from '../app.ts';
import { DEFAULT_TIMING, type AppDeps, type Timing } from '../deps.ts';
import { resumeUnfinishedJobs, runJob } from '../jobs/run-job.ts';
import { createInProcessRunner } from '../jobs/runner.ts';
import { createJsonLogger, type Logger } from '../log.ts';
import type { Mailer } from '../mailer.ts';
import { createStore, type Tables } from '../store/client.ts';
import { ensureTables } from '../store/tables.ts';
import { startEngine, type EmbeddedEngine } from './engine.ts';
import { createSigningKey, loadSigningKey, localAuthConfig, type SigningKey } from './signing-key.ts';

export interface EmbeddedOptions {
  /** Persist here; undefined keeps everything in memory. */
  dataDir?: string;
  mailer: Mailer;
  publicBaseUrl: string;
  timing?: Partial<Timing>;
  logger?: Logger;
  tables?: Tables;
  /** Called with the engine before anything reads or writes (and before unfinished jobs resume): the chaos run's hold. */
  onEngine?: (engine: EmbeddedEngine) => void;
}

export interface EmbeddedRuntime {
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  engine: EmbeddedEngine;
  signingKey: SigningKey;
  /** Resolves when every job started so far has finished. */
  jobsIdle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbeddedRuntime(options: EmbeddedOptions): Promise<EmbeddedRuntime> {
  const engine = await startEngine(options.dataDir);
  options.onEngine?.(engine);
  const tables = options.tables ?? { ...DEFAULT_TABLE_NAMES };
  await ensureTables(engine.client, tables);
  const signingKey = options.dataDir ? await loadSigningKey(options.dataDir) : await createSigningKey();
  const runner = createInProcessRunner();
  const deps: AppDeps = {
    store: createStore(engine.client, tables),
    mailer: options.mailer,
    jobs: runner,
    auth: localAuthConfig(signingKey),
    publicBaseUrl: options.publicBaseUrl,
    timing: { ...DEFAULT_TIMING, ...options.timing },
    logger: options.logger ?? createJsonLogger(),
    webAuth: { mode: 'local' },
    compactStorage: () => engine.compact(),
  };
  runner.bind((job) => runJob(deps, job));
  // A process killed mid-open or mid-close left its job unfinished: start it again (it resumes
  // where its wave's stored stage says). The data folder's lock says no other process runs it.
  if (options.dataDir) {
    const resumed = await resumeUnfinishedJobs(deps);
    if (resumed.length > 0) deps.logger.info('resumed unfinished jobs', { jobs: resumed.length });
  }
  return {
    deps,
    app: createApp(deps),
    engine,
    signingKey,
    jobsIdle: () => runner.idle(),
    async stop() {
      await runner.idle();
      await engine.stop();
    },
  };
}
