/**
 * Issue 12: sealed responses are not deleted one by one at the close but left to expire (DynamoDB
 * TTL in the cloud, a sweep in embedded mode), which is sound because (a) every wave closes by
 * itself MAX_OPEN_DAYS after it opened and every response expires only a grace after that, and
 * (b) once the close has destroyed the wave secret, what stays is ciphertext under no key, carrying
 * one expiry for the whole wave (no time of anyone's submission).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPEN_DAYS, RESPONSE_EXPIRY_GRACE_DAYS } from '../shared/open-period.ts';
import { createWaveSecret, deriveWaveKeys, unseal } from '../functions/crypto.ts';
import { sweepExpiredItems } from '../functions/store/expiry.ts';
import { getWaveSecret } from '../functions/store/invitations.ts';
import { sealedItemKey } from '../functions/store/responses.ts';
import { getWave } from '../functions/store/waves.ts';
import { runDueTransitions } from '../functions/waves/schedule.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';

const DAY_S = 24 * 3600;

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

async function sealedItems(waveId: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await rt.deps.store.doc.send(new ScanCommand({ TableName: rt.deps.store.tables.main, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.filter((item) => String(item.pk).startsWith(`RESP#${waveId}#`));
}

const opens = (secret: string, waveId: string, item: Record<string, unknown>) => {
  const [, , shard] = String(item.pk).split('#');
  try {
    unseal(deriveWaveKeys(secret, waveId), String(item.sealed), sealedItemKey(waveId, Number(shard), String(item.sk)));
    return true;
  } catch {
    return false;
  }
};

describe('sealed responses after the close', { timeout: 120_000 }, () => {
  it('stay only as ciphertext whose secret is gone, all with the one expiry of their wave, after its latest close', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(24).open();
    for (const [index, token] of tokens.slice(0, 15).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    const secret = (await getWaveSecret(rt.deps.store, waveId))!;
    expect((await closeWave(rt, waveId)).status).toBe('done');

    const wave = await getWave(rt.deps.store, waveId);
    expect(wave.status).toBe('closed');
    const left = await sealedItems(waveId);
    expect(left).toHaveLength(wave.responded!);
    // Nothing but the ciphertext and where it is, and the wave's one expiry, after the latest close plus the grace.
    for (const item of left) expect(Object.keys(item).sort()).toEqual(['expiresAt', 'pk', 'sealed', 'sk']);
    const openedAt = Date.parse(wave.openedAt!) / 1000;
    expect(new Set(left.map((item) => item.expiresAt))).toEqual(new Set([Math.floor(openedAt + (MAX_OPEN_DAYS + RESPONSE_EXPIRY_GRACE_DAYS) * DAY_S)]));
    // They are the responses (the secret the close destroyed opens each), and nothing in the table opens them now.
    expect(left.every((item) => opens(secret, waveId, item))).toBe(true);
    expect(await getWaveSecret(rt.deps.store, waveId)).toBeUndefined();
    expect(left.some((item) => opens(createWaveSecret(), waveId, item))).toBe(false);
  });

  it('are all the same length, whatever was answered and by whom, so what stays tells no answer by its size', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(24).open();
    const answers = [anAnswer(0), anAnswer(10), { 'mgmt-expectations': 3 }, { enps: 10 }, anAnswer(7)];
    for (const [index, answer] of answers.entries()) {
      const submission = index % 2 === 0 ? { submission: `submission-of-person-${index}` } : {};
      expect((await rt.post('/api/responses', { token: tokens[index * 4], answers: answer, ...submission })).status).toBe(201);
    }
    const lengths = (await sealedItems(waveId)).map((item) => String(item.sealed).length);
    expect(lengths).toHaveLength(answers.length);
    expect(new Set(lengths).size).toBe(1);
  });

  it('are swept in embedded mode once expired, and only once their wave is closed', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    for (const [index, token] of tokens.slice(0, 6).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    const [{ expiresAt }] = (await sealedItems(waveId)) as Array<{ expiresAt: number }>;
    // A machine off for months: expired, but the wave not yet closed (the close has not run): kept.
    await sweepExpiredItems(rt.deps.store, expiresAt + 1);
    expect(await sealedItems(waveId)).toHaveLength(6);
    expect((await closeWave(rt, waveId)).status).toBe('done');
    await sweepExpiredItems(rt.deps.store, expiresAt);
    expect(await sealedItems(waveId)).toHaveLength(6);
    await sweepExpiredItems(rt.deps.store, expiresAt + 1);
    expect(await sealedItems(waveId)).toHaveLength(0);
  });
});

describe('the maximum open period', { timeout: 120_000 }, () => {
  it('closes a wave without a closesAt by the schedule MAX_OPEN_DAYS after it opened, and not before', async () => {
    const { waveId } = await aWave(rt).withRoster(12).open();
    const openedAt = Date.parse((await getWave(rt.deps.store, waveId)).openedAt!);
    const latest = openedAt + MAX_OPEN_DAYS * DAY_S * 1000;
    const shown = (await (await rt.staff(`/api/waves/${waveId}`)).json()) as { closesAtLatest?: string };
    expect(shown.closesAtLatest).toBe(new Date(latest).toISOString());

    await runDueTransitions(rt.deps, latest - 60_000);
    await rt.jobsIdle();
    expect((await getWave(rt.deps.store, waveId)).status).toBe('open');
    expect(await runDueTransitions(rt.deps, latest + 1000)).toBeGreaterThanOrEqual(1);
    await rt.jobsIdle();
    expect((await getWave(rt.deps.store, waveId)).status).toBe('closed');
  });

  it('refuses a closesAt later than MAX_OPEN_DAYS after the opening with a 400 naming closesAt', async () => {
    const { surveyId } = await aWave(rt).withRoster(12).draft();
    const create = (body: object) =>
      rt.staff(`/api/surveys/${surveyId}/waves`, { method: 'POST', body: JSON.stringify({ name: 'Long', statementIds: ['mgmt-expectations'], ...body }) });
    const opensAt = '2031-01-01T00:00:00.000Z';
    const day = (days: number) => new Date(Date.parse(opensAt) + days * DAY_S * 1000).toISOString();
    expect((await create({ opensAt, closesAt: day(MAX_OPEN_DAYS) })).status).toBe(201);
    const tooLate = await create({ opensAt, closesAt: day(MAX_OPEN_DAYS + 1) });
    expect(tooLate.status).toBe(400);
    expect(((await tooLate.json()) as { error: { field: string } }).error.field).toBe('closesAt');
    // Without an opensAt the wave opens by hand, at the earliest now.
    const unscheduled = await create({ closesAt: new Date(Date.now() + (MAX_OPEN_DAYS + 1) * DAY_S * 1000).toISOString() });
    expect(unscheduled.status).toBe(400);
    expect(((await unscheduled.json()) as { error: { field: string } }).error.field).toBe('closesAt');
  });
});
