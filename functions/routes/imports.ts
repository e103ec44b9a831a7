/** POST /api/waves/import (admin): a closed wave from a CSV of aggregate results; mounted at /waves. */
import { waveImportReportSchema, waveImportSchema } from '../../shared/api-results.ts';
import { ADMIN, createContractApp, errorResponses, jsonBody, jsonContent, staffRoute } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { importWave } from '../results/import-wave.ts';

export const importRouteDefs = {
  import: staffRoute(ADMIN, {
    method: 'post',
    path: '/import',
    summary: 'a closed wave from a CSV of aggregate results, suppressed by the same rules',
    request: { body: jsonBody(waveImportSchema) },
    responses: { 201: jsonContent(waveImportReportSchema, 'imported'), ...errorResponses },
  }),
};

export function importRoutes(deps: AppDeps) {
  return createContractApp().openapi(importRouteDefs.import, async (c) => c.json(await importWave(deps, c.req.valid('json')), 201));
}
