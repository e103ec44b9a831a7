/**
 * Reminding (a job): mail the invitees who have not answered yet, in their language. Only the job
 * sees who they are; the API answers a count. Each invitation remembers the last round that
 * reached it, so a resumed job does not mail anyone twice in one round.
 */
import { SHARD_COUNT } from '../../shared/keys.ts';
import { deriveWaveKeys, inviteeToken } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError } from '../errors.ts';
import { surveyMessage } from '../mailer.ts';
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
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    for await (const page of invitationPages(store, waveId, shard)) {
      for (const invitation of page) {
        if (invitation.answered || (invitation.remindedRound ?? 0) >= round) continue;
        const link = `${deps.publicBaseUrl}/r#${inviteeToken(keys, invitation.email)}`;
        await deps.mailer.send(surveyMessage('reminder', invitation.email, invitation.locale, survey.name, link));
        await markReminded(store, invitation.tokenHash, round);
        reminded++;
      }
    }
    await updateJob(store, context.jobId, { progress: { done: shard + 1, total: SHARD_COUNT } });
    if (deps.shouldYield?.()) return { done: false };
  }
  deps.logger.info('reminders sent', { waveId, round, reminded });
  return { done: true, result: { round, reminded } };
}
