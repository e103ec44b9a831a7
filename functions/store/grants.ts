/** Analyst grants: which org units (by path) a staff member may read results for, kept by subject id, not in the token. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from './client.ts';

const grantsKey = (subject: string) => ({ pk: `STAFF#${subject}`, sk: 'GRANTS' });

/** Replace a staff member's grants (PUT /api/staff/:subject/grants). */
export async function putGrants(store: Store, subject: string, units: string[]): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...grantsKey(subject), units, updatedAt: new Date().toISOString() } }));
}

/** A staff member's granted unit paths; none when never granted. */
export async function getGrants(store: Store, subject: string): Promise<string[]> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: grantsKey(subject) }));
  return (result.Item?.units as string[] | undefined) ?? [];
}
