import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  readonly api: HttpApi;
  /** Named functions, e.g. { Respond, Staff, Jobs }. */
  readonly functions: Record<string, IFunction>;
  /** Named functions that answer through their own URL, not the API, e.g. { Respond }. */
  readonly urlFunctions: Record<string, IFunction>;
  /** Where job slices land after their retries are spent. */
  readonly jobDeadLetters: IQueue;
  readonly email?: string;
}

/**
 * Alarms that need a person: any 5xx from the API or a function URL (a 500 is a bug), any throttled or failed
 * function invocation, any job that gave up. Each fires on a single occurrence in five minutes:
 * on a survey platform every one of these is a respondent who could not answer or a wave that
 * did not open.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Baseline alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    const period = Duration.minutes(5);
    this.add('Api5xx', 'The API answered 5xx', props.api.metricServerError({ period, statistic: 'Sum' }));
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, `${name} function invocations failed`, fn.metricErrors({ period, statistic: 'Sum' }));
      this.add(`${name}Throttles`, `${name} function invocations were throttled`, fn.metricThrottles({ period, statistic: 'Sum' }));
    }
    // The app answers a bug with a 500 rather than failing the invocation, so a function URL's 5xx count is what shows it.
    for (const [name, fn] of Object.entries(props.urlFunctions)) {
      const url5xx = new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Url5xxCount',
        dimensionsMap: { FunctionName: fn.functionName },
        period,
        statistic: 'Sum',
      });
      this.add(`${name}Url5xx`, `${name} function URL answered 5xx`, url5xx);
    }
    this.add(
      'JobFailures',
      'A job gave up after its retries (see the dead-letter queue)',
      props.jobDeadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
  }

  private add(id: string, description: string, metric: IMetric): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
