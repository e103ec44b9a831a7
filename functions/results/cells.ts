/** Reading a view's stored cells in as few round trips as possible (a heatmap wants dozens at once). */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import type { Store } from '../store/client.ts';

/**
 * Some cells of a wave by segment id (BatchGetItem, 100 keys a call, unprocessed keys retried);
 * the same item keys as store/cells.ts writes. Missing cells are absent from the map.
 */
export async function getCellsByIds(store: Store, waveId: string, segmentIds: readonly string[]): Promise<Map<string, SegmentCell>> {
  const cells = new Map<string, SegmentCell>();
  const unique = [...new Set(segmentIds)];
  const calls: Promise<void>[] = [];
  for (let start = 0; start < unique.length; start += 100) {
    calls.push(
      (async () => {
        let keys: Record<string, unknown>[] = unique.slice(start, start + 100).map((id) => ({ pk: `WAVE#${waveId}`, sk: `CELL#${id}` }));
        for (let attempt = 0; keys.length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(500, 20 * 2 ** attempt)));
          const result = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tables.main]: { Keys: keys } } }));
          for (const item of result.Responses?.[store.tables.main] ?? []) {
            const { pk: _pk, sk: _sk, ...cell } = item;
            cells.set((cell as unknown as SegmentCell).segment.id, cell as unknown as SegmentCell);
          }
          keys = (result.UnprocessedKeys?.[store.tables.main]?.Keys ?? []) as Record<string, unknown>[];
        }
      })(),
    );
  }
  await Promise.all(calls);
  return cells;
}
