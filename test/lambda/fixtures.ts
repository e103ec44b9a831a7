/**
 * API Gateway HTTP API (payload 2.0) events as the Lambda integration receives them behind
 * CloudFront, and function URL events as the Respond function receives them from the respondent
 * page, built once and varied per test.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';

export interface EventOptions {
  method: string;
  path: string;
  /** The route that matched, e.g. `ANY /api/{proxy+}`. */
  routeKey: string;
  /** JSON-encoded unless `rawBody` is given. */
  body?: unknown;
  /** A non-JSON body (a CSV upload), sent base64-encoded as API Gateway does for such payloads. */
  rawBody?: { contentType: string; text: string };
  headers?: Record<string, string>;
  /** Claims the JWT authorizer verified (staff routes only). */
  claims?: Record<string, string | number | boolean | string[]>;
}

export function anHttpApiEvent(options: EventOptions): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = new Date();
  const raw = options.rawBody && Buffer.from(options.rawBody.text, 'utf8');
  const body = raw ? raw.toString('base64') : options.body === undefined ? undefined : JSON.stringify(options.body);
  const contentType = options.rawBody?.contentType ?? 'application/json';
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      'accept-language': 'en',
      host: 'abc123.execute-api.eu-north-1.amazonaws.com',
      via: '2.0 0123456789abcdef.cloudfront.net (CloudFront)',
      'x-forwarded-proto': 'https',
      ...(body ? { 'content-type': contentType, 'content-length': String(raw ? raw.length : Buffer.byteLength(body)) } : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-north-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      requestId: 'Zx1abcDEFgHIJkL=',
      routeKey: options.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims ?? {}, scopes: [] } },
    },
    body,
    isBase64Encoded: Boolean(raw),
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/**
 * A request to the Respond function's URL as the respondent page sends it from the site: a payload
 * 2.0 event with no route or authorizer, its JSON posted as text/plain (a CORS-simple request).
 */
export function aFunctionUrlEvent(path: string, body: unknown, origin = 'https://survey.example.org'): APIGatewayProxyEventV2 {
  const now = new Date();
  const text = JSON.stringify(body);
  const host = 'abcdefghij0123456789klmnopqrstuv.lambda-url.eu-north-1.on.aws';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: '*/*',
      'accept-language': 'en',
      'content-type': 'text/plain;charset=UTF-8',
      'content-length': String(Buffer.byteLength(text)),
      host,
      origin,
      'sec-fetch-mode': 'cors',
      'user-agent': 'Mozilla/5.0',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghij0123456789klmnopqrstuv',
      domainName: host,
      domainPrefix: 'abcdefghij0123456789klmnopqrstuv',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      requestId: '7d3c2b1a-0000-4000-8000-000000000001',
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: text,
    isBase64Encoded: false,
  };
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function aLambdaContext(functionName: string, timeoutMs = 900_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-north-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
