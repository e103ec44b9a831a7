import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE, SHARD_COUNT } from '../../shared/keys.ts';
import { MAX_OPEN_DAYS, RESPONSE_EXPIRY_GRACE_DAYS } from '../../shared/open-period.ts';
import type { Profile } from '../../shared/org.ts';
import { batchGet, batchWrite, isConditionFailure, putRequest, type Item, type Store } from './client.ts';

export interface Invitation {
  tokenHash: string;
  waveId: string;
  email: string;
  profile: Profile;
  answered: boolean;
  /** Set with the mark: a MAC of the submission that marked, so its crash retry is recognised (never the answers themselves). */
  receipt?: string;
  locale?: string;
}

/**
 * An invitation marked on a wave whose marks shed the person (see markAnswered): nothing of them is
 * left, only that it was answered and the receipt. A seal by the close looks the same (its receipt
 * is `sealedReceipt`), so which one it is can be told only while the wave secret exists.
 */
export interface MarkedInvitation {
  tokenHash: string;
  waveId: string;
  answered: true;
  receipt: string;
  marked: true;
}

/** What stays of an invitation after its wave closes: which wave the link belonged to, nothing about a person. */
export interface ClosedInvitation {
  tokenHash: string;
  waveId: string;
  closed: true;
  /** Until the close strips it (sealed, not yet a marker): the profile and the mark's receipt, so a crash retry of a counted submission still hears 201. */
  profile?: Profile;
  receipt?: string;
}

const invitationKey = (tokenHash: string) => ({ pk: `INV#${tokenHash}`, sk: 'INV' });
const secretKey = (waveId: string) => ({ pk: `SECRET#${waveId}`, sk: 'SECRET' });
const tokenHashOf = (item: Item) => (item.pk as string).slice('INV#'.length);

/**
 * Store a batch of invitations (idempotent: the same person gets the same token hash on a re-run).
 * One write unit each and nothing more: no index holds them (a wave's invitations are enumerated by
 * a scan, see invitationScanPages), so the open writes each invitation once.
 */
export async function putInvitations(store: Store, invitations: Invitation[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.ephemeral,
    invitations.map((invitation) =>
      putRequest({
        ...invitationKey(invitation.tokenHash),
        waveId: invitation.waveId,
        email: invitation.email,
        profile: invitation.profile,
        locale: invitation.locale,
        answered: false,
      }),
    ),
  );
}

/** The invitation behind a token hash, or what is left of it after close; consistent unless told (what only shows the questionnaire need not be). */
export async function getInvitation(
  store: Store,
  tokenHash: string,
  options: { consistent?: boolean } = {},
): Promise<Invitation | ClosedInvitation | MarkedInvitation | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.ephemeral, Key: invitationKey(tokenHash), ConsistentRead: options.consistent ?? true }),
  );
  if (!result.Item) return undefined;
  const receipt = result.Item.receipt as string | undefined;
  if (result.Item.answered === true && result.Item.email === undefined && !result.Item.closed) {
    return { tokenHash, waveId: result.Item.waveId as string, answered: true, receipt: receipt ?? '', marked: true };
  }
  if (result.Item.closed) {
    const profile = result.Item.profile as Profile | undefined;
    return { tokenHash, waveId: result.Item.waveId as string, closed: true, ...(profile ? { profile } : {}), ...(receipt ? { receipt } : {}) };
  }
  const locale = result.Item.locale as string | undefined;
  return {
    tokenHash,
    waveId: result.Item.waveId as string,
    email: result.Item.email as string,
    profile: result.Item.profile as Profile,
    answered: result.Item.answered === true,
    ...(receipt ? { receipt } : {}),
    ...(locale ? { locale } : {}),
  };
}

/**
 * What a submission's mark found: it marked; the same submission (same receipt) had marked it
 * already; another submission had; or its wave's close sealed it unanswered.
 */
export type MarkOutcome = 'marked' | 'marked-by-this-submission' | 'answered' | 'closed';

/**
 * How a mark sheds the person, on waves opened since marks do: the invitation keeps only that it was
 * answered and the receipt, with the expiry every invitation of the wave shares, so it is already
 * its final marker and the close never writes it again. `sealed` is the receipt a seal by the close
 * would carry, so a mark refused by a seal is told from one refused by another submission.
 */
