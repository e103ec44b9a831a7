import { Annotations, CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import { Auth } from './auth.ts';
import { resolveSesIdentity, type BaselineConfig } from './config.ts';
import { Data } from './data.ts';
import { Jobs } from './jobs.ts';
import { Mail } from './mail.ts';
import { Alarms } from './ops/alarms.ts';
import { Web } from './web.ts';

export interface BaselineStackProps extends StackProps {
  readonly config: BaselineConfig;
}

/** Everything Baseline needs in one account and region; `npm run deploy` deploys this stack. */
export class BaselineStack extends Stack {
  readonly data: Data;
  readonly auth: Auth;
  readonly jobs: Jobs;
  readonly mail: Mail;
  readonly api: Api;
  readonly web: Web;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: BaselineStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The sign-in client needs the site's address and the site needs the API: resolve it once the web exists.
    let siteUrl: string | undefined;
    const lazySiteUrl = Lazy.string({ produce: () => siteUrl });

    this.data = new Data(this, 'Data');
    this.auth = new Auth(this, 'Auth', {
      domainPrefix: config.authDomainPrefix ?? `baseline-${this.account}`,
      siteUrl: lazySiteUrl,
      federation: config.federation,
    });
    this.mail = new Mail(this, 'Mail', { from: config.mailFrom, identity: resolveSesIdentity(config) });
    if (/@example\.(com|org|net)>?$/.test(config.mailFrom)) {
      Annotations.of(this).addWarningV2(
        'baseline:placeholder-sender',
        `mailFrom is the placeholder ${config.mailFrom}: invitations cannot be sent until it names your verified SES domain (-c mailFrom=...)`,
      );
    }
    this.jobs = new Jobs(this, 'Jobs');
    this.api = new Api(this, 'Api', {
      data: this.data,
      auth: this.auth,
      jobs: this.jobs,
      mail: this.mail,
      siteUrl: lazySiteUrl,
      publicRateLimit: config.publicRateLimit,
      publicBurstLimit: config.publicBurstLimit,
      respondConcurrency: config.respondConcurrency,
    });
    this.web = new Web(this, 'Web', {
      api: this.api.httpApi,
      authUrl: this.auth.domain.baseUrl(),
      respondOrigin: this.api.respondOrigin,
      uploadsOrigin: `https://${this.data.uploadsBucketName}.s3.${this.region}.${this.urlSuffix}`,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
      webDist: config.webDist,
    });
    siteUrl = this.web.url;
    this.data.allowBrowserUploadsFrom(siteUrl);
    this.web.deploySite();
    this.alarms = new Alarms(this, 'Alarms', {
      api: this.api.httpApi,
      functions: { Respond: this.api.respond, Staff: this.api.staff, Jobs: this.jobs.function },
      urlFunctions: { Respond: this.api.respond },
      jobDeadLetters: this.jobs.deadLetters,
      email: config.alarmEmail,
    });

    new CfnOutput(this, 'SiteUrl', { value: siteUrl, description: 'Open this in a browser' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId, description: 'For creating the first admin' });
    new CfnOutput(this, 'SignInUrl', { value: this.auth.domain.baseUrl() });
  }
}
