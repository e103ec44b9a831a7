/**
 * Correct without timing (issue 8): a submission held at a chosen point while the close runs is
 * either counted and told 201, or refused with 410 and not counted, wherever in the close it is
 * released; and the 201 goes to the answers that were stored. The close does not wait for anyone.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitSegmentId } from '../shared/segments.ts';
import { UnitTree } from '../shared/org.ts';
import { hashToken } from '../functions/crypto.ts';
import { listCells } from '../functions/store/cells.ts';
import { getWaveSnapshot } from '../functions/waves/snapshot.ts';
import { CLOSE_STAGES } from '../functions/waves/close-wave.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';
import { enteringCloseStage, failAfterRequest, holdRequest, jobOutcome, type RequestMatcher } from './helpers/close-faults.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ participationRefreshMs: 0 });
});
afterAll(async () => {
  await rt.stop();
});

async function rootCell(waveId: string) {
  const snapshot = await getWaveSnapshot(rt.deps.store, waveId);
  const rootId = unitSegmentId(new UnitTree(snapshot!.units).root.id);
  return (await listCells(rt.deps.store, waveId)).find((cell) => cell.segment.id === rootId)!;
}

async function sealedLeft(waveId: string): Promise<number> {
  const items = await rt.deps.store.doc.send(new ScanCommand({ TableName: rt.deps.store.tables.main }));
  return (items.Items ?? []).filter((item) => String(item.pk).startsWith(`RESP#${waveId}#`)).length;
}

/** Where a close can be when the held submission goes on: before it starts sealing, or entering each later stage. */
const CLOSE_POINTS: Record<string, (waveId: string) => RequestMatcher> = {
  'before sealing':
    (waveId) =>
    ({ command, input }) =>
      command === 'UpdateCommand' && input.Key?.pk === `WAVE#${waveId}` && /SET leaseRun = :run/.test(input.UpdateExpression ?? ''),
  ...Object.fromEntries(CLOSE_STAGES.slice(1).map((stage) => [`entering ${stage}`, (waveId: string) => enteringCloseStage(waveId, stage)])),
};

/** Where a submission can be held: after it read "open" and before it wrote, or after it wrote and before its mark. */
const SUBMISSION_POINTS: Record<string, (waveId: string, token: string) => RequestMatcher> = {
  'before its response is written':
    (waveId) =>
    ({ command, input }) =>
      command === 'PutCommand' && String(input.Item?.pk).startsWith(`RESP#${waveId}#`),
  'between its response and its mark':
    (_waveId, token) =>
    ({ command, input }) =>
      command === 'UpdateCommand' && input.Key?.pk === `INV#${hashToken(token)}` && /answered = :yes/.test(input.UpdateExpression ?? ''),
};

describe('a submission racing the close', () => {
  const cases = Object.keys(SUBMISSION_POINTS).flatMap((held) => Object.keys(CLOSE_POINTS).map((released) => [held, released] as const));
  it.each(cases)('held %s and released %s: counted with a 201, or refused with 410 and not counted', async (held, released) => {
    const { waveId, tokens } = await aWave(rt).withRoster(16).open();
    for (let i = 0; i < 8; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const late = tokens[12];
    const submissionGate = holdRequest(rt.engine.client, SUBMISSION_POINTS[held](waveId, late));
    const submission = rt.post('/api/responses', { token: late, answers: anAnswer(12) });
    await submissionGate.reached;

    const closeGate = holdRequest(rt.engine.client, CLOSE_POINTS[released](waveId));
    const { jobId } = (await (await rt.staff(`/api/waves/${waveId}/close`, { method: 'POST' })).json()) as { jobId: string };
    await closeGate.reached;
    submissionGate.release();
    const status = (await submission).status;
    closeGate.release();
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });

    // Before the close sealed the invitation the mark wins and is counted; after, the mark fails.
    expect(status).toBe(released === 'before sealing' ? 201 : 410);
    expect((await rootCell(waveId)).responded).toBe(status === 201 ? 9 : 8);
    // The counted ones are left to expire (unreadable now); the refused one's write is taken back.
    expect(await sealedLeft(waveId)).toBe(0);
  });

  it('marked after the close read its invitation unanswered, before the seal: the seal is refused, and the answer is counted with its 201', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(16).open();
    for (let i = 0; i < 8; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const late = tokens[12];
    const submissionGate = holdRequest(rt.engine.client, SUBMISSION_POINTS['before its response is written'](waveId, late));
    const submission = rt.post('/api/responses', { token: late, answers: anAnswer(12) });
    await submissionGate.reached;
    // The close has read the invitation (unanswered) and is about to seal it into its marker.
    const sealGate = holdRequest(
      rt.engine.client,
      ({ command, input }) =>
        // The seal (a mark's condition also asks that the item exists).
        command === 'UpdateCommand' && input.Key?.pk === `INV#${hashToken(late)}` && /^answered = :no/.test(input.ConditionExpression ?? ''),
    );
    const { jobId } = (await (await rt.staff(`/api/waves/${waveId}/close`, { method: 'POST' })).json()) as { jobId: string };
    await sealGate.reached;
    submissionGate.release();
    expect((await submission).status).toBe(201);
    sealGate.release();
    expect(await jobOutcome(rt, jobId)).toMatchObject({ status: 'done' });
    expect((await rootCell(waveId)).responded).toBe(9);
    expect(await sealedLeft(waveId)).toBe(0);
  });
});

