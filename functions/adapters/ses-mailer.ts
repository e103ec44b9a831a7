/**
 * The cloud mailer: Amazon SES (v2 API), paced to the account's sending rate so that inviting a
 * 300,000-person wave never trips SES throttling. The rate is read once from the account
 * (`GetAccount` → `SendQuota.MaxSendRate`); each message waits for its own slot.
 */
import { GetAccountCommand, SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { MAIL_BATCH, type Mailer } from '../mailer.ts';

export interface SesMailerOptions {
  client: SESv2Client;
  /** The sender, e.g. `Baseline <surveys@example.org>`; its domain is a verified SES identity. */
  from: string;
  configurationSet?: string;
  /** Messages per second; read from the account when omitted. */
  maxSendRate?: number;
}

/** A mailer sending through SES no faster than the account allows. */
export function createSesMailer(options: SesMailerOptions): Mailer {
  let rate: Promise<number> | undefined;
  let nextSlot = 0;
  const sendingRate = () =>
    (rate ??=
      options.maxSendRate !== undefined
        ? Promise.resolve(options.maxSendRate)
        : options.client.send(new GetAccountCommand({})).then((account) => account.SendQuota?.MaxSendRate ?? 1));

  /** Reserve the next free slot and wait for it; concurrent callers queue up one interval apart. */
  const waitForSlot = async () => {
    const interval = 1000 / (await sendingRate());
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };

  return {
    // Every send waits for its own slot at the account's rate, so a whole batch may be in flight at
    // once: the rate, not a fixed number of sends in flight, is what limits the open and reminders
    // (eight at a time capped them at ~110 a second, whatever the account allows).
    concurrency: MAIL_BATCH,
    async send(message) {
      await waitForSlot();
      await options.client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [message.to] },
          ConfigurationSetName: options.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    },
  };
}
