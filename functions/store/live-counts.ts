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
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseProfileKey, profileKey, type Profile, type ProfileCount } from '../../shared/org.ts';
import { batchGet, batchWrite, deleteRequest, queryPages, type Store } from './client.ts';

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

/**
 * A live participation refresh as stored between refreshes, in two items beside the wave: when it
 * was last checked, rewritten at every refresh; and what may be shown (with a digest of the counts
 * it came from), rewritten only when the counts changed. So a refresh that finds nothing new (most
 * of them: nights, weekends) writes one small item, not the shown counts again.
 */
export interface LiveCheck {
  computedAt: string;
}

const liveKey = (waveId: string, name: 'check' | 'shown') => ({ pk: `WAVE#${waveId}`, sk: `LIVE#${name}` });

/** Both stored parts of a wave's live participation, in one consistent read. */
export async function getLiveParticipation<T>(store: Store, waveId: string): Promise<{ check?: LiveCheck; shown?: T }> {
  const items = await batchGet(store, store.tables.main, [liveKey(waveId, 'check'), liveKey(waveId, 'shown')], { consistent: true });
  const check = items.find((item) => item.sk === 'LIVE#check');
  const shown = items.find((item) => item.sk === 'LIVE#shown');
  return {
    ...(check ? { check: { computedAt: check.computedAt as string } } : {}),
    ...(shown ? { shown: JSON.parse(gunzipSync(shown.data as Uint8Array).toString('utf8')) as T } : {}),
  };
}

/** Record when a refresh checked the counts. */
export async function putLiveCheck(store: Store, waveId: string, check: LiveCheck): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...liveKey(waveId, 'check'), ...check } }));
}

/** Store what a refresh found may be shown (gzipped: a couple of KB for a 10,000-person wave, one item). */
export async function putLiveShown(store: Store, waveId: string, shown: unknown): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...liveKey(waveId, 'shown'), data: gzipSync(JSON.stringify(shown)) } }));
}
