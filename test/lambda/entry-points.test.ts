/**
 * The Lambda entry points, invoked with API Gateway HTTP API v2 events against the embedded engine.
 * Besides DynamoDB, the AWS endpoints they call (Lambda, SES, the pool's JWKS) are a loopback fake;
 * the test refuses to run unless every endpoint is on this machine.
 */
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES } from '../../shared/keys.ts';
import { createSigningKey, type SigningKey } from '../../functions/local/signing-key.ts';
import { putJob } from '../../functions/store/jobs.ts';
import { DUE_TRANSITIONS_INPUT } from '../../infra/jobs.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/embedded.ts';
import { aRoster, aWave, anAnswer, rosterCsv, STATEMENTS, type OpenWave } from '../helpers/scenario.ts';
import { startFakeAws, type FakeAws } from './fake-aws.ts';
import { aFunctionUrlEvent, aLambdaContext, anHttpApiEvent } from './fixtures.ts';

type HttpHandler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResultV2 & { statusCode: number; body: string }>;
type JobsModule = typeof import('../../functions/lambda/jobs.ts');

const CLIENT_ID = 'dashboard-client-id';
const JOBS_FUNCTION = 'Baseline-jobs';
const POOL = 'eu-north-1_TestPool';

let rt: TestRuntime;
let aws: FakeAws;
let key: SigningKey;
let issuer: string;
let wave: OpenWave;
let respond: HttpHandler;
let staff: HttpHandler;
let jobs: JobsModule;
const logged: string[] = [];

/** A Cognito access token for the dashboard client: `client_id`, `cognito:groups`, no `aud`. */
async function cognitoToken(groups: string[], overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: 'a1b2c3d4-0000-4000-8000-000000000001',
    iss: issuer,
    client_id: CLIENT_ID,
    token_use: 'access',
    scope: 'openid email profile',
    'cognito:groups': groups,
    username: 'hr-admin',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: 'j-1',
    ...overrides,
  };
  return { claims, token: await sign(claims, key.privateJwk, 'RS256') };
}

const respondentEvent = (path: string, body?: unknown) => anHttpApiEvent({ method: body === undefined ? 'GET' : 'POST', path, routeKey: `ANY ${path}`, body });

async function staffEvent(
  method: string,
  path: string,
  groups: string[] | undefined,
  body?: unknown,
  overrides: Record<string, unknown> = {},
  rawBody?: { contentType: string; text: string },
) {
  if (!groups) return anHttpApiEvent({ method, path, routeKey: 'ANY /api/{proxy+}', body });
  const { claims, token } = await cognitoToken(groups, overrides);
  return anHttpApiEvent({ method, path, routeKey: 'ANY /api/{proxy+}', body, rawBody, headers: { authorization: `Bearer ${token}` }, claims });
}

const json = (result: { body: string }) => JSON.parse(result.body);
const runJobFunction = (payload: unknown, timeoutMs?: number) => jobs.handler(payload as never, aLambdaContext(JOBS_FUNCTION, timeoutMs));

