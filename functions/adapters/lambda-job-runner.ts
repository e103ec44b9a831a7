/**
 * The cloud job runner: starting a job is an asynchronous invocation of the job function (Lambda
 * queues it, retries a failed run twice, then parks it in the dead-letter queue). A job that yields
 * before the function's timeout is started again the same way and resumes from its stored progress.
 * Why not Step Functions: see infra/jobs.ts.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { JobRequest, JobRunner } from '../jobs/runner.ts';

export interface LambdaJobRunnerOptions {
  client: LambdaClient;
  /** Name or ARN of the job function. */
  functionName: string;
}

/** A job runner that hands each job to the job function without waiting for it. */
export function createLambdaJobRunner({ client, functionName }: LambdaJobRunnerOptions): JobRunner {
  return {
    async start(job: JobRequest) {
      const result = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(job)),
        }),
      );
      if (result.StatusCode !== 202) throw new Error(`the job function did not accept job ${job.id} (status ${result.StatusCode})`);
    },
  };
}
