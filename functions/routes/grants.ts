/** Analyst grants (admin only): which org units a staff member may read results for, by subject id. */
import { z } from '@hono/zod-openapi';
import { grantsSchema } from '../../shared/api-results.ts';
import { type OrgUnit, UNIT_PATH_SEPARATOR } from '../../shared/org.ts';
import { ADMIN, createContractApp, errorResponses, jsonBody, jsonContent, staffRoute, subjectParams } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { ValidationError } from '../errors.ts';
import { getGrants, putGrants } from '../store/grants.ts';
import { listUnits } from '../store/roster.ts';

/** Every org unit of the directory as a full path ("Soundwave > Technology"), parents before children. */
async function listUnitPaths(deps: AppDeps): Promise<string[]> {
  const units = await listUnits(deps.store);
  // Not a UnitTree: units are never forgotten, so a directory uploaded under another top unit leaves two roots.
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const pathOf = (unit: OrgUnit) => {
    const names: string[] = [];
    for (let at: OrgUnit | undefined = unit; at && names.length <= units.length; at = at.parentId ? byId.get(at.parentId) : undefined) names.unshift(at.name);
    return names.join(UNIT_PATH_SEPARATOR);
  };
  return units.map(pathOf).sort((a, b) => a.localeCompare(b));
}

/**
 * The granted paths as full paths of units that exist: a grant is picked from the unit tree, and
 * a typo or a unit that does not exist would silently grant nothing, so it is a 400 naming it.
 * A path may leave out the top unit ("Technology" is "Soundwave > Technology").
 */
function resolveGrantedUnits(granted: string[], paths: string[]): string[] {
  const known = new Set(paths);
  const root = paths[0];
  const normalized = granted.map((path) =>
    path
      .split('>')
      .map((part) => part.trim())
      .join(UNIT_PATH_SEPARATOR),
  );
  const full = normalized.map((path) => (known.has(path) || root === undefined ? path : `${root}${UNIT_PATH_SEPARATOR}${path}`));
  const unknown = normalized.filter((_, index) => !known.has(full[index]));
  if (unknown.length > 0) throw new ValidationError(`units: no such org unit${unknown.length > 1 ? 's' : ''} in the directory: ${unknown.join(', ')}`, 'units');
  return [...new Set(full)];
}

export const grantRouteDefs = {
  units: staffRoute(ADMIN, {
    method: 'get',
    path: '/units',
    summary: 'every org unit of the directory, to grant from',
    responses: { 200: jsonContent(z.object({ units: z.array(z.string()) }), 'unit paths'), ...errorResponses },
  }),
  get: staffRoute(ADMIN, {
    method: 'get',
    path: '/{subject}/grants',
    summary: 'the org units an analyst may read',
    request: { params: subjectParams },
    responses: { 200: jsonContent(grantsSchema, 'the grants'), ...errorResponses },
  }),
  put: staffRoute(ADMIN, {
    method: 'put',
    path: '/{subject}/grants',
    summary: "replace an analyst's granted org units (each must exist in the directory)",
    request: { params: subjectParams, body: jsonBody(grantsSchema) },
    responses: { 200: jsonContent(grantsSchema, 'the grants'), ...errorResponses },
  }),
};

export function grantRoutes(deps: AppDeps) {
  return createContractApp()
    .openapi(grantRouteDefs.units, async (c) => c.json({ units: await listUnitPaths(deps) }))
    .openapi(grantRouteDefs.get, async (c) => c.json({ units: await getGrants(deps.store, c.req.param('subject')) }))
    .openapi(grantRouteDefs.put, async (c) => {
      const units = resolveGrantedUnits(c.req.valid('json').units, await listUnitPaths(deps));
      await putGrants(deps.store, c.req.param('subject'), units);
      return c.json({ units });
    });
}
