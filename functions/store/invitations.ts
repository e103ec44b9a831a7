import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX, SHARD_COUNT } from '../../shared/keys.ts';
import type { Profile } from '../../shared/org.ts';
import { batchWrite, isConditionFailure, putRequest, queryPages, type Store } from './client.ts';

export interface Invitation {
  tokenHash: string;
  waveId: string;
  email: string;
  profile: Profile;
  answered: boolean;
  locale?: string;
  /** The last reminder round sent to this person (reminders go only to those who have not answered). */
  remindedRound?: number;
}

/** What stays of an invitation after its wave closes: which wave the link belonged to, nothing about a person. */
export interface ClosedInvitation {
  tokenHash: string;
  waveId: string;
  closed: true;
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

/** The invitation behind a token hash, or what is left of it after close. */
export async function getInvitation(store: Store, tokenHash: string): Promise<Invitation | ClosedInvitation | undefined> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.ephemeral, Key: invitationKey(tokenHash), ConsistentRead: true }));
  if (!result.Item) return undefined;
  if (result.Item.closed) return { tokenHash, waveId: result.Item.waveId as string, closed: true };
  const locale = result.Item.locale as string | undefined;
  return { tokenHash, waveId: result.Item.waveId as string, email: result.Item.email as string, profile: result.Item.profile as Profile, answered: result.Item.answered === true, ...(locale ? { locale } : {}) };
}

/**
 * Mark an invitation answered, once: of any number of racing callers exactly one gets `true`.
 * The mark holds no time.
 */
export async function markAnswered(store: Store, tokenHash: string): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.ephemeral,
        Key: invitationKey(tokenHash),
        UpdateExpression: 'SET answered = :yes',
        ConditionExpression: 'attribute_exists(pk) AND answered = :no',
        ExpressionAttributeValues: { ':yes': true, ':no': false },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The token hashes of a wave's invitations, one shard at a time, from the keys-only index (the close, demo removal). */
export async function* invitationKeyPages(store: Store, waveId: string, shard: number): AsyncGenerator<string[]> {
  for await (const page of queryPages(store, {
    TableName: store.tables.ephemeral,
    IndexName: INDEX.invitationsByWave.name,
    KeyConditionExpression: `${INDEX.invitationsByWave.partition} = :shard`,
    ExpressionAttributeValues: { ':shard': `WAVE#${waveId}#${shard}` },
  })) {
    yield page.map((item) => (item.pk as string).slice('INV#'.length));
  }
}

/**
 * The invitations of a wave, one shard at a time (the export, reminders): keys from the index,
 * then the items by key, since the index carries keys only.
 */
export async function* invitationPages(store: Store, waveId: string, shard: number): AsyncGenerator<Invitation[]> {
  for await (const tokenHashes of invitationKeyPages(store, waveId, shard)) {
    const invitations: Invitation[] = [];
    for (let start = 0; start < tokenHashes.length; start += 100) {
      let keys: Record<string, unknown>[] = tokenHashes.slice(start, start + 100).map(invitationKey);
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.ephemeral]: { Keys: keys } } }));
        for (const item of result.Responses?.[store.tables.ephemeral] ?? []) {
          // A marker left by a close (or an item gone since the query) is no invitation to mail or export.
          if (item.closed || item.email === undefined) continue;
          invitations.push({
            tokenHash: (item.pk as string).slice('INV#'.length),
            waveId,
            email: item.email as string,
            profile: item.profile as Profile,
            answered: item.answered === true,
            locale: item.locale as string | undefined,
            remindedRound: item.remindedRound as number | undefined,
          });
        }
        keys = (result.UnprocessedKeys?.[store.tables.ephemeral]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    yield invitations;
  }
}

/**
 * Record that a reminder round reached this invitation, so a resumed reminder job skips it. Only
 * moves forward: answers false when a run of this round (or a later one) recorded it first.
 */
export async function markReminded(store: Store, tokenHash: string, round: number): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.ephemeral,
        Key: invitationKey(tokenHash),
        UpdateExpression: 'SET remindedRound = :round',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(remindedRound) OR remindedRound < :round)',
        ExpressionAttributeValues: { ':round': round },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Replace invitations by closed markers: the email and profile are gone, a late click still hears "closed". */
export async function closeInvitations(store: Store, waveId: string, tokenHashes: string[]): Promise<void> {
  await batchWrite(store, store.tables.ephemeral, tokenHashes.map((tokenHash) => putRequest({ ...invitationKey(tokenHash), waveId, closed: true })));
}

/** Store the wave secret once; a second open of the same wave keeps the first secret. */
export async function putWaveSecret(store: Store, waveId: string, secret: string): Promise<string> {
  try {
    await store.doc.send(new PutCommand({ TableName: store.tables.ephemeral, Item: { ...secretKey(waveId), secret }, ConditionExpression: 'attribute_not_exists(pk)' }));
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
