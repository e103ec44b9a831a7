/** Analyst grants (admin only): which org units a staff member may read results for, by subject id. */
import { Hono } from 'hono';
import { grantsSchema } from '../../shared/api-results.ts';
import type { AppDeps } from '../deps.ts';
import { validate } from '../http.ts';
import { getGrants, putGrants } from '../store/grants.ts';

export function grantRoutes(deps: AppDeps) {
  return new Hono()
    .get('/:subject/grants', async (c) => c.json({ units: await getGrants(deps.store, c.req.param('subject')) }))
    .put('/:subject/grants', validate('json', grantsSchema), async (c) => {
      const { units } = c.req.valid('json');
      await putGrants(deps.store, c.req.param('subject'), units);
      return c.json({ units });
    });
}
