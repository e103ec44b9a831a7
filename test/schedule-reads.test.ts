/**
 * The once-a-minute schedule check reads only the waves that have something due: not the
 * surveys, not every wave ever created. And no scheduled wave is missed: an edited schedule, a
 * wave opened by hand, and waves stored before due markers existed are all started on time.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILLED } from '../functions/store/due.ts';
import { putWave, type Wave } from '../functions/store/waves.ts';
import { runDueTransitions } from '../functions/waves/schedule.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { logRequests } from './helpers/request-log.ts';
import { aWave } from './helpers/scenario.ts';

let rt: TestRuntime;
let log: ReturnType<typeof logRequests>;
let surveyId: string;
beforeAll(async () => {
  rt = await startTestRuntime();
  log = logRequests(rt.engine.client);
  ({ surveyId } = await aWave(rt).withRoster(10).draft());
  // The first check gives waves stored before markers existed theirs; nothing is stored yet.
  await runDueTransitions(rt.deps);
});
afterAll(async () => {
  await rt.stop();
});

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const status = async (waveId: string) => ((await (await rt.staff(`/api/waves/${waveId}`)).json()) as { status: string }).status;

async function createWave(fields: Record<string, unknown>): Promise<string> {
  const created = await rt.staff(`/api/surveys/${surveyId}/waves`, {
    method: 'POST',
    body: JSON.stringify({ name: 'Scheduled', statementIds: ['mgmt-expectations'], ...fields }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

describe('the schedule check', () => {
  it('reads no wave when nothing is due, however many waves there are', async () => {
    for (let i = 0; i < 20; i++) await createWave({});
    await createWave({ opensAt: inMinutes(600), closesAt: inMinutes(700) });
    log.clear();
    expect(await runDueTransitions(rt.deps)).toBe(0);
    const waveReads = log.requests.filter((request) => request.key?.startsWith('WAVE#') || request.index !== undefined);
    expect(waveReads).toEqual([]);
    // The backfill flag and the due markers' partition.
    expect(log.requests.length).toBeLessThanOrEqual(2);
  });

  it('reads only the due wave, and opens it', async () => {
    const due = await createWave({ opensAt: inMinutes(1), closesAt: inMinutes(60) });
    log.clear();
    expect(await runDueTransitions(rt.deps, Date.now() + 61_000)).toBe(1);
    await rt.jobsIdle();
    // Of all the waves, only this one is read (by the check, and by the job it started).
    const wavesRead = new Set(
      log.requests.filter((request) => request.key?.endsWith('|META') && request.key.startsWith('WAVE#')).map((request) => request.key),
    );
    expect([...wavesRead]).toEqual([`WAVE#${due}|META`]);
    expect(log.requests.filter((request) => request.command === 'Query' && request.index !== undefined)).toEqual([]);
    expect(await status(due)).toBe('open');
    // Once open, its marker moves to its close: a minute later nothing is read for it.
    await runDueTransitions(rt.deps, Date.now() + 62_000);
    log.clear();
    expect(await runDueTransitions(rt.deps, Date.now() + 63_000)).toBe(0);
    expect(log.requests.filter((request) => request.key === `WAVE#${due}|META`)).toEqual([]);
    expect(await runDueTransitions(rt.deps, Date.now() + 61 * 60_000)).toBe(1);
    await rt.jobsIdle();
    expect(await status(due)).toBe('closed');
  });

  it('follows an edit that moves the opening earlier', async () => {
    const id = await createWave({ opensAt: inMinutes(120) });
    const edited = await rt.staff(`/api/surveys/${surveyId}/waves/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ name: 'Scheduled', statementIds: ['mgmt-expectations'], opensAt: inMinutes(5) }),
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    expect(await runDueTransitions(rt.deps, Date.now() + 6 * 60_000)).toBe(1);
    await rt.jobsIdle();
    expect(await status(id)).toBe('open');
  });

  it('closes a wave opened by hand at its closesAt', async () => {
    const id = await createWave({ closesAt: inMinutes(10) });
    expect((await rt.staff(`/api/waves/${id}/open`, { method: 'POST' })).status).toBe(202);
    await rt.jobsIdle();
    expect(await runDueTransitions(rt.deps, Date.now() + 11 * 60_000)).toBe(1);
    await rt.jobsIdle();
    expect(await status(id)).toBe('closed');
  });

  it('finds waves stored before due markers existed, once', async () => {
    const store = rt.deps.store;
    const wave: Wave = {
      id: 'legacy-wave',
      surveyId,
      name: 'Legacy',
      statementIds: ['mgmt-expectations'],
      k: 5,
      status: 'draft',
      createdAt: new Date().toISOString(),
      opensAt: inMinutes(-1),
    };
    await putWave(store, wave);
    // As stored by an earlier version: no marker, and the backfill not yet run.
    await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: { pk: 'DUE', sk: `${new Date(wave.opensAt!).toISOString()}#${wave.id}` } }));
    await store.doc.send(new DeleteCommand({ TableName: store.tables.main, Key: BACKFILLED }));
    expect(await runDueTransitions(rt.deps)).toBe(1);
    await rt.jobsIdle();
    expect(await status(wave.id)).toBe('open');
    log.clear();
    await runDueTransitions(rt.deps);
    expect(log.requests.filter((request) => request.index !== undefined)).toEqual([]);
  });
});
