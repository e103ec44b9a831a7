/**
 * Executes a job by kind, records its outcome, and hands over to a fresh run when it yielded.
 *
 * A wave's open and close are single-owner (DESIGN.md "Close"): starting one claims it on the wave
 * with a conditional write that records the job id, so every later start gets the same job; and
 * each run of that job (Lambda's async invocation is at least once, this runner retries, a
 * restart resumes) first takes the wave's lease. A run that finds a live holder leaves the job to
 * it; a run whose lease was taken over finds out at its next fenced write and stops.
 */
import type { AppDeps } from '../deps.ts';
import { BaselineError, ConflictError } from '../errors.ts';
import { randomId } from '../crypto.ts';
import { getJob, putJob, reviveJob, updateJob } from '../store/jobs.ts';
import {
  acquireWaveLease,
  adoptWaveJob,
  breakWaveLease,
  claimWaveJob,
  getWave,
  LeaseLostError,
  listSurveys,
  listWavesOfSurvey,
  releaseWaveLease,
  renewWaveLease,
  WAVE_JOBS,
  type Fence,
  type Wave,
} from '../store/waves.ts';
import { closeWave } from '../waves/close-wave.ts';
import { openWave } from '../waves/open-wave.ts';
import { remindWave } from '../waves/remind-wave.ts';
import type { JobKind, JobRequest } from './runner.ts';

/** How long a run holds a wave before another may take over, unless it renews (it does, a few times per lease). */
export const DEFAULT_JOB_LEASE_MS = 60_000;

const leaseMsOf = (deps: AppDeps) => deps.timing.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS;
const waveJobOf = (kind: JobKind) => (kind === 'open-wave' ? 'open' : kind === 'close-wave' ? 'close' : undefined);

/**
 * Start a job and answer the id to poll. An open or close is claimed on the wave first: a second
 * start of the same open or close answers the first one's id, and starts that job again only if
 * no live run holds it (its runner died).
 */
export async function launchJob(deps: AppDeps, kind: JobKind, waveId: string, extra: { round?: number } = {}): Promise<string> {
  const which = waveJobOf(kind);
  const payload = { waveId, ...extra };
  if (!which) {
    const id = randomId();
    await putJob(deps.store, { id, kind, status: 'running', payload });
    await deps.jobs.start({ id, kind, payload });
    return id;
  }
  const id = randomId();
  if (await claimWaveJob(deps.store, waveId, which, id, leaseMsOf(deps))) {
    await putJob(deps.store, { id, kind, status: 'running', payload });
    await deps.jobs.start({ id, kind, payload });
    return id;
  }
  const wave = await getWave(deps.store, waveId);
  const { to } = WAVE_JOBS[which];
  const reached = wave.status === to || (which === 'open' ? wave.status === 'open' : wave.status === 'closed');
  if (!reached) {
    throw new ConflictError(
      'wrong-status',
      `wave ${waveId} is ${wave.status}; only ${which === 'open' ? 'a draft' : 'an open'} wave ${which === 'open' ? 'opens' : 'closes'}`,
    );
  }
  const existing = wave[WAVE_JOBS[which].field] ?? (wave.status === to ? await adoptWaveJob(deps.store, waveId, which, id) : undefined);
  if (!existing) throw new ConflictError('wrong-status', `wave ${waveId} is ${wave.status} already`);
  if (wave.status === to) await resumeWaveJob(deps, wave, kind, existing);
  return existing;
}

/** Start the wave's job again unless a live run holds the wave (the job is marked running again, recorded if a crash left no record). */
async function resumeWaveJob(deps: AppDeps, wave: Wave, kind: JobKind, jobId: string): Promise<void> {
  if (wave.leaseRun && (wave.leaseUntil ?? 0) > Date.now()) return;
  await reviveJob(deps.store, { id: jobId, kind, payload: { waveId: wave.id } });
  await deps.jobs.start({ id: jobId, kind, payload: { waveId: wave.id } });
}

/**
 * Embedded start-up: start again every open or close a killed process left unfinished. Leases are
 * broken first: the data folder's lock proves that their holders died with that process.
 */
