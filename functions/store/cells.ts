import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import { batchGet, batchWrite, isConditionFailure, putRequest, queryAll, type Store } from './client.ts';

const cellPk = (waveId: string) => `WAVE#${waveId}`;
const cellSk = (segmentId: string) => `CELL#${segmentId}`;

/** Store a wave's cells (idempotent: a resumed close writes the same cells again). */
export async function putCells(store: Store, waveId: string, cells: SegmentCell[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.main,
    cells.map((cell) => putRequest({ pk: cellPk(waveId), sk: cellSk(cell.segment.id), ...cell })),
  );
}

/** Stored cells count more responses than the close tried to store: they are kept, the close stops. */
export class FewerResponsesError extends Error {
  constructor(waveId: string, segmentId: string) {
    super(`wave ${waveId}: the stored cell of ${segmentId} counts more responses than this close; it is kept`);
    this.name = 'FewerResponsesError';
  }
}

/**
 * Store a closing wave's counted cells, each only over nothing or over a cell that counts no more
 * responses: published numbers are never replaced by counts of fewer responses (a recount after
 * responses were deleted would otherwise wipe a wave). Same cells again is idempotent.
 */
export async function putCountedCells(store: Store, waveId: string, cells: SegmentCell[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, cells.length) }, async () => {
      while (next < cells.length) {
        const cell = cells[next++];
        try {
          await store.doc.send(
            new PutCommand({
              TableName: store.tables.main,
              Item: { pk: cellPk(waveId), sk: cellSk(cell.segment.id), ...cell },
              ConditionExpression: 'attribute_not_exists(pk) OR responded <= :responded',
              ExpressionAttributeValues: { ':responded': cell.responded },
            }),
          );
        } catch (error) {
          if (isConditionFailure(error)) throw new FewerResponsesError(waveId, cell.segment.id);
          throw error;
        }
      }
    }),
  );
}

/** One segment's cell (a results view for one group). */
export async function getCell(store: Store, waveId: string, segmentId: string): Promise<SegmentCell | undefined> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk: cellPk(waveId), sk: cellSk(segmentId) } }));
  return result.Item ? toCell(result.Item) : undefined;
}

/** Every cell of a wave (heatmaps, participation after close, the recount check). */
export async function listCells(store: Store, waveId: string): Promise<SegmentCell[]> {
  const items = await queryAll(store, {
    TableName: store.tables.main,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cell)',
    ExpressionAttributeValues: { ':pk': cellPk(waveId), ':cell': 'CELL#' },
  });
  return items.map(toCell);
}

/** Some cells of a wave by segment id, in as few round trips as possible (a heatmap wants dozens at once); missing cells are absent. */
export async function getCellsByIds(store: Store, waveId: string, segmentIds: readonly string[]): Promise<Map<string, SegmentCell>> {
  const keys = [...new Set(segmentIds)].map((id) => ({ pk: cellPk(waveId), sk: cellSk(id) }));
  const cells = (await batchGet(store, store.tables.main, keys)).map(toCell);
  return new Map(cells.map((cell) => [cell.segment.id, cell]));
}

function toCell(item: Record<string, unknown>): SegmentCell {
  const { pk: _pk, sk: _sk, ...cell } = item;
  return cell as unknown as SegmentCell;
}
