/** HR runs a wave: the order it chose, drafts edited and deleted, the invitee count, a scheduled reminder, and what the directory says is in force. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putStatement } from '../functions/store/statements.ts';
import { putSurvey, putWave } from '../functions/store/waves.ts';
import { putInitiative } from '../functions/store/initiatives.ts';
import { removeDemo } from '../functions/demo/remove-demo.ts';
import { runDueTransitions } from '../functions/waves/schedule.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave, rosterCsv, STATEMENTS } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

const json = (body: unknown) => JSON.stringify(body);
type PublicWave = { id: string; name: string; statementIds: string[]; status: string; remindAt?: string; opensAt?: string };

describe('a draft wave', () => {
  it('keeps the statement order HR chose, in the questionnaire too', async () => {
    const { surveyId, waveId } = await aWave(rt).draft();
    const order = ['comment', 'training', 'enps', 'mgmt-expectations'];
    const edited = await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, {
      method: 'PUT',
      body: json({ name: 'Spring, edited', statementIds: order, minGroupSize: 5 }),
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    expect(((await edited.json()) as PublicWave).statementIds).toEqual(order);
    const before = rt.mail.length;
    expect((await rt.staff(`/api/waves/${waveId}/open`, { method: 'POST' })).status).toBe(202);
    await rt.jobsIdle();
    const token = rt.tokens()[before];
    const questionnaire = (await (await rt.post('/api/questionnaire', { token })).json()) as { statements: { id: string }[] };
    expect(questionnaire.statements.map((statement) => statement.id)).toEqual(order);
    // Opened, it is no longer a draft: neither edited nor deleted.
    expect(
      (await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, { method: 'PUT', body: json({ name: 'x', statementIds: order, minGroupSize: 5 }) })).status,
    ).toBe(409);
    expect((await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, { method: 'DELETE' })).status).toBe(409);
  });

  it('can be scheduled, rescheduled without dates, and deleted', async () => {
    const { surveyId, waveId } = await aWave(rt).draft();
    const statementIds = ['mgmt-expectations'];
    const scheduled = {
      name: 'Autumn',
      statementIds,
      minGroupSize: 5,
      opensAt: '2031-09-01T08:00:00Z',
      closesAt: '2031-09-15T16:00:00Z',
      remindAt: '2031-09-13T08:00:00Z',
    };
    const put = await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, { method: 'PUT', body: json(scheduled) });
    expect(((await put.json()) as PublicWave).remindAt).toBe('2031-09-13T08:00:00Z');
    const late = await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, { method: 'PUT', body: json({ ...scheduled, remindAt: '2031-09-16T08:00:00Z' }) });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: { field: string } }).error.field).toBe('remindAt');
    const unscheduled = (await (
      await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, { method: 'PUT', body: json({ name: 'Autumn', statementIds, minGroupSize: 5 }) })
    ).json()) as PublicWave;
    expect(unscheduled.opensAt).toBeUndefined();
    expect(unscheduled.remindAt).toBeUndefined();
    expect((await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}`, { method: 'DELETE' })).status).toBe(204);
    const survey = (await (await rt.staff(`/api/surveys/${surveyId}`)).json()) as { waves: PublicWave[] };
    expect(survey.waves.map((wave) => wave.id)).not.toContain(waveId);
  });

  it('says how many people opening it would invite, audience included', async () => {
    const { surveyId, waveId } = await aWave(rt).withRoster(40).withAudience(['Acme > Technology']).draft();
    const answer = (await (await rt.staff(`/api/surveys/${surveyId}/waves/${waveId}/invitees`)).json()) as { invitees: number };
    // aRoster puts people round-robin over four units, two of them under Technology.
    expect(answer.invitees).toBe(20);
  });
});

describe('an open wave', () => {
  it('does not count a reply with every statement skipped, and the link stays usable', async () => {
    const { tokens } = await aWave(rt).open();
    const empty = await rt.post('/api/responses', { token: tokens[0], answers: {} });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { field: string } }).error.field).toBe('answers');
    expect((await rt.post('/api/responses', { token: tokens[0], answers: anAnswer(0) })).status).toBe(201);
  });

  it('opens the questionnaire in the invitation’s language, unless the person chose another', async () => {
    const roster = aRoster(8).map((person, index) => ({ ...person, locale: index % 2 === 0 ? 'sv' : 'en' }));
    const before = rt.mail.length;
    await aWave(rt).withRoster(roster).open();
    const mailed = rt.mail.slice(before);
    const swedish = rt.tokens()[before + mailed.findIndex((message) => message.subject.includes('enkätlänk'))];
    const ask = (body: object, browser = 'en-GB,en') =>
      rt.app.request('/api/questionnaire', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': browser },
        body: json({ token: swedish, ...body }),
      });
    expect(((await (await ask({})).json()) as { lang: string }).lang).toBe('sv');
    expect(((await (await ask({ lang: 'en' })).json()) as { lang: string }).lang).toBe('en');
  });

  it('sends its scheduled reminder once, however often the schedule is checked', async () => {
    const { waveId, surveyId } = await aWave(rt).withRoster(10).open();
    const wave = (await (await rt.staff(`/api/surveys/${surveyId}`)).json()) as { waves: Array<PublicWave & Record<string, unknown>> };
    const stored = wave.waves.find((candidate) => candidate.id === waveId)!;
    expect(stored.status).toBe('open');
    // Give the open wave a reminder time in the past, as if it had been scheduled on the form.
    const { getWave } = await import('../functions/store/waves.ts');
    await putWave(rt.deps.store, { ...(await getWave(rt.deps.store, waveId)), remindAt: new Date(Date.now() - 60_000).toISOString() });
    const before = rt.mail.length;
    const checks = await Promise.all([runDueTransitions(rt.deps), runDueTransitions(rt.deps)]);
    await rt.jobsIdle();
    expect(checks.reduce((sum, started) => sum + started, 0)).toBeGreaterThanOrEqual(1);
    expect(rt.mail.slice(before).filter((message) => message.subject.startsWith('Reminder: '))).toHaveLength(10);
    expect(await runDueTransitions(rt.deps)).toBe(0);
  });
});

describe('the people directory', () => {
  it('says what is in force: when, how many people, units, attributes and languages', async () => {
    const rows = aRoster(6).map((person, index) => ({ ...person, locale: index < 2 ? 'sv' : '' }));
    expect((await rt.staff('/api/roster', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: rosterCsv(rows) })).status).toBe(200);
    const inForce = (await (await rt.staff('/api/roster')).json()) as {
      people: number;
      units: number;
      attributes: string[];
      locales: Record<string, number>;
      uploadedAt: string;
    };
    expect(inForce).toMatchObject({ people: 6, units: 4, attributes: ['tenure'], locales: { sv: 2, '': 4 } });
    expect(Date.now() - Date.parse(inForce.uploadedAt)).toBeLessThan(60_000);
  });
});

describe('removing the demo', () => {
  it('keeps a demo statement the organization uses and never frees a removed id', async () => {
    const demoStatement = (id: string) => ({ id, text: { en: `Demo ${id}` }, scale: 'agree5' as const, theme: 'Demo', demo: true });
    await putStatement(rt.deps.store, demoStatement('demo-used'));
    await putStatement(rt.deps.store, demoStatement('demo-unused'));
    const createdAt = new Date().toISOString();
    await putSurvey(rt.deps.store, { id: 'demo-survey', name: 'Demo survey', createdAt, demo: true });
    await putWave(rt.deps.store, {
      id: 'demo-wave',
      surveyId: 'demo-survey',
      name: 'Demo wave',
      statementIds: ['demo-used', 'demo-unused'],
      k: 5,
      status: 'draft',
      createdAt,
      demo: true,
    });
    // The organization's own wave, created under the demo survey, uses one demo statement.
    const own = await rt.staff('/api/surveys/demo-survey/waves', {
      method: 'POST',
      body: json({ name: 'Ours', statementIds: ['demo-used', STATEMENTS[0].id], minGroupSize: 5 }),
    });
    expect(own.status).toBe(201);

    await removeDemo(rt.deps);

    const bank = ((await (await rt.staff('/api/statements')).json()) as { statements: { id: string; demo?: boolean }[] }).statements;
    expect(bank.find((statement) => statement.id === 'demo-used')).toMatchObject({ id: 'demo-used' });
    expect(bank.find((statement) => statement.id === 'demo-used')!.demo).toBeUndefined();
    expect(bank.map((statement) => statement.id)).not.toContain('demo-unused');
    const survey = (await (await rt.staff('/api/surveys/demo-survey')).json()) as { waves: PublicWave[] };
    expect(survey.waves.map((wave) => wave.name)).toEqual(['Ours']);
    const reused = await rt.staff('/api/statements', {
      method: 'POST',
      body: json({ id: 'demo-unused', text: { en: 'Something else entirely' }, scale: 'agree5', theme: 'Other' }),
    });
    expect(reused.status).toBe(409);
    // A retired id cannot be put into a wave either.
    const retiredInWave = await rt.staff('/api/surveys/demo-survey/waves', {
      method: 'POST',
      body: json({ name: 'Again', statementIds: ['demo-unused'], minGroupSize: 5 }),
    });
    expect(retiredInWave.status).toBe(400);
  });

  it('keeps a demo statement that an imported wave or an initiative of the organization uses', async () => {
    const demoStatement = (id: string) => ({ id, text: { en: `Demo ${id}` }, scale: 'agree5' as const, theme: 'Demo', demo: true });
    await putStatement(rt.deps.store, demoStatement('demo-imported'));
    await putStatement(rt.deps.store, demoStatement('demo-hypothesis'));
    const createdAt = new Date().toISOString();
    // The organization's own survey holds an imported wave (another vendor's results) that names a demo statement.
    await putSurvey(rt.deps.store, { id: 'own-survey', name: 'Vendor survey', createdAt });
    await putWave(rt.deps.store, {
      id: 'own-import',
      surveyId: 'own-survey',
      name: 'Vendor 2014',
      statementIds: ['demo-imported'],
      k: 5,
      status: 'closed',
      createdAt,
      imported: true,
    });
    // And a working group's own initiative hypothesises about another.
    await putInitiative(rt.deps.store, {
      id: 'own-initiative',
      name: 'Ours',
      hypothesis: 'It rises',
      statements: [{ id: 'demo-hypothesis', direction: 'up' }],
      target: { unit: 'Org > Tech' },
      baselineWaveIds: ['own-import'],
      followUpWaveIds: [],
      phase: 'think',
      createdAt,
      targetLabel: 'Org > Tech',
      comparisonLabel: '¬ Org > Tech',
    });

    await removeDemo(rt.deps);

    const bank = ((await (await rt.staff('/api/statements')).json()) as { statements: { id: string; demo?: boolean }[] }).statements;
    expect(
      bank.filter((statement) => statement.id === 'demo-imported' || statement.id === 'demo-hypothesis').map((statement) => [statement.id, statement.demo]),
    ).toEqual([
      ['demo-hypothesis', undefined],
      ['demo-imported', undefined],
    ]);
  });
});
