import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { attributeSegmentId, unitAttributeSegmentId, unitSegmentId } from '../../shared/segments.ts';
import type { PointCounts } from '../../shared/tally.ts';
import type { CellSegment, HiddenReason, SegmentCell, StatementCell } from '../../shared/wave-cells.ts';
import { batchGet, batchWrite, isConditionFailure, putRequest, queryAll, type Store } from './client.ts';

const cellPk = (waveId: string) => `WAVE#${waveId}`;
const cellSk = (segmentId: string) => `CELL#${segmentId}`;

/**
 * A cell is stored as one compact string, not as a DynamoDB map: a map spells every attribute name
 * in every statement ("statements", "counts", "visible" …), which took a 14-statement cell to
 * ~1.1 KB, two write units each at close. Positional arrays, the segment id kept only in the sort
 * key and the reasons as one letter bring it to ~0.6 KB, one unit. `responded` stays an attribute
 * of its own: the close's condition (never fewer responses) reads it.
 *
 *   [format, segment without id (or 0), invited, responded, flags, responded reason, [[statement id, n, counts, visible, reason?, more?]…], more?]
 *
 * Format 2 writes the segment as 0 when its id spells it out (a unit, an attribute value, or both:
 * shared/segments.ts), as every segment but a complement does: ~40–80 bytes fewer, which keeps a
 * 300,000-person wave's large unit × attribute cells at one unit. Format 1 cells still read.
 *
 * Counts over consecutive integer points (every scale but choice) are [first point, count, count …].
 * flags: 1 invited visible, 2 responded visible; reasons are one letter ('k' below k, 'd'
 * differencing, '' none). Fields a later version adds to a cell or a statement ride along in
 * `more`, so the encoding never drops what it does not know.
 */
const CELL_FORMAT = 2;
const REASON_LETTER: Record<HiddenReason, string> = { 'below-k': 'k', differencing: 'd' };
const LETTER_REASON: Record<string, HiddenReason> = { k: 'below-k', d: 'differencing' };
type Extra = Record<string, unknown>;
type EncodedCounts = PointCounts | number[];
type EncodedStatement = [string, number, EncodedCounts, 0 | 1, string?, Extra?];
type EncodedCell = [number, Extra | 0, number, number, number, string, EncodedStatement[], Extra?];

/** The segment an id spells out (unit `u:`, attribute `a:`, unit × attribute `ua:`), or undefined. */
function segmentOfId(id: string): CellSegment | undefined {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  // Each part is URI-encoded (shared/segments.ts), so ':' and '=' only ever separate parts.
  const pair = (text: string) => (text.includes(':') || text.split('=').length !== 2 ? undefined : text.split('=').map(decodeURIComponent));
  try {
    if (kind === 'u') return /[:=]/.test(rest) ? undefined : { id, kind: 'unit', unitId: decodeURIComponent(rest) };
    if (kind === 'a') {
      const [attribute, value] = pair(rest) ?? [];
      return attribute === undefined ? undefined : { id, kind: 'attribute', attribute, value };
    }
    if (kind === 'ua') {
      const unit = rest.slice(0, rest.indexOf(':'));
      const [attribute, value] = rest.includes(':') && !unit.includes('=') ? (pair(rest.slice(unit.length + 1)) ?? []) : [];
      return attribute === undefined ? undefined : { id, kind: 'unitAttribute', unitId: decodeURIComponent(unit), attribute, value };
    }
  } catch {
    // Not URI-encoded as segment ids are: not spelled out.
  }
  return undefined;
}

/** Whether the segment is exactly what its id spells out (then it is stored as 0). */
function spelledById(segment: CellSegment): boolean {
  const parsed = segmentOfId(segment.id);
  if (!parsed || parsed.kind !== segment.kind) return false;
  const rebuilt =
    parsed.kind === 'unit'
      ? unitSegmentId(parsed.unitId)
      : parsed.kind === 'attribute'
        ? attributeSegmentId(parsed.attribute, parsed.value)
        : parsed.kind === 'unitAttribute'
          ? unitAttributeSegmentId(parsed.unitId, parsed.attribute, parsed.value)
          : undefined;
  return rebuilt === segment.id && JSON.stringify(sortedEntries(parsed)) === JSON.stringify(sortedEntries(segment));
}

