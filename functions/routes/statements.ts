/** The statement bank. */
import { Hono } from 'hono';
import { statementSchema } from '../../shared/schemas.ts';
import type { AppDeps } from '../deps.ts';
import { validate } from '../http.ts';
import { listStatements, putStatement } from '../store/statements.ts';

export function statementRoutes(deps: AppDeps) {
  return new Hono()
    .get('/', async (c) => c.json({ statements: await listStatements(deps.store) }))
    .post('/', validate('json', statementSchema), async (c) => {
      const statement = c.req.valid('json');
      await putStatement(deps.store, statement);
      return c.json(statement, 201);
    });
}
