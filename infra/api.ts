import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type FunctionUrl, FunctionUrlAuthType, HttpMethod as UrlMethod } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES_CLAIM, type Auth } from './auth.ts';
import { BaselineFunction } from './baseline-function.ts';
import { FUNCTION_MEMORY_MB } from './function-memory.ts';
import type { Data } from './data.ts';
import type { Jobs } from './jobs.ts';
import type { Mail } from './mail.ts';
import { PUBLIC_API_PATHS, STAFF_PATH } from './routes.ts';

/** Environment variable names the Lambda entry points read (functions/env.ts). */
export const FUNCTION_ENV = {
  mainTable: 'MAIN_TABLE_NAME',
  ephemeralTable: 'EPHEMERAL_TABLE_NAME',
  uploadsBucket: 'UPLOADS_BUCKET',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  authIssuer: 'AUTH_ISSUER',
  authClientId: 'AUTH_CLIENT_ID',
  authRolesClaim: 'AUTH_ROLES_CLAIM',
  authDomain: 'AUTH_DOMAIN',
  authRedirectUri: 'AUTH_REDIRECT_URI',
} as const;

const RESPOND_TIMEOUT = Duration.seconds(10);

export interface ApiProps {
  readonly data: Data;
  readonly auth: Auth;
  readonly jobs: Jobs;
  readonly mail: Mail;
  /** https://… of the site, no trailing slash; may be a token resolved later. */
  readonly siteUrl: string;
  readonly publicRateLimit: number;
  readonly publicBurstLimit: number;
  /** Reserved concurrency of the Respond function, the cap on its public URL; unset reserves none. */
  readonly respondConcurrency?: number;
}

/**
 * The respondent page calls the small Respond function through its own public URL (no API Gateway
 * request per answer); the HTTP API keeps health and the sign-in configuration on that function
 * with no authorizer, and sends every other /api route to the staff function behind Cognito's JWT
 * authorizer (the app verifies the token again, with the same code as embedded mode). Access logs
 * carry route, status and latency, and never a body, an address or a user agent; the function URL
 * keeps no access log at all.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly respond: BaselineFunction;
  /** The Respond function's public URL: the respondent routes (routes.ts FUNCTION_URL_PATHS). */
  readonly respondUrl: FunctionUrl;
  /** https://… of that URL, no trailing slash: what the respondent page may connect to. */
  readonly respondOrigin: string;
  readonly staff: BaselineFunction;
  readonly publicRoutes: HttpRoute[];
  readonly staffRoutes: HttpRoute[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { data, auth, jobs, mail } = props;
    // Every entry point builds the same deps (functions/lambda/cloud.ts), so every function gets these.
    const environment = {
      [FUNCTION_ENV.authIssuer]: auth.issuer,
      [FUNCTION_ENV.authClientId]: auth.client.userPoolClientId,
      [FUNCTION_ENV.authRolesClaim]: ROLES_CLAIM,
      [FUNCTION_ENV.authDomain]: auth.domainHost,
      [FUNCTION_ENV.authRedirectUri]: auth.redirectUri,
      [FUNCTION_ENV.publicBaseUrl]: props.siteUrl,
    };

    this.respond = new BaselineFunction(this, 'Respond', {
      entry: 'functions/lambda/respond.ts',
      description: 'Public routes: questionnaire, submission, health, sign-in configuration',
      timeout: RESPOND_TIMEOUT,
      memorySize: FUNCTION_MEMORY_MB.respond,
      environment,
      // A public URL has no API Gateway throttle: reserved concurrency caps it (in flight, and ten times that per second).
      reservedConcurrentExecutions: props.respondConcurrency,
    })
      .bindTable(data.tables.main, FUNCTION_ENV.mainTable, ['read', 'write'])
      .bindTable(data.tables.ephemeral, FUNCTION_ENV.ephemeralTable, ['read', 'write']);
    // Anyone may call it (the invitation token in the body is the credential); browsers may read its
    // answers only on the site's own pages. The page posts JSON as text/plain, a CORS-simple request,
    // so no preflight precedes a POST; the allowed header is for clients that send application/json.
    this.respondUrl = this.respond.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      cors: {
        allowedOrigins: [props.siteUrl],
        allowedMethods: [UrlMethod.POST],
        allowedHeaders: ['content-type'],
        maxAge: Duration.days(1),
      },
    });
    this.respondOrigin = `https://${Fn.select(2, Fn.split('/', this.respondUrl.url))}`;

    this.staff = new BaselineFunction(this, 'Staff', {
      entry: 'functions/lambda/staff.ts',
      description: 'Staff API: surveys, waves, directory, results, initiatives',
      timeout: Duration.seconds(29),
      memorySize: FUNCTION_MEMORY_MB.staff,
      environment: { ...environment, [FUNCTION_ENV.uploadsBucket]: data.uploads.bucketName },
    })
      .bindTable(data.tables.main, FUNCTION_ENV.mainTable, ['read', 'write', 'delete'])
      .bindTable(data.tables.ephemeral, FUNCTION_ENV.ephemeralTable, ['read', 'write', 'delete', 'scan']);
    data.grantUploads(this.staff);
    jobs.grantStart(this.staff);

    const runner = jobs.function
      .bindTable(data.tables.main, FUNCTION_ENV.mainTable, ['read', 'write', 'delete'])
      .bindTable(data.tables.ephemeral, FUNCTION_ENV.ephemeralTable, ['read', 'write', 'delete', 'scan']);
    for (const [name, value] of Object.entries({ ...environment, [FUNCTION_ENV.uploadsBucket]: data.uploads.bucketName })) {
      runner.addEnvironment(name, value);
    }
    data.grantUploads(runner);
    mail.grantSend(runner);

    this.httpApi = new HttpApi(this, 'Http', {
      description: 'Baseline API (reached through CloudFront at /api)',
      createDefaultStage: false,
    });
    const authorizer = new HttpUserPoolAuthorizer('Cognito', auth.userPool, {
      userPoolClients: [auth.client],
      identitySource: ['$request.header.Authorization'],
    });
    const respondIntegration = new HttpLambdaIntegration('Respond', this.respond);
    this.publicRoutes = PUBLIC_API_PATHS.flatMap((path) =>
      this.httpApi.addRoutes({
        path,
        methods: [HttpMethod.ANY],
        integration: respondIntegration,
      }),
    );
    this.staffRoutes = this.httpApi.addRoutes({
      path: STAFF_PATH,
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('Staff', this.staff),
      authorizer,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Staff routes: generous for people, a ceiling for a runaway script.
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            // Staff only (respondent routes carry no token): who did what, for the audit trail.
            staffSubject: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    // The public routes take Monday-morning load but not more: a flood fails fast at the edge of the API.
    // RouteSettings is untyped JSON in CloudFormation, so its keys are written as the service spells them.
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      PUBLIC_API_PATHS.map((path) => [`ANY ${path}`, { ThrottlingRateLimit: props.publicRateLimit, ThrottlingBurstLimit: props.publicBurstLimit }]),
    );
    for (const route of this.publicRoutes) this.stage.node.addDependency(route);
  }
}
