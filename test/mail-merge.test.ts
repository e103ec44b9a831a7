/** The mail-free path: a wave opened for mail merge mails nobody; its links come from the audited export and work. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../shared/csv.ts';
import { listAudit } from '../functions/store/audit.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

describe('opening a wave for mail merge', () => {
  it('mails nobody, and the exported links (recorded in the audit log) are the invitations', async () => {
    const { waveId } = await aWave(rt).withRoster(12).draft();
    const opened = await rt.staff(`/api/waves/${waveId}/open?delivery=mail-merge`, { method: 'POST' });
    expect(opened.status).toBe(202);
    await rt.jobsIdle();
    const wave = (await (await rt.staff(`/api/waves/${waveId}`)).json()) as { status: string; invited: number; delivery: string };
    expect(wave).toMatchObject({ status: 'open', invited: 12, delivery: 'mail-merge' });
    expect(rt.mail).toEqual([]);

    const rows = parseCsv(await (await rt.staff(`/api/waves/${waveId}/invitations.csv`)).text()).slice(1);
    expect(rows).toHaveLength(12);
    const token = rows[0].fields[1].split('#')[1];
    expect((await rt.post('/api/responses', { token, answers: anAnswer(0) })).status).toBe(201);
    const audit = await listAudit(rt.deps.store);
    expect(audit.filter((entry) => entry.waveId === waveId)).toEqual([expect.objectContaining({ action: 'invitation-links-exported' })]);
  });

  it('refuses a delivery it does not know, naming the field', async () => {
    const { waveId } = await aWave(rt).withRoster(12).draft();
    const response = await rt.staff(`/api/waves/${waveId}/open?delivery=carrier-pigeon`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('delivery');
  });
});
