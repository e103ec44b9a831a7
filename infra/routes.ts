/**
 * Which front door serves which /api path in the cloud. Plain constants, no CDK, so the cost bench
 * bills API Gateway only for what goes through it, read from the same list the stack is built from.
 */

/**
 * The respondent routes: the respondent page calls the Respond function's URL for these, so the
 * busiest requests of a wave (two per respondent) pay Lambda's request fee but no API Gateway's.
 */
export const FUNCTION_URL_PATHS = ['/api/questionnaire', '/api/responses'] as const;

/** Public routes that stay on the HTTP API behind CloudFront: the dashboard asks `/api/config` how to sign in. */
export const PUBLIC_API_PATHS = ['/api/health', '/api/config'] as const;

/** Every other /api path is a staff route behind the JWT authorizer. */
export const STAFF_PATH = '/api/{proxy+}';

/** Whether a request for `path` (query string allowed) goes through API Gateway in the cloud. */
export function servedByApiGateway(path: string): boolean {
  const pathname = path.split('?')[0];
  return !FUNCTION_URL_PATHS.some((served) => pathname === served);
}
