/** Initiatives: a working group's hypothesis, groups and waves, one item each under one partition. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Initiative } from '../../shared/api-results.ts';
import { NotFoundError } from '../errors.ts';
import { batchWrite, deleteRequest, queryAll, type Store } from './client.ts';

const PK = 'INITIATIVE';

/** Store an initiative (create or replace). */
export async function putInitiative(store: Store, initiative: Initiative): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { pk: PK, sk: initiative.id, ...initiative } }));
}

/** One initiative (its impact page). */
export async function getInitiative(store: Store, id: string): Promise<Initiative> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: { pk: PK, sk: id } }));
  if (!result.Item) throw new NotFoundError(`initiative ${id}`);
  return toInitiative(result.Item);
}

/** Every initiative (the list, and the confounding check against each other). */
export async function listInitiatives(store: Store): Promise<Initiative[]> {
  const items = await queryAll(store, { TableName: store.tables.main, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK } });
  return items.map(toInitiative).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function toInitiative(item: Record<string, unknown>): Initiative {
  const { pk: _pk, sk: _sk, ...initiative } = item;
  return initiative as unknown as Initiative;
}

/** Delete the demo's initiatives (for removing the demo in one action). */
export async function deleteDemoInitiatives(store: Store): Promise<number> {
  const demo = (await listInitiatives(store)).filter((initiative) => initiative.demo);
  await batchWrite(store, store.tables.main, demo.map((initiative) => deleteRequest({ pk: PK, sk: initiative.id })));
  return demo.length;
}
