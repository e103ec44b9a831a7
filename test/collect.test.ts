import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave, closeWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime();
});
afterEach(async () => {
  await rt.stop();
});

describe('collecting responses', () => {
  it('opens a wave, mails one link per person, takes an answer once and closes with exact counts', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(40).open();
    expect(tokens).toHaveLength(40);
    expect(new Set(tokens).size).toBe(40);

    const questionnaire = await rt.post('/api/questionnaire', { token: tokens[0], lang: 'sv' });
    expect(questionnaire.status).toBe(200);
    const body = (await questionnaire.json()) as { lang: string; statements: Array<{ id: string; text: string }> };
    expect(body.lang).toBe('sv');
    expect(body.statements.find((s) => s.id === 'mgmt-expectations')?.text).toBe('Ledningen gör sina förväntningar tydliga');

    for (let i = 0; i < 30; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    expect((await rt.post('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(409);

    const close = await closeWave(rt, waveId);
    expect(close.status, close.error).toBe('done');
    const participation = (await (await rt.staff(`/api/waves/${waveId}/participation`)).json()) as { invited: number; responded: number };
    expect(participation).toMatchObject({ invited: 40, responded: 30 });
    expect((await rt.post('/api/responses', { token: tokens[35], answers: {} })).status).toBe(410);
  });

  it("takes the respondent page's JSON sent as text/plain (a CORS-simple request to the function URL), and nothing else untyped", async () => {
    const { tokens } = await aWave(rt).withRoster(10).open();
    const asText = (path: string, body: unknown, type = 'text/plain;charset=UTF-8') =>
      rt.app.request(path, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
    expect((await asText('/api/questionnaire', { token: tokens[0] })).status).toBe(200);
    expect((await asText('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(201);
    expect((await asText('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(409);
    const refused = await asText('/api/responses', { token: tokens[1], answers: anAnswer(1) }, 'application/x-www-form-urlencoded');
    expect(refused.status).toBe(400);
  });
});
