import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, SuppressionReasons, ConfigurationSetTlsPolicy } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { BaselineFunction } from './baseline-function.ts';

export const MAIL_ENV = { from: 'MAIL_FROM', configurationSet: 'SES_CONFIGURATION_SET' } as const;

export interface MailProps {
  readonly from: string;
  /** A domain or address already verified in SES (and out of the sandbox) in this account and region. */
  readonly identity: string;
}

/**
 * Invitations and reminders go out through SES as an identity verified outside the stack (an
 * account usually has its domain verified already; a second identity for it would fail to create).
 * The configuration set requires TLS to the receiving server and suppresses addresses that bounced
 * or complained, protecting the account's sending reputation during a 300,000-person wave.
 */
export class Mail extends Construct {
  readonly configurationSet: ConfigurationSet;
  private readonly identityArn: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MailProps,
  ) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'Invitations', {
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    this.identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: props.identity });
  }

  /** Let a function send as the identity through the configuration set, and read the sending rate it paces to. */
  grantSend(fn: BaselineFunction): void {
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          this.identityArn,
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
      }),
    );
    // GetAccount has no resource to scope to.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    fn.addEnvironment(MAIL_ENV.from, this.props.from);
    fn.addEnvironment(MAIL_ENV.configurationSet, this.configurationSet.configurationSetName);
  }
}
