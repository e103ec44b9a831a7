/** The access patterns only setting up and removing the demo need: the seeded marker and a demo wave's data. */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SHARD_COUNT } from '../../shared/keys.ts';
import { batchWrite, deleteRequest, queryPages, type Store } from './client.ts';
import { deleteWaveSecret, invitationKeyPages } from './invitations.ts';

const SEEDED_MARKER = { pk: 'META', sk: 'SEEDED' };
const SURVEY_PK = 'SURVEY';

/** Whether this data folder was set up before (with or without the demo). */
export async function isSeeded(store: Store): Promise<boolean> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.main, Key: SEEDED_MARKER }));
  return result.Item !== undefined;
}

/** Remember that the data folder was set up, and whether with the demo. */
export async function putSeededMarker(store: Store, demo: boolean): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...SEEDED_MARKER, demo } }));
}

/** Everything stored under a wave: its items, comments, responses, invitations and secret. */
export async function deleteWaveData(store: Store, waveId: string): Promise<void> {
  const partitions = [`WAVE#${waveId}`, `COMMENT#${waveId}`];
  for (let shard = 0; shard < SHARD_COUNT; shard++) partitions.push(`RESP#${waveId}#${shard}`, `ANON#${waveId}#${shard}`);
  for (const pk of partitions) {
    for await (const page of queryPages(store, {
      TableName: store.tables.main,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
    })) {
      await batchWrite(
        store,
        store.tables.main,
        page.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })),
      );
    }
  }
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    for await (const tokenHashes of invitationKeyPages(store, waveId, shard)) {
      await batchWrite(
        store,
        store.tables.ephemeral,
        tokenHashes.map((tokenHash) => deleteRequest({ pk: `INV#${tokenHash}`, sk: 'INV' })),
      );
    }
  }
  await deleteWaveSecret(store, waveId);
}

/** A demo survey the organization added waves to becomes its own. */
export async function adoptSurvey(store: Store, surveyId: string): Promise<void> {
  await store.doc.send(new UpdateCommand({ TableName: store.tables.main, Key: { pk: SURVEY_PK, sk: surveyId }, UpdateExpression: 'REMOVE demo' }));
}

export async function deleteSurvey(store: Store, surveyId: string): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: { pk: SURVEY_PK, sk: surveyId } }));
}
