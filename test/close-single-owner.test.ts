/**
 * One close, however many starts (issue 8): racing and repeated POST /close, and duplicate runs of
 * the same job, all publish exactly what one uninterrupted close publishes, and every start answers
 * the same job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_STAGES } from '../functions/waves/close-wave.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, closeWave } from './helpers/scenario.ts';
import { cellsBySegment, enteringCloseStage, holdRequest, jobOutcome } from './helpers/close-faults.ts';

const roster = aRoster(40);
const ANSWERED = 30;
let rt: TestRuntime;
let reference: Awaited<ReturnType<typeof cellsBySegment>>;

/** A wave of the same directory with the same people answering the same: its cells must equal the reference's. */
async function anAnsweredWave() {
  const wave = await aWave(rt).withRoster(roster).open();
  // Mail goes out in directory order, so token i belongs to the same person in every wave.
  for (let i = 0; i < ANSWERED; i++) expect((await rt.post('/api/responses', { token: wave.tokens[i], answers: anAnswer(i) })).status).toBe(201);
  return wave;
}

const postClose = async (waveId: string) => {
  const response = await rt.staff(`/api/waves/${waveId}/close`, { method: 'POST' });
  return { status: response.status, jobId: ((await response.json()) as { jobId?: string }).jobId };
};

beforeAll(async () => {
  rt = await startTestRuntime();
  const wave = await anAnsweredWave();
  expect((await closeWave(rt, wave.waveId)).status).toBe('done');
  reference = await cellsBySegment(rt, wave.waveId);
  expect(Object.keys(reference).length).toBeGreaterThan(3);
});
afterAll(async () => {
  await rt.stop();
});

describe('one close, however many starts', () => {
  it.each([2, 3])('%i closes at the same instant answer one job and publish what one close publishes', async (starts) => {
    const { waveId } = await anAnsweredWave();
    const answers = await Promise.all(Array.from({ length: starts }, () => postClose(waveId)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(starts).fill(202));
    expect(new Set(answers.map((answer) => answer.jobId)).size).toBe(1);
    expect(await jobOutcome(rt, answers[0].jobId!)).toMatchObject({ status: 'done' });
    expect(await cellsBySegment(rt, waveId)).toEqual(reference);
  });

  it.each(CLOSE_STAGES.filter((stage) => stage !== CLOSE_STAGES[0]))(
    'a second close while the first is entering %s answers the same job and changes nothing',
    async (stage) => {
      const { waveId } = await anAnsweredWave();
      const gate = holdRequest(rt.engine.client, enteringCloseStage(waveId, stage));
      const first = await postClose(waveId);
      await gate.reached;
      const second = await postClose(waveId);
      expect(second).toEqual(first);
      gate.release();
      expect(await jobOutcome(rt, first.jobId!)).toMatchObject({ status: 'done' });
      expect(await postClose(waveId)).toEqual(first);
      expect(await cellsBySegment(rt, waveId)).toEqual(reference);
    },
  );
});

describe('one open, however many starts', () => {
  it('answers the same job to two opens at the same instant, and to an open after it finished', async () => {
    const { waveId } = await aWave(rt).withRoster(12).draft();
    const before = rt.mail.length;
    const opens = await Promise.all([0, 1].map(() => rt.staff(`/api/waves/${waveId}/open`, { method: 'POST' })));
    expect(opens.map((response) => response.status)).toEqual([202, 202]);
    const [first, second] = (await Promise.all(opens.map((response) => response.json()))) as Array<{ jobId: string }>;
    expect(second.jobId).toBe(first.jobId);
    expect(await jobOutcome(rt, first.jobId)).toMatchObject({ status: 'done' });
    expect(rt.mail.length - before).toBe(12);
    const again = await rt.staff(`/api/waves/${waveId}/open`, { method: 'POST' });
    expect(((await again.json()) as { jobId: string }).jobId).toBe(first.jobId);
  });
});
