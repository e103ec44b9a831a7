/**
 * Due markers: the once-a-minute schedule check reads only the waves that have something due,
 * not every wave ever created (240 waves were 3.1M reads a month). One small item per scheduled
 * wave in one partition, sorted by when: `DUE` / `<time>#<wave id>`. A marker is a hint, never
 * the truth: the check reads the wave itself before starting anything, so a stale or extra marker
 * costs one read and is then moved or dropped. What must hold is that every wave with something
 * pending has a marker at or before that time; the writers below keep it (a marker before and
 * after each write of a schedule, so a check that reads the wave between the two still finds one).
 *
 * A partition rather than a sparse index: the embedded engine cannot add an index to an existing
 * table (dynalite's UpdateTable does not create indexes), and the partition costs the same reads.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll, type Store } from './client.ts';

const DUE_PK = 'DUE';
/**
 * Set once every wave stored before markers existed has one. Renamed when open waves gained a
 * latest close (shared/open-period.ts): a wave open without a closesAt had no marker, so the
 * backfill runs once more to give it one.
 */
export const BACKFILLED = { pk: DUE_PK, sk: '~backfilled-open-period' };

export interface DueMarker {
  waveId: string;
  dueAt: string;
}

const markerKey = ({ waveId, dueAt }: DueMarker) => ({ pk: DUE_PK, sk: `${dueAt}#${waveId}` });

/** Mark a wave as having something due at `dueAt` (idempotent). */
export async function putDueMarker(store: Store, marker: DueMarker): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...markerKey(marker), waveId: marker.waveId, dueAt: marker.dueAt } }));
}

/** The markers due at or before `now` (an ISO time), oldest first. */
export async function listDueMarkers(store: Store, now: string): Promise<DueMarker[]> {
  const items = await queryAll(store, {
    TableName: store.tables.main,
    // Times are ISO strings (they sort as text); '~' sorts after every wave id, so a wave due exactly now is included.
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :now',
    ExpressionAttributeValues: { ':pk': DUE_PK, ':first': '0', ':now': `${now}#~` },
    ConsistentRead: true,
  });
  return items.map((item) => ({ waveId: item.waveId as string, dueAt: item.dueAt as string }));
}

/** Drop a marker the check has moved or found nothing behind. */
export async function deleteDueMarker(store: Store, marker: DueMarker): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: markerKey(marker) }));
}

/** Whether the waves stored before markers existed have been given theirs. */
export async function isDueBackfilled(store: Store): Promise<boolean> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: BACKFILLED }));
  return result.Item !== undefined;
}

/** Record that they have. */
export async function markDueBackfilled(store: Store): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...BACKFILLED, at: new Date().toISOString() } }));
}
