/** Reminders reach only those who have not answered, in their language, and HR learns only a count. */
import { describe, expect, it } from 'vitest';
import { MAIL_BATCH } from '../functions/mailer.ts';
import { SHARD_COUNT } from '../shared/keys.ts';
import type { CapacityMeter } from './bench/capacity-meter.ts';
import { withMeteredRuntime } from './helpers/metered.ts';
import type { TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aRoster, aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let meter: CapacityMeter;
withMeteredRuntime((running) => ({ rt, meter } = running));

async function remind(waveId: string) {
  const started = await rt.staff(`/api/waves/${waveId}/remind`, { method: 'POST' });
  expect(started.status).toBe(202);
  const { jobId, round } = (await started.json()) as { jobId: string; round: number };
  await rt.jobsIdle();
  const job = await (await rt.staff(`/api/jobs/${jobId}`)).text();
  return { round, job };
}

describe('reminders', () => {
  it('go to the invitees who have not answered, once per round, in their language', async () => {
    // Every third person reads Swedish.
    const roster = aRoster(12).map((person, index) => ({ ...person, locale: index % 3 === 0 ? 'sv' : '' }));
    const { waveId, tokens } = await aWave(rt).withRoster(roster).open();
    const invitations = rt.mail.splice(0);
    expect(invitations.filter((message) => message.subject.includes('din konfidentiella enkätlänk'))).toHaveLength(4);
    for (const i of [0, 1, 2, 3, 4]) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);

    const first = await remind(waveId);
    expect(first.round).toBe(1);
    const notAnswered = invitations
      .slice(5)
      .map((message) => message.to)
      .sort();
    expect(rt.mail.map((message) => message.to).sort()).toEqual(notAnswered);
    expect(rt.mail.every((message) => message.subject.startsWith('Reminder: ') || message.subject.startsWith('Påminnelse: '))).toBe(true);
    expect(
      rt.mail
        .filter((message) => message.subject.startsWith('Påminnelse: '))
        .map((message) => message.to)
        .sort(),
    ).toEqual(
      invitations
        .slice(5)
        .filter((message) => message.subject.includes('enkätlänk'))
        .map((message) => message.to)
        .sort(),
    );
    // The reminder links are the same personal links as the invitations.
    expect(rt.mail.map((message) => /\/r#(\S+)/.exec(message.text)![1]).sort()).toEqual(tokens.slice(5).sort());
    // What staff can read says how many, never who.
    expect(first.job).toContain('"reminded":7');
    expect(first.job).not.toMatch(/@acme\.test/);

    rt.mail.splice(0);
    for (const i of [5, 6]) await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) });
    const second = await remind(waveId);
    expect(second.round).toBe(2);
    expect(rt.mail).toHaveLength(5);
  });

  it('say how many were reminded only where that does not tell that 1..k−1 have answered', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(aRoster(12)).open();
    rt.mail.splice(0);
    for (const i of [0, 1, 2]) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const { job } = await remind(waveId);
    // 9 reminded of 12 invited would say 3 answered, a total live participation hides (k = 5).
    expect(rt.mail).toHaveLength(9);
    expect(job).not.toContain('"reminded"');
  });

  it('refuse a wave that is not open', async () => {
    const { waveId } = await aWave(rt).withRoster(aRoster(8)).draft();
    expect((await rt.staff(`/api/waves/${waveId}/remind`, { method: 'POST' })).status).toBe(409);
  });

  it('write a cursor per batch of mail, not a mark per person reminded, and read each invitation once', async () => {
    const { waveId, tokens } = await aWave(rt).withRoster(400).open();
    for (let i = 0; i < 40; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    rt.mail.splice(0);
    const { job } = await meter.run('reminder round', () => remind(waveId));
    expect(job).toContain('"reminded":360');
    // The cursor names a token hash: the job's record as staff read it leaves it out.
    expect(job).not.toContain('reminderCursor');
    expect(rt.mail).toHaveLength(360);
    // The job's record and the wave's round count, then one cursor move per batch and per shard:
    // 360 people reminded cost ~20 write units (one per person would be 360 more).
    const { writeUnits, readUnits } = meter.phase('reminder round');
    expect(writeUnits).toBeLessThanOrEqual(4 + SHARD_COUNT + Math.ceil(360 / MAIL_BATCH));
    // Each invitation read once, by the scan (by size: 400 are a few dozen units), not again by key (half a unit each).
    expect(readUnits).toBeLessThan(400 / 2);
  });
});
