/**
 * The results API (issue 3): zod schemas of every request and response shape, shared by the
 * server (which builds them) and the dashboard (which reads them).
 *
 * Conventions
 * - Shares and changes are in proportion units (0..1 and −1..1); the dashboard shows % and points.
 * - A hidden cell carries `hidden: true` and a `reason`, never a number.
 * - A visible cell shows its exact numbers: the close's audit certified that nothing shown, all
 *   together, pins down a group of 1..k−1 (shared/publishable.ts lists every number). No bands: a
 *   band beside an exact n is a count in disguise, and hiding n would make every share unreadable.
 * - A group of fewer than 10 respondents takes no part in comparisons (hidden with reason
 *   `small-group`): too few to tell a change from noise.
 * - Every comparison carries both waves' response rates.
 */
import * as z from 'zod';
import { WAVE_STATUSES } from './schemas.ts';
import { idSchema } from './schemas.ts';

// ---------- building blocks ----------

export const estimateSchema = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });
export type Estimate = z.infer<typeof estimateSchema>;

/**
 * Why a number is not shown: `below-k` (fewer than k invited in the group, or, in a view with a
 * larger k, fewer than k answered where that count is certified publishable), `differencing`
 * (the close hid it: fewer than k answered, or showing it would let someone work out a smaller
 * group; which of the two is never said, since saying it would publish a range of the count),
 * `small-group` (under 10: too few to compare), `not-asked` (the statement was not in that wave),
 * `not-a-segment` (that wave has no such group).
 */
export const HIDDEN_REASONS = ['below-k', 'differencing', 'small-group', 'not-asked', 'not-a-segment'] as const;
export const hiddenReasonSchema = z.enum(HIDDEN_REASONS);
export type HiddenReason = z.infer<typeof hiddenReasonSchema>;

/** Smallest detectable fall (negative) and rise (positive); null when none is detectable. */
export const detectableSchema = z.object({ down: z.number().nullable(), up: z.number().nullable() });

export const verdictSchema = z.enum(['rose', 'fell', 'noise']);

/** A judged change (shared/verdict.ts): after − before, Newcombe interval, p, BH q, verdict, detectable change, words. */
export const changeSchema = estimateSchema.extend({
  p: z.number(),
  q: z.number(),
  verdict: verdictSchema,
  detectable: detectableSchema,
  words: z.string(),
});
export type Change = z.infer<typeof changeSchema>;

/** A group the view is about. `id` is the segment id (`u:…`, `a:…`, `ua:…`, `not:…`). */
export const segmentRefSchema = z.object({ id: z.string(), label: z.string() });
export type SegmentRef = z.infer<typeof segmentRefSchema>;

/** A wave as the results views name it, with its participation when shown. */
export const waveRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  k: z.number(),
  opensAt: z.string().optional(),
  /** Omitted when the group's participation is hidden. */
  invited: z.number().optional(),
  responded: z.number().optional(),
  responseRate: z.number().optional(),
});
export type WaveRef = z.infer<typeof waveRefSchema>;

export const statementRefSchema = z.object({
  id: z.string(),
  text: z.string(),
  theme: z.string(),
  scale: z.string(),
  /** A choice statement's options in the view's language, in the order it asked them (its counts are keyed by option id). */
  options: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
});

// ---------- queries ----------

