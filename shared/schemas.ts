/** Request and response schemas of the API: every body and query is parsed by one of these. */
import { publishedCertificateSchema } from './published-wave.ts';
import { latestClosesAtFor, MAX_OPEN_DAYS } from './open-period.ts';
import * as z from 'zod';
import { SCALE_KINDS } from './scales.ts';
import { STATEMENT_ID_PATTERN, STATEMENT_ID_RULE } from './respondent-schemas.ts';

const localizedText = z
  .record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale like "en" or "sv"'), z.string().trim().min(1).max(500))
  .refine((text) => Object.keys(text).length > 0, 'needs text in at least one locale');

export const statementIdSchema = z.string().regex(STATEMENT_ID_PATTERN, STATEMENT_ID_RULE);

/** The id of a survey, wave, job or initiative: what randomId() makes (base64url), with room to spare. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id: 1 to 64 letters, digits, "_" or "-"');
/** A staff member's subject: a Cognito sub (a UUID) or a local name like `local-analyst`. */
export const subjectSchema = z.string().regex(/^[A-Za-z0-9._@:+-]{1,128}$/, 'a subject id: 1 to 128 letters, digits or ". _ @ : + -"');

export const statementSchema = z
  .object({
    id: statementIdSchema,
    text: localizedText,
    scale: z.enum(SCALE_KINDS),
    options: z
      .array(z.object({ id: statementIdSchema, text: localizedText }))
      .min(2)
      .max(20)
      .optional(),
    /** One name for every language, or a name per locale (worded in the reader's language by the results). */
    theme: z.union([
      z.string().trim().min(1).max(80),
      z
        .record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale like "en" or "sv"'), z.string().trim().min(1).max(80))
        .refine((names) => Object.keys(names).length > 0, 'needs a name in at least one locale'),
    ]),
  })
  .strict()
  .refine((s) => (s.scale === 'choice') === (s.options !== undefined), {
    message: 'options are required for a choice scale and allowed only there',
    path: ['options'],
  });
export type Statement = z.infer<typeof statementSchema>;

export const surveyCreateSchema = z.object({ name: z.string().trim().min(1).max(120) }).strict();

export const MIN_K = 3;
export const DEFAULT_K = 5;

export const waveCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    statementIds: z.array(statementIdSchema).min(1).max(100),
    minGroupSize: z.number().int().min(MIN_K).max(1000).default(DEFAULT_K),
    audience: z.array(z.string().trim().min(1).max(1000)).min(1).max(1000).optional(),
    opensAt: z.iso.datetime({ offset: true }).optional(),
    closesAt: z.iso.datetime({ offset: true }).optional(),
    /** When the non-respondents get one automatic reminder (e.g. two days before closesAt). */
    remindAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((w) => new Set(w.statementIds).size === w.statementIds.length, {
    message: 'lists a statement twice',
    path: ['statementIds'],
  })
  .refine((w) => !w.opensAt || !w.closesAt || Date.parse(w.opensAt) < Date.parse(w.closesAt), {
    message: 'must be after opensAt',
    path: ['closesAt'],
  })
  // A wave closes by itself MAX_OPEN_DAYS after it opens (shared/open-period.ts): a later closesAt would be a promise the schedule breaks.
  .refine((w) => !w.closesAt || Date.parse(w.closesAt) <= latestClosesAtFor(w.opensAt), {
    message: `must be at most ${MAX_OPEN_DAYS} days after the wave opens (opensAt, or now when it has none): a wave closes by itself then`,
    path: ['closesAt'],
  })
  .refine(
    (w) => !w.remindAt || ((!w.opensAt || Date.parse(w.opensAt) < Date.parse(w.remindAt)) && (!w.closesAt || Date.parse(w.remindAt) < Date.parse(w.closesAt))),
    {
      message: 'must fall between opensAt and closesAt',
      path: ['remindAt'],
    },
  );
export type WaveCreate = z.infer<typeof waveCreateSchema>;

export const WAVE_STATUSES = ['draft', 'opening', 'open', 'closing', 'closed'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const jobStatusSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  progress: z.object({ done: z.number(), total: z.number() }).optional(),
  error: z.string().optional(),
  result: z.unknown().optional(),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const rosterQuerySchema = z.object({
  partial: z.enum(['true', 'false']).optional(),
  upload: z
    .string()
    .regex(/^roster\/[A-Za-z0-9_-]{16,32}\.csv$/, 'an upload key from POST /api/roster/uploads')
    .optional(),
});

// ---------- responses of the staff routes (the results views are in api-results.ts) ----------

/** A wave as the API shows it (never its statement snapshot or resume points). */
export const waveViewSchema = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    name: z.string(),
    statementIds: z.array(z.string()),
    k: z.number(),
    audience: z.array(z.string()).optional(),
    opensAt: z.string().optional(),
    closesAt: z.string().optional(),
    remindAt: z.string().optional(),
    /** When the wave actually opened; it closes by itself MAX_OPEN_DAYS later at the latest (closesAtLatest). */
    openedAt: z.string().optional(),
    closesAtLatest: z.string().optional(),
    status: z.enum(WAVE_STATUSES),
    createdAt: z.string(),
    demo: z.boolean().optional(),
    invited: z.number().optional(),
    responded: z.number().optional(),
    /** Set at close: how the confidentiality audit certified the wave and how many cells it hid (issue 9; shared/published-wave.ts). */
    certificate: publishedCertificateSchema.optional(),
  })
  .loose();
export const surveyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  demo: z.boolean().optional(),
  waves: z.array(waveViewSchema),
});
export const surveyListSchema = z.object({ surveys: z.array(surveyViewSchema) });
export const statementListSchema = z.object({ statements: z.array(z.object({ id: z.string() }).loose()) });
export const jobStartedSchema = z.object({ jobId: z.string(), round: z.number().optional() });
export const inviteesSchema = z.object({ invitees: z.number().nullable() });
export const rosterSummarySchema = z.object({
  people: z.number(),
  attributes: z.array(z.string()),
  demo: z.boolean(),
  uploadedAt: z.string().optional(),
  units: z.number().optional(),
  locales: z.record(z.string(), z.number()).optional(),
});
export const rosterReportSchema = z.object({ imported: z.number(), rejected: z.array(z.object({ line: z.number(), field: z.string(), message: z.string() })) });
export const rosterUploadSchema = z.object({ key: z.string(), uploadUrl: z.string(), method: z.literal('PUT'), contentType: z.string() });
export const demoRemovedSchema = z.object({}).loose();