export interface SheddingMark {
  expiresAt: number;
  sealed: string;
  /** The email sealed under the wave secret: the links export lists the answered like the unanswered. */
  sealedEmail: string;
}

/**
 * Mark an invitation answered, once: of any number of racing callers exactly one gets 'marked'.
 * Only while the close has not sealed it (DESIGN.md "Close"): the close seals every invitation
 * before it counts, so every mark that succeeds happened before counting began and is counted.
 * The mark stores the submission's receipt (a MAC under the wave secret of what was sealed, never
 * the answers) so that a retry of that submission, and only of it, can be told it was recorded.
 * The mark holds no time. With `shedding` (waves opened since marks shed the person) the same write
 * removes the email, profile, locale and reminder round, and sets the expiry every invitation of
 * the wave shares: the invitation is its final marker at once, and the close does not rewrite it.
 */
export async function markAnswered(store: Store, tokenHash: string, receipt: string, shedding?: SheddingMark): Promise<MarkOutcome> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.ephemeral,
        Key: invitationKey(tokenHash),
        UpdateExpression: shedding
          ? `SET answered = :yes, receipt = :receipt, sealedEmail = :email, #expiry = :expiry REMOVE ${PERSON_DETAILS.join(', ')}`
          : 'SET answered = :yes, receipt = :receipt',
        ConditionExpression: 'attribute_exists(pk) AND answered = :no AND attribute_not_exists(closed)',
        ...(shedding ? { ExpressionAttributeNames: { '#expiry': EXPIRY_ATTRIBUTE } } : {}),
        ExpressionAttributeValues: {
          ':yes': true,
          ':no': false,
          ':receipt': receipt,
          ...(shedding ? { ':expiry': shedding.expiresAt, ':email': shedding.sealedEmail } : {}),
        },
      }),
    );
    return 'marked';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const now = await store.doc.send(new GetCommand({ TableName: store.tables.ephemeral, Key: invitationKey(tokenHash), ConsistentRead: true }));
    // Answered before it was sealed is answered (and counted): the seal keeps the mark and its receipt.
    if (now.Item?.answered === true) {
      if (now.Item.receipt === receipt) return 'marked-by-this-submission';
      return shedding && now.Item.receipt === shedding.sealed ? 'closed' : 'answered';
    }
    return 'closed';
  }
}

/**
 * A wave's invitations in one of SHARD_COUNT scan segments, page by page, read consistently from
 * the base table. No index lists a wave's invitations: one would cost a write per invitation at
 * the open (the open's largest line after the invitations themselves) for the few jobs that
 * enumerate them (the close, reminders, the links export, demo removal). A scan reads the whole
 * ephemeral table, but by size, not by item (4 KB per read unit: a 10,000-person wave's
 * invitations are ~750 units, where the keys-only index cost 10,000 write units to fill), and a
 * consistent scan sees every write acknowledged before it, which an index never promised.
 */
async function* invitationScanPages(store: Store, waveId: string, shard: number, projection?: string, after?: string): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined = after === undefined ? undefined : invitationKey(after);
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tables.ephemeral,
        Segment: shard,
        TotalSegments: SHARD_COUNT,
        FilterExpression: 'begins_with(pk, :inv) AND waveId = :wave',
        ExpressionAttributeValues: { ':inv': 'INV#', ':wave': waveId },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    if (page.Items?.length) yield page.Items as Item[];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * The token hashes of a wave's invitations, one shard (scan segment) at a time, in the scan's order:
 * fixed for a table (by a hash of the key), so `after` resumes past a token hash seen before. Only
 * to enumerate, never to judge an item by (demo removal).
 */
export async function* invitationKeyPages(store: Store, waveId: string, shard: number, after?: string): AsyncGenerator<string[]> {
  for await (const items of invitationScanPages(store, waveId, shard, 'pk', after)) yield items.map(tokenHashOf);
}

/**
 * A wave's invitations not answered yet, one shard (scan segment) at a time, in the scan's fixed
 * order, resuming past `after` (a reminder round's cursor). For mailing only, never to decide a
 * count. The scan reads whole items anyway (it is billed by size, a projection or not), so each is
 * read once here, not listed by key and then read again (that second read was 5,000 read units of
 * a 10,000-person reminder round). Markers and answered invitations are passed over.
 */
