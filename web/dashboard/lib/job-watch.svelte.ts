import type { ApiClient } from './api.ts';
import type { Job } from './types.ts';

/**
 * Follows one long-running job (opening or closing a wave) by polling GET /api/jobs/:id until it
 * is done or failed. Polling, not a socket: the Lambda API has no long-lived connections.
 */
export class JobWatch {
  job = $state<Job | null>(null);
  readonly finished = $derived(this.job?.status === 'done' || this.job?.status === 'failed');

  constructor(
    private readonly api: ApiClient,
    private readonly intervalMs = 500,
  ) {}

  /** Poll until the job ends; resolves with its last state. */
  async follow(jobId: string): Promise<Job> {
    this.job = { id: jobId, status: 'running', kind: '' };
    for (;;) {
      this.job = await this.api.get<Job>(`/api/jobs/${encodeURIComponent(jobId)}`);
      if (this.job.status !== 'running') return this.job;
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
