import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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

/** Whether a token's sealed response exists (a retry during close asks this). */
export async function hasSealedResponse(store: Store, waveId: string, shard: number, key: string): Promise<boolean> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk: sealedPk(waveId, shard), sk: key }, ConsistentRead: true, ProjectionExpression: 'pk' }));
  return result.Item !== undefined;
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
  await batchWrite(store, store.tables.main, responses.map((response) => deleteRequest({ pk: sealedPk(waveId, response.shard), sk: response.key })));
}

/** Store k-anonymized rewrites; ids are stable per source, so a resumed close overwrites. */
export async function putAnonymousResponses(store: Store, waveId: string, shard: number, responses: AnonymousResponse[]): Promise<void> {
  await batchWrite(store, store.tables.main, responses.map(({ id, ...rest }) => putRequest({ pk: anonymousPk(waveId, shard), sk: id, ...rest })));
}

/** The k-anonymized responses of one shard. */
export async function* anonymousResponsePages(store: Store, waveId: string, shard: number): AsyncGenerator<AnonymousResponse[]> {
  for await (const page of queryPages(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': anonymousPk(waveId, shard) } })) {
    yield page.map((item) => ({ id: item.sk as string, profile: item.profile as Profile, answers: item.answers as Record<string, number | string> }));
  }
}

/** Store comments apart from the answers they came with. */
export async function putComments(store: Store, waveId: string, comments: StoredComment[]): Promise<void> {
  await batchWrite(store, store.tables.main, comments.map(({ id, ...rest }) => putRequest({ pk: commentPk(waveId), sk: id, ...rest })));
}

/** Every comment of a wave. */
export async function* commentPages(store: Store, waveId: string): AsyncGenerator<StoredComment[]> {
  for await (const page of queryPages(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': commentPk(waveId) } })) {
    yield page.map((item) => ({ id: item.sk as string, statementId: item.statementId as string, unitId: item.unitId as string, text: item.text as string }));
  }
}
