/**
 * Answered counts per profile while a wave is open, for live participation. One small item per
 * (wave, profile): a submission adds one to its profile's item, so writes spread over as many
 * items as the directory has profiles (unit x attribute values) and none is hot; a refresh reads
 * one partition, O(profiles), never the invitations. They hold nothing the invitation marks do not
 * already hold while the wave is open (which profiles answered), live in the ephemeral table (no
 * backup brings them back) and are deleted when the wave closes: they would count groups the
 * close hides.
 *
 * Approximate by design: a submission that crashes between its mark and its count is not counted
 * here (the close counts every response exactly).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseProfileKey, profileKey, type Profile, type ProfileCount } from '../../shared/org.ts';
import { batchWrite, deleteRequest, queryPages, type Store } from './client.ts';

const livePk = (waveId: string) => `LIVE#${waveId}`;

/** Count one answered invitation of this profile (after its mark). */
export async function countAnswered(store: Store, waveId: string, profile: Profile): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.ephemeral,
      Key: { pk: livePk(waveId), sk: profileKey(profile) },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

/** Every answered count of a wave (a live participation refresh). */
export async function listAnsweredCounts(store: Store, waveId: string): Promise<ProfileCount[]> {
  const counts: ProfileCount[] = [];
  for await (const page of queryPages(store, {
    TableName: store.tables.ephemeral,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': livePk(waveId) },
  })) {
    for (const item of page) counts.push({ profile: parseProfileKey(item.sk as string), count: item.n as number });
  }
  return counts;
}

/** Delete a wave's answered counts (at close, with the invitations' marks). */
export async function deleteAnsweredCounts(store: Store, waveId: string): Promise<void> {
  for await (const page of queryPages(store, {
    TableName: store.tables.ephemeral,
    KeyConditionExpression: 'pk = :pk',
    ProjectionExpression: 'pk, sk',
    ExpressionAttributeValues: { ':pk': livePk(waveId) },
  })) {
    await batchWrite(
      store,
      store.tables.ephemeral,
      page.map((item) => deleteRequest({ pk: item.pk, sk: item.sk })),
    );
  }
}
