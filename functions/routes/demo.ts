/** DELETE /api/demo: the demo organization goes in one action. */
import { demoRemovedSchema } from '../../shared/schemas.ts';
import { ADMIN, createContractApp, errorResponses, jsonContent, staffRoute } from '../contract.ts';
import { removeDemo } from '../demo/remove-demo.ts';
import type { AppDeps } from '../deps.ts';

export const demoRouteDefs = {
  remove: staffRoute(ADMIN, {
    method: 'delete',
    path: '/',
    summary: 'remove the demo organization',
    responses: { 200: jsonContent(demoRemovedSchema, 'what was removed'), ...errorResponses },
  }),
};

export function demoRoutes(deps: AppDeps) {
  return createContractApp().openapi(demoRouteDefs.remove, async (c) => c.json(await removeDemo(deps)));
}
