import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Profile } from '../../shared/org.ts';
import { batchWrite, deleteRequest, isConditionFailure, putRequest, queryPages, type Store } from './client.ts';

export interface SealedResponse {
  shard: number;
  key: string;
  sealed: string;
}

/** A response after close: k-anonymized segments and answers under a random id; nothing else. */
export interface AnonymousResponse {
  id: string;
  profile: Profile;
  answers: Record<string, number | string>;
}

export interface StoredComment {
  id: string;
  statementId: string;
  /** The k-anonymized unit of the commenter; comments are never tied to attributes. */
  unitId: string;
  text: string;
}

const sealedPk = (waveId: string, shard: number) => `RESP#${waveId}#${shard}`;
const anonymousPk = (waveId: string, shard: number) => `ANON#${waveId}#${shard}`;
const commentPk = (waveId: string) => `COMMENT#${waveId}`;

/** The item key a sealed response is bound to (also the associated data of its encryption). */
export const sealedItemKey = (waveId: string, shard: number, key: string) => `${sealedPk(waveId, shard)}/${key}`;

/** Write a sealed response unless this token already has one; false when it had. */
export async function putSealedResponse(store: Store, waveId: string, response: SealedResponse): Promise<boolean> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.main,
        Item: { pk: sealedPk(waveId, response.shard), sk: response.key, sealed: response.sealed },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** A token's sealed response, read consistently (a submission that found one compares it with its own answers). */
export async function getSealedResponse(store: Store, waveId: string, shard: number, key: string): Promise<SealedResponse | undefined> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk: sealedPk(waveId, shard), sk: key }, ConsistentRead: true }));
  return result.Item ? { shard, key, sealed: result.Item.sealed as string } : undefined;
}

/** Sealed responses by location, read consistently from the base table (the close counts exactly these); missing ones are left out. */
export async function getSealedResponses(store: Store, waveId: string, locations: ReadonlyArray<{ shard: number; key: string }>): Promise<SealedResponse[]> {
  const found: SealedResponse[] = [];
  for (let start = 0; start < locations.length; start += 100) {
    let keys: Record<string, unknown>[] = locations.slice(start, start + 100).map(({ shard, key }) => ({ pk: sealedPk(waveId, shard), sk: key }));
    while (keys.length > 0) {
      const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.main]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of result.Responses?.[store.tables.main] ?? []) {
        found.push({ shard: Number((item.pk as string).split('#').pop()), key: item.sk as string, sealed: item.sealed as string });
      }
      keys = (result.UnprocessedKeys?.[store.tables.main]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

/** Delete one sealed response (a submission refused because the close sealed its invitation takes its write back). */
export async function deleteSealedResponse(store: Store, waveId: string, shard: number, key: string): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: { pk: sealedPk(waveId, shard), sk: key } }));
}

/** The sealed responses of one shard, page by page. */
export async function* sealedResponsePages(store: Store, waveId: string, shard: number): AsyncGenerator<SealedResponse[]> {
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': sealedPk(waveId, shard) },
    ConsistentRead: true,
  })) {
    yield page.map((item) => ({ shard, key: item.sk as string, sealed: item.sealed as string }));
  }
}

/** Delete sealed responses once their rewrite is stored. */
export async function deleteSealedResponses(store: Store, waveId: string, responses: SealedResponse[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.main,
    responses.map((response) => deleteRequest({ pk: sealedPk(waveId, response.shard), sk: response.key })),
  );
}

/** Store k-anonymized rewrites; ids are stable per source, so a resumed close overwrites. */
export async function putAnonymousResponses(store: Store, waveId: string, shard: number, responses: AnonymousResponse[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.main,
    responses.map(({ id, ...rest }) => putRequest({ pk: anonymousPk(waveId, shard), sk: id, ...rest })),
  );
}

/** How many k-anonymized responses a wave holds (the close checks every counted response was rewritten). */
export async function countAnonymousResponses(store: Store, waveId: string, shards: number): Promise<number> {
  let count = 0;
  for (let shard = 0; shard < shards; shard++) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await store.doc.send(
        new QueryCommand({
          TableName: store.tables.main,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': anonymousPk(waveId, shard) },
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return count;
}

/** The k-anonymized responses of one shard. */
export async function* anonymousResponsePages(store: Store, waveId: string, shard: number): AsyncGenerator<AnonymousResponse[]> {
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': anonymousPk(waveId, shard) },
  })) {
    yield page.map((item) => ({ id: item.sk as string, profile: item.profile as Profile, answers: item.answers as Record<string, number | string> }));
  }
}

/** Store comments apart from the answers they came with. */
export async function putComments(store: Store, waveId: string, comments: StoredComment[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.main,
    comments.map(({ id, ...rest }) => putRequest({ pk: commentPk(waveId), sk: id, ...rest })),
  );
}

/** Every comment of a wave. */
export async function* commentPages(store: Store, waveId: string): AsyncGenerator<StoredComment[]> {
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': commentPk(waveId) },
  })) {
    yield page.map((item) => ({ id: item.sk as string, statementId: item.statementId as string, unitId: item.unitId as string, text: item.text as string }));
  }
}
