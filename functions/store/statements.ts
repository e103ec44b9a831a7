import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Statement } from '../../shared/schemas.ts';
import { ConflictError } from '../errors.ts';
import { batchWrite, isConditionFailure, putRequest, queryAll, type Store } from './client.ts';

const PK = 'STATEMENT';

export interface StoredStatement extends Statement {
  demo?: boolean;
}

/**
 * A removed statement leaves this marker under its id: the bank no longer offers it, and because
 * putStatement refuses any existing id, the id can never come back with another meaning.
 */
const RETIRED = 'retired';

/** Add a statement to the bank; ids never change meaning, so an existing id is refused. */
export async function putStatement(store: Store, statement: StoredStatement): Promise<void> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.main,
        Item: { pk: PK, sk: statement.id, ...statement },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error))
      throw new ConflictError('statement-exists', `statement "${statement.id}" exists or existed; ids never change meaning, so pick a new id`);
    throw error;
  }
}

/** The whole statement bank (retired ids are not part of it). */
export async function listStatements(store: Store): Promise<StoredStatement[]> {
  const items = await queryAll(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK } });
  return items.filter((item) => !item[RETIRED]).map(toStatement);
}

/** Take statements out of the bank for good: each id keeps a marker so it is never reused. */
export async function retireStatements(store: Store, ids: readonly string[]): Promise<void> {
  const retiredAt = new Date().toISOString();
  await batchWrite(
    store,
    store.tables.main,
    ids.map((id) => putRequest({ pk: PK, sk: id, [RETIRED]: true, retiredAt })),
  );
}

/** Keep statements the organization uses after the demo is gone: they stop being demo statements. */
export async function adoptStatements(store: Store, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.main,
        Key: { pk: PK, sk: id },
        UpdateExpression: 'REMOVE demo',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}

/** Statements by id (missing and retired ids are simply absent from the result). */
export async function getStatements(store: Store, ids: readonly string[]): Promise<Map<string, StoredStatement>> {
  const found = new Map<string, StoredStatement>();
  for (let start = 0; start < ids.length; start += 100) {
    let keys: Record<string, unknown>[] = ids.slice(start, start + 100).map((id) => ({ pk: PK, sk: id }));
    while (keys.length > 0) {
      const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.main]: { Keys: keys } } }));
      for (const item of result.Responses?.[store.tables.main] ?? []) if (!item[RETIRED]) found.set(item.sk as string, toStatement(item));
      keys = (result.UnprocessedKeys?.[store.tables.main]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

function toStatement(item: Record<string, unknown>): StoredStatement {
  const { pk: _pk, sk: _sk, ...statement } = item;
  return statement as unknown as StoredStatement;
}
