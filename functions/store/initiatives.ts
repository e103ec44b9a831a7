/** Initiatives: a working group's hypothesis, groups and waves, one item each under one partition. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

/**
 * Apply a later edit (PATCH /api/initiatives/:id) and append it to the history in one write. The
 * registration (createdAt, registered) is never in the update, so no edit can rewrite it.
 */
export async function editInitiative(store: Store, id: string, changes: Record<string, unknown>, at: string): Promise<void> {
  const names: Record<string, string> = { '#edits': 'edits' };
  const values: Record<string, unknown> = { ':edit': [{ at, changes }], ':none': [] };
  const sets = Object.entries(changes).map(([field, value], index) => {
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    return `#f${index} = :v${index}`;
  });
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.main,
      Key: { pk: PK, sk: id },
      UpdateExpression: `SET ${[...sets, '#edits = list_append(if_not_exists(#edits, :none), :edit)'].join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

function toInitiative(item: Record<string, unknown>): Initiative {
  const { pk: _pk, sk: _sk, ...initiative } = item;
  return initiative as unknown as Initiative;
}

/** Delete the demo's initiatives (for removing the demo in one action). */
export async function deleteDemoInitiatives(store: Store): Promise<number> {
  const demo = (await listInitiatives(store)).filter((initiative) => initiative.demo);
  await batchWrite(
    store,
    store.tables.main,
    demo.map((initiative) => deleteRequest({ pk: PK, sk: initiative.id })),
  );
  return demo.length;
}
