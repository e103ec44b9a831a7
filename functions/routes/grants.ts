/** Analyst grants (admin only): which org units a staff member may read results for, by subject id. */
import { Hono } from 'hono';
import { grantsSchema } from '../../shared/api-results.ts';
import { UNIT_PATH_SEPARATOR, UnitTree } from '../../shared/org.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { validate } from '../http.ts';
import { getGrants, putGrants } from '../store/grants.ts';
import { listUnits } from '../store/roster.ts';

/** Every org unit of the directory as a full path ("Soundwave > Technology"), parents before children. */
async function listUnitPaths(deps: AppDeps): Promise<string[]> {
  const units = await listUnits(deps.store);
  if (units.length === 0) return [];
  const tree = new UnitTree(units);
  return units.map((unit) => tree.path(unit.id)).sort((a, b) => a.localeCompare(b));
}

/**
 * The granted paths as full paths of units that exist: a grant is picked from the unit tree, and
 * a typo or a unit that does not exist would silently grant nothing, so it is a 400 naming it.
 * A path may leave out the top unit ("Technology" is "Soundwave > Technology").
 */
function resolveGrantedUnits(granted: string[], paths: string[]): string[] {
  const known = new Set(paths);
  const root = paths[0];
  const normalized = granted.map((path) => path.split('>').map((part) => part.trim()).join(UNIT_PATH_SEPARATOR));
  const full = normalized.map((path) => (known.has(path) || root === undefined ? path : `${root}${UNIT_PATH_SEPARATOR}${path}`));
  const unknown = normalized.filter((_, index) => !known.has(full[index]));
  if (unknown.length > 0) throw new ValidationError(`units: no such org unit${unknown.length > 1 ? 's' : ''} in the directory: ${unknown.join(', ')}`, 'units');
  return [...new Set(full)];
}

export function grantRoutes(deps: AppDeps) {
  return new Hono()
    .get('/units', async (c) => c.json({ units: await listUnitPaths(deps) }))
    .get('/:subject/grants', async (c) => c.json({ units: await getGrants(deps.store, c.req.param('subject')) }))
    .put('/:subject/grants', validate('json', grantsSchema), async (c) => {
      const units = resolveGrantedUnits(c.req.valid('json').units, await listUnitPaths(deps));
      await putGrants(deps.store, c.req.param('subject'), units);
      return c.json({ units });
    });
}
