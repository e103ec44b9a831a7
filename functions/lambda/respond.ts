/** The respondent function: questionnaire, submission and health, nothing else (no staff code, no mail, no jobs). */
import { handle } from 'hono/aws-lambda';
import { createRespondentApp } from '../respondent-app.ts';
import { createCloudDeps, noJobs, noMailer } from './cloud.ts';

export const handler = handle(createRespondentApp(createCloudDeps({ mailer: noMailer, jobs: noJobs })));
