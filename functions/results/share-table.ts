/**
 * A closed wave's shares by segment for the heatmap: n, favorable count and visibility of every
 * statement in every unit and attribute segment (not the unit × attribute or complement cells),
 * derived from the stored cells once and kept as a blob beside them. Cells never change after
 * close, so neither does this; a heatmap then reads two small blobs instead of hundreds of cells.
 */
import { LruCache } from '../lru.ts';
import type { AppDeps } from '../deps.ts';
import { getWaveBlob, putWaveBlob } from '../store/blobs.ts';
import { getCellsByIds } from '../store/cells.ts';
import { closedStatements, toShareCell, type ShareCell } from './describe.ts';
import type { WaveContext } from './wave-context.ts';

/** segment id → the counts the close let show (invited, responded) and statement id → share */
export type ShareTable = Record<string, { invited?: number; responded?: number; statements: Record<string, ShareCell> }>;

const BLOB = 'share-table-v2';
const MEMORY_LIMIT = 64;
const memory = new LruCache<string, ShareTable>(MEMORY_LIMIT);

/** The wave's share table: from memory, else its blob, else built from the cells and stored. */
export async function getShareTable(deps: AppDeps, context: WaveContext): Promise<ShareTable> {
  const waveId = context.wave.id;
  let table = memory.get(waveId) ?? (await getWaveBlob<ShareTable>(deps.store, waveId, BLOB));
  if (!table) {
    const ids = [...context.segments.values()].filter((segment) => segment.kind !== 'unitAttribute').map((segment) => segment.id);
    const cells = await getCellsByIds(deps.store, waveId, ids);
    const statements = closedStatements(context.wave);
    table = {};
    for (const [id, cell] of cells) {
      table[id] = {
        ...(cell.invitedVisible && !context.wave.imported ? { invited: cell.invited } : {}),
        ...(cell.invitedVisible && cell.respondedVisible ? { responded: cell.responded } : {}),
        statements: Object.fromEntries(
          statements
            .filter((statement) => cell.statements[statement.id])
            .map((statement) => [statement.id, toShareCell(statement.scale, cell.statements[statement.id])]),
        ),
      };
    }
    await putWaveBlob(deps.store, waveId, BLOB, table);
  }
  if (!memory.has(waveId)) {
    memory.set(waveId, table);
  }
  return table;
}
