import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BaselineFunction } from './baseline-function.ts';
import { FUNCTION_MEMORY_MB } from './function-memory.ts';

/** Job-runner environment the staff function needs to start jobs. */
export const JOB_ENV = { functionName: 'JOBS_FUNCTION_NAME' } as const;

/**
 * The close's confidentiality audit loads HiGHS from `highs.wasm` beside the script that loads it;
 * esbuild bundles the JavaScript but not the binary, so the job bundle carries it next to itself
 * (without it the cloud's close could not load the solver).
 */
export const JOB_BUNDLE_FILES = ['node_modules/highs/build/highs.wasm'] as const;

/**
 * What the wave schedule delivers to the job function (functions/adapters/scheduler.ts reads it;
 * test/lambda checks the two agree).
 */
export const DUE_TRANSITIONS_INPUT = { source: 'baseline.schedule', action: 'run-due-transitions' } as const;

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
 * Waves open and close on time through EventBridge Scheduler: one recurring schedule asks the job
 * function every minute to start the transitions that are due (the same `runDueTransitions` the
 * embedded timer calls). Why not one schedule per wave: nothing to create, move or delete when a
 * wave is edited, opened by hand or removed, and no staff permission to manage schedules.
 */
export class Jobs extends Construct {
  readonly function: BaselineFunction;
  readonly deadLetters: Queue;
  readonly scheduleGroup: ScheduleGroup;
  readonly dueTransitions: Schedule;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    // A fixed name lets the function be allowed to invoke itself without a template cycle.
    const functionName = `${stack.stackName}-jobs`;
    this.function = new BaselineFunction(this, 'Runner', {
      entry: 'functions/lambda/jobs.ts',
      filesBesideBundle: JOB_BUNDLE_FILES,
      description: 'Runs open-wave and close-wave jobs in resumable slices, and starts due transitions',
      functionName,
      timeout: Duration.minutes(15),
      memorySize: FUNCTION_MEMORY_MB.jobs,
      // The mailer paces itself to the account's SES rate within one process: one job at a time keeps
      // two waves opening together from sending at twice the rate. More jobs queue (Lambda's async
      // queue keeps them up to six hours) and a slice ends within 15 minutes.
      reservedConcurrentExecutions: 1,
    });
    this.function.allowInvoke(
      stack.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );

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

    this.scheduleGroup = new ScheduleGroup(this, 'Waves', { removalPolicy: RemovalPolicy.DESTROY });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler start due wave transitions',
    });
    this.dueTransitions = new Schedule(this, 'DueTransitions', {
      description: 'Open and close waves at their opensAt / closesAt',
      scheduleGroup: this.scheduleGroup,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function, {
        role: this.schedulerRole,
        input: ScheduleTargetInput.fromObject(DUE_TRANSITIONS_INPUT),
        // The next tick a minute later is the retry.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
  }

  /** Let a function start jobs; sets the environment it needs to find the job function. */
  grantStart(fn: BaselineFunction): void {
    fn.allowInvoke(this.function.functionArn);
    fn.addEnvironment(JOB_ENV.functionName, this.function.functionName);
  }
}
