/** Comments of a closed wave (GET /api/waves/:id/comments), mounted at /waves. */
import { Hono } from 'hono';
import { commentsQuerySchema } from '../../shared/api-results.ts';
import type { StaffVariables } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { validate } from '../http.ts';
import { readerOf } from '../results/access.ts';
import { buildComments } from '../results/comments.ts';

export function commentRoutes(deps: AppDeps) {
  return new Hono<{ Variables: StaffVariables }>().get('/:id/comments', validate('query', commentsQuerySchema), async (c) =>
    c.json(await buildComments(deps, c.req.param('id'), c.req.valid('query'), await readerOf(deps, c.get('staff')))),
  );
}