const sortedEntries = (value: object) => Object.entries(value).sort(([a], [b]) => a.localeCompare(b));

const letterOf = (reason: HiddenReason | undefined) => (reason ? REASON_LETTER[reason] : '');

function encodeCounts(counts: PointCounts): EncodedCounts {
  const points = Object.keys(counts).map(Number);
  const first = points[0];
  const consecutive =
    points.length > 0 && points.every((point, index) => Number.isInteger(point) && String(point) === Object.keys(counts)[index] && point === first + index);
  return consecutive ? [first, ...points.map((point) => counts[String(point)])] : counts;
}

function decodeCounts(encoded: EncodedCounts): PointCounts {
  if (!Array.isArray(encoded)) return encoded;
  const [first, ...counts] = encoded;
  return Object.fromEntries(counts.map((count, index) => [String(first + index), count]));
}

/** The stored form of a cell. */
function encodeCell(cell: SegmentCell): string {
  const { segment, invited, responded, invitedVisible, respondedVisible, respondedReason, statements, ...more } = cell;
  const { id: _id, ...segmentWithoutId } = segment;
  const encodedStatements = Object.entries(statements).map(([id, { n, counts, visible, reason, ...rest }]): EncodedStatement => {
    const entry: EncodedStatement = [id, n, encodeCounts(counts), visible ? 1 : 0];
    if (reason || Object.keys(rest).length > 0) entry.push(letterOf(reason));
    if (Object.keys(rest).length > 0) entry.push(rest);
    return entry;
  });
  const flags = (invitedVisible ? 1 : 0) | (respondedVisible ? 2 : 0);
  const encoded: EncodedCell = [
    CELL_FORMAT,
    spelledById(segment) ? 0 : segmentWithoutId,
    invited,
    responded,
    flags,
    letterOf(respondedReason),
    encodedStatements,
  ];
  if (Object.keys(more).length > 0) encoded.push(more);
  return JSON.stringify(encoded);
}

function decodeCell(segmentId: string, text: string): SegmentCell {
  const [format, segment, invited, responded, flags, reason, statements, more] = JSON.parse(text) as EncodedCell;
  if (format !== 1 && format !== CELL_FORMAT) throw new Error(`cell ${segmentId}: unknown stored format ${format}`);
  const spelled = segment === 0 ? segmentOfId(segmentId) : undefined;
  if (segment === 0 && !spelled) throw new Error(`cell ${segmentId}: its segment is not spelled out by its id`);
  const cell: SegmentCell = {
    ...more,
    segment: spelled ?? ({ id: segmentId, ...(segment as Extra) } as CellSegment),
    invited,
    responded,
    invitedVisible: (flags & 1) === 1,
    respondedVisible: (flags & 2) === 2,
    statements: {},
  };
  if (reason) cell.respondedReason = LETTER_REASON[reason];
  for (const [id, n, counts, visible, letter, rest] of statements) {
    const statement: StatementCell = { ...rest, n, counts: decodeCounts(counts), visible: visible === 1 };
    if (letter) statement.reason = LETTER_REASON[letter];
    cell.statements[id] = statement;
  }
  return cell;
}

const cellItem = (waveId: string, cell: SegmentCell) => ({ pk: cellPk(waveId), sk: cellSk(cell.segment.id), responded: cell.responded, c: encodeCell(cell) });

/** Store a wave's cells (idempotent: a resumed close writes the same cells again). */
export async function putCells(store: Store, waveId: string, cells: SegmentCell[]): Promise<void> {
  await batchWrite(
    store,
    store.tables.main,
    cells.map((cell) => putRequest(cellItem(waveId, cell))),
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
              Item: cellItem(waveId, cell),
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

/** A stored cell, compact or (written before the compact form) a map. */
function toCell(item: Record<string, unknown>): SegmentCell {
  if (typeof item.c === 'string') return decodeCell((item.sk as string).slice('CELL#'.length), item.c);
  const { pk: _pk, sk: _sk, ...cell } = item;
  return cell as unknown as SegmentCell;
}
