/**
 * How often live participation is recomputed, and so how often the dashboard asks for it. The delay
 * is a privacy feature (nobody can watch a count tick when one person answers) and the bill's
 * biggest lever while a wave is open: one tab polling every minute for two weeks cost more than the
 * rest of a 10,000-person wave (issue 12). Ten minutes: participation moves slowly over a wave's two
 * weeks, and fewer snapshots leave less to difference between refreshes.
 */
export const PARTICIPATION_REFRESH_MS = 10 * 60_000;