export async function* unansweredInvitationPages(store: Store, waveId: string, shard: number, after?: string): AsyncGenerator<Invitation[]> {
  for await (const items of invitationScanPages(store, waveId, shard, undefined, after)) {
    yield items
      .filter((item) => !item.closed && item.answered !== true && item.email !== undefined)
      .map((item) => ({
        tokenHash: tokenHashOf(item),
        waveId,
        email: item.email as string,
        profile: item.profile as Profile,
        answered: false,
        ...(item.locale ? { locale: item.locale as string } : {}),
      }));
  }
}

/**
 * Who a wave's open invitations are for, one shard at a time (the links export): the email, or, once
 * a mark shed it, the email sealed under the wave secret. Answered or not, every invitee is listed,
 * so the export never says who answered. Markers left by a close are none.
 */
export async function* invitationPages(
  store: Store,
  waveId: string,
  shard: number,
): AsyncGenerator<Array<{ tokenHash: string; email?: string; sealedEmail?: string }>> {
  for await (const items of invitationScanPages(store, waveId, shard)) {
    const invitations = items
      .filter((item) => !item.closed && (item.email !== undefined || item.sealedEmail !== undefined))
      .map((item) => ({ tokenHash: tokenHashOf(item), email: item.email as string | undefined, sealedEmail: item.sealedEmail as string | undefined }));
    if (invitations.length > 0) yield invitations;
  }
}

/** How long a closed marker stays, so that a late click still hears "closed"; then TTL (or the embedded engine's sweep) removes it. */
export const MARKER_DAYS = 90;

/**
 * How long an invitation lives from its wave's open, on waves whose marks shed the person: the
 * longest a wave stays open, the grace a failing close has to finish, then MARKER_DAYS. The
 * schedule closes every wave by MAX_OPEN_DAYS, so no invitation expires before its close counted it.
 */
export const INVITATION_DAYS = MAX_OPEN_DAYS + RESPONSE_EXPIRY_GRACE_DAYS + MARKER_DAYS;

/**
 * What a marker may hold; anything else is a person's data left behind. A marker left by a mark that
 * shed the person, or by a seal shaped like one, holds the answered flag and a receipt too: MACs
 * under the destroyed secret, the same for the answered and the unanswered.
 */
const MARKER_ATTRIBUTES = new Set(['pk', 'sk', 'waveId', 'closed', 'answered', 'receipt', 'sealedEmail', EXPIRY_ATTRIBUTE]);
/** What says who the person is or was asked (and the index keys invitations carried before they had none). */
const PERSON_DETAILS = ['email', 'profile', 'locale', 'remindedRound', 'gsi1pk', 'gsi1sk'];
/** Everything an open invitation may hold beyond a marker of the old shape. */
const PERSON_ATTRIBUTES = [...PERSON_DETAILS, 'answered', 'receipt'];

/** An invitation as the close reads it, from the base table (never an index). */
export interface CloseInvitation {
  tokenHash: string;
  /** Absent on a marker, and on an invitation whose mark shed the person. */
  email?: string;
  answered: boolean;
  /** The mark's receipt, or the seal's (see sealedReceipt). */
  receipt?: string;
  /** Sealed: no mark can land on it any more (a marker, or an invitation a close before this version sealed). */
  closed: boolean;
  /** Holds more than a marker may: the close must still strip it. */
  unstripped: boolean;
}

function toCloseInvitation(item: Item): CloseInvitation {
  return {
    tokenHash: tokenHashOf(item),
    email: item.email as string | undefined,
    answered: item.answered === true,
    ...(typeof item.receipt === 'string' ? { receipt: item.receipt } : {}),
    closed: item.closed === true,
    // An old-shape marker never holds a mark: an answered flag or receipt beside `closed` is left over.
    unstripped:
      Object.keys(item).some((name) => !MARKER_ATTRIBUTES.has(name)) ||
      (item.closed === true && (item.answered !== undefined || item.receipt !== undefined || item.sealedEmail !== undefined)),
  };
}

/** A closing wave's invitations in one shard, read consistently from the base table. */
export async function* closeInvitationPages(store: Store, waveId: string, shard: number): AsyncGenerator<CloseInvitation[]> {
  for await (const items of invitationScanPages(store, waveId, shard)) yield items.map(toCloseInvitation);
}

