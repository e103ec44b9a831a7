/** The one place that creates the DynamoDB client, and the small paging/batching helpers every access pattern shares. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

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

/** Batch writes in chunks of 25, retrying what DynamoDB leaves unprocessed with a growing pause. */
export async function batchWrite(store: Store, table: string, requests: WriteRequest[]): Promise<void> {
  for (let start = 0; start < requests.length; start += 25) {
    let pending: WriteRequest[] = requests.slice(start, start + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await store.doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
}

export const putRequest = (Item: Item): WriteRequest => ({ PutRequest: { Item } });
export const deleteRequest = (Key: Item): WriteRequest => ({ DeleteRequest: { Key } });

/** dynalite's errors have empty messages, so branch on the name. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
