import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE } from '../../shared/keys.ts';
import type { Profile } from '../../shared/org.ts';
import { batchWrite, deleteRequest, isConditionFailure, putRequest, queryPages, type Store } from './client.ts';

export interface SealedResponse {
  shard: number;
  key: string;
  sealed: string;
  /**
   * When DynamoDB's TTL deletes it (epoch seconds): the same for every response of the wave
   * (store/waves.ts sealedExpiryOf), so it carries no time of the submission. Absent on the
   * responses of a wave opened before expiries were kept: its close deletes those.
   */
  expiresAt?: number;
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

/** The wave a main-table item's partition key holds a sealed response of, or undefined when it holds none (the embedded sweep asks). */
export function waveOfSealedResponse(pk: string): string | undefined {
  const match = /^RESP#(.+)#\d+$/.exec(pk);
  return match ? match[1] : undefined;
}

/** The item key a sealed response is bound to (also the associated data of its encryption). */
export const sealedItemKey = (waveId: string, shard: number, key: string) => `${sealedPk(waveId, shard)}/${key}`;

/** Write a sealed response unless this token already has one; false when it had. */
export async function putSealedResponse(store: Store, waveId: string, response: SealedResponse): Promise<boolean> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.main,
        Item: {
          pk: sealedPk(waveId, response.shard),
          sk: response.key,
          sealed: response.sealed,
          ...(response.expiresAt === undefined ? {} : { [EXPIRY_ATTRIBUTE]: response.expiresAt }),
        },
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
    yield page.map((item) => ({
      shard,
      key: item.sk as string,
      sealed: item.sealed as string,
      ...(typeof item[EXPIRY_ATTRIBUTE] === 'number' ? { expiresAt: item[EXPIRY_ATTRIBUTE] } : {}),
    }));
  }
}

/** Delete sealed responses the close did not count, or that carry no expiry, once the shard's rewrite is stored. */
export async function deleteSealedResponses(store: Store, waveId: string, responses: SealedResponse[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.main,
    responses.map((response) => deleteRequest({ pk: sealedPk(waveId, response.shard), sk: response.key })),
  );
}

/**
 * k-anonymized responses are stored packed, about a dozen to an item: one response alone is ~0.3 KB
 * as a map (one write unit each, 8,000 at a 10,000-person close), while positional arrays under one
 * list of statement ids take ~100 bytes (14 statements, two attributes), so a pack is one or two
 * units (the cost bench: 1,183 units for 8,000 responses in 676 packs). A pack is a bucket of the
 * shard's responses chosen by their unlinkable ids, so it holds the same responses whichever run
 * computes it; it is written only if absent and never replaced (see putAnonymousPacks).
 *
 *   r: [[statement id …], [[unit id, attributes, answer or null per statement] …]]
 */
export const RESPONSES_PER_PACK = 12;

export interface AnonymousPack {
  id: string;
  responses: Array<Omit<AnonymousResponse, 'id'>>;
}

type PackRow = [string, Record<string, string>, ...Array<number | string | null>];

function encodePack(responses: AnonymousPack['responses']): string {
  const statementIds = [...new Set(responses.flatMap((response) => Object.keys(response.answers)))].sort();
  const rows = responses.map(
    ({ profile, answers }): PackRow => [profile.unitId, profile.attributes, ...statementIds.map((id) => (id in answers ? answers[id] : null))],
  );
  return JSON.stringify([statementIds, rows]);
}

function decodePack(id: string, text: string): AnonymousResponse[] {
  const [statementIds, rows] = JSON.parse(text) as [string[], PackRow[]];
  return rows.map(([unitId, attributes, ...values], index) => ({
    id: `${id}.${index}`,
    profile: { unitId, attributes },
    answers: Object.fromEntries(statementIds.flatMap((statementId, at) => (values[at] === null ? [] : [[statementId, values[at] as number | string]]))),
  }));
}

/**
 * Store packs of k-anonymized responses, each only if absent. A close writes every pack of a shard
 * before deleting any of its sealed responses; a resumed close, recomputing a pack after some were
 * deleted, would compute it from fewer responses: the condition keeps the whole one.
 */
export async function putAnonymousPacks(store: Store, waveId: string, shard: number, packs: AnonymousPack[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, packs.length) }, async () => {
      while (next < packs.length) {
        const pack = packs[next++];
        try {
          await store.doc.send(
            new PutCommand({
              TableName: store.tables.main,
              Item: { pk: anonymousPk(waveId, shard), sk: pack.id, n: pack.responses.length, r: encodePack(pack.responses) },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
    }),
  );
}

/** How many k-anonymized responses a wave holds (the close checks every counted response was rewritten). */
export async function countAnonymousResponses(store: Store, waveId: string, shards: number): Promise<number> {
  let count = 0;
  for (let shard = 0; shard < shards; shard++) {
    for await (const page of queryPages(store, {
      TableName: store.tables.main,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': anonymousPk(waveId, shard) },
      ExpressionAttributeNames: { '#n': 'n' },
      ProjectionExpression: '#n',
      ConsistentRead: true,
    })) {
      // A response stored alone (before packs) has no count of its own: it is one.
      for (const item of page) count += typeof item.n === 'number' ? item.n : 1;
    }
  }
  return count;
}

/** The k-anonymized responses of one shard, packed or (stored before packs) one per item. */
export async function* anonymousResponsePages(store: Store, waveId: string, shard: number): AsyncGenerator<AnonymousResponse[]> {
  for await (const page of queryPages(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': anonymousPk(waveId, shard) },
  })) {
    yield page.flatMap((item) =>
      typeof item.r === 'string'
        ? decodePack(item.sk as string, item.r)
        : [{ id: item.sk as string, profile: item.profile as Profile, answers: item.answers as Record<string, number | string> }],
    );
  }
}

/**
 * Store comments apart from the answers they came with, one item each under its unlinkable id. Not
 * packed like the answers: the close writes a shard at a time, and a pack of one shard's comments
 * would tell which answer packs (stored by shard) its commenters' rows are in.
 */
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
