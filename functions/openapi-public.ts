/**
 * The public routes in the OpenAPI document. They live in the respondent function, which stays
 * outside OpenAPIHono to keep its bundle small (zod/mini, no staff code), so they are described
 * here, from the same schemas that validate them.
 */
import * as z from 'zod';
import { questionnaireRequestSchema, responseRequestSchema } from '../shared/respondent-schemas.ts';
import { errorBodySchema } from '../shared/schemas.ts';

const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
const json = (schema: z.core.$ZodType, description: string, io: 'input' | 'output' = 'output') => ({
  description,
  content: { 'application/json': { schema: jsonSchema(schema, io) } },
});
const errors = {
  '4XX': { description: 'what is wrong, naming the field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } },
};

export const configSchema = z.object({
  auth: z.union([
    z.object({ mode: z.literal('local') }),
    z.object({ mode: z.literal('cognito'), domain: z.string(), clientId: z.string(), redirectUri: z.string() }),
  ]),
  demo: z.boolean(),
});

/** Paths of the routes anyone may call (the spec route itself is declared with createRoute). */
export function publicOpenApiPaths() {
  return {
    '/api/health': { get: { summary: 'liveness', 'x-public': true, responses: { 200: json(z.object({ ok: z.literal(true) }), 'alive') } } },
    '/api/config': {
      get: {
        summary: 'how the dashboard signs staff in, and whether the demo is loaded',
        'x-public': true,
        responses: { 200: json(configSchema, 'configuration') },
      },
    },
    '/api/questionnaire': {
      post: {
        summary: 'the questionnaire behind an invitation token',
        'x-public': true,
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(questionnaireRequestSchema) } } },
        responses: { 200: { description: 'wave name, statements in the chosen locale, scale labels' }, ...errors },
      },
    },
    '/api/responses': {
      post: {
        summary: 'submit answers once per token',
        'x-public': true,
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(responseRequestSchema) } } },
        responses: {
          201: json(
            z.object({ status: z.literal('recorded') }),
            "recorded: these answers are the link's counted response (also to a retry with the same submission id and answers)",
          ),
          409: { description: 'already answered by another submission' },
          410: { description: 'wave closing or closed' },
          ...errors,
        },
      },
    },
  };
}

export const errorsComponent = jsonSchema(errorBodySchema, 'output');
