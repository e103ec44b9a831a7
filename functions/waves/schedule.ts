/**
 * Waves open and close at their opensAt / closesAt, and send one reminder round at remindAt. The cloud fires this from EventBridge
 * Scheduler; embedded mode from a timer. Launching a job twice is harmless: the status
 * transitions are conditional, so only one open or close wins.
 */
import type { AppDeps } from '../deps.ts';
import { launchJob } from '../jobs/run-job.ts';
import { claimScheduledReminder, countReminderRound, listSurveys, listWavesOfSurvey } from '../store/waves.ts';

/** Start the open, close or scheduled reminder job of every wave whose time has come; answers how many were started. */
export async function runDueTransitions(deps: AppDeps, now = Date.now()): Promise<number> {
  let started = 0;
  for (const survey of await listSurveys(deps.store)) {
    for (const wave of await listWavesOfSurvey(deps.store, survey.id)) {
      if (wave.status === 'draft' && wave.opensAt && Date.parse(wave.opensAt) <= now) {
        await launchJob(deps, 'open-wave', wave.id);
        started++;
      } else if (wave.status === 'open' && wave.closesAt && Date.parse(wave.closesAt) <= now) {
        await launchJob(deps, 'close-wave', wave.id);
        started++;
      } else if (wave.status === 'open' && wave.remindAt && !wave.remindedAutomatically && Date.parse(wave.remindAt) <= now) {
        // The claim is conditional: of two overlapping checks, only one sends the round.
        if (!(await claimScheduledReminder(deps.store, wave.id, new Date(now).toISOString()))) continue;
        await launchJob(deps, 'remind-wave', wave.id, { round: await countReminderRound(deps.store, wave.id) });
        started++;
      }
    }
  }
  return started;
}

/** Embedded mode: check every 30 seconds. Returns a function that stops the timer. */
export function startDueTransitionTimer(deps: AppDeps, everyMs = 30_000): () => void {
  const timer = setInterval(() => {
    runDueTransitions(deps).catch((error) => deps.logger.error('scheduled transition failed', { error: String(error) }));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
