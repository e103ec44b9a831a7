/**
 * Mail at most once per batch in flight: an open or a reminder round that dies anywhere and is run
 * again re-sends at most the batch that was in flight (≤ MAIL_BATCH mails, ≤ 1 extra per person),
 * and two runs of the same open at once together mail at most one batch twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../functions/deps.ts';
import { MAIL_BATCH, type MailMessage, type Mailer } from '../functions/mailer.ts';
import { openWave } from '../functions/waves/open-wave.ts';
import { remindWave } from '../functions/waves/remind-wave.ts';
import { startTestRuntime, type TestRuntime } from './helpers/embedded.ts';
import { anAnswer, aWave } from './helpers/scenario.ts';

const PEOPLE = 300;

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.stop();
});

/** A mailer that records every message and dies (throws, as a killed process stops) at the given send. */
function aCrashingMailer(sent: MailMessage[], crashAtSend?: number): Mailer {
  let count = 0;
  return {
    async send(message) {
      if (++count === crashAtSend) throw new Error('process killed while mailing');
      sent.push(message);
    },
  };
}

/** An SDK middleware that fails the `nth` request matching `matches`, as a crash at that write would. */
function crashAtRequest(matches: (command: string, input: Record<string, unknown>) => boolean, nth: number): () => void {
  let seen = 0;
  const name = `crash-${Math.random()}`;
  rt.engine.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (matches(context.commandName ?? '', args.input as Record<string, unknown>) && ++seen === nth) throw new Error('process killed at a write');
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => rt.engine.client.middlewareStack.remove(name);
}

function mailsPerPerson(sent: MailMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sent) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
  return counts;
}

/** Everyone got the mail, nobody more than twice, and at most one batch went out twice. */
function expectAtMostOneBatchExtra(sent: MailMessage[], people: number) {
  const counts = mailsPerPerson(sent);
  expect(counts.size).toBe(people);
  expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
  expect(sent.length - people).toBeLessThanOrEqual(MAIL_BATCH);
}

const withMailer = (mailer: Mailer): AppDeps => ({ ...rt.deps, mailer });

// The document client's commands reach the middleware under either name, depending on the step.
const isUpdate = (command: string) => command === 'UpdateCommand' || command === 'UpdateItemCommand';
const isWaveCheckpoint = (command: string, input: Record<string, unknown>) =>
  isUpdate(command) && String(input.UpdateExpression).includes('openedThrough') && String(input.ConditionExpression).includes(':opening');
const isInvitationWrite = (command: string, input: Record<string, unknown>) =>
  (command === 'BatchWriteCommand' || command === 'BatchWriteItemCommand') &&
  Object.keys((input.RequestItems ?? {}) as object).includes(rt.deps.store.tables.ephemeral);
const isReminderCursor = (command: string, input: Record<string, unknown>) => isUpdate(command) && String(input.UpdateExpression).includes('reminderCursor');

describe('a resumed open', () => {
  it.each([
    ['the mailer dies in the middle of the fourth batch', { crashAtSend: 3 * MAIL_BATCH + 17 }],
    ['the checkpoint after the third batch fails (all its mail went out)', { request: [isWaveCheckpoint, 3] as const }],
    ['the invitations of the fifth batch fail to write', { request: [isInvitationWrite, 9] as const }],
  ])('re-mails at most the batch in flight when %s', async (_point, crash: { crashAtSend?: number; request?: readonly [typeof isWaveCheckpoint, number] }) => {
    const { waveId } = await aWave(rt).withRoster(PEOPLE).draft();
    const sent: MailMessage[] = [];
    const removeCrash = crash.request ? crashAtRequest(...crash.request) : () => {};
    await expect(openWave(withMailer(aCrashingMailer(sent, crash.crashAtSend)), waveId, { jobId: `open-${waveId}` })).rejects.toThrow(/process killed/);
    removeCrash();
    expect(sent.length).toBeGreaterThan(MAIL_BATCH);
    expect(sent.length).toBeLessThan(PEOPLE);

    expect(await openWave(withMailer(aCrashingMailer(sent)), waveId, { jobId: `open-${waveId}` })).toMatchObject({ done: true });
    expectAtMostOneBatchExtra(sent, PEOPLE);
    expect((await (await rt.staff(`/api/waves/${waveId}`)).json()).status).toBe('open');
  });

  it('started twice at once mails at most one batch twice, and both runs end with the wave open', async () => {
    const { waveId } = await aWave(rt).withRoster(PEOPLE).draft();
    const sent: MailMessage[] = [];
    let second: Promise<unknown> | undefined;
    const deps = withMailer({
      async send(message) {
        sent.push(message);
        // The second run starts once the first is mailing, as a retried or re-posted open would.
        second ??= openWave(deps, waveId, { jobId: `second-${waveId}` });
      },
    });
    const first = await openWave(deps, waveId, { jobId: `first-${waveId}` });
    expect(first).toMatchObject({ done: true });
    expect(await second).toMatchObject({ done: true });
    expectAtMostOneBatchExtra(sent, PEOPLE);
  });
});

describe('a resumed reminder round', () => {
  it.each([
    ['the mailer dies in the middle of the round', { crashAtSend: 2 * MAIL_BATCH + 9 }],
    ['moving the cursor past a sent batch fails', { request: [isReminderCursor, 5] as const }],
  ])('re-sends at most the batch in flight when %s', async (_point, crash: { crashAtSend?: number; request?: readonly [typeof isReminderCursor, number] }) => {
    const { tokens, waveId } = await aWave(rt).withRoster(PEOPLE).open();
    const answered = 40;
    for (let i = 0; i < answered; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const reminders: MailMessage[] = [];
    const removeCrash = crash.request ? crashAtRequest(...crash.request) : () => {};
    await expect(remindWave(withMailer(aCrashingMailer(reminders, crash.crashAtSend)), waveId, 1, { jobId: `remind-${waveId}` })).rejects.toThrow(
      /process killed/,
    );
    removeCrash();
    expect(reminders.length).toBeGreaterThan(MAIL_BATCH);

    expect(await remindWave(withMailer(aCrashingMailer(reminders)), waveId, 1, { jobId: `remind-${waveId}` })).toMatchObject({ done: true });
    expectAtMostOneBatchExtra(reminders, PEOPLE - answered);
  });

  it('run twice at once mails at most one batch twice', async () => {
    const { tokens, waveId } = await aWave(rt).withRoster(PEOPLE).open();
    for (let i = 0; i < 40; i++) expect((await rt.post('/api/responses', { token: tokens[i], answers: anAnswer(i) })).status).toBe(201);
    const reminders: MailMessage[] = [];
    let second: Promise<unknown> | undefined;
    const deps = withMailer({
      async send(message) {
        reminders.push(message);
        // A duplicate invocation of the same job starts once the first is mailing.
        second ??= remindWave(deps, waveId, 1, { jobId: `twice-${waveId}` });
      },
    });
    expect(await remindWave(deps, waveId, 1, { jobId: `twice-${waveId}` })).toMatchObject({ done: true });
    await second;
    expectAtMostOneBatchExtra(reminders, PEOPLE - 40);
  });
});
