import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE, INDEX, SHARD_COUNT } from '../../shared/keys.ts';
import type { Profile } from '../../shared/org.ts';
import { batchWrite, isConditionFailure, putRequest, queryPages, type Store } from './client.ts';

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
const shardOf = (tokenHash: string) => tokenHash.charCodeAt(0) % SHARD_COUNT;

/** Store a batch of invitations (idempotent: the same person gets the same token hash on a re-run). */
export async function putInvitations(store: Store, invitations: Invitation[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.ephemeral,
    invitations.map((invitation) =>
      putRequest({
        ...invitationKey(invitation.tokenHash),
        [INDEX.invitationsByWave.partition]: `WAVE#${invitation.waveId}#${shardOf(invitation.tokenHash)}`,
        [INDEX.invitationsByWave.sort]: invitation.tokenHash,
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

/** An invitation as the close sealed it, read back from the item itself (never an index). */
export interface SealedInvitation {
  tokenHash: string;
  /** Absent once the invitation was stripped to its marker: then a later stage of the close ran already. */
  email?: string;
  answered: boolean;
}

/** How many seals are in flight at once: each is one conditional write. */
const SEAL_CONCURRENCY = 25;

/**
 * Seal invitations for the close: set `closed`, keeping email and answered mark for counting. The
 * write returns the item as it is after the seal, from the base table: from that moment no mark
 * can succeed, so `answered` is final. Idempotent (a resumed close seals again and reads the same).
 */
export async function sealInvitations(store: Store, tokenHashes: string[]): Promise<SealedInvitation[]> {
  const sealed: SealedInvitation[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SEAL_CONCURRENCY, tokenHashes.length) }, async () => {
      while (next < tokenHashes.length) {
        const tokenHash = tokenHashes[next++];
        try {
          const result = await store.doc.send(
            new UpdateCommand({
              TableName: store.tables.ephemeral,
              Key: invitationKey(tokenHash),
              UpdateExpression: 'SET closed = :yes',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':yes': true },
              ReturnValues: 'ALL_NEW',
            }),
          );
          const item = result.Attributes!;
          sealed.push({ tokenHash, email: item.email as string | undefined, answered: item.answered === true });
        } catch (error) {
          // An index entry without its item (the engine writes the index first): no item, no mark to count.
          if (!isConditionFailure(error)) throw error;
        }
      }
    }),
  );
  return sealed;
}

/**
 * The token hashes of a wave's invitations, one shard at a time in token-hash order, from the
 * keys-only index (the close, demo removal, reminders): only to enumerate, never to judge an item
 * by. `after` resumes past a token hash (a reminder round's cursor).
 */
export async function* invitationKeyPages(store: Store, waveId: string, shard: number, after?: string): AsyncGenerator<string[]> {
  const { partition, sort } = INDEX.invitationsByWave;
  for await (const page of queryPages(store, {
    TableName: store.tables.ephemeral,
    IndexName: INDEX.invitationsByWave.name,
    KeyConditionExpression: after === undefined ? `${partition} = :shard` : `${partition} = :shard AND ${sort} > :after`,
    ExpressionAttributeValues: { ':shard': `WAVE#${waveId}#${shard}`, ...(after === undefined ? {} : { ':after': after }) },
  })) {
    yield page.map((item) => (item.pk as string).slice('INV#'.length));
  }
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

/**
 * The invitations of a wave, one shard at a time (the export): keys from the index, then the
 * items by key, since the index carries keys only.
 */
export async function* invitationPages(store: Store, waveId: string, shard: number): AsyncGenerator<Invitation[]> {
  for await (const tokenHashes of invitationKeyPages(store, waveId, shard)) yield await getInvitationsByKey(store, waveId, tokenHashes);
}

/** How long a closed marker stays, so that a late click still hears "closed"; then TTL removes it. */
const MARKER_DAYS = 90;

/**
 * Replace invitations by closed markers: only the wave id (and the index keys, which hold the wave
 * and the token hash, so the close can still enumerate them), and when TTL may delete the marker.
 * No email, profile, locale or answered mark.
 */
export async function stripInvitations(store: Store, waveId: string, tokenHashes: string[]): Promise<void> {
  const expiresAt = Math.floor(Date.now() / 1000) + MARKER_DAYS * 24 * 3600;
  await batchWrite(
    store,
    store.tables.ephemeral,
    tokenHashes.map((tokenHash) =>
      putRequest({
        ...invitationKey(tokenHash),
        [INDEX.invitationsByWave.partition]: `WAVE#${waveId}#${shardOf(tokenHash)}`,
        [INDEX.invitationsByWave.sort]: tokenHash,
        waveId,
        closed: true,
        [EXPIRY_ATTRIBUTE]: expiresAt,
      }),
    ),
  );
}

/** What a stripped invitation may hold; anything else is a person's data left behind. */
const MARKER_ATTRIBUTES = new Set(['pk', 'sk', INDEX.invitationsByWave.partition, INDEX.invitationsByWave.sort, 'waveId', 'closed', EXPIRY_ATTRIBUTE]);

/**
 * The invitations among these that still hold more than a marker (an email, a profile, an answered
 * mark), read by key from the base table with consistent reads: an index may be ahead of its item.
 */
export async function findUnstrippedInvitations(store: Store, tokenHashes: string[]): Promise<string[]> {
  const left: string[] = [];
  for (let start = 0; start < tokenHashes.length; start += 100) {
    let keys: Record<string, unknown>[] = tokenHashes.slice(start, start + 100).map(invitationKey);
    while (keys.length > 0) {
      const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.ephemeral]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of result.Responses?.[store.tables.ephemeral] ?? []) {
        if (Object.keys(item).some((name) => !MARKER_ATTRIBUTES.has(name))) left.push((item.pk as string).slice('INV#'.length));
      }
      keys = (result.UnprocessedKeys?.[store.tables.ephemeral]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return left;
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
