/**
 * Answered counts per profile while a wave is open, for live participation: a few items per wave.
 * The wave's invitee profiles (unit x attribute values, from the snapshot) are spread over S count
 * items by a hash of the profile key; each item holds one number per profile that answered, named
 * by a short hash of the key. The open chooses S and the name length (`LiveCountLayout`, stored on
 * the wave) so that the biggest item, every profile in it at its invitee count, stays under 1 KB:
 * a submission's `ADD` is one write unit, and a refresh reads the wave's S items in one query (a
 * few KB at 10,000 invitees, one read unit), never the invitations. The close deletes S items.
 *
 * No answer time is stored (an earlier version kept a bucket per hour): the items say which profiles
 * answered and how many, what the invitation marks already say while the wave is open, and not
 * when. They live in the ephemeral table (no backup brings them back) and are deleted when the wave
 * closes: they would count groups the close hides.
 *
 * Approximate by design: a submission that crashes between its mark and its count is not counted
 * here; the close counts every response exactly.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseProfileKey, profileKey, type Profile, type ProfileCount } from '../../shared/org.ts';
import { batchGet, batchWrite, deleteRequest, isConditionFailure, queryPages, type Store } from './client.ts';

const livePk = (waveId: string) => `LIVE#${waveId}`;
// Count items sort after the hour buckets of waves opened before this layout (digits) and their folded total ('folded').
const shardSk = (shard: number) => `n${shard}`;

/** How a wave's answered counts are spread over items: chosen at open from its invitee profiles, kept on the wave. */
export interface LiveCountLayout {
  /** How many count items. */
  shards: number;
  /** How many characters of the profile key's hash name its count within an item (unique within each item). */
  nameLength: number;
}

/**
 * The largest a count item may grow (DynamoDB bills an update by the larger of the item before and
 * after, in 1 KB units): 1 KB less a margin.
 */
export const LIVE_ITEM_BUDGET = 1_000;

/**
 * At least this many count items, however few profiles a wave has: every submission updates one,
 * and an item takes its updates one at a time (the embedded engine locks it for each; DynamoDB
 * allows an item ~1,000 writes a second). With one or two items a 2,000-person wave's submissions
 * queued on them (142 responses/s where 249 without the count, `npm run bench -- submissions`).
 * Empty items cost a refresh's query only their keys.
 */
export const MIN_LIVE_ITEMS = 32;

/** Where a profile's count goes: its item, and its attribute there. */
export function placeOf(key: string, layout: LiveCountLayout): { shard: number; name: string } {
  const { hash, name } = hashOf(key);
  return { shard: hash % layout.shards, name: name.slice(0, layout.nameLength) };
}

/** A profile key's hash: a number that picks its item, and the text its name is cut from. */
function hashOf(key: string): { hash: number; name: string } {
  const digest = createHash('sha256').update(key).digest();
  return { hash: digest.readUInt32BE(0), name: digest.subarray(4, 16).toString('base64url') };
}

/** DynamoDB's size of a number: one byte per two significant digits, and one. */
const numberBytes = (n: number) => Math.ceil(String(n).length / 2) + 1;

/**
 * The fewest count items (within 2%, and at least MIN_LIVE_ITEMS) that keep each under
 * LIVE_ITEM_BUDGET with every profile in it at its invitee count (the most it can reach), with names
 * as short as keep them apart within an item.
 */
export function chooseLiveLayout(waveId: string, invitees: ProfileCount[]): LiveCountLayout {
  const keyBytes = Buffer.byteLength(`pk${livePk(waveId)}sk${shardSk(invitees.length)}`);
  const entries = invitees.map(({ profile, count }) => ({ ...hashOf(profileKey(profile)), bytes: numberBytes(count) }));
  const total = entries.reduce((sum, { bytes }) => sum + 3 + bytes, 0);
  const fits = (shards: number, nameLength: number) => {
    const sizes = new Array<number>(shards).fill(keyBytes);
    for (const { hash, bytes } of entries) sizes[hash % shards] += nameLength + bytes;
    return Math.max(...sizes) <= LIVE_ITEM_BUDGET;
  };
  for (let shards = Math.max(MIN_LIVE_ITEMS, Math.ceil(total / (LIVE_ITEM_BUDGET - keyBytes))); ; shards += Math.max(1, Math.floor(shards / 50))) {
    const nameLength = nameLengthFor(entries, shards);
    // One profile per item always fits: profile keys are not stored, only their short names.
    if (fits(shards, nameLength) || shards >= entries.length) return { shards, nameLength };
  }
}

/** The shortest name length (from 3, so never "pk" or "sk") under which no two profiles of one item share a name. */
function nameLengthFor(entries: { hash: number; name: string }[], shards: number): number {
  for (let nameLength = 3; ; nameLength++) {
    const places = new Set(entries.map(({ hash, name }) => `${hash % shards}/${name.slice(0, nameLength)}`));
    if (places.size === entries.length) return nameLength;
  }
}

