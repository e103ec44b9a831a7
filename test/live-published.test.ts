/**
 * What live participation published while a wave was open, the close takes as known
 * (functions/waves/participation.ts `publishedWhileOpen`): the last refresh's counts, and every
 * group an earlier refresh showed with someone in, though a later refresh hid it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedWhileOpen } from '../functions/waves/participation.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeAll(async () => {
  // Refreshes are due at every request (participationRefreshMs 0).
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

type Shown = { segments: Array<{ id: string; label: string; responded: number | string }> };

describe('counts published while the wave was open', () => {
  it('include a group an earlier refresh showed with 5 in, after a later one hid it', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ email: `p${String(i).padStart(2, '0')}@acme.test`, orgUnit: i < 6 ? 'Acme > A' : 'Acme > B' }));
    const before = rt.mail.length;
    const { waveId } = await aWave(rt).withRoster(rows).open();
    const tokenOf = new Map(rt.mail.slice(before).map((message) => [message.to, /\/r#([A-Za-z0-9_-]{43})/.exec(message.text)![1]]));
    const answer = async (i: number) => expect((await rt.post('/api/responses', { token: tokenOf.get(rows[i].email), answers: anAnswer(i) })).status).toBe(201);
    const participation = async () => (await (await rt.staff(`/api/waves/${waveId}/participation`)).json()) as Shown;

    for (const i of [0, 1, 2, 3, 4]) await answer(i);
    const first = await participation();
    const unitA = first.segments.find((segment) => segment.label.endsWith('A'))!;
    expect(unitA.responded).toBe(5);
    // 2 in B: B hides, and A with it (everyone less A would give B's 2).
    for (const i of [6, 7]) await answer(i);
    const last = await participation();
    expect(last.segments.find((segment) => segment.id === unitA.id)?.responded).toBe('<k');

    expect(await publishedWhileOpen(rt.deps, waveId)).toContain(unitA.id);
  });
});
