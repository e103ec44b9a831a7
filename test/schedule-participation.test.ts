import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueTransitions } from '../functions/waves/schedule.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime();
});
afterEach(async () => {
  await rt.stop();
});

type Participation = {
  status: string;
  invited: number;
  responded: number | '<k';
  segments: Array<{ label: string; invited: number | '<k'; responded: number | '<k' }>;
};

describe('participation while a wave is open', () => {
  it('counts answered invitations per segment and shows "<k" where fewer than k answered', async () => {
    const roster = aRoster(40, ['Acme > Technology', 'Acme > Product']);
    const { waveId, tokens } = await aWave(rt).withRoster(roster).withK(5).open();
    // 12 in Technology answer, 3 in Product (tokens go out in directory order: even rows are Technology).
    for (let i = 0; i < 24; i += 2) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    for (let i = 1; i < 6; i += 2) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const participation = (await (await rt.staff(`/api/waves/${waveId}/participation`)).json()) as Participation;
    expect(participation).toMatchObject({ status: 'open', invited: 40, responded: 15 });
    const unit = (label: string) => participation.segments.find((segment) => segment.label === label)!;
    expect(unit('Acme > Product').responded).toBe('<k');
    // Technology alone would reveal Product's 3 by subtraction from the total: it is hidden too.
    expect(unit('Acme > Technology').responded).toBe('<k');
    expect(unit('Acme > Technology').invited).toBe(20);
  });
});

describe('scheduled transitions', () => {
  it('opens a draft wave whose opensAt has passed and closes an open wave whose closesAt has passed', async () => {
    const { surveyId, waveId: unscheduled } = await aWave(rt).withRoster(10).draft();
    const opensAt = new Date(Date.now() + 60_000).toISOString();
    const closesAt = new Date(Date.now() + 120_000).toISOString();
    const created = await rt.staff(`/api/surveys/${surveyId}/waves`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Scheduled', statementIds: ['mgmt-expectations'], opensAt, closesAt }),
    });
    const { id } = (await created.json()) as { id: string };
    const status = async (waveId: string) => ((await (await rt.staff(`/api/waves/${waveId}`)).json()) as { status: string }).status;

    expect(await runDueTransitions(rt.deps, Date.now())).toBe(0);
    expect(await runDueTransitions(rt.deps, Date.now() + 61_000)).toBe(1);
    await rt.jobsIdle();
    expect(await status(id)).toBe('open');
    expect(await runDueTransitions(rt.deps, Date.now() + 121_000)).toBe(1);
    await rt.jobsIdle();
    expect(await status(id)).toBe('closed');
    expect(await status(unscheduled)).toBe('draft');
  });
});
