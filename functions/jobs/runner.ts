/**
 * Long work runs as resumable jobs, never inside a request (DESIGN.md "Runtime shapes"). The app
 * only asks a JobRunner to start a job; embedded mode runs it in-process, the cloud invokes the
 * job function asynchronously.
 */
export const JOB_KINDS = ['open-wave', 'close-wave', 'remind-wave'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobRequest {
  id: string;
  kind: JobKind;
  /** `round` numbers a reminder (1 for the first), so a resumed reminder job skips who it reached. */
  payload: { waveId: string; round?: number };
}

export interface JobRunner {
  start(job: JobRequest): Promise<void>;
}

/** Runs jobs in this process; `idle()` resolves when every started job has finished (tests, demo seeding). */
export function createInProcessRunner() {
  const running = new Set<Promise<void>>();
  let handler: ((job: JobRequest) => Promise<void>) | undefined;
  return {
    /** The job executor is bound after the app's dependencies exist (it needs them). */
    bind(run: (job: JobRequest) => Promise<void>) {
      handler = run;
    },
    async start(job: JobRequest) {
      if (!handler) throw new Error('job runner started before a handler was bound');
      const run = handler;
      const promise: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve)).then(() => run(job)).finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