beforeAll(async () => {
  rt = await startTestRuntime();
  wave = await aWave(rt).withRoster(12).open();
  aws = await startFakeAws();
  key = await createSigningKey();
  aws.jwks.keys = [key.publicJwk];
  issuer = `${aws.url}/${POOL}`;
  const dynamo = await rt.engine.client.config.endpoint!();
  for (const url of [new URL(aws.url), dynamo]) {
    if (url.hostname !== '127.0.0.1') throw new Error(`refusing to run against ${url.hostname}`);
  }
  Object.assign(process.env, {
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamo.port}`,
    AWS_ENDPOINT_URL_LAMBDA: aws.url,
    AWS_ENDPOINT_URL_SESV2: aws.url,
    AWS_LAMBDA_FUNCTION_NAME: JOBS_FUNCTION,
    MAIN_TABLE_NAME: DEFAULT_TABLE_NAMES.main,
    EPHEMERAL_TABLE_NAME: DEFAULT_TABLE_NAMES.ephemeral,
    PUBLIC_BASE_URL: 'https://survey.example.org',
    AUTH_ISSUER: issuer,
    AUTH_CLIENT_ID: CLIENT_ID,
    AUTH_ROLES_CLAIM: 'cognito:groups',
    AUTH_DOMAIN: 'baseline-123.auth.eu-north-1.amazoncognito.com',
    AUTH_REDIRECT_URI: 'https://survey.example.org/signin',
    JOBS_FUNCTION_NAME: JOBS_FUNCTION,
    UPLOADS_BUCKET: 'baseline-uploads',
    MAIL_FROM: 'Baseline <surveys@example.org>',
    SES_CONFIGURATION_SET: 'baseline-invitations',
    POWERTOOLS_SERVICE_NAME: 'baseline',
  });
  const write = process.stdout.write.bind(process.stdout);
  // Keep the functions' JSON log lines for the assertions below, out of the test report.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (!String(chunk).startsWith('{')) return write(chunk, ...rest);
    logged.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  respond = (await import('../../functions/lambda/respond.ts')).handler as unknown as HttpHandler;
  staff = (await import('../../functions/lambda/staff.ts')).handler as unknown as HttpHandler;
  jobs = await import('../../functions/lambda/jobs.ts');
});

afterAll(async () => {
  await aws?.stop();
  await rt?.stop();
});

describe('respondent function', () => {
  it.each([
    ['the questionnaire for an invitation', () => respondentEvent('/api/questionnaire', { token: wave.tokens[0] }), 200],
    ['a submission', () => respondentEvent('/api/responses', { token: wave.tokens[1], answers: anAnswer(1) }), 201],
    ['an unknown invitation', () => respondentEvent('/api/questionnaire', { token: 'x'.repeat(43) }), 404],
    ['a malformed body', () => respondentEvent('/api/responses', { token: wave.tokens[2], answers: 'none' }), 400],
    ['the health check', () => respondentEvent('/api/health'), 200],
  ])('answers %s', async (_name, event, status) => {
    const result = await respond(event(), aLambdaContext('Baseline-respond'));
    expect(result.statusCode, result.body).toBe(status);
  });

  it('shows the statements of the wave in the questionnaire', async () => {
    const result = await respond(respondentEvent('/api/questionnaire', { token: wave.tokens[3] }), aLambdaContext('Baseline-respond'));
    expect(result.body).toContain(STATEMENTS[0].text.en);
  });

  it('takes a submission exactly once', async () => {
    const submit = () => respond(respondentEvent('/api/responses', { token: wave.tokens[4], answers: anAnswer(4) }), aLambdaContext('Baseline-respond'));
    expect((await submit()).statusCode).toBe(201);
    expect((await submit()).statusCode).toBe(409);
  });

  it('tells the dashboard to sign in through the Cognito hosted UI', async () => {
    const result = await respond(respondentEvent('/api/config'), aLambdaContext('Baseline-respond'));
    expect(json(result).auth).toEqual({
      mode: 'cognito',
      domain: 'baseline-123.auth.eu-north-1.amazoncognito.com',
      clientId: CLIENT_ID,
      redirectUri: 'https://survey.example.org/signin',
    });
  });

  it('answers the respondent page through its function URL: the questionnaire, then one submission', async () => {
    const questionnaire = await respond(aFunctionUrlEvent('/api/questionnaire', { token: wave.tokens[6] }), aLambdaContext('Baseline-respond'));
    expect(questionnaire.statusCode, questionnaire.body).toBe(200);
    expect(questionnaire.body).toContain(STATEMENTS[0].text.en);
    const submit = () => respond(aFunctionUrlEvent('/api/responses', { token: wave.tokens[6], answers: anAnswer(6) }), aLambdaContext('Baseline-respond'));
    expect((await submit()).statusCode).toBe(201);
    expect((await submit()).statusCode).toBe(409);
    const lines = logged.join('');
    expect(lines).not.toContain(wave.tokens[6]);
    expect(lines).not.toMatch(/203\.0\.113\.7|Mozilla|survey\.example\.org|answers/);
  });

  it('serves no staff route, whatever the token', async () => {
    const result = await respond(await staffEvent('GET', '/api/surveys', ['admin']), aLambdaContext('Baseline-respond'));
    expect(result.statusCode).toBe(404);
  });

  it('logs no token, email or body', async () => {
    await respond(respondentEvent('/api/responses', { token: wave.tokens[5], answers: anAnswer(5) }), aLambdaContext('Baseline-respond'));
    const lines = logged.join('');
    expect(lines).toContain('"route"');
    for (const token of wave.tokens) expect(lines).not.toContain(token);
    expect(lines).not.toMatch(/@acme\.test|mgmt-expectations|answers/);
  });
});

describe('staff function with Cognito access tokens', () => {
  it.each([
    ['an admin', 200, ['admin'], {}],
    ['an analyst on an admin route', 403, ['analyst'], {}],
    ['a token issued to another client', 401, ['admin'], { client_id: 'someone-else' }],
    ['a token from another pool', 401, ['admin'], { iss: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_Other' }],
    ['an expired token', 401, ['admin'], { exp: Math.floor(Date.now() / 1000) - 60 }],
    ['no token', 401, undefined, {}],
  ] as const)('answers %s reading the directory with %i', async (_name, status, groups, overrides) => {
    const result = await staff(
      await staffEvent('GET', '/api/roster', groups ? [...groups] : undefined, undefined, overrides),
      aLambdaContext('Baseline-staff'),
    );
    expect(result.statusCode, result.body).toBe(status);
  });

  it('takes a directory upload as CSV, base64-encoded by API Gateway', async () => {
    const csv = rosterCsv(aRoster(12));
    const upload = await staff(
      await staffEvent('PUT', '/api/roster', ['admin'], undefined, {}, { contentType: 'text/csv', text: csv }),
      aLambdaContext('Baseline-staff'),
    );
    expect(upload.statusCode, upload.body).toBe(200);
    expect(json(upload)).toMatchObject({ imported: 12, rejected: [] });
  });

  it('closes a wave through the job function: the job is handed over asynchronously and runs there', async () => {
    const closing = await staff(await staffEvent('POST', `/api/waves/${wave.waveId}/close`, ['admin']), aLambdaContext('Baseline-staff'));
    expect(closing.statusCode, closing.body).toBe(202);
    const { jobId } = json(closing);
    const handedOver = aws.invocations.find((i) => (i.payload as { id: string }).id === jobId)!;
    expect(handedOver).toMatchObject({
      functionName: JOBS_FUNCTION,
      invocationType: 'Event',
      payload: { kind: 'close-wave', payload: { waveId: wave.waveId } },
    });

    await runJobFunction(handedOver.payload);
    const job = await staff(await staffEvent('GET', `/api/jobs/${jobId}`, ['admin']), aLambdaContext('Baseline-staff'));
    expect(json(job)).toMatchObject({ status: 'done' });
  });
});

describe('job function', () => {
  it('opens a wave in slices, handing over before its timeout and mailing everyone once through SES', async () => {
    const draft = await aWave(rt).withRoster(12).draft();
    const opening = await staff(await staffEvent('POST', `/api/waves/${draft.waveId}/open`, ['admin']), aLambdaContext('Baseline-staff'));
    expect(opening.statusCode, opening.body).toBe(202);
    const { jobId } = json(opening);
    const request = aws.invocations.find((i) => (i.payload as { id: string }).id === jobId)!.payload;

    // Less time left than the hand-over margin: the job yields after its first slice and re-invokes itself.
    const before = aws.invocations.length;
    await runJobFunction(request, jobs.HANDOVER_MARGIN_MS - 1_000);
    expect(aws.invocations.slice(before)).toEqual([{ functionName: JOBS_FUNCTION, invocationType: 'Event', payload: request }]);

    await runJobFunction(request);
    const job = await staff(await staffEvent('GET', `/api/jobs/${jobId}`, ['admin']), aLambdaContext('Baseline-staff'));
    expect(json(job)).toMatchObject({ status: 'done' });
    expect(aws.mail).toHaveLength(12);
    expect(new Set(aws.mail.map((m) => m.to[0])).size).toBe(12);
    for (const mail of aws.mail) {
      expect(mail).toMatchObject({ from: 'Baseline <surveys@example.org>', configurationSet: 'baseline-invitations' });
      expect(mail.text).toMatch(/https:\/\/survey\.example\.org\/r#[A-Za-z0-9_-]{43}/);
    }
  });

  it('starts the transitions that are due when the wave schedule ticks', async () => {
    const { surveyId } = await aWave(rt).withRoster(12).draft();
    const created = await rt.staff(`/api/surveys/${surveyId}/waves`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Due', statementIds: STATEMENTS.map((s) => s.id), minGroupSize: 5, opensAt: new Date(Date.now() - 1_000).toISOString() }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id: waveId } = (await created.json()) as { id: string };
    const before = aws.invocations.length;
    await runJobFunction(DUE_TRANSITIONS_INPUT);
    expect(aws.invocations.slice(before).map((i) => i.payload)).toContainEqual(expect.objectContaining({ kind: 'open-wave', payload: { waveId } }));
  });

  it('fails loudly when a job fails, so Lambda retries it and then parks it for the alarm', async () => {
    const draft = await aWave(rt).withRoster(12).draft();
    const request = { id: 'job-that-cannot-close-a-draft', kind: 'close-wave' as const, payload: { waveId: draft.waveId } };
    await putJob(rt.deps.store, { ...request, status: 'running' } as never);
    await expect(runJobFunction(request)).rejects.toThrow(/job job-that-cannot-close-a-draft failed/);
  });
});
