/** The OpenAPI 3.1 document, with request bodies generated from the same zod schemas that validate them. */
import * as z from 'zod';
import type { $ZodType as ZodType } from 'zod/v4/core';
import {
  errorBodySchema,
  jobStatusSchema,
  statementSchema,
  surveyCreateSchema,
  waveCreateSchema,
} from '../shared/schemas.ts';
import { questionnaireRequestSchema, responseRequestSchema } from '../shared/respondent-schemas.ts';

const json = (schema: ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const errors = { '4XX': { description: 'what is wrong, naming the field', ...json(errorBodySchema) } };
const staff = { security: [{ bearer: [] }] };
const waveId = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];

export function openApiDocument(extraPaths: Record<string, unknown> = {}) {
  return {
    openapi: '3.1.0',
    info: { title: 'Baseline API', version: '1', description: 'Organizational-health pulse surveys with honest statistics and enforced confidentiality.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/api/health': { get: { summary: 'liveness', responses: { 200: { description: '{"ok":true}' } } } },
      '/api/questionnaire': { post: { summary: 'the questionnaire behind an invitation token', requestBody: json(questionnaireRequestSchema), responses: { 200: { description: 'wave name, statements in the chosen locale, scale labels' }, ...errors } } },
      '/api/responses': { post: { summary: 'submit answers once per token', requestBody: json(responseRequestSchema), responses: { 201: { description: 'recorded' }, 409: { description: 'already answered' }, 410: { description: 'wave closing or closed' }, ...errors } } },
      '/api/roster': { put: { ...staff, summary: 'replace the people directory (the body, or a file uploaded through POST /api/roster/uploads)', requestBody: { content: { 'text/csv': { schema: { type: 'string' } } } }, parameters: [{ name: 'partial', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } }, { name: 'upload', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: '{imported, rejected}' }, ...errors } } },
      '/api/roster/uploads': { post: { ...staff, summary: 'a presigned URL to upload a directory larger than a request body (cloud only)', responses: { 201: { description: '{key, uploadUrl, method, contentType}' }, 409: { description: 'this installation takes the directory in the body' } } } },
      '/api/statements': {
        get: { ...staff, summary: 'the statement bank', responses: { 200: { description: '{statements}' } } },
        post: { ...staff, summary: 'add a statement', requestBody: json(statementSchema), responses: { 201: { description: 'created' }, ...errors } },
      },
      '/api/surveys': {
        get: { ...staff, summary: 'survey programs with their waves', responses: { 200: { description: '{surveys}' } } },
        post: { ...staff, summary: 'create a survey program', requestBody: json(surveyCreateSchema), responses: { 201: { description: 'created' }, ...errors } },
      },
      '/api/surveys/{id}': { get: { ...staff, parameters: waveId, summary: 'a survey with its waves', responses: { 200: { description: 'survey' }, ...errors } } },
      '/api/surveys/{id}/waves': { post: { ...staff, parameters: waveId, summary: 'create a draft wave', requestBody: json(waveCreateSchema), responses: { 201: { description: 'created' }, ...errors } } },
      '/api/waves/{id}/open': { post: { ...staff, parameters: waveId, summary: 'job: snapshot, segments, invitations, mail', responses: { 202: { description: '{jobId}' }, ...errors } } },
      '/api/waves/{id}/close': { post: { ...staff, parameters: waveId, summary: 'job: the close pipeline', responses: { 202: { description: '{jobId}' }, ...errors } } },
      '/api/waves/{id}/remind': { post: { ...staff, parameters: waveId, summary: 'job: mail a reminder to those who have not answered (nobody is told who they are)', responses: { 202: { description: '{jobId, round}' }, ...errors } } },
      '/api/waves/{id}/invitations.csv': { get: { ...staff, parameters: waveId, summary: 'email,link for self-distribution (audited)', responses: { 200: { description: 'text/csv' }, ...errors } } },
      '/api/waves/{id}/participation': { get: { ...staff, parameters: waveId, summary: 'invited and responded per segment; below k shown as "<k"', responses: { 200: { description: 'participation' }, ...errors } } },
      '/api/jobs/{id}': { get: { ...staff, parameters: waveId, summary: 'a job to poll', responses: { 200: { description: 'job', ...json(jobStatusSchema) }, ...errors } } },
      '/api/demo': { delete: { ...staff, summary: 'remove the demo organization', responses: { 200: { description: 'removed' } } } },
      ...extraPaths,
    },
  };
}
