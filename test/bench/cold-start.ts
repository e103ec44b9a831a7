/**
 * Cold start of the Lambda bundles: their size, and the time a fresh Node process takes to import a
 * bundle and answer its first API Gateway event, beside a bare Hono hello-world bundle measured the
 * same way. Targets (issue 5): the respondent bundle under 150 KB minified, its first event under
 * 150 ms. The respondent's questionnaire event reads the embedded engine (dynalite in this process,
 * on loopback) through the real DynamoDB client, so the figure includes the SDK's first request.
 *
 *   npx tsx test/bench/cold-start.ts [runs=15]      (or: npm run bench -- cold-start)
 *
 * Bundles are built like infra/baseline-function.ts builds them: esbuild, minified ESM for Node 22,
 * `@aws-sdk/*` left to the runtime (here: resolved from node_modules).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { DUE_TRANSITIONS_INPUT } from '../../infra/jobs.ts';
import { DEFAULT_TABLE_NAMES } from '../../shared/keys.ts';
import { startTestRuntime } from '../helpers/embedded.ts';
import { aWave } from '../helpers/scenario.ts';
import { anHttpApiEvent } from '../lambda/fixtures.ts';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, '.bench');
// Only a number is a run count: `npm run bench -- cold-start` passes the benchmark's name along.
const runs = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 15);

const BUNDLING: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'error',
};

const HELLO = `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
export const handler = handle(new Hono().get('/api/health', (c) => c.json({ ok: true })));
`;

/** The child: import the bundle, answer one event, report the times since its own process started. */
const CHILD = `const [bundle, eventFile] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const started = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
const result = await handler(event, { functionName: 'bench', getRemainingTimeInMillis: () => 10000, awsRequestId: 'bench' });
const answered = performance.now();
process.stdout.write(JSON.stringify({ status: result?.statusCode ?? 'none', importMs: imported - started, firstEventMs: answered - started, sinceProcessStartMs: answered }));
`;

async function bundle(name: string, entry: string, extra: BuildOptions = {}): Promise<{ file: string; bytes: number; gzip: number }> {
  const file = join(out, `${name}.mjs`);
  await build({ ...BUNDLING, entryPoints: [entry], outfile: file, ...extra });
  const bytes = statSync(file).size;
  return { file, bytes, gzip: gzipSync(readFileSync(file)).length };
}

function runChild(
  bundleFile: string,
  eventFile: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | 'none'; importMs: number; firstEventMs: number; sinceProcessStartMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(out, 'child.mjs'), bundleFile, eventFile], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    // The functions' own log lines come first; the measurement is the last line.
    child.on('close', () => resolvePromise(JSON.parse(output.slice(output.lastIndexOf('{"status"')))));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'child.mjs'), CHILD);
writeFileSync(join(out, 'hello.ts'), HELLO);

const runtime = await startTestRuntime();
try {
  const wave = await aWave(runtime).withRoster(12).open();
  const endpoint = await runtime.engine.client.config.endpoint!();
  if (endpoint.hostname !== '127.0.0.1') throw new Error('refusing to benchmark against a non-local DynamoDB');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${endpoint.port}`,
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    MAIN_TABLE_NAME: DEFAULT_TABLE_NAMES.main,
    EPHEMERAL_TABLE_NAME: DEFAULT_TABLE_NAMES.ephemeral,
    PUBLIC_BASE_URL: 'https://survey.example.org',
    AUTH_ISSUER: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Bench',
    AUTH_CLIENT_ID: 'bench',
    AUTH_ROLES_CLAIM: 'cognito:groups',
    AUTH_DOMAIN: 'bench.auth.eu-north-1.amazoncognito.com',
    AUTH_REDIRECT_URI: 'https://survey.example.org/signin',
    JOBS_FUNCTION_NAME: 'bench-jobs',
    UPLOADS_BUCKET: 'bench-uploads',
    MAIL_FROM: 'surveys@example.org',
    SES_CONFIGURATION_SET: 'bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // The SDK warns about Node 20 here on every start; Lambda runs Node 22.
    NODE_NO_WARNINGS: '1',
  };
  const events = {
    tick: DUE_TRANSITIONS_INPUT,
    health: anHttpApiEvent({ method: 'GET', path: '/api/health', routeKey: 'ANY /api/health' }),
    questionnaire: anHttpApiEvent({ method: 'POST', path: '/api/questionnaire', routeKey: 'ANY /api/questionnaire', body: { token: wave.tokens[0] } }),
  };
  for (const [name, event] of Object.entries(events)) writeFileSync(join(out, `${name}.json`), JSON.stringify(event));

  const bundles = {
    'hono hello-world': await bundle('hello', join(out, 'hello.ts')),
    respond: await bundle('respond', join(root, 'functions/lambda/respond.ts')),
    staff: await bundle('staff', join(root, 'functions/lambda/staff.ts')),
    jobs: await bundle('jobs', join(root, 'functions/lambda/jobs.ts')),
    // What-if, not what ships: most of the first event is the SDK loading from node_modules.
    'respond, AWS SDK bundled too (what-if)': await bundle('respond-sdk', join(root, 'functions/lambda/respond.ts'), { external: [] }),
  };
  console.log(`Bundle sizes (minified ESM, @aws-sdk/* external)`);
  for (const [name, b] of Object.entries(bundles)) console.log(`  ${name.padEnd(48)} ${kb(b.bytes).padStart(10)}  (gzip ${kb(b.gzip)})`);

  const cases: [string, string, keyof typeof events][] = [
    ['hono hello-world', bundles['hono hello-world'].file, 'health'],
    ['respond', bundles.respond.file, 'health'],
    ['respond', bundles.respond.file, 'questionnaire'],
    ['respond, AWS SDK bundled (what-if)', bundles['respond, AWS SDK bundled too (what-if)'].file, 'questionnaire'],
    ['staff', bundles.staff.file, 'health'],
    ['jobs', bundles.jobs.file, 'tick'],
  ];
  // Round-robin over the cases, so that whatever else the machine is doing weighs on all of them alike.
  const samples = cases.map(() => [] as Awaited<ReturnType<typeof runChild>>[]);
  for (let i = 0; i < runs; i++) {
    for (const [index, [, file, eventName]] of cases.entries()) samples[index]!.push(await runChild(file, join(out, `${eventName}.json`), env));
  }
  const ms = (values: number[]) =>
    `${median(values).toFixed(0).padStart(4)} ms (min ${Math.min(...values)
      .toFixed(0)
      .padStart(3)})`;
  console.log(`\nFirst event in a fresh Node ${process.version} process, ${runs} runs each, median (min)`);
  console.log(`  ${'bundle, event'.padEnd(48)} ${'import + first event'.padEnd(22)} ${'process start to answer'.padEnd(24)} import`);
  for (const [index, [name, , eventName]] of cases.entries()) {
    const runsOf = samples[index]!;
    const statuses = [...new Set(runsOf.map((s) => s.status))].join(',');
    console.log(
      `  ${`${name}, ${eventName}`.padEnd(48)} ${ms(runsOf.map((s) => s.firstEventMs)).padEnd(22)} ${ms(runsOf.map((s) => s.sinceProcessStartMs)).padEnd(24)} ${ms(runsOf.map((s) => s.importMs))}   status ${statuses}`,
    );
  }
} finally {
  await runtime.stop();
}
