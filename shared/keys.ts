/**
 * Table and index names shared by the store (functions/) and the stack (infra/), so the two cannot drift.
 *
 * Two tables: `main` holds everything that must never be lost (point-in-time recovery on);
 * `ephemeral` holds invitations (they carry emails) and wave secrets, which must be gone for good
 * after a wave closes, so no backup or restore may bring them back.
 */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;
export const INDEX = {
  /** main table: waves of a survey, in creation order, by a small listing item per wave that never changes (functions/store/waves.ts) */
  byParent: { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk', projection: 'ALL' },
  // The ephemeral table has no index. Its invitations were indexed by wave (keys only), which cost
  // a write unit per invitation at the open for the few jobs that enumerate a wave's invitations;
  // they scan instead (functions/store/invitations.ts, invitationScanPages).
} as const;

/**
 * The attribute DynamoDB's TTL reads (epoch seconds), on both tables. Ephemeral: a closed wave's
 * invitation markers carry it, so they are deleted a few months after the close instead of kept for
 * ever; a close's partial counts carry it too, in case a close is abandoned (a finished one deletes
 * them). Main: sealed responses carry their wave's one expiry, after its latest close
 * (shared/open-period.ts), so the close need not delete them one by one.
 */
export const EXPIRY_ATTRIBUTE = 'expiresAt';

export const DEFAULT_TABLE_NAMES = { main: 'baseline-main', ephemeral: 'baseline-ephemeral' } as const;

/** Response and invitation items are spread over this many shards so writes hit many partitions. */
export const SHARD_COUNT = 16;
