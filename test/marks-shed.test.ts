/**
 * A submission's mark sheds the person (issue 12: the close used to rewrite every answered
 * invitation into its marker, 8,000 writes of a 10,000-person wave). The mark itself removes the
 * email, profile and locale and sets the wave's one expiry, so it is the invitation's marker at
 * once; the close seals the unanswered into the same shape. What must still hold: a retry of the
 * submission that marked is recognised, another submission hears 409, a submission refused by the
 * close's seal hears 410 (not "already answered"), the close counts every answered invitation by
 * its key alone, and the links export still lists the answered (their email sealed on the mark).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../functions/crypto.ts';
import { getWave } from '../functions/store/waves.ts';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import { enteringCloseStage, holdRequest } from './helpers/close-faults.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

const invitationItem = async (token: string) =>
  (await rt.deps.store.doc.send(new GetCommand({ TableName: rt.deps.store.tables.ephemeral, Key: { pk: `INV#${hashToken(token)}`, sk: 'INV' } }))).Item;

describe('a mark that sheds the person', { timeout: 120_000 }, () => {
  it('leaves only the answered flag, the receipt and the wave’s expiry, in one write unit', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    expect(Object.keys((await invitationItem(tokens[0]))!)).toEqual(expect.arrayContaining(['email', 'profile']));
    await meter.run('submit', async () => expect((await rt.post('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(201));
    const marked = (await invitationItem(tokens[0]))!;
    expect(Object.keys(marked).sort()).toEqual(['answered', 'expiresAt', 'pk', 'receipt', 'sealedEmail', 'sk', 'waveId']);
    expect(marked.expiresAt).toBe((await getWave(rt.deps.store, waveId)).invitationsExpireAt);
    const markWrites = meter.breakdown('submit').filter((entry) => entry.kind === 'UpdateItem INV');
    expect(markWrites.reduce((sum, entry) => sum + entry.writeUnits, 0)).toBe(1);
  });

  it('keeps the links export the same whoever answered: it never says who did', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const exported = async () => (await (await rt.staff(`/api/waves/${waveId}/invitations.csv`)).text()).split('\n').slice(1).filter(Boolean).sort();
    const before = await exported();
    expect(before).toHaveLength(12);
    for (const [index, token] of tokens.slice(0, 5).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    expect(await exported()).toEqual(before);
  });

  it('still recognises a retry of the submission that marked, and refuses another', async () => {
    const { tokens } = await aWave(rt).withRoster(12).open();
    const submission = { token: tokens[0], answers: anAnswer(3), submission: 'b7c1f0e2-9d1e-4a55-8f3e-1c2d3e4f5a6b' };
    expect((await rt.post('/api/responses', submission)).status).toBe(201);
    expect((await rt.post('/api/responses', submission)).status).toBe(201);
    expect((await rt.post('/api/responses', { ...submission, submission: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' })).status).toBe(409);
    expect((await rt.post('/api/responses', { ...submission, answers: anAnswer(4) })).status).toBe(409);
  });

  it('a submission the close sealed out hears 410, one counted hears 201 on retry, and the close counts every mark by key', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const counted = { token: tokens[0], answers: anAnswer(1), submission: '2a3b4c5d-6e7f-4081-9203-a4b5c6d7e8f9' };
    for (const [index, token] of tokens.slice(1, 8).entries()) expect((await rt.post('/api/responses', { token, answers: anAnswer(index) })).status).toBe(201);
    expect((await rt.post('/api/responses', counted)).status).toBe(201);
    // Held after sealing: every invitation is a mark or a seal of the same shape, and the secret still exists.
    const gate = holdRequest(rt.engine.client, enteringCloseStage(waveId, 'storing'));
    const close = closeWave(rt, waveId);
    await gate.reached;
    expect((await rt.post('/api/responses', { token: tokens[10], answers: anAnswer(10) })).status).toBe(410);
    expect((await rt.post('/api/responses', counted)).status).toBe(201);
    expect((await rt.post('/api/responses', { token: tokens[2], answers: anAnswer(2) })).status).toBe(409);
    gate.release();
    expect((await close).status).toBe('done');
    expect((await getWave(rt.deps.store, waveId)).responded).toBe(8);
    // Once closed nothing tells a mark from a seal: every late click hears "closed".
    expect((await rt.post('/api/responses', { token: tokens[11], answers: anAnswer(11) })).status).toBe(410);
    expect((await rt.post('/api/responses', { token: tokens[3], answers: anAnswer(3) })).status).toBe(410);
  });
});