/**
 * The layout of a wave opened before layouts were stored (its earlier counts are hour buckets, read
 * and deleted with these): one item per ~40 invitees, names long enough that a clash is unlikely.
 */
const legacyLayout = (invited: number | undefined): LiveCountLayout => ({ shards: Math.max(1, Math.ceil((invited ?? 0) / 40)), nameLength: 8 });

/** The layout of this wave's counts. */
export const liveLayoutOf = (wave: { liveCounts?: LiveCountLayout; invited?: number }): LiveCountLayout => wave.liveCounts ?? legacyLayout(wave.invited);

/**
 * Create a wave's count items, empty, before it opens (S write units): a count then only ever
 * updates an item that exists, so one that lands after the close deleted them (a submission marked
 * before the seal, its count late) finds none and leaves nothing behind. Never over counts already there.
 */
export async function createAnsweredCounts(store: Store, waveId: string, layout: LiveCountLayout): Promise<void> {
  for (let shard = 0; shard < layout.shards; shard++) {
    try {
      await store.doc.send(
        new PutCommand({
          TableName: store.tables.ephemeral,
          Item: { pk: livePk(waveId), sk: shardSk(shard) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** Count one answered invitation of this profile (after its mark): one write unit. */
export async function countAnswered(store: Store, waveId: string, wave: { liveCounts?: LiveCountLayout; invited?: number }, profile: Profile): Promise<void> {
  const { shard, name } = placeOf(profileKey(profile), liveLayoutOf(wave));
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.ephemeral,
        Key: { pk: livePk(waveId), sk: shardSk(shard) },
        UpdateExpression: 'ADD #p :one',
        // The open created the items (a wave opened before layouts did not: its items come with its counts).
        ...(wave.liveCounts ? { ConditionExpression: 'attribute_exists(pk)' } : {}),
        ExpressionAttributeNames: { '#p': name },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  } catch (error) {
    // The close deleted the counts already: it counted this response from its mark.
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Every answered count of a wave (a live participation refresh): one eventually consistent query
 * of its count items (billed by their total size, not per item). `invitees` lists the wave's
 * invitee profile keys (the snapshot's), which the items' names map back to.
 */
export async function listAnsweredCounts(store: Store, waveId: string, layout: LiveCountLayout, invitees: string[]): Promise<ProfileCount[]> {
  const keyOf = new Map<string, string>();
  for (const key of invitees) {
    const { shard, name } = placeOf(key, layout);
    keyOf.set(`${shard}/${name}`, key);
  }
  const totals = new Map<string, number>();
  const add = (key: string | undefined, n: number) => key !== undefined && n > 0 && totals.set(key, (totals.get(key) ?? 0) + n);
  for await (const page of queryPages(store, {
    TableName: store.tables.ephemeral,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': livePk(waveId) },
  })) {
    for (const { pk: _pk, sk, ...counts } of page) {
      const text = String(sk);
      if (text.startsWith('n')) for (const [name, n] of Object.entries(counts)) add(keyOf.get(`${text.slice(1)}/${name}`), n as number);
      else addLegacy(text, counts, invitees, add);
    }
  }
  return [...totals].map(([key, count]) => ({ profile: parseProfileKey(key), count }));
}

/** A wave opened before this layout: its hour buckets (`<hour>#<profile key>`, n) and their folded total (counts in invitee order, others by key). */
function addLegacy(sk: string, item: Record<string, unknown>, invitees: string[], add: (key: string | undefined, n: number) => void): void {
  if (sk === 'folded') {
    const folded = JSON.parse(gunzipSync(item.data as Uint8Array).toString('utf8')) as { counts: number[]; other: Record<string, number> };
    folded.counts.forEach((n, index) => add(invitees[index], n));
    for (const [key, n] of Object.entries(folded.other)) add(key, n);
  } else add(sk.slice(sk.indexOf('#') + 1), item.n as number);
}

/** Delete a wave's answered counts (at close, with the invitations' marks): its S items, and the hour buckets of a wave opened before them. */
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
 * A live participation refresh as stored between refreshes, in two items beside the wave: what may
 * be shown (with a digest of the counts it came from, and when it was computed), rewritten only when
 * the counts changed; and when a later refresh last found the same counts, the one write of such a
 * refresh. That time is what keeps the next refresh a full interval away: without it, the first
 * answer after a quiet stretch would show the moment it lands (see participation.ts).
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

/** Record when a refresh found the counts unchanged. */
export async function putLiveCheck(store: Store, waveId: string, check: LiveCheck): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...liveKey(waveId, 'check'), ...check } }));
}

/** Store what a refresh found may be shown (gzipped: a couple of KB for a 10,000-person wave, one item). */
export async function putLiveShown(store: Store, waveId: string, shown: unknown): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.tables.main, Item: { ...liveKey(waveId, 'shown'), data: gzipSync(JSON.stringify(shown)) } }));
}
