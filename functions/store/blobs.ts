/**
 * Large values (a wave's directory snapshot, a shard's partial counts) stored as gzipped JSON split
 * over items under DynamoDB's 400 KB item limit. The head item is written last, so a reader sees
 * a whole value or none, and rewriting the same value is idempotent.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRY_ATTRIBUTE } from '../../shared/keys.ts';
import { batchGet, batchWrite, deleteRequest, putRequest, type Store } from './client.ts';

const CHUNK_BYTES = 300_000;

/** Where a value lives: the main table unless said otherwise; an expiry (epoch seconds) for TTL on the ephemeral table. */
interface BlobPlace {
  table?: string;
  expiresAt?: number;
}

/** Write a value under (pk, name). */
export async function putBlob(store: Store, pk: string, name: string, value: unknown, place: BlobPlace = {}): Promise<void> {
  const table = place.table ?? store.tables.main;
  const expiry = place.expiresAt === undefined ? {} : { [EXPIRY_ATTRIBUTE]: place.expiresAt };
  const bytes = gzipSync(JSON.stringify(value));
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) chunks.push(bytes.subarray(start, start + CHUNK_BYTES));
  await batchWrite(
    store,
    table,
    chunks.map((data, index) => putRequest({ pk, sk: `BLOB#${name}#${index}`, data, ...expiry })),
  );
  await store.doc.send(new PutCommand({ TableName: table, Item: { pk, sk: `BLOB#${name}`, chunks: chunks.length, ...expiry } }));
}

/** Read a value written by putBlob, or undefined when it was never completely written. */
export async function getBlob<T>(store: Store, pk: string, name: string, place: BlobPlace = {}): Promise<T | undefined> {
  const table = place.table ?? store.tables.main;
  const head = await store.doc.send(new GetCommand({ TableName: table, Key: { pk, sk: `BLOB#${name}` }, ConsistentRead: true }));
  if (!head.Item) return undefined;
  const count = head.Item.chunks as number;
  const keys = Array.from({ length: count }, (_, index) => ({ pk, sk: `BLOB#${name}#${index}` }));
  const parts = new Map<string, Uint8Array>();
  for (const item of await batchGet(store, table, keys, { consistent: true })) parts.set(item.sk as string, item.data as Uint8Array);
  const ordered = Array.from({ length: count }, (_, index) => parts.get(`BLOB#${name}#${index}`)!);
  return JSON.parse(gunzipSync(Buffer.concat(ordered)).toString('utf8')) as T;
}

/** Delete a value: the head first, so a reader sees the whole value or none; then its chunks. */
export async function deleteBlob(store: Store, pk: string, name: string, place: BlobPlace = {}): Promise<void> {
  const table = place.table ?? store.tables.main;
  const head = await store.doc.send(new GetCommand({ TableName: table, Key: { pk, sk: `BLOB#${name}` }, ConsistentRead: true }));
  if (!head.Item) return;
  await store.doc.send(new DeleteCommand({ TableName: table, Key: { pk, sk: `BLOB#${name}` } }));
  await batchWrite(
    store,
    table,
    Array.from({ length: head.Item.chunks as number }, (_, index) => deleteRequest({ pk, sk: `BLOB#${name}#${index}` })),
  );
}

const wavePk = (waveId: string) => `WAVE#${waveId}`;

/** A value kept beside a wave (its snapshot, participation, share table, a shard's partial counts). */
export function getWaveBlob<T>(store: Store, waveId: string, name: string): Promise<T | undefined> {
  return getBlob<T>(store, wavePk(waveId), name);
}

/** Write a value beside a wave. */
export function putWaveBlob(store: Store, waveId: string, name: string, value: unknown): Promise<void> {
  return putBlob(store, wavePk(waveId), name, value);
}

/** Delete a value kept beside a wave. */
export function deleteWaveBlob(store: Store, waveId: string, name: string): Promise<void> {
  return deleteBlob(store, wavePk(waveId), name);
}

const closeTallyPk = (waveId: string) => `CLOSE#${waveId}`;
const closeTallyName = (shard: number) => `shard-${shard}`;
/**
 * How long a close's partial counts outlive an abandoned close: long enough to resume any close an
 * operator would, short enough that they do not linger. A finished close deletes them at once.
 */
const CLOSE_TALLY_DAYS = 30;

/**
 * One invitation shard's partial counts during a close, in the ephemeral table: they count small
 * groups before any suppression, so no backup may hold them (main has point-in-time recovery), and
 * they carry an expiry so an abandoned close does not keep them.
 */
export function putCloseShardTally(store: Store, waveId: string, shard: number, value: unknown): Promise<void> {
  const expiresAt = Math.floor(Date.now() / 1000) + CLOSE_TALLY_DAYS * 24 * 3600;
  return putBlob(store, closeTallyPk(waveId), closeTallyName(shard), value, { table: store.tables.ephemeral, expiresAt });
}

/** A shard's partial counts written by putCloseShardTally, or undefined. */
export function getCloseShardTally<T>(store: Store, waveId: string, shard: number): Promise<T | undefined> {
  return getBlob<T>(store, closeTallyPk(waveId), closeTallyName(shard), { table: store.tables.ephemeral });
}

/** Drop a shard's partial counts once the cells they fed are stored and the close is finishing. */
export function deleteCloseShardTally(store: Store, waveId: string, shard: number): Promise<void> {
  return deleteBlob(store, closeTallyPk(waveId), closeTallyName(shard), { table: store.tables.ephemeral });
}
