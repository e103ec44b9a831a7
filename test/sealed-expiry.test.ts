/**
 * Issue 12: every wave closes by itself MAX_OPEN_DAYS after it opened, and every sealed response
 * carries one expiry for the whole wave (no time of anyone's submission), a grace after that. The
 * close deletes them once counted and rewritten (leaving them to the expiry saved the deletes but
 * cost more in storage and backups, README "What a wave costs"); the expiry removes those of a
 * close that never ran. Their ciphertexts are all one length.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPEN_DAYS, RESPONSE_EXPIRY_GRACE_DAYS } from '../shared/open-period.ts';
import { sweepExpiredItems } from '../functions/store/expiry.ts';
import { getWaveSecret } from '../functions/store/invitations.ts';
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

describe('sealed responses after the close', { timeout: 120_000 }, () => {
  it('carry the one expiry of their wave while it is open, and are deleted by its close', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(24).open();
    for (const [index, token] of tokens.slice(0, 15).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    const sealed = await sealedItems(waveId);
    expect(sealed).toHaveLength(15);
    // Nothing but the ciphertext and where it is, and the wave's one expiry, after the latest close plus the grace.
    for (const item of sealed) expect(Object.keys(item).sort()).toEqual(['expiresAt', 'pk', 'sealed', 'sk']);
    const openedAt = Date.parse((await getWave(rt.deps.store, waveId)).openedAt!) / 1000;
    expect(new Set(sealed.map((item) => item.expiresAt))).toEqual(new Set([Math.floor(openedAt + (MAX_OPEN_DAYS + RESPONSE_EXPIRY_GRACE_DAYS) * DAY_S)]));
    expect((await closeWave(rt, waveId)).status).toBe('done');
    expect(await sealedItems(waveId)).toEqual([]);
    expect(await getWaveSecret(rt.deps.store, waveId)).toBeUndefined();
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

  it('are not swept in embedded mode while their wave is not closed, even past their expiry', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    for (const [index, token] of tokens.slice(0, 6).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    const [{ expiresAt }] = (await sealedItems(waveId)) as Array<{ expiresAt: number }>;
    // A machine off for months: expired, but the wave not yet closed (the close has not run): kept, and counted by the close.
    await sweepExpiredItems(rt.deps.store, expiresAt + 1);
    expect(await sealedItems(waveId)).toHaveLength(6);
    expect((await closeWave(rt, waveId)).status).toBe('done');
    expect((await getWave(rt.deps.store, waveId)).responded).toBe(6);
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
