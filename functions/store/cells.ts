import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SegmentCell } from '../../shared/wave-cells.ts';
import { batchWrite, putRequest, queryAll, type Store } from './client.ts';

const cellPk = (waveId: string) => `WAVE#${waveId}`;
const cellSk = (segmentId: string) => `CELL#${segmentId}`;

/** Store a wave's cells (idempotent: a resumed close writes the same cells again). */
export async function putCells(store: Store, waveId: string, cells: SegmentCell[]): Promise<void> {
  await batchWrite(store, store.tables.main, cells.map((cell) => putRequest({ pk: cellPk(waveId), sk: cellSk(cell.segment.id), ...cell })));
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

function toCell(item: Record<string, unknown>): SegmentCell {
  const { pk: _pk, sk: _sk, ...cell } = item;
  return cell as unknown as SegmentCell;
}
