/** Everything the app and its jobs need, passed in by the entry points (embedded or Lambda). */
import { PARTICIPATION_REFRESH_MS } from '../shared/participation.ts';
import type { AuthConfig } from './auth.ts';
import type { JobRunner } from './jobs/runner.ts';
import type { Logger } from './log.ts';
import type { FileStore } from './files.ts';
import type { Mailer } from './mailer.ts';
import type { Store } from './store/client.ts';

export interface Timing {
  /** Live participation is recomputed at most this often. */
  participationRefreshMs: number;
  /** How long a run of an open or close job holds its wave without renewing before another run may take over (default 60 s). */
  jobLeaseMs?: number;
  /** How long a close's confidentiality audit may run before the close falls to the solver-free certificate (default CLOSE_AUDIT_BUDGET_MS). */
  closeAuditBudgetMs?: number;
}

export interface AppDeps {
  store: Store;
  mailer: Mailer;
  jobs: JobRunner;
  auth: AuthConfig;
  /** Where invitation links point: `<publicBaseUrl>/r#<token>`. */
  publicBaseUrl: string;
  timing: Timing;
  logger: Logger;
  /** How the dashboard signs staff in: the local sign-in link, or Cognito's hosted UI. */
  webAuth: WebAuthConfig;
  /** Large uploads and exports through presigned URLs (cloud); absent in embedded mode, which takes them inline. */
  files?: FileStore;
  /** Set by jobs that must hand over before a Lambda timeout; embedded jobs never yield. */
  shouldYield?: () => boolean;
  /**
   * Make deletions physical in storage that keeps deleted bytes around (the embedded engine's
   * LevelDB files); called after a close. Absent in the cloud, where DynamoDB deletes for good.
   */
  compactStorage?: () => Promise<void>;
  /**
   * The close's confidentiality audit (shared/certify.ts); absent means on. 'off' leaves the
   * equality rules only (certificate `rules-only`): the attacker test sets it to show what the
   * audit prevents. Nothing in production sets it.
   */
  confidentialityAudit?: 'on' | 'off';
}

export type WebAuthConfig = { mode: 'local' } | { mode: 'cognito'; domain: string; clientId: string; redirectUri: string };

export const DEFAULT_TIMING: Timing = { participationRefreshMs: PARTICIPATION_REFRESH_MS };
