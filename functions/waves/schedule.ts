/**
 * Waves open and close at their opensAt / closesAt, and send one reminder round at remindAt; an
 * open wave also closes MAX_OPEN_DAYS after it opened at the latest (shared/open-period.ts). The
 * cloud fires this from EventBridge Scheduler; embedded mode from a timer. Launching a job twice is harmless: the status
 * transitions are conditional, so only one open or close wins.
 *
 * A check reads only the waves whose due marker has come (store/due.ts), not every wave ever
 * created; after acting it moves each marker to the wave's next due time, or drops it.
 */
import type { AppDeps } from '../deps.ts';
import { NotFoundError } from '../errors.ts';
import { launchJob } from '../jobs/run-job.ts';
import { deleteDueMarker, isDueBackfilled, listDueMarkers, markDueBackfilled, putDueMarker, type DueMarker } from '../store/due.ts';
import { claimScheduledReminder, closesAtLatest, countReminderRound, getWave, listSurveys, listWavesOfSurvey, nextDueAt, type Wave } from '../store/waves.ts';

/** Start the open, close or scheduled reminder job of every wave whose time has come; answers how many were started. */
export async function runDueTransitions(deps: AppDeps, now = Date.now()): Promise<number> {
  await backfillDueMarkers(deps);
  const markers = new Map<string, DueMarker[]>();
  for (const marker of await listDueMarkers(deps.store, new Date(now).toISOString())) {
    markers.set(marker.waveId, [...(markers.get(marker.waveId) ?? []), marker]);
  }
  let started = 0;
  for (const [waveId, due] of markers) {
    let wave: Wave | undefined;
    try {
      wave = await getWave(deps.store, waveId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (wave && (await startDue(deps, wave, now))) started++;
    // Only markers this check listed are moved: one an edit writes meanwhile stays.
    const next = wave ? nextDueAt(wave) : undefined;
    if (next && !due.some((marker) => marker.dueAt === next)) await putDueMarker(deps.store, { waveId, dueAt: next });
    for (const marker of due) if (marker.dueAt !== next) await deleteDueMarker(deps.store, marker);
  }
  return started;
}

/** Start what is due for one wave; false when nothing was. */
async function startDue(deps: AppDeps, wave: Wave, now: number): Promise<boolean> {
  if (wave.status === 'draft' && wave.opensAt && Date.parse(wave.opensAt) <= now) {
    await launchJob(deps, 'open-wave', wave.id);
    return true;
  }
  // Closed at its closesAt, or at the latest MAX_OPEN_DAYS after it opened (its sealed responses expire from then on).
  const closeAt = nextClose(wave);
  if (wave.status === 'open' && closeAt && Date.parse(closeAt) <= now) {
    await launchJob(deps, 'close-wave', wave.id);
    return true;
  }
  if (wave.status === 'open' && wave.remindAt && !wave.remindedAutomatically && Date.parse(wave.remindAt) <= now) {
    // The claim is conditional: of two overlapping checks, only one sends the round.
    if (!(await claimScheduledReminder(deps.store, wave.id, new Date(now).toISOString()))) return false;
    await launchJob(deps, 'remind-wave', wave.id, { round: await countReminderRound(deps.store, wave.id) });
    return true;
  }
  return false;
}

function nextClose(wave: Wave): string | undefined {
  const times = [wave.closesAt, closesAtLatest(wave)].filter((time): time is string => time !== undefined);
  return times.length > 0 ? new Date(Math.min(...times.map((time) => Date.parse(time)))).toISOString() : undefined;
}

/** Waves stored before due markers existed get theirs, once: the one check that still reads every wave. */
async function backfillDueMarkers(deps: AppDeps): Promise<void> {
  if (await isDueBackfilled(deps.store)) return;
  for (const survey of await listSurveys(deps.store)) {
    for (const wave of await listWavesOfSurvey(deps.store, survey.id)) {
      const dueAt = nextDueAt(wave);
      if (dueAt) await putDueMarker(deps.store, { waveId: wave.id, dueAt });
    }
  }
  await markDueBackfilled(deps.store);
}

/** Embedded mode: check every 30 seconds. Returns a function that stops the timer. */
export function startDueTransitionTimer(deps: AppDeps, everyMs = 30_000): () => void {
  const timer = setInterval(() => {
    runDueTransitions(deps).catch((error) => deps.logger.error('scheduled transition failed', { error: String(error) }));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
