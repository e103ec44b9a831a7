/**
 * How long a wave may stay open, and when its sealed responses expire (README "Closing").
 *
 * A wave closes by itself at the latest MAX_OPEN_DAYS after it opened, with or without a closesAt.
 * 180 days is generous: the waves this is for run two to six weeks, and even a survey left open
 * half a year to catch a slow site gets its answers; beyond that a wave is forgotten, not running,
 * and it keeps its secret and every invitee's email live for nothing.
 *
 * Because every wave is closed by then, its sealed responses can be left to expire (DynamoDB's TTL
 * deletes without a write unit) instead of deleted one by one at the close: each carries the same
 * expiry, the wave's latest close plus RESPONSE_EXPIRY_GRACE_DAYS. The grace is for a close that
 * fails and must be looked at and retried; it costs nothing (the items are unreadable once the close
 * has destroyed the wave secret, and storage is not what a wave is billed for), so it is long.
 */
export const MAX_OPEN_DAYS = 180;
export const RESPONSE_EXPIRY_GRACE_DAYS = 60;

const DAY_MS = 24 * 3600 * 1000;

/** When a wave that opened at `openedAt` (ISO) closes at the latest. */
export function latestCloseAt(openedAt: string): string {
  return new Date(Date.parse(openedAt) + MAX_OPEN_DAYS * DAY_MS).toISOString();
}

/** The expiry (epoch seconds, as DynamoDB's TTL reads it) of every sealed response of a wave that opened at `openedAt`: the same for all, so it tells nothing of when anyone answered. */
export function sealedResponsesExpireAt(openedAt: string): number {
  return Math.floor((Date.parse(openedAt) + (MAX_OPEN_DAYS + RESPONSE_EXPIRY_GRACE_DAYS) * DAY_MS) / 1000);
}

/** The latest closesAt a wave opening at `opensAt` (or, unscheduled, opened no earlier than `now`) may have. */
export function latestClosesAtFor(opensAt: string | undefined, now = Date.now()): number {
  return (opensAt ? Date.parse(opensAt) : now) + MAX_OPEN_DAYS * DAY_MS;
}
