/**
 * Reminding (a job): mail the invitees who have not answered yet, in their language. Only the job
 * sees who they are; the API answers a count. Each invitation remembers the last round that
 * reached it, recorded right after its mail, so a resumed job re-sends at most the mails that were
 * in flight, and two runs of one round together at most one batch.
 */
import { SHARD_COUNT } from '../../shared/keys.ts';
import { deriveWaveKeys, inviteeToken } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError } from '../errors.ts';
import { MAIL_BATCH, sendBatch, surveyMessage } from '../mailer.ts';
import { getWaveSecret, invitationPages, markReminded } from '../store/invitations.ts';
import { updateJob } from '../store/jobs.ts';
import { getSurvey, getWave } from '../store/waves.ts';
import type { JobContext, JobOutcome } from './open-wave.ts';

export async function remindWave(deps: AppDeps, waveId: string, round: number, context: JobContext): Promise<JobOutcome> {
  const { store } = deps;
  const wave = await getWave(store, waveId);
  const secret = wave.status === 'open' ? await getWaveSecret(store, waveId) : undefined;
  if (!secret) throw new ConflictError('wrong-status', `wave ${waveId} is ${wave.status}; reminders go out only while a wave is open`);
  const keys = deriveWaveKeys(secret, waveId);
  const survey = await getSurvey(store, wave.surveyId);
  let reminded = 0;
  let overtaken = false;
  for (let shard = 0; shard < SHARD_COUNT && !overtaken; shard++) {
    for await (const page of invitationPages(store, waveId, shard)) {
      const pending = page.filter((invitation) => !invitation.answered && (invitation.remindedRound ?? 0) < round);
      // Each person is recorded right after their own mail, so a run that dies re-sends at most the
      // mails in flight; a record that fails means another run of this round got there first.
      for (let start = 0; start < pending.length && !overtaken; start += MAIL_BATCH) {
        await sendBatch(
          deps.mailer,
          pending.slice(start, start + MAIL_BATCH),
          (invitation) =>
            surveyMessage('reminder', invitation.email, invitation.locale, survey.name, `${deps.publicBaseUrl}/r#${inviteeToken(keys, invitation.email)}`),
          async (invitation) => {
            if (await markReminded(store, invitation.tokenHash, round)) reminded++;
            else overtaken = true;
          },
        );
      }
      if (overtaken) break;
    }
    await updateJob(store, context.jobId, { progress: { done: shard + 1, total: SHARD_COUNT } });
    if (deps.shouldYield?.()) return { done: false };
  }
  if (overtaken) deps.logger.info('another run of this reminder round is sending; this one stopped', { waveId, round });
  deps.logger.info('reminders sent', { waveId, round, reminded });
  return { done: true, result: { round, reminded } };
}
