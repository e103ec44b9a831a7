/**
 * Waves open and close at their `opensAt` / `closesAt`. In the cloud one recurring EventBridge
 * Scheduler schedule (infra/jobs.ts) invokes the job function every minute with this event, and the
 * function starts whatever is due with the same `runDueTransitions` the embedded timer calls. One
 * schedule for all waves means nothing to create, move or delete when a wave changes.
 */

/** The input the schedule delivers; infra/jobs.ts sends exactly this (test/lambda checks it). */
export const DUE_TRANSITIONS_EVENT = { source: 'baseline.schedule', action: 'run-due-transitions' } as const;
export type DueTransitionsEvent = typeof DUE_TRANSITIONS_EVENT;

/** Whether a job-function event is the schedule's tick rather than a job to run. */
export function isDueTransitionsEvent(event: unknown): event is DueTransitionsEvent {
  if (typeof event !== 'object' || event === null) return false;
  const { source, action } = event as Record<string, unknown>;
  return source === DUE_TRANSITIONS_EVENT.source && action === DUE_TRANSITIONS_EVENT.action;
}
