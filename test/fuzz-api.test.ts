/**
 * Hostile input to every route of the generated OpenAPI document, as an admin (fast-check, fixed
 * seed): no 5xx, and no change to either table after a rejected request. `npm run bench -- fuzz`
 * runs many more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { fuzzApi, type OpenApiDocument } from './helpers/fuzz-api.ts';
import { aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let document: OpenApiDocument;
let ids: string[];
beforeAll(async () => {
  rt = await startTestRuntime();
  const open = await aWave(rt).withRoster(12).open();
  ids = [open.surveyId, open.waveId];
  document = (await (await rt.app.request('/api/openapi.json')).json()) as OpenApiDocument;
});
afterAll(async () => {
  await rt.stop();
});

describe('hostile input to every route', () => {
  it('gets no 5xx and writes nothing when refused (fixed seed)', async () => {
    const report = await fuzzApi(rt, document, ids, { runs: 400, seed: 20261129 });
    expect(report.requests).toBe(400);
    expect(report.serverErrors).toEqual([]);
    expect(report.writesOnRejection).toEqual([]);
  }, 240_000);
});