export async function resumeUnfinishedJobs(deps: AppDeps): Promise<string[]> {
  const resumed: string[] = [];
  for (const survey of await listSurveys(deps.store)) {
    for (const wave of await listWavesOfSurvey(deps.store, survey.id)) {
      const kind: JobKind | undefined = wave.status === 'opening' ? 'open-wave' : wave.status === 'closing' ? 'close-wave' : undefined;
      if (!kind) continue;
      const which = waveJobOf(kind)!;
      const jobId = wave[WAVE_JOBS[which].field] ?? (await adoptWaveJob(deps.store, wave.id, which, randomId()));
      await breakWaveLease(deps.store, wave.id);
      await resumeWaveJob(deps, { ...wave, leaseRun: undefined }, kind, jobId);
      resumed.push(jobId);
    }
  }
  return resumed;
}

/** Extra runs after an unexpected error (a throttle that outlasted the SDK's own retries, a lost connection); every stage resumes. */
const RETRY_DELAYS_MS = [1_000, 5_000];

/** Run (or resume) a job to its end, or until it yields and is started again. */
export async function runJob(deps: AppDeps, request: JobRequest): Promise<void> {
  const job = await getJob(deps.store, request.id);
  if (job.status !== 'running') return;
  const { waveId, round } = request.payload;
  const fence: Fence | undefined = waveJobOf(request.kind) ? { runId: randomId(), leaseMs: leaseMsOf(deps) } : undefined;
  if (fence && !(await holdWaveLease(deps, waveId, job.id, fence))) return;
  const heartbeat = fence && startHeartbeat(deps, waveId, fence);
  const context = { jobId: job.id, fence };
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome =
          request.kind === 'open-wave'
            ? await openWave(deps, waveId, context)
            : request.kind === 'close-wave'
              ? await closeWave(deps, waveId, context)
              : await remindWave(deps, waveId, round ?? 1, context);
        if (!outcome.done) {
          // Hand the lease over with the job: the next run need not wait for it to expire.
          if (fence) await releaseWaveLease(deps.store, waveId, fence.runId);
          await deps.jobs.start(request);
          return;
        }
        // A close deleted the secret, the sealed responses and the invitations: make that physical before calling it done.
        if (request.kind === 'close-wave') await deps.compactStorage?.();
        await updateJob(deps.store, job.id, { status: 'done', result: outcome.result });
        return;
      } catch (error) {
        // A run that lost the wave to another run leaves the job's record to that run.
        if (fence && (error instanceof LeaseLostError || (await lostLease(deps, waveId, fence)))) {
          deps.logger.warn('job run stopped: another run holds the wave', { jobId: job.id, kind: job.kind });
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        // A domain error (wrong status, an audience smaller than k) will not change on a retry.
        const retry = !(error instanceof BaselineError) && attempt < RETRY_DELAYS_MS.length;
        if (!(error instanceof BaselineError)) deps.logger.error('job error', { jobId: job.id, kind: job.kind, error: message, retrying: retry });
        if (retry) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
          continue;
        }
        await updateJob(deps.store, job.id, { status: 'failed', error: message });
        return;
      }
    }
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    if (fence) await releaseWaveLease(deps.store, waveId, fence.runId).catch(() => {});
  }
}

/**
 * Take the wave's lease, waiting out a holder that stopped renewing it (it died). A holder that
 * renews, releases or changes while we watch is alive (or finished): answer false and leave it the
 * job. Its heartbeat renews a few times per lease, so a duplicate run gives up within a third of one.
 */
async function holdWaveLease(deps: AppDeps, waveId: string, jobId: string, fence: Fence): Promise<boolean> {
  let seen: { runId?: string; until?: number } | undefined;
  for (;;) {
    const attempt = await acquireWaveLease(deps.store, waveId, jobId, fence);
    if (attempt.acquired) return true;
    const { holder } = attempt;
    if (seen && (holder.runId !== seen.runId || holder.until !== seen.until)) return false;
    seen = holder;
    const wait = Math.min(heartbeatMs(fence) + 5, Math.max(0, (holder.until ?? 0) - Date.now()) + 5);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

const heartbeatMs = (fence: Fence) => Math.max(10, Math.floor(fence.leaseMs / 3));

/** Renew the lease a few times per lease period while this run is alive; a lost lease surfaces at the next fenced write. */
function startHeartbeat(deps: AppDeps, waveId: string, fence: Fence): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    renewWaveLease(deps.store, waveId, fence).catch(() => clearInterval(timer));
  }, heartbeatMs(fence));
  timer.unref();
  return timer;
}

async function lostLease(deps: AppDeps, waveId: string, fence: Fence): Promise<boolean> {
  try {
    return (await getWave(deps.store, waveId)).leaseRun !== fence.runId;
  } catch {
    return false;
  }
}
