/**
 * The cryptography of confidential collection (DESIGN.md "Invitation", "Response", "Exactly once").
 * Every key is derived from the per-wave secret, so destroying that secret at close leaves nothing
 * that links a stored response to an invitation.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { SHARD_COUNT } from '../shared/keys.ts';

export interface WaveKeys {
  /** Derives each invitee's token, so re-running an interrupted open re-creates the same invitations. */
  token: Buffer;
  /** Keys a response by its token, so a resubmission finds the first one. */
  responseKey: Buffer;
  /** Seals answers while the wave is open. */
  seal: Buffer;
  /** Names the k-anonymized rewrite of each response, so a resumed close overwrites rather than duplicates. */
  rewrite: Buffer;
  /** Names what a submission sealed, on its invitation's mark, so a retry of that submission is recognised. */
  receipt: Buffer;
}

export function createWaveSecret(): string {
  return randomBytes(32).toString('base64');
}

export function deriveWaveKeys(secret: string, waveId: string): WaveKeys {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'base64'), waveId, purpose, 32));
  return { token: derive('token'), responseKey: derive('response-key'), seal: derive('seal'), rewrite: derive('rewrite'), receipt: derive('receipt') };
}

/** An invitee's token: 32 bytes, base64url, looks random to anyone without the wave secret. */
export function inviteeToken(keys: WaveKeys, email: string): string {
  return createHmac('sha256', keys.token).update(email).digest('base64url');
}

/** What the invitation table stores instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface ResponseLocation {
  shard: number;
  key: string;
}

/**
 * Where a link's response lives: an HMAC under the wave secret, sharded by its first byte. Of the
 * token's hash on waves whose marks shed the person (`shedsMarks`): the close finds the response
 * from the invitation's key alone, once the mark has removed the email the token derives from. Of
 * the token itself on waves opened before.
 */
export function locateResponse(keys: WaveKeys, token: string, shedsMarks: boolean): ResponseLocation {
  return locateByHash(keys, shedsMarks ? hashToken(token) : token);
}

/** Where the response of the invitation stored under `tokenHash` lives, on a wave whose marks shed the person. */
export function locateResponseOfInvitation(keys: WaveKeys, tokenHash: string): ResponseLocation {
  return locateByHash(keys, tokenHash);
}

function locateByHash(keys: WaveKeys, input: string): ResponseLocation {
  const mac = createHmac('sha256', keys.responseKey).update(input).digest();
  return { shard: mac[0] % SHARD_COUNT, key: mac.toString('base64url') };
}

/** A submission's receipt: a MAC of the canonical text it sealed (submission id, profile, answers); it reveals nothing without the secret. */
export function submissionReceipt(keys: WaveKeys, payload: string): string {
  return createHmac('sha256', keys.receipt).update(payload).digest('base64url');
}

/**
 * The receipt the close seals an unanswered invitation with: a MAC of its token hash, shaped like a
 * submission's receipt. While the secret exists the close and the collector tell the two apart;
 * once it is destroyed, an invitation sealed unanswered cannot be told from one marked answered.
 */
export function sealedReceipt(keys: WaveKeys, tokenHash: string): string {
  return createHmac('sha256', keys.receipt).update(`sealed:${tokenHash}`).digest('base64url');
}

/** A stable, unlinkable id for a rewritten record (it means nothing once the secret is gone). */
export function rewriteId(keys: WaveKeys, sourceKey: string, purpose: string): string {
  return createHmac('sha256', keys.rewrite).update(`${purpose}:${sourceKey}`).digest('base64url').slice(0, 22);
}

/**
 * Sealed responses stay in the table until they expire, long after the secret is gone, and AES-GCM
 * hides everything but length: a ciphertext a few bytes longer than the others could still tell a
 * longer unit or attribute name, a skipped statement or an eNPS of 10. So the plaintext is padded
 * with spaces (JSON ignores them) to a multiple of this many bytes: one block, sealed and
 * base64-encoded with its keys and expiry, is ~0.95 KB, one write unit like most unpadded responses.
 */
export const SEAL_BLOCK_BYTES = 600;

/** `text` padded with trailing spaces to the next multiple of SEAL_BLOCK_BYTES (UTF-8). */
export function padToBlock(text: string): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  const padded = Math.max(1, Math.ceil(bytes / SEAL_BLOCK_BYTES)) * SEAL_BLOCK_BYTES;
  return text + ' '.repeat(padded - bytes);
}

/** AES-256-GCM; the item's key is bound as associated data so sealed blobs cannot be moved between items. */
export function seal(keys: WaveKeys, plaintext: string, associated: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, iv);
  cipher.setAAD(Buffer.from(associated));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function unseal(keys: WaveKeys, sealed: string, associated: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keys.seal, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(associated));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}

/**
 * An invitee's email as a marked invitation keeps it (see store/invitations.ts markAnswered): the
 * links export still lists every invitee, answered or not, while the wave is open, and once the
 * secret is destroyed nothing reads it. Bound to the invitation, so it cannot be moved to another.
 */
export function sealEmail(keys: WaveKeys, tokenHash: string, email: string): string {
  return seal(keys, email, `invitation:${tokenHash}`);
}

export function openEmail(keys: WaveKeys, tokenHash: string, sealedEmail: string): string {
  return unseal(keys, sealedEmail, `invitation:${tokenHash}`);
}

export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}
