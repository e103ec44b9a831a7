/** Every item of both tables, to prove a rejected request wrote nothing. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../functions/store/client.ts';

/** A stable text of every item in the main and ephemeral tables (sorted by key). */
export async function snapshotTables(store: Store): Promise<string> {
  const lines: string[] = [];
  for (const table of [store.tables.main, store.tables.ephemeral]) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await store.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) lines.push(`${table} ${JSON.stringify(item, Object.keys(item).sort())}`);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return lines.sort().join('\n');
}
