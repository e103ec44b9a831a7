/**
 * The respondent side: show the questionnaire behind a token, and take a submission exactly once
 * without a transaction (DESIGN.md "Exactly once"): the response key is an HMAC of the token,
 * written with a not-exists condition, then the invitation is marked with a condition that only
 * one caller can satisfy. Whoever marks answers 201; everyone else 409.
 */
import { localize, invalidAnswer, scalePoints } from '../../shared/scales.ts';
import type { ResponseRequest } from '../../shared/respondent-schemas.ts';
import { deriveWaveKeys, hashToken, locateResponse, seal, type WaveKeys } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError, GoneError, NotFoundError, UnavailableError, ValidationError } from '../errors.ts';
import { getInvitation, getWaveSecret, markAnswered, type Invitation } from '../store/invitations.ts';
import { countAnswered } from '../store/live-counts.ts';
import { hasSealedResponse, putSealedResponse, sealedItemKey } from '../store/responses.ts';
import type { StoredStatement } from '../store/statements.ts';
import { getSurvey, getWave, type Wave } from '../store/waves.ts';
import { profileKey } from '../../shared/org.ts';

const alreadyAnswered = () => new ConflictError('already-answered', 'this link has already been used to answer; each link counts once');
const waveClosed = () => new GoneError('wave-closed', 'this survey has closed and takes no more answers');

export function createCollector(deps: AppDeps) {
  const { store } = deps;
  // Wave keys never change while a wave is open; caching them saves a read per submission. The
  // promise is cached, so a burst of first submissions makes one read, not one each.
  const keyCache = new Map<string, Promise<WaveKeys | undefined>>();
  const waveKeys = (waveId: string): Promise<WaveKeys | undefined> => {
    let keys = keyCache.get(waveId);
    if (!keys) {
      keys = getWaveSecret(store, waveId).then((secret) => (secret ? deriveWaveKeys(secret, waveId) : undefined));
      keyCache.set(waveId, keys);
      // A wave without a secret (not open yet, or closed) is asked again next time; so is a failed read.
      keys.then((found) => found ?? keyCache.delete(waveId), () => keyCache.delete(waveId));
    }
    return keys;
  };

  async function invitationFor(token: string): Promise<{ invitation: Invitation; wave: Wave }> {
    const found = await getInvitation(store, hashToken(token));
    if (!found) throw new NotFoundError('this survey link', 'unknown-link');
    if ('closed' in found) throw waveClosed();
    return { invitation: found, wave: await getWave(store, found.waveId) };
  }

  return {
    /**
     * The questionnaire behind a token, in the best locale the wave's statements have: the one the
     * person chose on the page, else their invitation's (the directory's locale), else the browser's.
     */
    async questionnaire(token: string, browser: string[], chosen?: string) {
      const { invitation, wave } = await invitationFor(token);
      if (wave.status !== 'open') throw waveClosed();
      if (invitation.answered) throw alreadyAnswered();
      const requested = [...(chosen ? [chosen] : []), ...(invitation.locale ? [invitation.locale] : []), ...browser];
      const statements = wave.statements ?? [];
      const locales = [...new Set(statements.flatMap((statement) => Object.keys(statement.text)))];
      const lang = requested.map((tag) => tag.toLowerCase().split('-')[0]).find((tag) => locales.includes(tag)) ?? locales[0] ?? 'en';
      const surveyName = wave.surveyName ?? (await getSurvey(store, wave.surveyId)).name;
      return {
        survey: { name: surveyName },
        wave: { id: wave.id, name: wave.name },
        k: wave.k,
        lang,
        locales,
        statements: statements.map((statement) => ({
          id: statement.id,
          text: localize(statement.text, lang),
          theme: statement.theme,
          scale: { kind: statement.scale, points: scalePoints(statement.scale, lang, statement.options) },
        })),
      };
    },

    /** Take a submission; resolves on 201, throws a BaselineError for every other outcome. */
    async submit(request: ResponseRequest): Promise<void> {
      const { invitation, wave } = await invitationFor(request.token);
      // The close waits out submissions for longer than this deadline after it stops the wave,
      // so a write that starts within the deadline of reading "open" lands before counting starts.
      const readOpenAt = Date.now();
      checkAnswers(request.answers, wave.statements ?? []);
      if (invitation.answered) throw alreadyAnswered();
      const keys = await waveKeys(wave.id);
      const location = keys && locateResponse(keys, request.token);
      if (wave.status !== 'open' || !keys || !location) {
        // A retry of a submission written before the close began: it is counted, so say so.
        if (wave.status === 'closing' && keys && location && (await hasSealedResponse(store, wave.id, location.shard, location.key))) {
          if (await markAnswered(store, invitation.tokenHash)) return;
          throw alreadyAnswered();
        }
        throw waveClosed();
      }
      // Every statement skipped is not a response: it would raise the response rate while adding no
      // answer. Refused before the link is used, so the person can still answer later.
      if (Object.keys(request.answers).length === 0) throw new ValidationError('answer at least one statement; a reply with every statement skipped is not counted', 'answers');
      if (Date.now() - readOpenAt > deps.timing.submissionDeadlineMs) throw new UnavailableError('the survey is busy; please send your answers again');
      const payload = JSON.stringify({ p: profileKey(invitation.profile), a: request.answers });
      await putSealedResponse(store, wave.id, {
        shard: location.shard,
        key: location.key,
        sealed: seal(keys, payload, sealedItemKey(wave.id, location.shard, location.key)),
      });
      // Whether this call wrote the response or finds one from a crashed earlier try, the mark decides.
      if (!(await markAnswered(store, invitation.tokenHash))) throw alreadyAnswered();
      // Live participation counts per profile (not on a hot item); the close deletes these counts.
      await countAnswered(store, wave.id, invitation.profile);
    },
  };
}

/** Every answer names a statement of the wave and holds a value of its scale; any statement may be skipped. */
function checkAnswers(answers: Record<string, number | string>, statements: StoredStatement[]): void {
  const byId = new Map(statements.map((statement) => [statement.id, statement]));
  for (const [id, value] of Object.entries(answers)) {
    const statement = byId.get(id);
    if (!statement) throw new ValidationError(`"${id}" is not a statement of this survey`, `answers.${id}`);
    const problem = invalidAnswer(statement.scale, value, statement.options);
    if (problem) throw new ValidationError(`the answer to "${id}" ${problem}`, `answers.${id}`);
  }
}
