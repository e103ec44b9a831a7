/**
 * `npm run bench -- fuzz [-- runs]`: the hostile-input property test of test/fuzz-api.test.ts at
 * many more requests (default 4,000), printing requests, 5xx and writes on rejection.
 */
import { startTestRuntime } from '../helpers/embedded.ts';
import { fuzzApi, type OpenApiDocument } from '../helpers/fuzz-api.ts';
import { aWave } from '../helpers/scenario.ts';

export async function benchFuzz(runs = 4000, seed = 1129): Promise<void> {
  const rt = await startTestRuntime();
  try {
    const open = await aWave(rt).withRoster(12).open();
    const document = (await (await rt.app.request('/api/openapi.json')).json()) as OpenApiDocument;
    const started = performance.now();
    const report = await fuzzApi(rt, document, [open.surveyId, open.waveId], { runs, seed });
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${report.requests} hostile requests to ${Object.keys(document.paths).length} paths in ${seconds.toFixed(0)} s (seed ${seed})`);
    console.log(`  5xx: ${report.serverErrors.length}`);
    for (const line of report.serverErrors.slice(0, 20)) console.log(`    ${line}`);
    console.log(`  writes on rejection: ${report.writesOnRejection.length}`);
    for (const line of report.writesOnRejection.slice(0, 20)) console.log(`    ${line}`);
  } finally {
    await rt.stop();
  }
}
