/**
 * Table and index names shared by the store (functions/) and the stack (infra/), so the two cannot drift.
 *
 * Two tables: `main` holds everything that must never be lost (point-in-time recovery on);
 * `ephemeral` holds invitations (they carry emails) and wave secrets, which must be gone for good
 * after a wave closes, so no backup or restore may bring them back.
 */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;
export const INDEX = {
  /** main table: waves of a survey, in creation order */
  byParent: { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' },
  /** ephemeral table: invitations of a wave, spread over shards */
  invitationsByWave: { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' },
} as const;

export const DEFAULT_TABLE_NAMES = { main: 'baseline-main', ephemeral: 'baseline-ephemeral' } as const;

/** Response and invitation items are spread over this many shards so writes hit many partitions. */
export const SHARD_COUNT = 16;
