/** The HTTP edges every sub-app shares: zod validation that answers 400 naming the field, and one error mapping. */
import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { $ZodType as ZodType } from 'zod/v4/core';
import { BaselineError, ValidationError } from './errors.ts';
import type { Logger } from './log.ts';

/** Validate a request part with a zod schema; the first problem becomes a 400 naming its field. */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue.path.length > 0 ? issue.path.join('.') : target;
      throw new ValidationError(`${field}: ${issue.message}`, field);
    }
  });
}

/** The language to word a response in: `?lang=`, else the first Accept-Language tag, else English. */
export function preferredLang(c: Context, lang: string | undefined): string {
  const accepted = c.req.header('accept-language')?.split(',')[0]?.split(';')[0]?.trim().toLowerCase().split('-')[0];
  return lang ?? (accepted || 'en');
}

/** One mapping from errors to responses: domain errors keep their status, anything else is a logged 500. */
export function errorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof BaselineError) {
      return c.json({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } }, error.status);
    }
    if (error instanceof HTTPException) {
      // Hono's own 4xx: malformed JSON, body too large.
      const status = error.status;
      const message = status === 413 ? 'the request body is too large' : error.message || 'the request is malformed';
      return c.json({ error: { code: status === 413 ? 'too-large' : 'invalid-request', message, field: 'body' } }, status);
    }
    logger.error('unhandled error', { route: c.req.routePath, method: c.req.method, error: error.name });
    return c.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, 500);
  };
}
