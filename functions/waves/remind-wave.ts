/**
 * Reminding (a job): mail the invitees who have not answered yet, in their language. Only the job
 * sees who they are; the API answers a count. The round walks each shard's invitations in
 * the fixed order of its invitation scan and keeps one cursor on its job (the last token hash whose batch went out),
 * moved after each batch of mail with a condition that no other run moved it: a resumed job re-sends
 * at most the batch in flight, two runs of one round together at most one batch, and a round costs
 * a write per batch instead of one per person reminded.
 */
import { SHARD_COUNT } from '../../shared/keys.ts';
import { deriveWaveKeys, inviteeToken } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError } from '../errors.ts';
import { MAIL_BATCH, sendBatch, surveyMessage } from '../mailer.ts';
import { getWaveSecret, type Invitation, unansweredInvitationPages } from '../store/invitations.ts';
import { advanceReminderCursor, getReminderCursor, type ReminderCursor } from '../store/jobs.ts';
import { getSurvey, getWave } from '../store/waves.ts';
import type { JobContext, JobOutcome } from './open-wave.ts';

export async function remindWave(deps: AppDeps, waveId: string, round: number, context: JobContext): Promise<JobOutcome> {
  const { store } = deps;
  const wave = await getWave(store, waveId);
  const secret = wave.status === 'open' ? await getWaveSecret(store, waveId) : undefined;
  if (!secret) throw new ConflictError('wrong-status', `wave ${waveId} is ${wave.status}; reminders go out only while a wave is open`);
  const keys = deriveWaveKeys(secret, waveId);
  const survey = await getSurvey(store, wave.surveyId);
  const stored = await getReminderCursor(store, context.jobId);
  let cursor: ReminderCursor = stored ?? { shard: 0, reminded: 0 };
  let moved = stored !== undefined;
  const progress = (shard: number) => ({ done: shard, total: SHARD_COUNT });
  /** Move the cursor; false when another run of this round moved it first (it is ahead: this run stops). */
  const advance = async (to: ReminderCursor) => {
    if (!(await advanceReminderCursor(store, context.jobId, moved ? cursor : undefined, to, progress(to.shard)))) return false;
    cursor = to;
    moved = true;
    return true;
  };
  const mail = (batch: Invitation[]) =>
    sendBatch(deps.mailer, batch, (invitation) =>
      surveyMessage('reminder', invitation.email, invitation.locale, survey.name, `${deps.publicBaseUrl}/r#${inviteeToken(keys, invitation.email)}`),
    );

  while (cursor.shard < SHARD_COUNT) {
    const { shard } = cursor;
    // Not yet mailed, in the fixed order of the invitation scan: a batch is cut at MAIL_BATCH people and the cursor moved to
    // its last; people who answered are read past without a write.
    let batch: Invitation[] = [];
    for await (const invitations of unansweredInvitationPages(store, waveId, shard, cursor.after)) {
      for (const invitation of invitations) {
        batch.push(invitation);
        if (batch.length < MAIL_BATCH) continue;
        await mail(batch);
        if (!(await advance({ shard, after: invitation.tokenHash, reminded: cursor.reminded + batch.length }))) return overtaken(deps, waveId, round);
        batch = [];
      }
    }
    await mail(batch);
    if (!(await advance({ shard: shard + 1, reminded: cursor.reminded + batch.length }))) return overtaken(deps, waveId, round);
    if (deps.shouldYield?.()) return { done: false };
  }
  deps.logger.info('reminders sent', { waveId, round, reminded: cursor.reminded });
  // The count is published (GET /api/jobs/:id), and everyone invited less it is how many have
  // answered: where that is 1..k−1, live participation hides the total, and so does this.
  const answered = (wave.invited ?? 0) - cursor.reminded;
  return { done: true, result: { round, ...(answered === 0 || answered >= wave.k ? { reminded: cursor.reminded } : {}) } };
}

/** Another run of this round moved the cursor first: it is sending, and it reports the round. */
function overtaken(deps: AppDeps, waveId: string, round: number): JobOutcome {
  deps.logger.info('another run of this reminder round is sending; this one stopped', { waveId, round });
  return { done: true };
}
