/** The staff function: every /api route, behind the API's JWT authorizer and the app's own token check. */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { handle } from 'hono/aws-lambda';
import { createLambdaJobRunner } from '../adapters/lambda-job-runner.ts';
import { createApp } from '../app.ts';
import { readEnv } from '../env.ts';
import { createCloudDeps, noMailer, STAFF_ENV } from './cloud.ts';

const env = readEnv(STAFF_ENV);
// Invitations go out from the job function only; a staff request never sends mail itself.
const jobs = createLambdaJobRunner({ client: new LambdaClient({}), functionName: env.JOBS_FUNCTION_NAME });

export const handler = handle(createApp(createCloudDeps({ mailer: noMailer, jobs })));
