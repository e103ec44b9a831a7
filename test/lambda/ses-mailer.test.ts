import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../functions/adapters/ses-mailer.ts';
import { MAIL_BATCH, sendBatch } from '../../functions/mailer.ts';
import { startFakeAws, type FakeAws } from './fake-aws.ts';

let aws: FakeAws;
const client = () => new SESv2Client({ endpoint: aws.url, region: 'eu-north-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const message = (index: number) => ({ to: `person${index}@acme.test`, subject: 'Pulse: your confidential survey link', text: `link ${index}` });

beforeAll(async () => {
  aws = await startFakeAws();
  if (new URL(aws.url).hostname !== '127.0.0.1') throw new Error('refusing to run against a non-local SES');
});
afterAll(() => aws.stop());

describe('SES mailer', () => {
  it("never sends faster than the account's sending rate, even when asked all at once", async () => {
    aws.mail.length = 0;
    aws.maxSendRate = 20;
    const mailer = createSesMailer({ client: client(), from: 'surveys@example.org' });
    const start = performance.now();
    await Promise.all(Array.from({ length: 10 }, (_, index) => mailer.send(message(index))));
    expect(aws.mail).toHaveLength(10);
    // 20 a second is one every 50 ms: the k-th message may leave no earlier than k intervals after
    // the first (a busy machine only makes it later; 2 ms of timer rounding allowed).
    aws.mail
      .map((mail) => mail.at - start)
      .sort((a, b) => a - b)
      .forEach((elapsed, k) => expect(elapsed).toBeGreaterThanOrEqual(k * 50 - 2));
  });

  it('sends each message to its one recipient, as plain UTF-8 text through the configuration set', async () => {
    aws.mail.length = 0;
    const mailer = createSesMailer({ client: client(), from: 'Baseline <surveys@example.org>', configurationSet: 'invitations', maxSendRate: 100 });
    await mailer.send({ to: 'åsa@acme.test', subject: 'Puls: din länk', text: 'Hej!\r\nhttps://survey.example.org/r#abc' });
    expect(aws.mail).toEqual([
      expect.objectContaining({
        to: ['åsa@acme.test'],
        from: 'Baseline <surveys@example.org>',
        subject: 'Puls: din länk',
        text: 'Hej!\r\nhttps://survey.example.org/r#abc',
        configurationSet: 'invitations',
      }),
    ]);
  });

  it("has a whole batch in flight at once, so the open sends at the account's rate, not a fixed few at a time", async () => {
    aws.mail.length = 0;
    const ses = client();
    let inFlight = 0;
    let most = 0;
    let release: () => void = () => {};
    const allIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Each request waits until the whole batch is in flight (or 2 s pass: then fewer were let out at once).
    ses.middlewareStack.add(
      (next) => async (args) => {
        most = Math.max(most, ++inFlight);
        if (inFlight === MAIL_BATCH) release();
        await Promise.race([allIn, new Promise((resolve) => setTimeout(resolve, 2000))]);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'count-in-flight' },
    );
    const mailer = createSesMailer({ client: ses, from: 'surveys@example.org', maxSendRate: 10_000 });
    await sendBatch(
      mailer,
      Array.from({ length: MAIL_BATCH }, (_, index) => index),
      message,
    );
    expect(aws.mail).toHaveLength(MAIL_BATCH);
    expect(most).toBe(MAIL_BATCH);
  });
});
