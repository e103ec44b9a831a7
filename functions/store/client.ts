/** The one place that creates the DynamoDB client, and the small paging/batching helpers every access pattern shares. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../errors.ts';

export interface Tables {
  main: string;
  ephemeral: string;
}

/** What every store function needs: the document client and the table names. */
export interface Store {
  doc: DynamoDBDocumentClient;
  tables: Tables;
}

export function createStore(client: DynamoDBClient, tables: Tables): Store {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tables };
}

export type Item = Record<string, unknown>;

/** Every item a query matches, page by page. */
export async function* queryPages(store: Store, input: QueryCommandInput): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield (page.Items ?? []) as Item[];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export async function queryAll(store: Store, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(store, input)) items.push(...page);
  return items;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

/** How often a batch call is repeated for what DynamoDB left unprocessed before the request fails (503, try again). */
export const MAX_BATCH_ATTEMPTS = 8;

/**
 * Call `send` with `pending` until nothing is left unprocessed, pausing longer each time (25 ms
 * doubling, at most 1 s), at most MAX_BATCH_ATTEMPTS calls: a table that keeps throttling fails
 * the request instead of holding it forever. The one retry loop for BatchWrite and BatchGet.
 */
export async function retryUnprocessed<T>(pending: T[], send: (pending: T[]) => Promise<T[]>): Promise<void> {
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_BATCH_ATTEMPTS)
      throw new UnavailableError(`the database left ${pending.length} items unprocessed ${MAX_BATCH_ATTEMPTS} times; try again`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    pending = await send(pending);
  }
}

/** Batch writes in chunks of 25, retrying what DynamoDB leaves unprocessed (capped). */
export async function batchWrite(store: Store, table: string, requests: WriteRequest[]): Promise<void> {
  for (let start = 0; start < requests.length; start += 25) {
    await retryUnprocessed(requests.slice(start, start + 25), async (pending) => {
      const result = await store.doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      return (result.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    });
  }
}

/** Items by key in calls of 100 (BatchGetItem), retrying unprocessed keys (capped); missing items are absent. */
export async function batchGet(store: Store, table: string, keys: Item[], options: { consistent?: boolean } = {}): Promise<Item[]> {
  const items: Item[] = [];
  const calls: Promise<void>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    calls.push(
      retryUnprocessed(keys.slice(start, start + 100), async (pending) => {
        const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistent } } }));
        items.push(...((result.Responses?.[table] ?? []) as Item[]));
        return (result.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
      }),
    );
  }
  await Promise.all(calls);
  return items;
}

export const putRequest = (Item: Item): WriteRequest => ({ PutRequest: { Item } });
export const deleteRequest = (Key: Item): WriteRequest => ({ DeleteRequest: { Key } });

/** dynalite's errors have empty messages, so branch on the name. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
