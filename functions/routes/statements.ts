/** The statement bank. */
import { statementListSchema, statementSchema } from '../../shared/schemas.ts';
import { ADMIN, createContractApp, errorResponses, jsonBody, jsonContent, STAFF, staffRoute } from '../contract.ts';
import type { AppDeps } from '../deps.ts';
import { listStatements, putStatement } from '../store/statements.ts';

export const statementRouteDefs = {
  list: staffRoute(STAFF, {
    method: 'get',
    path: '/',
    summary: 'the statement bank',
    responses: { 200: jsonContent(statementListSchema, 'every statement'), ...errorResponses },
  }),
  add: staffRoute(ADMIN, {
    method: 'post',
    path: '/',
    summary: 'add a statement',
    request: { body: jsonBody(statementSchema) },
    responses: { 201: jsonContent(statementSchema, 'created'), ...errorResponses },
  }),
};

export function statementRoutes(deps: AppDeps) {
  return createContractApp()
    .openapi(statementRouteDefs.list, async (c) => c.json({ statements: await listStatements(deps.store) }))
    .openapi(statementRouteDefs.add, async (c) => {
      const statement = c.req.valid('json');
      await putStatement(deps.store, statement);
      return c.json(statement, 201);
    });
}
