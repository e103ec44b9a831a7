import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Statement } from '../../shared/schemas.ts';
import { ConflictError } from '../errors.ts';
import { isConditionFailure, queryAll, type Store } from './client.ts';

const PK = 'STATEMENT';

export interface StoredStatement extends Statement {
  demo?: boolean;
}

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
    if (isConditionFailure(error)) throw new ConflictError('statement-exists', `statement "${statement.id}" exists; ids never change meaning, so pick a new id`);
    throw error;
  }
}

/** The whole statement bank. */
export async function listStatements(store: Store): Promise<StoredStatement[]> {
  const items = await queryAll(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK } });
  return items.map(toStatement);
}

/** Statements by id (missing ids are simply absent from the result). */
export async function getStatements(store: Store, ids: readonly string[]): Promise<Map<string, StoredStatement>> {
  const found = new Map<string, StoredStatement>();
  for (let start = 0; start < ids.length; start += 100) {
    let keys: Record<string, unknown>[] = ids.slice(start, start + 100).map((id) => ({ pk: PK, sk: id }));
    while (keys.length > 0) {
      const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.main]: { Keys: keys } } }));
      for (const item of result.Responses?.[store.tables.main] ?? []) found.set(item.sk as string, toStatement(item));
      keys = (result.UnprocessedKeys?.[store.tables.main]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

function toStatement(item: Record<string, unknown>): StoredStatement {
  const { pk: _pk, sk: _sk, ...statement } = item;
  return statement as unknown as StoredStatement;
}
