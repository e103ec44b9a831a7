/**
 * The API contract: every staff route is declared once with `createRoute` (request schemas from
 * shared/, response schemas, the roles that may call it) and registered on an OpenAPIHono app, so
 * validation, the role check and /api/openapi.json all come from the same declaration.
 */
import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { errorBodySchema, idSchema, subjectSchema } from '../shared/schemas.ts';
import { type createTokenVerifier, type StaffMember, type StaffRole, verifyBearer } from './auth.ts';
import { ForbiddenError, ValidationError } from './errors.ts';

export type ContractVariables = { staff: StaffMember; verifyToken: ReturnType<typeof createTokenVerifier> };
export type ContractEnv = { Variables: ContractVariables };

/** Who may call a route: admins only, or analysts too (who then see only their granted units). */
export const ADMIN: readonly StaffRole[] = ['admin'];
export const STAFF: readonly StaffRole[] = ['admin', 'analyst'];

/** The extension field in the document that carries a route's roles; the test and the role check read it. */
export const ROLES_FIELD = 'x-roles';

/** The first zod issue becomes a 400 naming its field (path, query or body), as everywhere else. */
function rejectInvalid(result: { success: boolean; target: string; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  if (result.success || !result.error) return;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : result.target === 'json' ? 'body' : result.target;
  throw new ValidationError(`${field}: ${issue.message}`, field);
}

/** A sub-app whose routes are declared with `staffRoute`. */
export function createContractApp() {
  return new OpenAPIHono<ContractEnv>({ defaultHook: rejectInvalid });
}

/** Checks the bearer token once and the route's declared roles; runs before the route's validators. */
function authorize(roles: readonly StaffRole[]) {
  return createMiddleware<ContractEnv>(async (c, next) => {
    const staff = await verifyBearer(c.get('verifyToken'), c.req.header('authorization'));
    if (!staff.roles.some((role) => roles.includes(role))) throw new ForbiddenError(`this needs the ${roles.join(' or ')} role`);
    c.set('staff', staff);
    await next();
  });
}

/** Error answers, one schema for all of them. */
export const errorResponses = {
  401: { description: 'no bearer token, or one that is invalid or expired' },
  '4XX': {
    description: 'what is wrong, naming the field; 403 for a role or grant that does not reach',
    content: { 'application/json': { schema: errorBodySchema } },
  },
} as const;

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
/** A view that also comes as CSV with `?format=csv`. */
export const jsonOrCsvContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } },
});

/** A staff route: declared with its roles, which are checked before anything else of the route runs. */
export function staffRoute<const R extends RouteConfig>(roles: readonly StaffRole[], config: R) {
  const route = createRoute({ ...config, security: [{ bearer: [] }], middleware: [authorize(roles)], [ROLES_FIELD]: roles });
  return route as typeof route & { [ROLES_FIELD]: readonly StaffRole[] };
}

/** Path parameters, each named for what it identifies. */
export const surveyIdParams = z.object({ surveyId: idSchema });
export const waveIdParams = z.object({ waveId: idSchema });
export const surveyWaveParams = z.object({ surveyId: idSchema, waveId: idSchema });
export const jobIdParams = z.object({ jobId: idSchema });
export const initiativeIdParams = z.object({ initiativeId: idSchema });
export const subjectParams = z.object({ subject: subjectSchema });
