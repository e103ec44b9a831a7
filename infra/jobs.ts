import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BaselineFunction } from './baseline-function.js';

/** Job-runner environment the staff function needs to start jobs and schedule wave transitions. */
export const JOB_ENV = {
  functionName: 'JOBS_FUNCTION_NAME',
  functionArn: 'JOBS_FUNCTION_ARN',
  scheduleGroup: 'SCHEDULE_GROUP',
  scheduleRoleArn: 'SCHEDULE_ROLE_ARN',
} as const;

/**
 * Long work (opening a wave for 300,000 people, closing it) runs in a job function invoked
 * asynchronously. Why not Step Functions: a job keeps its own progress in the main table so that a
 * cut-short close resumes where it stopped, in embedded mode too; the function only has to run
 * `runJob` until shortly before its timeout and invoke itself again with the same job, which is the
 * one loop Step Functions would add, at the price of a second definition of the job. Lambda's async
 * queue retries a failed slice twice, then parks the event in a dead-letter queue that raises an
 * alarm. At SES's typical 14-100 mails a second, a 300,000-person wave takes 1-6 hours, i.e. 4-24
 * fifteen-minute slices.
 *
 * Waves open and close on time through EventBridge Scheduler: one one-shot schedule per transition,
 * deleted by the scheduler after it fires, invoking this function with the job to run.
 */
export class Jobs extends Construct {
  readonly function: BaselineFunction;
  readonly deadLetters: Queue;
  readonly scheduleGroup: ScheduleGroup;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    // A fixed name lets the function be allowed to invoke itself without a template cycle.
    const functionName = `${stack.stackName}-jobs`;
    this.function = new BaselineFunction(this, 'Runner', {
      entry: 'functions/lambda/jobs.ts',
      description: 'Runs open-wave, close-wave and mail jobs in resumable slices',
      functionName,
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });
    this.function.allowInvoke(stack.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });

    this.scheduleGroup = new ScheduleGroup(this, 'Waves', {
      scheduleGroupName: `${stack.stackName}-waves`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler start wave open/close jobs',
    });
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
  }

  /** Let a function start jobs and create or delete this stack's wave schedules; sets the env it needs. */
  grantStartAndSchedule(fn: BaselineFunction): void {
    fn.allowInvoke(this.function.functionArn);
    fn.addEnvironment(JOB_ENV.functionName, this.function.functionName);
    fn.addEnvironment(JOB_ENV.functionArn, this.function.functionArn);
    fn.addEnvironment(JOB_ENV.scheduleGroup, this.scheduleGroup.scheduleGroupName);
    fn.addEnvironment(JOB_ENV.scheduleRoleArn, this.schedulerRole.roleArn);
    this.grantSchedules(fn);
    this.schedulerRole.grantPassRole(fn.grantPrincipal);
  }

  private grantSchedules(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
      resources: [Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroup.scheduleGroupName}/*` })],
    }));
  }
}
