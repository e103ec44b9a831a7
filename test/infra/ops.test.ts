import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MAIL_ENV } from '../../infra/mail.ts';
import { logicalIdAt, synthStack } from './synth.ts';

const { stack, template } = synthStack({ alarmEmail: 'oncall@example.org' });
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const alarms = Object.values(resources)
  .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
  .map((r) => r.Properties);
const alarmOn = (metric: string, dimension: unknown) =>
  alarms.find((a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(JSON.stringify(dimension)));
const functions = ['Api/Respond', 'Api/Staff', 'Jobs/Runner'].map((path) => logicalIdAt(stack, path));

describe('operations', () => {
  it('raises an alarm on the first API 5xx', () => {
    expect(alarmOn('5xx', { Ref: logicalIdAt(stack, 'Api/Http') })).toMatchObject({ Threshold: 1, Namespace: 'AWS/ApiGateway' });
  });

  it.each(
    functions.flatMap((id) => [
      ['Errors', id],
      ['Throttles', id],
    ]),
  )('raises an alarm on %s of %s', (metric, id) => {
    expect(alarmOn(metric, { Ref: id })).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('raises an alarm on the first 5xx of the respondent function URL', () => {
    expect(alarmOn('Url5xxCount', { Ref: logicalIdAt(stack, 'Api/Respond') })).toMatchObject({ Threshold: 1, Namespace: 'AWS/Lambda', Statistic: 'Sum' });
  });

  it('raises an alarm when a job gives up', () => {
    expect(alarmOn('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [logicalIdAt(stack, 'Jobs/DeadLetters'), 'QueueName'] })).toBeDefined();
  });

  it('sends every alarm to the on-call address', () => {
    const topic = { Ref: logicalIdAt(stack, 'Alarms/Topic') };
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.org', TopicArn: topic });
  });

  it('keeps function logs for a bounded time', () => {
    for (const id of functions) {
      const group = resources[id]!.Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[group]!.Properties.RetentionInDays).toBe(30);
    }
  });
});

describe('mail', () => {
  const runner = resources[logicalIdAt(stack, 'Jobs/Runner')]!.Properties;

  it('sends as the configured sender through a configuration set that requires TLS and suppresses bounces', () => {
    expect(runner.Environment.Variables[MAIL_ENV.from]).toBe('surveys@example.org');
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('never turns on open or click tracking, which would tell HR who read the invitation', () => {
    expect(Object.values(resources).some((r) => r.Type === 'AWS::SES::ConfigurationSetEventDestination')).toBe(false);
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { TrackingOptions: Match.absent(), VdmOptions: Match.absent() });
  });

  it("may send only as the sender's verified domain", () => {
    const role = logicalIdAt(stack, 'Jobs/RunnerRole');
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().includes('ses:SendEmail'));
    expect(JSON.stringify(statements)).toContain(':identity/example.org');
  });
});