/** `unit` is an org unit path ("Soundwave > Technology"); `filter` is `<attribute>:<value>`. */
export const sliceQuerySchema = z.object({
  unit: z.string().min(1).max(1000).optional(),
  filter: z
    .string()
    .regex(/^[^:]+:.+$/, 'must be <attribute>:<value>')
    .max(500)
    .optional(),
  format: z.enum(['json', 'csv']).optional(),
  lang: z.string().max(35).optional(),
});
/** A wave, survey or initiative id in a query or body: the same rule as in paths. */
const refId = idSchema;
const statementRef = z.string().min(1).max(64);
export const compareQuerySchema = sliceQuerySchema.extend({ from: refId, to: refId });
export const heatmapQuerySchema = z.object({
  /** An org level ("1" = the units right under the root) or an attribute name. Default "1". */
  dimension: z.string().min(1).max(200).optional(),
  /** JSON comes a page of the dimension's groups at a time, from this one (0-based); the CSV is always the whole dimension. */
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  format: z.enum(['json', 'csv']).optional(),
  lang: z.string().max(35).optional(),
});
export const trendQuerySchema = sliceQuerySchema.extend({ statement: statementRef });
/** Comments a page holds at most by default, and at most when asked; a page also stops near COMMENTS_PAGE_BYTES of text. */
export const COMMENTS_PAGE_DEFAULT = 500;
export const COMMENTS_PAGE_MAX = 1_000;
/** Well under the 6 MB a Lambda response may hold, whatever the comments' length (2,000 characters each at most). */
export const COMMENTS_PAGE_BYTES = 1_000_000;
export const commentsQuerySchema = z.object({
  statement: statementRef.optional(),
  unit: z.string().min(1).max(1000).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(COMMENTS_PAGE_MAX)
    .optional()
    .describe(`comments per page (default ${COMMENTS_PAGE_DEFAULT}); a page also ends near 1 MB of text`),
  cursor: z.string().min(1).max(200).optional().describe("the previous page's nextCursor: the same shuffle, from where that page ended"),
  /** Refused: comments are never filtered by attributes (a filter could single someone out). */
  filter: z
    .string()
    .refine(() => false, 'comments are never filtered by attributes')
    .optional()
    .describe('always refused: comments are never filtered by attributes'),
});
export const impactQuerySchema = z.object({ format: z.enum(['json', 'csv']).optional(), lang: z.string().max(35).optional() });

const positiveInt = z.coerce.number().int().min(2).max(10_000_000);
const proportion = z.coerce.number().gt(0).lt(1);
/** The planner: group sizes, baseline % favorable (0..1), optionally the change hoped for (−1..1). */
export const planQuerySchema = z.object({
  n1: positiveInt,
  n2: positiveInt,
  p: proportion,
  change: z.coerce
    .number()
    .gt(-1)
    .lt(1)
    .refine((value) => value !== 0, 'must not be 0')
    .optional(),
});

// ---------- GET /api/waves/:id/results ----------

/** How one group's share shows: hidden with a reason, or n and the estimate of a certified cell. */
const shownShare = {
  hidden: z.boolean().optional(),
  reason: hiddenReasonSchema.optional(),
  n: z.number().optional(),
  favorable: estimateSchema.optional(),
};

export const statementResultSchema = statementRefSchema.extend({
  ...shownShare,
  /** Scale value → count. */
  counts: z.record(z.string(), z.number()).optional(),
  neutral: estimateSchema.optional(),
  unfavorable: estimateSchema.optional(),
  mean: estimateSchema.optional(),
  /** enps statements: % promoters − % detractors (−1..1) with the adjusted Wald interval. */
  enps: estimateSchema.optional(),
});
export type StatementResult = z.infer<typeof statementResultSchema>;

export const waveResultsSchema = z.object({
  wave: waveRefSchema,
  segment: segmentRefSchema,
  statements: z.array(statementResultSchema),
});
export type WaveResults = z.infer<typeof waveResultsSchema>;

// ---------- GET /api/compare, GET /api/waves/:id/compare-previous ----------

export const sideSchema = z.object({ n: z.number(), favorable: estimateSchema });

export const comparedStatementSchema = statementRefSchema.extend({
  hidden: z.boolean().optional(),
  reason: hiddenReasonSchema.optional(),
  before: sideSchema.optional(),
  after: sideSchema.optional(),
  change: changeSchema.optional(),
});
export type ComparedStatement = z.infer<typeof comparedStatementSchema>;

export const comparisonSchema = z.object({
  from: waveRefSchema,
  to: waveRefSchema,
  /** The larger of the two waves' k: it applies to both. */
  k: z.number(),
  segment: segmentRefSchema,
  /** compare-previous: why this earlier wave was chosen. */
  basis: z.enum(['chosen', 'year-over-year', 'previous-wave']),
  statements: z.array(comparedStatementSchema),
});
export type Comparison = z.infer<typeof comparisonSchema>;

// ---------- GET /api/waves/:id/heatmap ----------

export const heatCellSchema = z.object({
  statementId: z.string(),
  segmentId: z.string(),
  ...shownShare,
  /** Since the previous wave (as compare-previous chooses it); its verdict colors the cell. */
  change: changeSchema.optional(),
  /** Why there is no change when the share itself shows. */
  changeReason: hiddenReasonSchema.optional(),
});
export type HeatCell = z.infer<typeof heatCellSchema>;

