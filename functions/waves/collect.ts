/**
 * The respondent side: show the questionnaire behind a token, and take a submission exactly once
 * without a transaction (DESIGN.md "Exactly once"): the response key is an HMAC of the token,
 * written with a not-exists condition, then the invitation is marked with a condition that only
 * one caller can satisfy, and only before the close sealed it. Whoever marks answers 201, and only
 * if the stored answers are its own; a second submission 409; a mark the close got to first 410.
 */
import { localize, localizeTheme, invalidAnswer, scalePoints } from '../../shared/scales.ts';
import type { ResponseRequest } from '../../shared/respondent-schemas.ts';
import { deriveWaveKeys, hashToken, locateResponse, padToBlock, seal, sealEmail, sealedReceipt, submissionReceipt, unseal, type WaveKeys } from '../crypto.ts';
import type { AppDeps } from '../deps.ts';
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../errors.ts';
import { getInvitation, getWaveSecret, markAnswered, type ClosedInvitation, type Invitation, type MarkedInvitation } from '../store/invitations.ts';
import { countAnswered } from '../store/live-counts.ts';
import { deleteSealedResponse, getSealedResponse, putSealedResponse, sealedItemKey, type SealedResponse } from '../store/responses.ts';
import type { StoredStatement } from '../store/statements.ts';
import { getSurvey, getWave, sealedExpiryOf, type Wave } from '../store/waves.ts';
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
      keys.then(
        (found) => found ?? keyCache.delete(waveId),
        () => keyCache.delete(waveId),
      );
    }
    return keys;
  };

  async function invitationFor(token: string, consistent = true): Promise<{ invitation: Invitation | ClosedInvitation | MarkedInvitation; wave: Wave }> {
    // An eventually consistent read that finds nothing asks again consistently: a link is never "unknown" for being new.
    const found = (await getInvitation(store, hashToken(token), { consistent })) ?? (consistent ? undefined : await getInvitation(store, hashToken(token)));
    if (!found) throw new NotFoundError('this survey link', 'unknown-link');
    return { invitation: found, wave: await getWave(store, found.waveId, { consistent }) };
  }

  return {
    /**
     * The questionnaire behind a token, in the best locale the wave's statements have: the one the
     * person chose on the page, else their invitation's (the directory's locale), else the browser's.
     */
    async questionnaire(token: string, browser: string[], chosen?: string) {
      // Read eventually consistent (half the read units): the questionnaire only shows; a state a
      // second old (answered or closed just now) is caught by the submission, which reads consistently.
      const { invitation, wave } = await invitationFor(token, false);
      if ('closed' in invitation || wave.status !== 'open') throw waveClosed();
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
          theme: localizeTheme(statement.theme, lang),
          scale: { kind: statement.scale, points: scalePoints(statement.scale, lang, statement.options) },
        })),
      };
    },

    /**
     * Take a submission; resolves on 201, throws a BaselineError for every other outcome. A 201
     * means these answers are the link's stored response and its invitation was marked before the
     * close sealed it (so they are counted): either this request marked it, or the same submission
     * (same submission id and answers, hence the same receipt) did and this is its retry.
     */
    async submit(request: ResponseRequest): Promise<void> {
      const { invitation, wave } = await invitationFor(request.token);
      // Once the wave has closed every link hears "closed": its secret is gone, and a mark and a seal look alike.
      if (wave.status === 'closed') throw waveClosed();
      const closed = 'closed' in invitation;
      if (!closed) {
        checkAnswers(request.answers, wave.statements ?? []);
        // Every statement skipped is not a response: it would raise the response rate while adding no
        // answer. Refused before the link is used, so the person can still answer later.
        if (Object.keys(request.answers).length === 0)
          throw new ValidationError('answer at least one statement; a reply with every statement skipped is not counted', 'answers');
      }
      const keys = await waveKeys(wave.id);
      const shedsMarks = wave.invitationsExpireAt !== undefined;
      const profile = 'profile' in invitation ? invitation.profile : undefined;
      const submission = request.submission ? { s: request.submission } : {};
      const payload = profile && canonicalJson({ p: profileKey(profile), a: request.answers, ...submission });
      // The receipt on the mark recognises a retry of the submission that marked, and only a request
      // carrying a submission id may be recognised: answers alone could be guessed by whoever holds the link.
      // Where marks shed the person it leaves the profile out: the marked invitation no longer holds it.
      const receiptText = shedsMarks ? canonicalJson({ a: request.answers, ...submission }) : payload;
      const isThisSubmission = (receipt: string | undefined) =>
        request.submission !== undefined &&
        keys !== undefined &&
        receipt !== undefined &&
        receiptText !== undefined &&
        receipt === submissionReceipt(keys, receiptText);
      if (closed) {
        // Sealed by the close: one marked before the seal (counted) keeps its receipt until it is
        // stripped. A stripped marker no longer knows who answered, so a retry that late hears "closed".
        if (isThisSubmission(invitation.receipt)) return;
        throw waveClosed();
      }
      if (invitation.answered) {
        if (isThisSubmission(invitation.receipt)) return;
        // A seal shaped like a mark: told by its receipt while the secret exists; once it is gone the wave has closed.
        if ('marked' in invitation && (!keys || invitation.receipt === sealedReceipt(keys, invitation.tokenHash))) throw waveClosed();
        throw alreadyAnswered();
      }
      if (!keys || !payload || !receiptText || (wave.status !== 'open' && wave.status !== 'closing')) throw waveClosed();
      const receipt = submissionReceipt(keys, receiptText);
      const { shard, key } = locateResponse(keys, request.token, shedsMarks);
      const itemKey = sealedItemKey(wave.id, shard, key);
      // No wait makes this safe against the close: the mark below does (it needs an unsealed invitation).
      let wrote = false;
      // It expires with every other response of the wave, after the wave's latest close (README "Closing").
      const expiresAt = sealedExpiryOf(wave);
      if (wave.status === 'open') wrote = await putSealedResponse(store, wave.id, { shard, key, sealed: seal(keys, padToBlock(payload), itemKey), expiresAt });
      if (!wrote) {
        // A response is stored already: this is a retry of a try that crashed before its mark (same
        // submission), or another submission racing (other answers or id: those were stored, so the 201 is theirs).
        const stored = await getSealedResponse(store, wave.id, shard, key);
        if (!stored) throw wave.status === 'open' ? alreadyAnswered() : waveClosed();
        if (openPayload(keys, stored, itemKey) !== payload) throw alreadyAnswered();
      }
      const mark = await markAnswered(
        store,
        invitation.tokenHash,
        receipt,
        shedsMarks
          ? {
              expiresAt: wave.invitationsExpireAt!,
              sealed: sealedReceipt(keys, invitation.tokenHash),
              sealedEmail: sealEmail(keys, invitation.tokenHash, invitation.email),
            }
          : undefined,
      );
      // The same submission marked it in a request racing this one: these answers are the ones stored and counted.
      if (mark === 'marked-by-this-submission') {
        if (request.submission) return;
        // The same answers without a submission id: counted once, and only the request that marked hears 201.
        throw alreadyAnswered();
      }
      if (mark !== 'marked') {
        // Sealed unanswered, or marked by another submission: what this request wrote is counted by
        // nobody (the close deletes it too). Another submission's mark needed its own response stored
        // before this write succeeded, so this write landed after the close removed that one.
        if (wrote) await deleteSealedResponse(store, wave.id, shard, key);
        throw mark === 'closed' ? waveClosed() : alreadyAnswered();
      }
      // Live participation counts per profile, in one of the wave's few count items (its layout is on
      // the wave, so no other read); the close deletes these counts.
      await countAnswered(store, wave.id, wave, invitation.profile);
    },
  };
}

/** The canonical text of a sealed payload, so two submissions compare equal exactly when their answers are. */
function canonicalJson(value: unknown): string {
  const sorted = (item: unknown): unknown =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .map((name) => [name, sorted((item as Record<string, unknown>)[name])]),
        )
      : item;
  return JSON.stringify(sorted(value));
}

function openPayload(keys: WaveKeys, stored: SealedResponse, itemKey: string): string {
  return canonicalJson(JSON.parse(unseal(keys, stored.sealed, itemKey)));
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
