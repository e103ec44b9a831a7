/**
 * What the wave itself publishes about its answers (GET /api/waves/:id, every survey's wave list,
 * the close job's result, an impact plan's words): the total who responded and the
 * confidentiality certificate. Like every view, each number must follow from the directory, the
 * wave's definition and the cells the close certified visible, never from a hidden count: the
 * close's audit assumes an attacker who knows exactly those (test/hidden-independence.test.ts).
 */
import * as z from 'zod';
import { certificateSchema, type Certificate } from './certify-certificate.ts';

/**
 * The total who responded, or undefined where the whole organization's responded cell is hidden.
 * That cell is hidden exactly when 1..k−1 responded (the rules' primary suppression; neither the
 * audit nor the solver-free certificate ever hides a cell holding everyone), so "3 of 20 responded"
 * is no more published on the wave than in its results.
 */
export function publishedResponded(responded: number | undefined, k: number): number | undefined {
  if (responded === undefined) return undefined;
  return responded === 0 || responded >= k ? responded : undefined;
}

/**
 * The certificate as published: how the wave was certified, what the directory let it check, and
 * how many cells are hidden (which ones, every view shows anyway). The close stores more
 * (shared/certify-certificate.ts: the bench and operators read it from the table), but those
 * numbers follow the audit's path, and the path follows the hidden counts: `hidden.belowK` counted
 * the cells the rules hid for 1..k−1 answers, so with a department's n and one team's n shown, "2
 * below k" said the hidden team had 4 of 7 and pinned that both people sitting directly in the
 * department answered; `checked.quantities` counted the questions asked about counts that truly
 * were 1..k−1, the same number in other words; the audit's rounds, solves, moves, leaks,
 * unanimities and time are the path itself.
 */
export const publishedCertificateSchema = certificateSchema.pick({ k: true, method: true, overApproximations: true, solver: true }).extend({
  /** What the directory let it check: the stored counts less the questions asked (they follow the hidden counts). */
  checked: certificateSchema.shape.checked.omit({ quantities: true }),
  /** Of those cells, how many are hidden: for a group of fewer than k invited, or so that no smaller group can be worked out (never said which). */
  hidden: z.number().int().nonnegative(),
});
export type PublishedCertificate = z.infer<typeof publishedCertificateSchema>;

/** The stored certificate reduced to what may be published. */
export function publishCertificate(certificate: Certificate): PublishedCertificate {
  const { finestGroups, smallGroups, countGroups, cells } = certificate.checked;
  const { belowK, differencing, audit } = certificate.hidden;
  return {
    k: certificate.k,
    method: certificate.method,
    overApproximations: certificate.overApproximations,
    solver: certificate.solver,
    checked: { finestGroups, smallGroups, countGroups, cells },
    // The sum is the cells less the visible ones: what the views show, whatever the split.
    hidden: belowK + differencing + audit,
  };
}
