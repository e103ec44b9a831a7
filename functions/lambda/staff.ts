/** The staff function: every /api route, behind the API's JWT authorizer and the app's own token check. */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3FileStore } from '../adapters/s3-file-store.ts';
import { handle } from 'hono/aws-lambda';
import { createLambdaJobRunner } from '../adapters/lambda-job-runner.ts';
import { createApp } from '../app.ts';
import { readEnv } from '../env.ts';
import { createCloudDeps, noMailer, STAFF_ENV } from './cloud.ts';

const env = readEnv(STAFF_ENV);
// Invitations go out from the job function only; a staff request never sends mail itself.
const jobs = createLambdaJobRunner({ client: new LambdaClient({}), functionName: env.JOBS_FUNCTION_NAME });

// Directories and invitation exports larger than a Lambda payload go through the uploads bucket.
const files = createS3FileStore(new S3Client({}), env.UPLOADS_BUCKET);

export const handler = handle(createApp(createCloudDeps({ mailer: noMailer, jobs, files })));
