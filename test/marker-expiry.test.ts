/**
 * A closed wave's invitation markers expire (DESIGN.md "Close"; issue 12): every marker carries the
 * one expiry its wave fixed at open, so an answered invitation's marker (left by its mark) cannot be
 * told from an unanswered one's (sealed by the close into the same shape) by what it holds or when
 * it expires.
 * In the cloud DynamoDB's TTL deletes them (test/infra/data.test.ts); the embedded engine has no
 * TTL, so its runtime sweeps what expired.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredItems } from '../functions/store/expiry.ts';
import { MARKER_DAYS } from '../functions/store/invitations.ts';
import { MAX_OPEN_DAYS } from '../shared/open-period.ts';
import { getWave } from '../functions/store/waves.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

async function ephemeralItems(): Promise<Array<Record<string, unknown>>> {
  return (await rt.deps.store.doc.send(new ScanCommand({ TableName: rt.deps.store.tables.ephemeral }))).Items ?? [];
}

describe('closed-invitation markers', { timeout: 120_000 }, () => {
  it('are alike whether answered or not, share one expiry, and are swept once it passes (and not before)', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(24).open();
    for (const [index, token] of tokens.slice(0, 14).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    expect((await closeWave(rt, waveId)).status).toBe('done');

    const { invitationsExpireAt: markersExpireAt } = await getWave(rt.deps.store, waveId);
    const markers = (await ephemeralItems()).filter((item) => item.waveId === waveId);
    expect(markers).toHaveLength(24);
    // Past the longest a wave stays open, and then long enough for a late click to hear "closed".
    expect(markersExpireAt).toBeGreaterThan(Date.now() / 1000 + (MAX_OPEN_DAYS + MARKER_DAYS - 1) * 24 * 3600);
    expect(new Set(markers.map((item) => JSON.stringify(Object.keys(item).sort())))).toEqual(
      new Set([JSON.stringify(['answered', 'expiresAt', 'pk', 'receipt', 'sealedEmail', 'sk', 'waveId'])]),
    );
    expect(new Set(markers.map((item) => item.expiresAt))).toEqual(new Set([markersExpireAt]));
    // Receipts of marks and of seals alike: 32-byte MACs under the destroyed secret.
    expect(markers.every((item) => item.answered === true && /^[\w-]{43}$/.test(String(item.receipt)))).toBe(true);

    // Something of another wave that expires later stays.
    await rt.deps.store.doc.send(
      new PutCommand({
        TableName: rt.deps.store.tables.ephemeral,
        Item: { pk: 'INV#later', sk: 'INV', waveId: 'other', closed: true, expiresAt: markersExpireAt! + 10 },
      }),
    );
    // Up to their expiry the markers stay (the wave's sealed responses expire earlier, and may go here).
    await sweepExpiredItems(rt.deps.store, markersExpireAt!);
    expect((await ephemeralItems()).filter((item) => item.waveId === waveId)).toHaveLength(24);
    expect(await sweepExpiredItems(rt.deps.store, markersExpireAt! + 1)).toBeGreaterThanOrEqual(24);
    const left = await ephemeralItems();
    expect(left.filter((item) => item.waveId === waveId)).toEqual([]);
    expect(left.filter((item) => item.pk === 'INV#later')).toHaveLength(1);
  });
});
