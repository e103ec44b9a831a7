import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES_CLAIM, type Auth } from './auth.ts';
import { BaselineFunction } from './baseline-function.ts';
import type { Data } from './data.ts';
import type { Jobs } from './jobs.ts';
import type { Mail } from './mail.ts';

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

/**
 * The public routes: no authorizer, throttled, served by the small respondent function. `/api/config`
 * tells the dashboard how to sign in, so it is public too.
 */
export const RESPONDENT_PATHS = ['/api/questionnaire', '/api/responses', '/api/health', '/api/config'] as const;
/** Every other /api path is a staff route behind the JWT authorizer. */
export const STAFF_PATH = '/api/{proxy+}';

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
}

/**
 * The HTTP API: the respondent routes go to a small public function with no authorizer; every other
 * /api route goes to the staff function behind Cognito's JWT authorizer (the app verifies the token
 * again, with the same code as embedded mode). Access logs carry route, status and latency, and
 * never a body, an address or a user agent.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly respond: BaselineFunction;
  readonly staff: BaselineFunction;
  readonly respondentRoutes: HttpRoute[];
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
      memorySize: 1024,
      environment,
    })
      .bindTable(data.tables.main, FUNCTION_ENV.mainTable, ['read', 'write'])
      .bindTable(data.tables.ephemeral, FUNCTION_ENV.ephemeralTable, ['read', 'write']);

    this.staff = new BaselineFunction(this, 'Staff', {
      entry: 'functions/lambda/staff.ts',
      description: 'Staff API: surveys, waves, directory, results, initiatives',
      timeout: Duration.seconds(29),
      memorySize: 1024,
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
    this.respondentRoutes = RESPONDENT_PATHS.flatMap((path) =>
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
    // The respondent routes take Monday-morning load but not more: a flood fails fast at the edge of the API.
    // RouteSettings is untyped JSON in CloudFormation, so its keys are written as the service spells them.
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      RESPONDENT_PATHS.map((path) => [`ANY ${path}`, { ThrottlingRateLimit: props.publicRateLimit, ThrottlingBurstLimit: props.publicBurstLimit }]),
    );
    for (const route of this.respondentRoutes) this.stage.node.addDependency(route);
  }
}
