/**
 * The property tests with many more cases than `npm test` runs (PROPERTY_SCALE times each test's
 * count, 10 unless given) and a fresh seed, printed so that a failure here reproduces:
 * `PROPERTY_SEED=<seed> PROPERTY_SCALE=<scale> npx vitest run --project unit <file>`.
 *
 *   npm run bench -- properties        (or: npx tsx test/bench/properties.ts)
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const FILES = ['test/stats-properties.test.ts', 'test/stats-verdict.test.ts', 'test/k-anonymize.test.ts', 'test/disclosure-attack.test.ts'];

export async function benchProperties(): Promise<void> {
  const scale = Number(process.env.PROPERTY_SCALE ?? 10);
  const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
  console.log(`property tests at ${scale}× their cases, seed ${seed}`);
  const started = Date.now();
  const run = spawnSync('npx', ['vitest', 'run', '--project', 'unit', ...FILES], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, PROPERTY_SCALE: String(scale), PROPERTY_SEED: String(seed) },
    stdio: 'inherit',
  });
  console.log(`${Math.round((Date.now() - started) / 1000)} s`);
  if (run.status !== 0) {
    console.log(`a property failed: PROPERTY_SEED=${seed} PROPERTY_SCALE=${scale} npx vitest run --project unit ${FILES.join(' ')} reproduces it`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchProperties();
