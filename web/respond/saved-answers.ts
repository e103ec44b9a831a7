import type { Answer } from './questionnaire.ts';

/**
 * Answers not yet sent live in localStorage, so a dropped connection or a closed tab loses
 * nothing. The key is a hash of the token rather than the token itself: the token is the only
 * secret in the invitation, and storage is readable by anyone using the device's browser profile.
 * cyrb53 (a fast 53-bit non-cryptographic hash) is enough for a local key and, unlike
 * crypto.subtle, works synchronously and on plain-http intranet hosts.
 */
export function hashToken(token: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < token.length; i++) {
    const ch = token.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

const keyFor = (token: string) => `baseline.answers.${hashToken(token)}`;

/** The answers saved for this link, or none. */
export function readSavedAnswers(storage: Storage, token: string): Record<string, Answer> {
  try {
    const saved = JSON.parse(storage.getItem(keyFor(token)) ?? '{}');
    return saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : {};
  } catch {
    return {};
  }
}

/** Save after every change; a full or disabled storage must not stop anyone answering. */
export function writeSavedAnswers(storage: Storage, token: string, answers: Record<string, Answer>): void {
  try {
    storage.setItem(keyFor(token), JSON.stringify(answers));
  } catch {
    /* private mode or quota: answering still works, only the offline safety net is missing */
  }
}

/** A submission sent but not yet confirmed: its random id and the answers exactly as sent. */
export interface PendingSubmission {
  id: string;
  answers: Record<string, number | string>;
}

const pendingKeyFor = (token: string) => `baseline.sending.${hashToken(token)}`;

/**
 * A new submission id: 16 random bytes, base64url. getRandomValues works on plain-http intranet
 * hosts too (randomUUID needs a secure context).
 */
export function newSubmissionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** The submission sent on this device and not yet confirmed, if any: a retry resends exactly it. */
export function readPendingSubmission(storage: Storage, token: string): PendingSubmission | null {
  try {
    const saved = JSON.parse(storage.getItem(pendingKeyFor(token)) ?? 'null');
    return saved && typeof saved.id === 'string' && saved.answers && typeof saved.answers === 'object' ? saved : null;
  } catch {
    return null;
  }
}

/** Kept before the request leaves, so a reply lost to a dropped connection or a closed tab can be asked again. */
export function writePendingSubmission(storage: Storage, token: string, pending: PendingSubmission): void {
  try {
    storage.setItem(pendingKeyFor(token), JSON.stringify(pending));
  } catch {
    /* private mode or quota: a retry in this tab still resends the same submission */
  }
}

/** Forget the answers once the server has them (201) or will never take them (409, 410). */
export function clearSavedAnswers(storage: Storage, token: string): void {
  try {
    storage.removeItem(keyFor(token));
    storage.removeItem(pendingKeyFor(token));
  } catch {
    /* nothing to clear */
  }
}

const LANG_KEY = 'baseline.lang';

/** The language this person chose last time, on any survey. */
export function readChosenLang(storage: Storage): string | null {
  try {
    return storage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

export function writeChosenLang(storage: Storage, lang: string): void {
  try {
    storage.setItem(LANG_KEY, lang);
  } catch {
    /* the choice is simply not remembered */
  }
}
