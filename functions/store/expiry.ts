/**
 * What DynamoDB's TTL does in the cloud, done by hand for the embedded engine (dynalite has no
 * TTL): delete the ephemeral table's items whose expiry has passed. Those are a closed wave's
 * invitation markers (MARKER_DAYS after its close) and an abandoned close's partial counts. Never
 * run against the cloud's tables: there TTL deletes them without a write unit.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE } from '../../shared/keys.ts';
import { batchWrite, deleteRequest, type Store } from './client.ts';

/** Delete every ephemeral item that expired before `now` (epoch seconds); how many were deleted. */
export async function sweepExpiredItems(store: Store, now = Math.floor(Date.now() / 1000)): Promise<number> {
  let deleted = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tables.ephemeral,
        FilterExpression: '#expiry < :now',
        ExpressionAttributeNames: { '#expiry': EXPIRY_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': now },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey,
      }),
    );
    const keys = page.Items ?? [];
    await batchWrite(
      store,
      store.tables.ephemeral,
      keys.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })),
    );
    deleted += keys.length;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return deleted;
}
