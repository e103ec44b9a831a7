/**
 * The job function: runs an open-wave or close-wave job until it is done or close to the function's
 * timeout, then hands over to a fresh invocation of itself that resumes from the stored progress.
 * The wave schedule's tick starts the transitions that are due. A job that ends failed is rethrown,
 * so Lambda retries it and finally parks it in the dead-letter queue, which raises an alarm.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { createLambdaJobRunner } from '../adapters/lambda-job-runner.ts';
import { isDueTransitionsEvent, type DueTransitionsEvent } from '../adapters/scheduler.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { readEnv } from '../env.ts';
import { runJob } from '../jobs/run-job.ts';
import type { JobRequest } from '../jobs/runner.ts';
import { getJob } from '../store/jobs.ts';
import { runDueTransitions } from '../waves/schedule.ts';
import { createCloudDeps, JOBS_ENV } from './cloud.ts';

/** Hand over this long before the timeout: one batch of work plus the re-invocation must fit in it. */
export const HANDOVER_MARGIN_MS = 60_000;

const env = readEnv([...JOBS_ENV, 'AWS_LAMBDA_FUNCTION_NAME']);
const deps = createCloudDeps({
  mailer: createSesMailer({ client: new SESv2Client({}), from: env.MAIL_FROM, configurationSet: env.SES_CONFIGURATION_SET }),
  jobs: createLambdaJobRunner({ client: new LambdaClient({}), functionName: env.AWS_LAMBDA_FUNCTION_NAME }),
});

export class JobFailedError extends Error {
  constructor(id: string, reason?: string) {
    super(`job ${id} failed${reason ? `: ${reason}` : ''}`);
    this.name = 'JobFailedError';
  }
}

export async function handler(event: JobRequest | DueTransitionsEvent, context: Context): Promise<void> {
  if (isDueTransitionsEvent(event)) {
    const started = await runDueTransitions(deps);
    if (started > 0) deps.logger.info('due transitions started', { started });
    return;
  }
  await runJob({ ...deps, shouldYield: () => context.getRemainingTimeInMillis() < HANDOVER_MARGIN_MS }, event);
  const job = await getJob(deps.store, event.id);
  if (job.status === 'failed') throw new JobFailedError(job.id, job.error);
}
