/**
 * Large values (a wave's directory snapshot, a shard's partial counts) stored as gzipped JSON split
 * over items under DynamoDB's 400 KB item limit. The head item is written last, so a reader sees
 * a whole value or none, and rewriting the same value is idempotent.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchWrite, deleteRequest, putRequest, type Store } from './client.ts';

const CHUNK_BYTES = 300_000;

/** Write a value under (pk, name). */
export async function putBlob(store: Store, pk: string, name: string, value: unknown): Promise<void> {
  const bytes = gzipSync(JSON.stringify(value));
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) chunks.push(bytes.subarray(start, start + CHUNK_BYTES));
  await batchWrite(
    store,
    store.tables.main,
    chunks.map((data, index) => putRequest({ pk, sk: `BLOB#${name}#${index}`, data })),
  );
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { pk, sk: `BLOB#${name}`, chunks: chunks.length } }));
}

/** Read a value written by putBlob, or undefined when it was never completely written. */
export async function getBlob<T>(store: Store, pk: string, name: string): Promise<T | undefined> {
  const head = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk, sk: `BLOB#${name}` }, ConsistentRead: true }));
  if (!head.Item) return undefined;
  const count = head.Item.chunks as number;
  const keys = Array.from({ length: count }, (_, index) => ({ pk, sk: `BLOB#${name}#${index}` }));
  const parts = new Map<string, Uint8Array>();
  for (const item of await batchGet(store, store.tables.main, keys, { consistent: true })) parts.set(item.sk as string, item.data as Uint8Array);
  const ordered = Array.from({ length: count }, (_, index) => parts.get(`BLOB#${name}#${index}`)!);
  return JSON.parse(gunzipSync(Buffer.concat(ordered)).toString('utf8')) as T;
}

/** Delete a value: the head first, so a reader sees the whole value or none; then its chunks. */
export async function deleteBlob(store: Store, pk: string, name: string): Promise<void> {
  const head = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk, sk: `BLOB#${name}` }, ConsistentRead: true }));
  if (!head.Item) return;
  await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: { pk, sk: `BLOB#${name}` } }));
  await batchWrite(
    store,
    store.tables.main,
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
