/**
 * Live answered counts live in a few items per wave (functions/store/live-counts.ts): each under
 * 1 KB however full, so every count is one write unit; a refresh reads them in one query; the close
 * deletes them, and a wave opened before this layout (hour buckets) still reads and closes cleanly.
 */
import { PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hashToken, randomId } from '../functions/crypto.ts';
import { getInvitation, type Invitation } from '../functions/store/invitations.ts';
import {
  chooseLiveLayout,
  MIN_LIVE_ITEMS,
  countAnswered,
  createAnsweredCounts,
  deleteAnsweredCounts,
  listAnsweredCounts,
  liveLayoutOf,
  placeOf,
} from '../functions/store/live-counts.ts';
import { getWave } from '../functions/store/waves.ts';
import { getWaveSnapshot } from '../functions/waves/snapshot.ts';
import { profileKey, type ProfileCount } from '../shared/org.ts';
import { type CapacityMeter, itemSize } from './bench/capacity-meter.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

/** `n` profiles (unit x two attributes), each `count(i)` invitees. */
const profiles = (n: number, count: (i: number) => number): ProfileCount[] =>
  Array.from({ length: n }, (_, i) => ({ profile: { unitId: `unit-${i % 211}`, attributes: { tenure: `t${i % 7}`, location: `l${i}` } }, count: count(i) }));

/** A count item in DynamoDB's wire form, to size it by DynamoDB's rules. */
const raw = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, typeof value === 'number' ? { N: String(value) } : { S: String(value) }]));

