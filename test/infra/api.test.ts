import { describe, expect, it } from 'vitest';
import { COMMON_ENV, JOBS_ENV, STAFF_ENV } from '../../functions/lambda/cloud.ts';
import { FUNCTION_URL_PATHS, PUBLIC_API_PATHS, servedByApiGateway } from '../../infra/routes.ts';
import { FUNCTION_MEMORY_MB } from '../../infra/function-memory.ts';
import { logicalIdAt, synthStack } from './synth.ts';

const { stack, template } = synthStack({ publicRateLimit: '300', publicBurstLimit: '600', respondConcurrency: '120' });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
const functionIds = { respond: logicalIdAt(stack, 'Api/Respond'), staff: logicalIdAt(stack, 'Api/Staff'), jobs: logicalIdAt(stack, 'Jobs/Runner') };

/** Every DynamoDB action a function's role allows, per table logical id. */
function tableActions(fn: keyof typeof functionIds): Record<string, string[]> {
  const role = resources[functionIds[fn]]!.Properties.Role['Fn::GetAtt'][0];
  const policy = ofType('AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))![1];
  const out: Record<string, string[]> = {};
  for (const statement of policy.Properties.PolicyDocument.Statement) {
    const actions = [statement.Action].flat().filter((a: string) => a.startsWith('dynamodb:'));
    for (const resource of [statement.Resource].flat()) {
      const table = resource['Fn::GetAtt']?.[0];
      if (table && actions.length) out[table] = [...(out[table] ?? []), ...actions].sort();
    }
  }
  return out;
}

describe('api', () => {
  it.each(Object.entries(functionIds))('runs the %s function on Node.js 22, arm64, as an ES module bundle', (_name, id) => {
    expect(resources[id]!.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it.each(Object.entries(functionIds))('gives the %s function the memory the cost bench sized it to (infra/function-memory.ts)', (name, id) => {
    expect(resources[id]!.Properties.MemorySize).toBe(FUNCTION_MEMORY_MB[name as keyof typeof FUNCTION_MEMORY_MB]);
  });

  it.each(PUBLIC_API_PATHS)('serves %s without an authorizer, from the respondent function', (path) => {
    const route = routes.find((r) => r.RouteKey === `ANY ${path}`);
    expect(route).toMatchObject({ AuthorizationType: 'NONE' });
    expect(route.AuthorizerId).toBeUndefined();
    const integration = resources[route.Target['Fn::Join'][1][1].Ref]!.Properties;
    expect(integration.IntegrationUri['Fn::GetAtt'][0]).toBe(functionIds.respond);
  });

  it('puts the Cognito JWT authorizer on every other route', () => {
    const staffRoutes = routes.filter((r) => !PUBLIC_API_PATHS.some((p) => r.RouteKey === `ANY ${p}`));
    expect(staffRoutes.map((r) => r.RouteKey)).toEqual(['ANY /api/{proxy+}']);
    for (const route of staffRoutes) expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: expect.anything() });
    const [, authorizer] = ofType('AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([{ Ref: logicalIdAt(stack, 'Auth/Staff/Dashboard') }]);
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain('cognito-idp.');
  });

  it('has no catch-all route that would bypass the authorizer', () => {
    expect(routes.map((r) => r.RouteKey)).not.toContain('$default');
  });

  it('throttles the public API routes at the configured rate', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    for (const path of PUBLIC_API_PATHS) {
      expect(stage.Properties.RouteSettings[`ANY ${path}`]).toEqual({ ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 });
    }
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number) });
  });

  it('serves the respondent routes from a public URL of the Respond function, and not through API Gateway', () => {
    const urls = ofType('AWS::Lambda::Url').map(([, r]) => r.Properties);
    expect(urls).toEqual([expect.objectContaining({ AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [functionIds.respond, 'Arn'] } })]);
    for (const path of FUNCTION_URL_PATHS) expect(routes.map((r) => r.RouteKey)).not.toContain(`ANY ${path}`);
  });

  it('tells the cost bench to bill API Gateway for the routes the HTTP API serves, and not for those the function URL serves', () => {
    for (const path of FUNCTION_URL_PATHS) expect(servedByApiGateway(`${path}?lang=sv`)).toBe(false);
    for (const path of PUBLIC_API_PATHS) expect([routes.some((r) => r.RouteKey === `ANY ${path}`), servedByApiGateway(path)]).toEqual([true, true]);
    expect(servedByApiGateway('/api/surveys')).toBe(true);
  });

  it('lets anyone invoke the Respond function through its URL only, with both permissions a public function URL needs since October 2025', () => {
    const publicGrants = ofType('AWS::Lambda::Permission')
      .map(([, r]) => r.Properties)
      .filter((p) => p.Principal === '*');
    expect(publicGrants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' }),
        expect.objectContaining({ Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true }),
      ]),
    );
    expect(publicGrants).toHaveLength(2);
    for (const grant of publicGrants) expect(grant.FunctionName).toEqual({ 'Fn::GetAtt': [functionIds.respond, 'Arn'] });
  });

  it("lets browsers read the URL's answers on the site's own pages only, for POST", () => {
    const [, url] = ofType('AWS::Lambda::Url')[0]!;
    expect(url.Properties.Cors).toMatchObject({ AllowMethods: ['POST'], AllowHeaders: ['content-type'] });
    expect(url.Properties.Cors.AllowCredentials).toBeUndefined();
    expect(url.Properties.Cors.AllowOrigins).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalIdAt(stack, 'Web/Cdn'), 'DomainName'] }]] }]);
  });

  it('caps the Respond function at the configured reserved concurrency (a public URL has no API Gateway throttle)', () => {
    expect(resources[functionIds.respond]!.Properties.ReservedConcurrentExecutions).toBe(120);
  });

  it('never logs a request event from the Respond function (a function URL keeps no access log, the request log holds no body)', () => {
    expect(resources[functionIds.respond]!.Properties.Environment.Variables.POWERTOOLS_LOGGER_LOG_EVENT).toBeUndefined();
  });

  it('writes access logs that hold no body, address or user agent', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(Object.values(format)).toContain('$context.requestId');
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/sourceIp|userAgent|requestBody|identity\.|path/i);
  });

  it('lets the respondent function read and write, but never scan or delete', () => {
    const main = logicalIdAt(stack, 'Data/Main');
    const actions = tableActions('respond');
    expect(actions[main]).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']));
    for (const table of Object.values(actions)) expect(table).not.toEqual(expect.arrayContaining(['dynamodb:Scan']));
    for (const table of Object.values(actions)) expect(table).not.toEqual(expect.arrayContaining(['dynamodb:DeleteItem']));
  });

  it("lets no function scan the main table; only the staff and jobs functions scan the ephemeral one (a wave's invitations have no index)", () => {
    const main = logicalIdAt(stack, 'Data/Main');
    const ephemeral = logicalIdAt(stack, 'Data/Ephemeral');
    for (const fn of Object.keys(functionIds) as (keyof typeof functionIds)[]) expect(tableActions(fn)[main]).not.toContain('dynamodb:Scan');
    expect(tableActions('respond')[ephemeral]).not.toContain('dynamodb:Scan');
    expect(tableActions('staff')[ephemeral]).toContain('dynamodb:Scan');
    expect(tableActions('jobs')[ephemeral]).toContain('dynamodb:Scan');
  });

  it('names each table to the functions through the environment', () => {
    for (const id of Object.values(functionIds)) {
      expect(resources[id]!.Properties.Environment.Variables).toMatchObject({
        MAIN_TABLE_NAME: { Ref: logicalIdAt(stack, 'Data/Main') },
        EPHEMERAL_TABLE_NAME: { Ref: logicalIdAt(stack, 'Data/Ephemeral') },
      });
    }
  });

  it.each([
    ['respond', COMMON_ENV],
    ['staff', [...COMMON_ENV, ...STAFF_ENV]],
    ['jobs', [...COMMON_ENV, ...JOBS_ENV]],
  ] as const)('sets every variable the %s entry point reads, so no cold start fails on a missing one', (fn, names) => {
    expect(Object.keys(resources[functionIds[fn]]!.Properties.Environment.Variables)).toEqual(expect.arrayContaining([...names]));
  });
});
