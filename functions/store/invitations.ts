import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE, SHARD_COUNT } from '../../shared/keys.ts';
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
): Promise<Invitation | ClosedInvitation | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.ephemeral, Key: invitationKey(tokenHash), ConsistentRead: options.consistent ?? true }),
  );
  if (!result.Item) return undefined;
  const receipt = result.Item.receipt as string | undefined;
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
 * Mark an invitation answered, once: of any number of racing callers exactly one gets 'marked'.
 * Only while the close has not sealed it (DESIGN.md "Close"): the close seals every invitation
 * before it counts, so every mark that succeeds happened before counting began and is counted.
 * The mark stores the submission's receipt (a MAC under the wave secret of what was sealed, never
 * the answers) so that a retry of that submission, and only of it, can be told it was recorded.
 * The mark holds no time.
 */
export async function markAnswered(store: Store, tokenHash: string, receipt: string): Promise<MarkOutcome> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.ephemeral,
        Key: invitationKey(tokenHash),
        UpdateExpression: 'SET answered = :yes, receipt = :receipt',
        ConditionExpression: 'attribute_exists(pk) AND answered = :no AND attribute_not_exists(closed)',
        ExpressionAttributeValues: { ':yes': true, ':no': false, ':receipt': receipt },
      }),
    );
    return 'marked';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const now = await store.doc.send(new GetCommand({ TableName: store.tables.ephemeral, Key: invitationKey(tokenHash), ConsistentRead: true }));
    // Answered before it was sealed is answered (and counted): the seal keeps the mark and its receipt.
    if (now.Item?.answered === true) return now.Item.receipt === receipt ? 'marked-by-this-submission' : 'answered';
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
 * fixed for a table (by a hash of the key), so `after` resumes past a token hash seen before (a
 * reminder round's cursor). Only to enumerate, never to judge an item by (demo removal, reminders).
 */
export async function* invitationKeyPages(store: Store, waveId: string, shard: number, after?: string): AsyncGenerator<string[]> {
  for await (const items of invitationScanPages(store, waveId, shard, 'pk', after)) yield items.map(tokenHashOf);
}

/**
 * Invitations by token hash, read by key (eventually consistent: for mailing and the export, never
 * to decide a count), in the order asked. Markers left by a close, and items gone since they were
 * listed, are left out: they are no invitation to mail or export.
 */
export async function getInvitationsByKey(store: Store, waveId: string, tokenHashes: string[]): Promise<Invitation[]> {
  const found = new Map<string, Invitation>();
  for (let start = 0; start < tokenHashes.length; start += 100) {
    let keys: Record<string, unknown>[] = tokenHashes.slice(start, start + 100).map(invitationKey);
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.ephemeral]: { Keys: keys } } }));
      for (const item of result.Responses?.[store.tables.ephemeral] ?? []) {
        if (item.closed || item.email === undefined) continue;
        const tokenHash = (item.pk as string).slice('INV#'.length);
        found.set(tokenHash, {
          tokenHash,
          waveId,
          email: item.email as string,
          profile: item.profile as Profile,
          answered: item.answered === true,
          locale: item.locale as string | undefined,
        });
      }
      keys = (result.UnprocessedKeys?.[store.tables.ephemeral]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return tokenHashes.flatMap((tokenHash) => found.get(tokenHash) ?? []);
}

/** The open invitations of a wave, one shard at a time (the export); markers left by a close are none. */
export async function* invitationPages(store: Store, waveId: string, shard: number): AsyncGenerator<Invitation[]> {
  for await (const items of invitationScanPages(store, waveId, shard)) {
    const invitations = items.filter((item) => !item.closed && item.email !== undefined).map((item) => toInvitation(waveId, item));
    if (invitations.length > 0) yield invitations;
  }
}

function toInvitation(waveId: string, item: Item): Invitation {
  return {
    tokenHash: tokenHashOf(item),
    waveId,
    email: item.email as string,
    profile: item.profile as Profile,
    answered: item.answered === true,
    locale: item.locale as string | undefined,
  };
}

/** How long a closed marker stays, so that a late click still hears "closed"; then TTL (or the embedded engine's sweep) removes it. */
export const MARKER_DAYS = 90;

/** What a marker may hold; anything else is a person's data left behind. */
const MARKER_ATTRIBUTES = new Set(['pk', 'sk', 'waveId', 'closed', EXPIRY_ATTRIBUTE]);
/** Everything an open invitation may hold beyond a marker (and the index keys invitations carried before they had none). */
const PERSON_ATTRIBUTES = ['email', 'profile', 'locale', 'answered', 'receipt', 'remindedRound', 'gsi1pk', 'gsi1sk'];

/** An invitation as the close reads it, from the base table (never an index). */
export interface CloseInvitation {
  tokenHash: string;
  /** Absent on a marker. */
  email?: string;
  answered: boolean;
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
    closed: item.closed === true,
    unstripped: Object.keys(item).some((name) => !MARKER_ATTRIBUTES.has(name)),
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
 * invitations are not sealed: their mark is final, and they are stripped once counted.
 * Returns the token hashes whose seal was refused.
 */
export async function sealUnansweredInvitations(store: Store, tokenHashes: string[], expiresAt: number): Promise<string[]> {
  const refused: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SEAL_CONCURRENCY, tokenHashes.length) }, async () => {
      while (next < tokenHashes.length) {
        const tokenHash = tokenHashes[next++];
        try {
          await store.doc.send(
            new UpdateCommand({
              TableName: store.tables.ephemeral,
              Key: invitationKey(tokenHash),
              UpdateExpression: `SET closed = :yes, #expiry = :expiry REMOVE ${PERSON_ATTRIBUTES.join(', ')}`,
              ConditionExpression: 'answered = :no AND attribute_not_exists(closed)',
              ExpressionAttributeNames: { '#expiry': EXPIRY_ATTRIBUTE },
              ExpressionAttributeValues: { ':yes': true, ':no': false, ':expiry': expiresAt },
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
