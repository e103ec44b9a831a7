/**
 * Wiring shared by the Lambda entry points: the environment each one reads (set by infra/), the
 * DynamoDB store, and the Powertools logger. Nothing here runs in embedded mode.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { AppDeps } from '../deps.ts';
import { DEFAULT_TIMING } from '../deps.ts';
import { readEnv } from '../env.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Logger } from '../log.ts';
import type { FileStore } from '../files.ts';
import type { Mailer } from '../mailer.ts';
import { createStore } from '../store/client.ts';

/** The variables every entry point reads; infra/ sets them on each function (test/infra checks it). */
export const COMMON_ENV = [
  'MAIN_TABLE_NAME',
  'EPHEMERAL_TABLE_NAME',
  'PUBLIC_BASE_URL',
  'AUTH_ISSUER',
  'AUTH_CLIENT_ID',
  'AUTH_ROLES_CLAIM',
  'AUTH_DOMAIN',
  'AUTH_REDIRECT_URI',
] as const;
export const STAFF_ENV = ['JOBS_FUNCTION_NAME', 'UPLOADS_BUCKET'] as const;
export const JOBS_ENV = ['MAIL_FROM', 'SES_CONFIGURATION_SET'] as const;

/** Structured JSON lines through Powertools; callers pass only the fields of log.ts (no tokens, emails or bodies). */
export function createPowertoolsLogger(): Logger {
  const logger = new PowertoolsLogger();
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  };
}

/** A part of the deps this function must never use (the respondent function sends no mail, starts no job). */
function refuse(what: string): never {
  throw new Error(`${what} is not available in this function`);
}
export const noMailer: Mailer = { send: async () => refuse('mail') };
export const noJobs: JobRunner = { start: async () => refuse('starting a job') };

/** The deps every entry point shares, read from the environment once per cold start. */
export function createCloudDeps(parts: { mailer: Mailer; jobs: JobRunner; files?: FileStore }, source = process.env): AppDeps {
  const env = readEnv(COMMON_ENV, source);
  return {
    ...parts,
    store: createStore(new DynamoDBClient({}), { main: env.MAIN_TABLE_NAME, ephemeral: env.EPHEMERAL_TABLE_NAME }),
    auth: {
      issuer: env.AUTH_ISSUER,
      clientId: env.AUTH_CLIENT_ID,
      rolesClaim: env.AUTH_ROLES_CLAIM,
      jwksUri: `${env.AUTH_ISSUER}/.well-known/jwks.json`,
    },
    webAuth: { mode: 'cognito', domain: env.AUTH_DOMAIN, clientId: env.AUTH_CLIENT_ID, redirectUri: env.AUTH_REDIRECT_URI },
    publicBaseUrl: env.PUBLIC_BASE_URL,
    timing: DEFAULT_TIMING,
    logger: createPowertoolsLogger(),
  };
}
