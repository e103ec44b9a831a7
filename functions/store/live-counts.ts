/**
 * Answered counts per profile while a wave is open, for live participation. One small item per
 * (wave, hour, profile): a submission adds one to its profile's item of the hour, so writes spread
 * over as many items as the directory has profiles (unit x attribute values) and none is hot. A
 * refresh reads one stored total of the hours before the last (`folded`, a few KB however many
 * answered) and the items of the last two hours, never the invitations and not every profile's item
 * again; it folds the hours that ended into the total as it goes. They hold nothing the invitation
 * marks do not already hold while the wave is open (which profiles answered), live in the ephemeral
 * table (no backup brings them back) and are deleted when the wave closes: they would count groups
 * the close hides.
 *
 * Approximate by design: a submission that crashes between its mark and its count is not counted
 * here, nor one whose count lands more than an hour after its hour ended (a submission takes seconds);
 * the close counts every response exactly.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseProfileKey, profileKey, type Profile, type ProfileCount } from '../../shared/org.ts';
import { batchGet, batchWrite, deleteRequest, isConditionFailure, queryPages, type Store } from './client.ts';

const livePk = (waveId: string) => `LIVE#${waveId}`;

/** How long one bucket of counts collects answers. */
export const LIVE_BUCKET_MS = 3_600_000;
const bucketOf = (ms: number) => Math.floor(ms / LIVE_BUCKET_MS);
// Buckets sort as text: zero-padded, and every bucket's key sorts before ':' (and 'folded').
const bucketText = (bucket: number) => String(bucket).padStart(9, '0');
const FOLDED = 'folded';

/** Count one answered invitation of this profile (after its mark), in the bucket of the hour. */
export async function countAnswered(store: Store, waveId: string, profile: Profile, now: number = Date.now()): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.ephemeral,
      Key: { pk: livePk(waveId), sk: `${bucketText(bucketOf(now))}#${profileKey(profile)}` },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

/** The folded total: every bucket before `through`, as counts in the order of the profile keys given (the wave's invitees), and any other profile by key. */
interface Folded {
  through: number;
  counts: number[];
  other: Record<string, number>;
}

/**
 * Every answered count of a wave (a live participation refresh). `order` lists the wave's invitee
 * profiles (profile keys, the snapshot's order), so the folded total stores counts without keys.
 */
export async function listAnsweredCounts(store: Store, waveId: string, order: string[], now: number = Date.now()): Promise<ProfileCount[]> {
  // Eventually consistent: a folded total a moment old is still exact with the counts after it, which are never deleted while open.
  const head = await store.doc.send(new GetCommand({ TableName: store.tables.ephemeral, Key: { pk: livePk(waveId), sk: FOLDED } }));
  const folded: Folded = head.Item ? (JSON.parse(gunzipSync(head.Item.data as Uint8Array).toString('utf8')) as Folded) : { through: 0, counts: [], other: {} };
  const totals = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  folded.counts.forEach((n, index) => n > 0 && index < order.length && add(totals, order[index], n));
  for (const [key, n] of Object.entries(folded.other)) add(totals, key, n);
  // The buckets before the last two ended over an hour ago: nothing more lands in them, so they are folded.
  const foldBelow = bucketOf(now) - 1;
  const toFold = new Map<string, number>();
  for await (const page of queryPages(store, {
    TableName: store.tables.ephemeral,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': livePk(waveId), ':from': bucketText(folded.through), ':to': ':' },
  })) {
    for (const item of page) {
      const sk = item.sk as string;
      const cut = sk.indexOf('#');
      const key = sk.slice(cut + 1);
      add(totals, key, item.n as number);
      if (Number(sk.slice(0, cut)) < foldBelow) add(toFold, key, item.n as number);
    }
  }
  // Only when an ended hour holds counts: an empty stretch costs no query anything, so `through` need not move past it.
  if (toFold.size > 0) await foldCounts(store, waveId, folded, toFold, foldBelow, order);
  return [...totals].map(([key, count]) => ({ profile: parseProfileKey(key), count }));
}

/** Store the folded total moved to `through`; only forward, so a refresh that ran late never moves it back. */
async function foldCounts(store: Store, waveId: string, folded: Folded, more: Map<string, number>, through: number, order: string[]): Promise<void> {
  const position = new Map(order.map((key, index) => [key, index]));
  const counts = Array.from({ length: order.length }, (_, index) => folded.counts[index] ?? 0);
  const other = { ...folded.other };
  for (const [key, n] of more) {
    const index = position.get(key);
    if (index === undefined) other[key] = (other[key] ?? 0) + n;
    else counts[index] += n;
  }
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.ephemeral,
        Item: { pk: livePk(waveId), sk: FOLDED, through, data: gzipSync(JSON.stringify({ through, counts, other } satisfies Folded)) },
        ConditionExpression: 'attribute_not_exists(pk) OR through < :through',
        ExpressionAttributeValues: { ':through': through },
      }),
    );
  } catch (error) {
    // Another refresh folded as far or further: its total stands.
    if (!isConditionFailure(error)) throw error;
  }
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

/**
 * Both stored parts of a wave's live participation, in one eventually consistent read: shown
 * counts a moment old carry the digest of the counts they came from, so they are reused only for
 * those; a check a moment old at worst lets one more refresh through.
 */
export async function getLiveParticipation<T>(store: Store, waveId: string): Promise<{ check?: LiveCheck; shown?: T }> {
  const items = await batchGet(store, store.tables.main, [liveKey(waveId, 'check'), liveKey(waveId, 'shown')]);
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