export const heatmapSchema = z.object({
  wave: waveRefSchema,
  previous: waveRefSchema.optional(),
  k: z.number(),
  dimension: z.string(),
  dimensions: z.array(z.object({ id: z.string(), label: z.string() })),
  statements: z.array(statementRefSchema),
  /** Columns, with each group's response rate in this wave and the previous one when shown. */
  segments: z.array(
    segmentRefSchema.extend({
      responseRate: z.number().optional(),
      previousResponseRate: z.number().optional(),
      /** The whole organization's column, shown first beside the dimension's groups. */
      whole: z.boolean().optional(),
    }),
  ),
  /** Every statement × segment of the page, row by row; the BH family is every change of the whole dimension, not only the page. */
  cells: z.array(heatCellSchema),
  /**
   * Which of the dimension's groups this page holds (the whole organization's column rides on
   * every page, outside the count): an organization of 2,000 units would otherwise answer ~13 MB,
   * over the 6 MB a Lambda may answer.
   */
  page: z.object({ offset: z.number(), size: z.number(), total: z.number() }),
});
export type Heatmap = z.infer<typeof heatmapSchema>;

// ---------- GET /api/surveys/:id/trend ----------

export const trendPointSchema = z.object({
  waveId: z.string(),
  waveName: z.string(),
  opensAt: z.string().optional(),
  k: z.number(),
  responseRate: z.number().optional(),
  ...shownShare,
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const trendSchema = z.object({
  survey: z.object({ id: z.string(), name: z.string() }),
  statement: z.object({ id: z.string(), text: z.string() }),
  segment: z.object({ label: z.string() }),
  /** Closed waves, oldest first. */
  points: z.array(trendPointSchema),
});
export type Trend = z.infer<typeof trendSchema>;

// ---------- initiatives ----------

export const PHASES = ['think', 'build', 'ship', 'tweak'] as const;
export const phaseSchema = z.enum(PHASES);

/** A group, named the way the results routes take it: an org unit path and/or `<attribute>:<value>`. */
export const sliceSchema = z
  .object({
    unit: z.string().min(1).max(1000).optional(),
    filter: z
      .string()
      .regex(/^[^:]+:.+$/, 'must be <attribute>:<value>')
      .max(500)
      .optional(),
  })
  .strict()
  .refine((slice) => slice.unit !== undefined || slice.filter !== undefined, 'name a unit or a filter');
export type Slice = z.infer<typeof sliceSchema>;

export const initiativeCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    hypothesis: z.string().trim().min(1).max(4000),
    statements: z
      .array(
        z
          .object({
            id: statementRef,
            direction: z.enum(['up', 'down']),
            /** The smallest change (proportion units, positive) the group would call a success. */
            minChange: z.number().gt(0).lt(1).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    target: sliceSchema,
    /** Default: everyone outside the target. Must not overlap the target. */
    comparison: sliceSchema.optional(),
    baselineWaveIds: z.array(refId).min(1).max(20),
    /** None yet is normal: a hypothesis is registered before the follow-up exists (pre-registration). */
    followUpWaveIds: z.array(refId).max(20).default([]),
    phase: phaseSchema,
  })
  .strict();
export type InitiativeCreate = z.input<typeof initiativeCreateSchema>;

/** PATCH /api/initiatives/:id: a later edit, kept in the history beside the untouched registration. */
export const initiativeEditSchema = initiativeCreateSchema
  .pick({ name: true, hypothesis: true, statements: true, followUpWaveIds: true, phase: true })
  .partial()
  .strict()
  .refine((edit) => Object.keys(edit).length > 0, 'change at least one of name, hypothesis, statements, followUpWaveIds, phase');
export type InitiativeEdit = z.infer<typeof initiativeEditSchema>;

export const initiativeEditRecordSchema = z.object({ at: z.string(), changes: z.record(z.string(), z.unknown()) });

export const initiativeSchema = initiativeCreateSchema.safeExtend({
  id: z.string(),
  /** When the hypothesis was registered: set once, never changed by an edit. */
  createdAt: z.string(),
  /** The hypothesis as registered (name, hypothesis, statements), never rewritten. */
  registered: z.object({ hypothesis: z.string(), statements: initiativeCreateSchema.shape.statements }).optional(),
  /** Later edits, oldest first, each with its time and what it changed. */
  edits: z.array(initiativeEditRecordSchema).optional(),
  demo: z.boolean().optional(),
  /** Labels of the two groups ("Soundwave > Technology"; everyone outside it is "¬ Soundwave > Technology", worded by the reader: shared/segment-labels.ts). */
  targetLabel: z.string(),
  comparisonLabel: z.string(),
});
export type Initiative = z.infer<typeof initiativeSchema>;

export const initiativeListSchema = z.object({ initiatives: z.array(initiativeSchema) });

/** One group's before, after and change (after − before, Newcombe interval) for one statement. */
export const groupChangeSchema = z.object({
  before: sideSchema,
  after: sideSchema,
  change: estimateSchema,
});
export type GroupChange = z.infer<typeof groupChangeSchema>;

export const impactVerdictSchema = z.enum(['consistent', 'contradicts', 'noise']);

export const impactStatementSchema = statementRefSchema.extend({
  direction: z.enum(['up', 'down']),
  minChange: z.number().optional(),
  hidden: z.boolean().optional(),
  reason: hiddenReasonSchema.optional(),
  target: groupChangeSchema.optional(),
  comparison: groupChangeSchema.optional(),
  /** Difference-in-differences: target change − comparison change, square-and-add interval. */
  did: estimateSchema
    .extend({
      p: z.number(),
      q: z.number(),
      verdict: impactVerdictSchema,
      /** A consistent change against the smallest change worth having. */
      hoped: z.enum(['reached', 'smaller', 'unsure']).optional(),
      detectable: detectableSchema,
      words: z.string(),
    })
    .optional(),
  /** Before the follow-up: each group's baseline level with its interval. */
  baseline: z.object({ target: sideSchema.optional(), comparison: sideSchema.optional() }).optional(),
  /** Before the follow-up: whether the hoped-for change is detectable with these groups. */
  plan: z.object({ detectable: detectableSchema, reaches: z.boolean().optional(), neededPerGroup: z.number().optional(), words: z.string() }).optional(),
  /** With two or more baseline waves: did target and comparison move alike before the initiative? */
  parallelTrends: z.object({ checked: z.boolean(), ok: z.boolean().optional(), difference: estimateSchema.optional(), words: z.string() }).optional(),
  /** Set when the target started unusually low. */
  regressionToMean: z.string().optional(),
});
export type ImpactStatement = z.infer<typeof impactStatementSchema>;

export const impactSchema = z.object({
  initiative: initiativeSchema,
  /** The largest k of the waves involved: it applies to all of them. */
  k: z.number(),
  baseline: z.array(waveRefSchema),
  /** The latest follow-up wave, whatever its state; absent when none is attached yet. */
  followUp: waveRefSchema.extend({ status: z.string().optional() }).optional(),
  /** `judged` once the follow-up is closed; `planned` before (no follow-up, or a draft or open one). */
  status: z.enum(['judged', 'planned']),
  /** Why there is no verdict yet, in words ("The follow-up wave Q1 is a draft: …"). */
  pending: z.string().optional(),
  /** When the hypothesis was registered, against the follow-up: before it opened, or after its results were known (exploratory). */
  registration: z.object({ at: z.string(), timing: z.enum(['before-follow-up', 'during-follow-up', 'after-results']), words: z.string() }),
  /** Before the follow-up: the planner's verdict on the whole hypothesis and what would make it detectable. */
  plan: z.object({ verdict: z.enum(['detectable', 'partly', 'not-yet', 'impossible']), words: z.string(), suggestions: z.array(z.string()) }).optional(),
  /** Response rates of each group in the baseline (last) and follow-up waves, when shown. */
  responseRates: z.object({
    target: z.object({ before: z.number().optional(), after: z.number().optional() }),
    comparison: z.object({ before: z.number().optional(), after: z.number().optional() }),
  }),
  statements: z.array(impactStatementSchema),
  /** Confounding (another initiative's target overlaps in the same period) and other cautions. */
  warnings: z.array(z.string()),
});
export type Impact = z.infer<typeof impactSchema>;

// ---------- GET /api/plan ----------

export const planSchema = z.object({
  inputs: z.object({ n1: z.number(), n2: z.number(), p: z.number(), change: z.number().optional() }),
  /** Two waves of n1 and n2 respondents starting at p. */
  twoWaves: z.object({ detectable: detectableSchema, neededPerWave: z.number().optional() }),
  /** An initiative: a target of n1 and a comparison of n2 respondents, in both waves. */
  initiative: z.object({ detectable: detectableSchema, neededPerGroup: z.number().optional() }),
  words: z.string(),
});
export type Plan = z.infer<typeof planSchema>;

// ---------- POST /api/waves/import ----------

/** A day ("2014-03-03") or an instant; stored as an instant (a day is its start, UTC). */
const fieldDateSchema = z.union([z.iso.datetime(), z.iso.date()]).transform((value) => new Date(value).toISOString());

/**
 * CSV columns: `statement` (id in the bank), `unit` (optional org unit path; empty = the whole
 * organization), `n`, then either one column per scale point (`1`..`5`, `0`..`10`) or `favorable`
 * (% favorable, 0..100). Each unit row counts the unit with everything below it. Other vendors'
 * names are taken too ("Statement ID", "Org unit", "% favorable"); any other column is a 400.
 * The field period (`opensAt`, `closesAt`) dates the wave among the survey's native waves.
 */
export const waveImportSchema = z
  .object({
    surveyId: refId,
    name: z.string().trim().min(1).max(120),
    minGroupSize: z.number().int().min(3).max(100).default(5),
    opensAt: fieldDateSchema,
    closesAt: fieldDateSchema.optional(),
    csv: z.string().min(1).max(5_000_000),
  })
  .strict()
  .refine((input) => !input.closesAt || input.closesAt >= input.opensAt, { message: 'must not be before opensAt', path: ['closesAt'] });
export type WaveImport = z.infer<typeof waveImportSchema>;

export const waveImportReportSchema = z.object({
  waveId: z.string(),
  rows: z.number(),
  segments: z.number(),
  hiddenCells: z.number(),
});

// ---------- GET /api/waves/:id/participation ----------

/** A count the close (or, while open, the rules) did not let show. */
export const BELOW_K = '<k';
const shownCountSchema = z.union([z.number(), z.literal(BELOW_K)]);

export const segmentParticipationSchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.enum(['unit', 'attribute', 'unitAttribute', 'complement']),
  invited: shownCountSchema,
  responded: shownCountSchema,
  rate: z.number().optional(),
});
export type SegmentParticipation = z.infer<typeof segmentParticipationSchema>;

/** Invited and responded per group; after close from the certified cells (shared/publishable.ts). */
export const participationSchema = z.object({
  status: z.enum(WAVE_STATUSES),
  invited: z.number(),
  responded: shownCountSchema,
  rate: z.number().optional(),
  computedAt: z.string().optional(),
  /** When an open wave's figures are next recounted: the delay is deliberate (functions/waves/participation.ts). */
  refreshesAt: z.string().optional(),
  segments: z.array(segmentParticipationSchema),
});
export type Participation = z.infer<typeof participationSchema>;

// ---------- GET /api/waves/:id/comments ----------

export const commentsSchema = z.object({
  segment: segmentRefSchema,
  /** Fewer than 10 respondents in the group (or in what a difference would leave): no comments. */
  hidden: z.boolean().optional(),
  reason: z.string().optional(),
  /** Shuffled; never filtered by attributes. One page of them: the next is asked with nextCursor. */
  comments: z.array(z.object({ statementId: z.string(), text: z.string() })),
  /** Comments of this group (and statement) over every page. */
  total: z.number().int().min(0),
  /** Present while pages remain. */
  nextCursor: z.string().optional(),
  /** Units whose comments may be read on their own. */
  units: z.array(segmentRefSchema),
});
export type Comments = z.infer<typeof commentsSchema>;

// ---------- PUT/GET /api/staff/:subject/grants ----------

export const grantsSchema = z.object({ units: z.array(z.string().min(1).max(1000)).max(1000) }).strict();
export type Grants = z.infer<typeof grantsSchema>;

/** Comments need at least this many respondents in the group. */
export const COMMENT_MIN_RESPONDENTS = 10;
/** Below this many respondents a group shows % favorable only. */
export const SMALL_GROUP = 10;