describe('the 201 goes to the answers stored', () => {
  it('two submissions of one link with different answers: the one whose answers were stored and counted gets the 201, the other 409', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const token = tokens[0];
    const mine = { 'mgmt-expectations': 5, training: 5, enps: 10 };
    const other = { 'mgmt-expectations': 1, training: 1, enps: 0 };
    // The first writes its response, then is held before its mark; the second arrives with other answers.
    const gate = holdRequest(rt.engine.client, SUBMISSION_POINTS['between its response and its mark'](waveId, token));
    const first = rt.post('/api/responses', { token, answers: mine });
    await gate.reached;
    expect((await rt.post('/api/responses', { token, answers: other })).status).toBe(409);
    gate.release();
    expect((await first).status).toBe(201);

    expect((await closeWave(rt, waveId)).status).toBe('done');
    const root = await rootCell(waveId);
    expect(root.responded).toBe(1);
    expect(root.statements['mgmt-expectations'].counts).toEqual({ '5': 1 });
  });

  it('a retry with the same answers after a crash before the mark gets the 201; one with other answers gets 409', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    for (const [token, retry, expected] of [
      [tokens[1], anAnswer(1), 201],
      [tokens[2], anAnswer(3), 409],
    ] as const) {
      const crash = holdRequest(rt.engine.client, SUBMISSION_POINTS['between its response and its mark'](waveId, token));
      // The held first try stands for a process that died after writing: it is never released.
      void rt.post('/api/responses', { token, answers: anAnswer(Number(token === tokens[1] ? 1 : 2)) });
      await crash.reached;
      expect((await rt.post('/api/responses', { token, answers: retry })).status).toBe(expected);
    }
  });

  it('a crash after the mark, before the 201: the retry of that submission gets 201 and is counted once; any other submission of the link 409', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const token = tokens[4];
    const submission = 'first-try-of-this-page1';
    const answers = { 'mgmt-expectations': 5, training: 2, enps: 9 };
    const crash = failAfterRequest(rt.engine.client, SUBMISSION_POINTS['between its response and its mark'](waveId, token));
    expect((await rt.post('/api/responses', { token, answers, submission })).status).toBe(500);
    expect(crash.hits).toBe(1);
    // The person's page resends the same submission; it was counted, so it hears "recorded".
    expect((await rt.post('/api/responses', { token, answers, submission })).status).toBe(201);
    expect((await rt.post('/api/responses', { token, answers, submission })).status).toBe(201);
    // A second, deliberate submission of the link (a new id), even with the same answers, or the same id with other answers: 409.
    expect((await rt.post('/api/responses', { token, answers, submission: 'another-device-submits1' })).status).toBe(409);
    expect((await rt.post('/api/responses', { token, answers: { ...answers, training: 4 }, submission })).status).toBe(409);
    // Without a submission id nothing is recognised after the mark: answers alone could be guessed by whoever holds the link.
    expect((await rt.post('/api/responses', { token, answers })).status).toBe(409);

    expect((await closeWave(rt, waveId)).status).toBe('done');
    const root = await rootCell(waveId);
    expect(root.responded).toBe(1);
    expect(root.statements.training.counts).toEqual({ '2': 1 });
  });

  it('a crash retry while the close runs (its invitation answered) still gets 201; another submission 409; once closed, 410', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const token = tokens[5];
    const submission = 'first-try-of-this-page2';
    failAfterRequest(rt.engine.client, SUBMISSION_POINTS['between its response and its mark'](waveId, token));
    expect((await rt.post('/api/responses', { token, answers: anAnswer(5), submission })).status).toBe(500);
    const gate = holdRequest(rt.engine.client, enteringCloseStage(waveId, 'rewriting'));
    const close = closeWave(rt, waveId);
    await gate.reached;
    expect((await rt.post('/api/responses', { token, answers: anAnswer(5), submission })).status).toBe(201);
    // An answered invitation is final as it is (its mark is its marker): another submission hears "already answered".
    expect((await rt.post('/api/responses', { token, answers: anAnswer(5), submission: 'another-device-submits2' })).status).toBe(409);
    gate.release();
    expect((await close).status).toBe('done');
    expect((await rootCell(waveId)).responded).toBe(1);
    expect((await rt.post('/api/responses', { token, answers: anAnswer(5), submission })).status).toBe(410);
  });

  it('the same submission sent twice at once (a double tap): both hear 201, its response is kept and counted once', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(12).open();
    const token = tokens[6];
    const request = { token, answers: anAnswer(6), submission: 'double-tapped-submit-01' };
    const gate = holdRequest(rt.engine.client, SUBMISSION_POINTS['between its response and its mark'](waveId, token));
    const first = rt.post('/api/responses', request);
    await gate.reached;
    // The second finds the first's response (its own answers and id), marks, and hears 201; the first's mark then finds it marked by the same submission.
    expect((await rt.post('/api/responses', request)).status).toBe(201);
    gate.release();
    expect((await first).status).toBe(201);
    expect(await sealedLeft(waveId)).toBe(1);
    expect((await closeWave(rt, waveId)).status).toBe('done');
    expect((await rootCell(waveId)).responded).toBe(1);
  });
});