/** Invitations by key, read consistently (the close re-reads those whose seal found them marked); missing ones are left out. */
export async function getCloseInvitations(store: Store, tokenHashes: string[]): Promise<CloseInvitation[]> {
  return (await batchGet(store, store.tables.ephemeral, tokenHashes.map(invitationKey), { consistent: true })).map(toCloseInvitation);
}

/** How many seals are in flight at once: each is one conditional write. */
const SEAL_CONCURRENCY = 25;

/**
 * Seal unanswered invitations for the close, each straight into its final marker in one write:
 * `closed` set, the person's data (email, profile, locale, reminder round) removed, and the expiry
 * every marker of this close shares (so an answered invitation stripped later cannot be told from
 * an unanswered one by its expiry). Only while still unanswered and unsealed: a mark that landed
 * since the close read the invitation refuses the seal, and the invitation is answered for good
 * (a mark is never undone). A sealed marker refuses every later mark (markAnswered). Answered
 * invitations are not sealed: their mark is final, and they are stripped once counted, unless the
 * mark shed the person already. On such a wave the seal leaves the same shape as a mark (answered,
 * a receipt, the wave's one expiry), so once the secret is gone no marker says whether its person
 * answered, and the close writes each invitation at most once (answered ones not at all).
 * Returns the token hashes whose seal was refused.
 */
export async function sealUnansweredInvitations(
  store: Store,
  tokenHashes: string[],
  expiresAt: number,
  /** On a wave whose marks shed the person: the receipt and sealed email each seal carries, so the marker looks like a mark's. */
  markLike?: (tokenHash: string) => { receipt: string; sealedEmail: string },
): Promise<string[]> {
  const refused: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SEAL_CONCURRENCY, tokenHashes.length) }, async () => {
      while (next < tokenHashes.length) {
        const tokenHash = tokenHashes[next++];
        const mark = markLike?.(tokenHash);
        try {
          await store.doc.send(
            new UpdateCommand({
              TableName: store.tables.ephemeral,
              Key: invitationKey(tokenHash),
              UpdateExpression: mark
                ? `SET answered = :yes, receipt = :receipt, sealedEmail = :email, #expiry = :expiry REMOVE ${PERSON_DETAILS.join(', ')}`
                : `SET closed = :yes, #expiry = :expiry REMOVE ${PERSON_ATTRIBUTES.join(', ')}`,
              ConditionExpression: 'answered = :no AND attribute_not_exists(closed)',
              ExpressionAttributeNames: { '#expiry': EXPIRY_ATTRIBUTE },
              ExpressionAttributeValues: {
                ':yes': true,
                ':no': false,
                ':expiry': expiresAt,
                ...(mark ? { ':receipt': mark.receipt, ':email': mark.sealedEmail } : {}),
              },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          refused.push(tokenHash);
        }
      }
    }),
  );
  return refused;
}

/**
 * Replace invitations by closed markers: only the wave id and when TTL may delete the marker. No
 * email, profile, locale, answered mark or receipt.
 */
export async function stripInvitations(store: Store, waveId: string, tokenHashes: string[], expiresAt: number): Promise<void> {
  await batchWrite(
    store,
    store.tables.ephemeral,
    tokenHashes.map((tokenHash) => putRequest({ ...invitationKey(tokenHash), waveId, closed: true, [EXPIRY_ATTRIBUTE]: expiresAt })),
  );
}

/** Store the wave secret once; a second open of the same wave keeps the first secret. */
export async function putWaveSecret(store: Store, waveId: string, secret: string): Promise<string> {
  try {
    await store.doc.send(
      new PutCommand({ TableName: store.tables.ephemeral, Item: { ...secretKey(waveId), secret }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return secret;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await getWaveSecret(store, waveId))!;
  }
}

/** The wave secret while the wave is open; undefined once destroyed. */
export async function getWaveSecret(store: Store, waveId: string): Promise<string | undefined> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.ephemeral, Key: secretKey(waveId), ConsistentRead: true }));
  return result.Item?.secret as string | undefined;
}

/** Destroy the wave secret: from here on nothing can link a response to an invitation. */
export async function deleteWaveSecret(store: Store, waveId: string): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.tables.ephemeral, Key: secretKey(waveId) }));
}
