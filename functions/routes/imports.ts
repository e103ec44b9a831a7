/** POST /api/waves/import (admin): a closed wave from a CSV of aggregate results; mounted at /waves. */
import { Hono } from 'hono';
import { waveImportSchema } from '../../shared/api-results.ts';
import type { AppDeps } from '../deps.ts';
import { validate } from '../http.ts';
import { importWave } from '../results/import-wave.ts';

export function importRoutes(deps: AppDeps) {
  return new Hono().post('/import', validate('json', waveImportSchema), async (c) => c.json(await importWave(deps, c.req.valid('json')), 201));
}