async function liveItems(waveId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await rt.deps.store.doc.send(new ScanCommand({ TableName: rt.deps.store.tables.ephemeral, ExclusiveStartKey }));
    items.push(...(page.Items ?? []).filter((item) => item.pk === `LIVE#${waveId}`));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

describe('the layout chosen at open', () => {
  it('keeps every item under 1 KB with every profile at its invitee count, in a 300,000-person wave of 12,000 profiles', () => {
    // Counts up to 9,999 (3 bytes each as a number), names unique within each item.
    const invitees = profiles(12_000, (i) => (i % 50 === 0 ? 9_999 : 25));
    const waveId = randomId();
    const layout = chooseLiveLayout(waveId, invitees);
    const items = Array.from({ length: layout.shards }, (_, shard) => ({ pk: `LIVE#${waveId}`, sk: `n${shard}` }) as Record<string, unknown>);
    for (const { profile, count } of invitees) {
      const { shard, name } = placeOf(profileKey(profile), layout);
      expect(items[shard][name]).toBeUndefined();
      items[shard][name] = count;
    }
    const sizes = items.map((item) => itemSize(raw(item)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    // Packed: a few items, not one per profile.
    expect(layout.shards).toBeLessThan(12_000 / 60);
    expect(Math.min(...sizes)).toBeGreaterThan(500);
  });

  it('spreads even a small wave’s profiles over many items, so submissions do not queue on one', () => {
    // 2,000 people in 40 profiles fit one item; every count would then wait on that one item's lock.
    const invitees = profiles(40, () => 50);
    const layout = chooseLiveLayout(randomId(), invitees);
    expect(layout.shards).toBeGreaterThanOrEqual(MIN_LIVE_ITEMS);
    const used = new Set(invitees.map(({ profile }) => placeOf(profileKey(profile), layout).shard));
    expect(used.size).toBeGreaterThanOrEqual(20);
  });
});

describe('answered counts', () => {
  it('cost one write unit each and leave exactly the layout’s few items, read back in one query', async () => {
    // 400 profiles: most of one person, a few of 120 (three-digit counts).
    const invitees = profiles(400, (i) => (i % 80 === 0 ? 120 : 1));
    const waveId = randomId();
    const layout = chooseLiveLayout(waveId, invitees);
    // They would fit in five by size; the floor spreads them wider.
    expect(layout.shards).toBe(MIN_LIVE_ITEMS);
    await meter.run('create', () => createAnsweredCounts(rt.deps.store, waveId, layout));
    expect(meter.phase('create').writeUnits).toBe(layout.shards);
    let writes = 0;
    await meter.run('counts', async () => {
      for (const { profile, count } of invitees) {
        for (let n = 0; n < count; n++, writes++) await countAnswered(rt.deps.store, waveId, { liveCounts: layout }, profile);
      }
    });
    expect(writes).toBe(995);
    // Every item full (each profile at its invitee count), each write still one unit.
    expect(meter.phase('counts').writeUnits).toBe(writes);
    const items = await liveItems(waveId);
    expect(items).toHaveLength(layout.shards);
    expect(Math.max(...items.map((item) => itemSize(raw(item))))).toBeLessThanOrEqual(1024);

    const keys = invitees.map(({ profile }) => profileKey(profile));
    const answered = await meter.run('read', () => listAnsweredCounts(rt.deps.store, waveId, layout, keys));
    expect(new Map(answered.map(({ profile, count }) => [profileKey(profile), count]))).toEqual(
      new Map(invitees.map(({ profile, count }) => [profileKey(profile), count])),
    );
    expect(meter.phase('read').requests).toBe(1);
    expect(meter.phase('read').readUnits).toBeLessThanOrEqual(1);

    await meter.run('delete', () => deleteAnsweredCounts(rt.deps.store, waveId));
    expect(await liveItems(waveId)).toEqual([]);
    expect(meter.phase('delete').writeUnits).toBe(layout.shards);
  });

  it('of a wave opened before the layout (hour buckets and their folded total) are read with the new ones, and the close deletes them all', async () => {
    const wave = await aWave(rt).withRoster(aRoster(40)).open();
    const snapshot = (await getWaveSnapshot(rt.deps.store, wave.waveId))!;
    const keys = snapshot.invitees.map(({ profile }) => profileKey(profile));
    // As that wave's items were: no layout on the wave, an hour bucket of two profiles, and a folded total.
    await rt.deps.store.doc.send(
      new UpdateCommand({ TableName: rt.deps.store.tables.main, Key: { pk: `WAVE#${wave.waveId}`, sk: 'META' }, UpdateExpression: 'REMOVE liveCounts' }),
    );
    const pk = `LIVE#${wave.waveId}`;
    const put = (item: Record<string, unknown>) => rt.deps.store.doc.send(new PutCommand({ TableName: rt.deps.store.tables.ephemeral, Item: { pk, ...item } }));
    await put({ sk: `000493000#${keys[1]}`, n: 2 });
    await put({ sk: `000493000#${keys[2]}`, n: 1 });
    await put({ sk: 'folded', through: 493000, data: gzipSync(JSON.stringify({ through: 493000, counts: [1, 1], other: {} })) });
    const legacy = await getWave(rt.deps.store, wave.waveId);
    expect(legacy.liveCounts).toBeUndefined();

    // Read before the submission: its mark sheds the profile.
    const unanswered = (await getInvitation(rt.deps.store, hashToken(wave.tokens[0]))) as Invitation;
    const answeredNow = profileKey(unanswered.profile);
    expect((await rt.post('/api/responses', { token: wave.tokens[0], answers: anAnswer(0) })).status).toBe(201);
    const answered = await listAnsweredCounts(rt.deps.store, wave.waveId, liveLayoutOf(legacy), keys);
    expect(answered.reduce((sum, { count }) => sum + count, 0)).toBe(6);
    const countOf = (key: string) => answered.find(({ profile }) => profileKey(profile) === key)?.count;
    expect(countOf(keys[1])).toBe(3 + (answeredNow === keys[1] ? 1 : 0));
    expect(countOf(answeredNow)).toBeGreaterThanOrEqual(1);

    expect((await closeWave(rt, wave.waveId)).status).toBe('done');
    expect(await liveItems(wave.waveId)).toEqual([]);
  });

  it('leave nothing behind when a count lands after the close deleted them', async () => {
    const wave = await aWave(rt).withRoster(aRoster(40)).open();
    const opened = await getWave(rt.deps.store, wave.waveId);
    expect(await liveItems(wave.waveId)).toHaveLength(opened.liveCounts!.shards);
    // Read before the submission: its mark sheds the profile.
    const { profile } = (await getInvitation(rt.deps.store, hashToken(wave.tokens[0]))) as Invitation;
    expect((await rt.post('/api/responses', { token: wave.tokens[0], answers: anAnswer(0) })).status).toBe(201);
    expect((await closeWave(rt, wave.waveId)).status).toBe('done');
    // A submission marked before the seal whose count comes late (its request slow, retried).
    await countAnswered(rt.deps.store, wave.waveId, opened, profile);
    expect(await liveItems(wave.waveId)).toEqual([]);
  });
});
