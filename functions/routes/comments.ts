/** Comments of a closed wave (GET /api/waves/:id/comments), mounted at /waves. */
import { commentsQuerySchema, commentsSchema } from '../../shared/api-results.ts';
import { createContractApp, errorResponses, jsonContent, STAFF, staffRoute, waveIdParams } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { readerOf } from '../results/access.ts';
import { buildComments } from '../results/comments.ts';

export const commentRouteDefs = {
  comments: staffRoute(STAFF, {
    method: 'get',
    path: '/{waveId}/comments',
    summary: 'comments of groups with 10 or more respondents, shuffled, never by attributes',
    request: { params: waveIdParams, query: commentsQuerySchema },
    responses: { 200: jsonContent(commentsSchema, 'comments'), ...errorResponses },
  }),
};

export function commentRoutes(deps: AppDeps) {
  return createContractApp().openapi(commentRouteDefs.comments, async (c) =>
    c.json(await buildComments(deps, c.req.param('waveId'), c.req.valid('query'), await readerOf(deps, c.get('staff')))),
  );
}
