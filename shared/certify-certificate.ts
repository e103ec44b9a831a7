/**
 * The confidentiality certificate a close stores on the wave (issue 9): what the audit checked,
 * how, and how many cells it hid for which reason. GET /api/waves/:id returns it and the wave page
 * shows it.
 */
import * as z from 'zod';

/**
 * Where the audit gives the attacker more than the views show, or answers "pinned" without
 * proof (each makes it hide more, never less):
 * - `exact-counts`: every visible statement cell is taken to publish its exact count per scale
 *   point and its n, whatever the view shows (bands, %, means are functions of those);
 * - `empty-points`: a scale point nobody in the organization chose is taken as known to be 0;
 * - `budget`: questions still open when the time budget ran out were answered "pinned";
 * - `neighbourhoods`: for a large organization, each question was asked with the finest groups
 *   outside its neighbourhood fixed at their true counts (a witness found there is a witness, a
 *   question without one is answered "pinned");
 * - `no-proof`: a question no move answered (and no solver was asked: the program is too large for
 *   the close's budget) was taken as pinned and a cell hidden for it, without proof that it was;
 * - `atoms`: no solver ran (the wave is too large for the close's budget, or the audit found a
 *   question only the whole organization's cell would answer for); whole segments were hidden
 *   until every class of invitees no shown group tells apart holds k or more (certify-atoms.ts);
 * - `no-solver`: the integer-programming audit did not run (only the equality rules did): no
 *   solver was given, or the wave is larger than the close can audit in its time budget. This is
 *   not a certificate against the integer-programming attacker, and `method` says so.
 */
export const OVER_APPROXIMATIONS = ['exact-counts', 'empty-points', 'budget', 'neighbourhoods', 'no-proof', 'atoms', 'no-solver'] as const;

const count = z.number().int().nonnegative();

export const certificateSchema = z.object({
  k: z.number().int(),
  /**
   * `exact`: every question answered by an integer witness or proved pinned; `over-approximated`:
   * some answered "pinned" without proof (more hidden than needed); `rules-only`: the
   * integer-programming audit did not run, only the equality rules did.
   */
  method: z.enum(['exact', 'over-approximated', 'rules-only']),
  overApproximations: z.array(z.enum(OVER_APPROXIMATIONS)),
  solver: z.string(),
  checked: z.object({
    /** Finest groups (unit × attribute combination) the attacker's unknowns live in. */
    finestGroups: count,
    /** Groups of 1..k-1 invitees protected in full, and published groups checked for counts under k. */
    smallGroups: count,
    countGroups: count,
    /** (group, responded / answered / scale point) questions asked. */
    quantities: count,
    /** Published cells (group × responded or statement) audited. */
    cells: count,
  }),
  /** Cells hidden, by reason: fewer than k (or a group under k invitees), the equality rules, the integer-programming audit. */
  hidden: z.object({ belowK: count, differencing: count, audit: count }),
  /** Quantities a single group of k or more gives away by answering unanimously (allowed, stated). */
  unanimity: count,
  leaks: count,
  rounds: count,
  solves: count,
  /** Questions answered by a small exact move of the counts (no solver needed); absent on certificates stored before moves. */
  moves: count.optional(),
  /** Questions hidden for without proof that they were pinned. */
  unproven: count.optional(),
  ms: z.number().nonnegative(),
});
export type Certificate = z.infer<typeof certificateSchema>;
