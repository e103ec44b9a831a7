/**
 * The respondent routes' request schemas, in zod's tree-shakable "mini" form: the public Lambda
 * bundles only these, and classic zod would add ~75 KB to every cold start.
 */
import * as z from 'zod/mini';

export const STATEMENT_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const STATEMENT_ID_RULE = 'lowercase letters, digits, ".", "_" or "-", at most 64';

/** The opaque invitation token: 32 random bytes, base64url. */
export const tokenSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'not an invitation token'));

const statementId = z.string().check(z.regex(STATEMENT_ID_PATTERN, STATEMENT_ID_RULE));

export const questionnaireRequestSchema = z.strictObject({ token: tokenSchema, lang: z.optional(z.string().check(z.maxLength(35))) });

export const answerValueSchema = z.union([z.number(), z.string()]);
/**
 * A random id the respondent page makes for one submission and keeps with it until it hears back:
 * its retry after a lost reply is recognised (201) where another submission of the link is not (409).
 */
export const submissionIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22,64}$/, '22 to 64 base64url characters'));
export const responseRequestSchema = z.strictObject({
  token: tokenSchema,
  answers: z.record(statementId, answerValueSchema),
  submission: z.optional(submissionIdSchema),
});
export type ResponseRequest = z.infer<typeof responseRequestSchema>;
