/**
 * What DynamoDB's TTL does in the cloud, done by hand for the embedded engine (dynalite has no
 * TTL): delete the items whose expiry has passed. In the ephemeral table those are a closed wave's
 * invitation markers (MARKER_DAYS after its close) and an abandoned close's partial counts; in the
 * main table, sealed responses (their wave's latest close plus a grace, shared/open-period.ts).
 * Never run against the cloud's tables: there TTL deletes them without a write unit.
 *
 * One care the cloud's TTL cannot take: a machine switched off for months may start again with a
 * wave past its latest close and its responses past their expiry, the close not yet run. A sealed
 * response is therefore swept only once its wave is closed (counted and its secret destroyed).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE } from '../../shared/keys.ts';
import { batchWrite, deleteRequest, type Store } from './client.ts';
import { waveOfSealedResponse } from './responses.ts';
import { getWave } from './waves.ts';

/** Delete every item of both tables that expired before `now` (epoch seconds), sealed responses only of closed waves; how many were deleted. */
export async function sweepExpiredItems(store: Store, now = Math.floor(Date.now() / 1000)): Promise<number> {
  const closed = new Map<string, Promise<boolean>>();
  const isClosed = (waveId: string) => {
    let found = closed.get(waveId);
    if (!found) {
      found = getWave(store, waveId).then(
        (wave) => wave.status === 'closed',
        () => false,
      );
      closed.set(waveId, found);
    }
    return found;
  };
  const sweepable = async (item: Record<string, unknown>) => {
    const waveId = waveOfSealedResponse(String(item.pk));
    return waveId === undefined || (await isClosed(waveId));
  };
  return (await sweepTable(store, store.tables.ephemeral, now)) + (await sweepTable(store, store.tables.main, now, sweepable));
}

async function sweepTable(
  store: Store,
  table: string,
  now: number,
  sweepable: (item: Record<string, unknown>) => Promise<boolean> = async () => true,
): Promise<number> {
  let deleted = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#expiry < :now',
        ExpressionAttributeNames: { '#expiry': EXPIRY_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': now },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey,
      }),
    );
    const keys = [];
    for (const item of page.Items ?? []) if (await sweepable(item)) keys.push(item);
    await batchWrite(
      store,
      table,
      keys.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })),
    );
    deleted += keys.length;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return deleted;
}
