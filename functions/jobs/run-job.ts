/** Executes a job by kind, records its outcome, and hands over to a fresh run when it yielded. */
import type { AppDeps } from '../deps.ts';
import { BaselineError } from '../errors.ts';
import { randomId } from '../crypto.ts';
import { getJob, putJob, updateJob } from '../store/jobs.ts';
import { closeWave } from '../waves/close-wave.ts';
import { openWave } from '../waves/open-wave.ts';
import { remindWave } from '../waves/remind-wave.ts';
import type { JobKind, JobRequest } from './runner.ts';

/** Record a job and ask the runner to start it; answers the id to poll. */
export async function launchJob(deps: AppDeps, kind: JobKind, waveId: string, extra: { round?: number } = {}): Promise<string> {
  const id = randomId();
  const payload = { waveId, ...extra };
  await putJob(deps.store, { id, kind, status: 'running', payload });
  await deps.jobs.start({ id, kind, payload });
  return id;
}

/** Extra runs after an unexpected error (a throttle that outlasted the SDK's own retries, a lost connection); every stage resumes. */
const RETRY_DELAYS_MS = [1_000, 5_000];

/** Run (or resume) a job to its end, or until it yields and is started again. */
export async function runJob(deps: AppDeps, request: JobRequest): Promise<void> {
  const job = await getJob(deps.store, request.id);
  if (job.status !== 'running') return;
  const context = { jobId: job.id };
  for (let attempt = 0; ; attempt++) {
    try {
      const { waveId, round } = request.payload;
      const outcome =
        request.kind === 'open-wave'
          ? await openWave(deps, waveId, context)
          : request.kind === 'close-wave'
            ? await closeWave(deps, waveId, context)
            : await remindWave(deps, waveId, round ?? 1, context);
      if (!outcome.done) {
        await deps.jobs.start(request);
        return;
      }
      // A close deleted the secret, the sealed responses and the invitations: make that physical before calling it done.
      if (request.kind === 'close-wave') await deps.compactStorage?.();
      await updateJob(deps.store, job.id, { status: 'done', result: outcome.result });
      return;
    } catch (error) {
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
}
