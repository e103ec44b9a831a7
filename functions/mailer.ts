/** The mailer interface: embedded mode writes .eml files to the outbox; the cloud sends through SES. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from './crypto.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** How many messages a batch may have in flight at once; MAIL_CONCURRENCY when the mailer does not say. */
  readonly concurrency?: number;
}

/** The most people a job mails before it records how far it got: a crashed job mails at most this many again. */
export const MAIL_BATCH = 50;

/** Messages in flight at once within a batch, for a mailer that does not pace itself (the outbox). */
export const MAIL_CONCURRENCY = 8;

/**
 * Mail one batch with a bounded number of messages in flight. `sent` runs after each delivered
 * message (a reminder records it there). On the first failure no further message starts, and the
 * failure is thrown once those already in flight have settled, so the caller records nothing for
 * a batch that did not fully go out.
 */
export async function sendBatch<T>(mailer: Mailer, items: readonly T[], toMessage: (item: T) => MailMessage, sent?: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await mailer.send(toMessage(item));
        await sent?.(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(mailer.concurrency ?? MAIL_CONCURRENCY, items.length) }, worker));
  if (failure) throw failure.error;
}

/** One RFC 5322 .eml file per message under the outbox folder. */
export function createOutboxMailer(folder: string, from = 'Baseline <surveys@baseline.local>'): Mailer {
  let ready: Promise<unknown> | undefined;
  return {
    async send(message) {
      ready ??= mkdir(folder, { recursive: true });
      await ready;
      const headerSafe = (value: string) => value.replace(/[\r\n]+/g, ' ');
      const eml = [
        `From: ${from}`,
        `To: ${headerSafe(message.to)}`,
        `Subject: ${headerSafe(message.subject)}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        message.text,
        '',
      ].join('\r\n');
      await writeFile(join(folder, `${randomId(9)}.eml`), eml);
    },
  };
}

type Template = { subject: (survey: string) => string; opening: (survey: string) => string; privacy: string[] };

const PRIVACY = {
  en: [
    'This link is yours alone and works once. Nobody can see your individual answers:',
    'results are shown only for groups large enough that no one can be singled out.',
  ],
  sv: ['Länken är bara din och fungerar en gång. Ingen kan se dina enskilda svar:', 'resultat visas bara för grupper som är så stora att ingen kan pekas ut.'],
};

/** Mail templates per language; a person's `locale` column picks one, English otherwise. */
const TEMPLATES: Record<'invitation' | 'reminder', Record<string, Template>> = {
  invitation: {
    en: {
      subject: (survey) => `${survey}: your confidential survey link`,
      opening: (survey) => `You are invited to answer "${survey}". It takes about a minute.`,
      privacy: PRIVACY.en,
    },
    sv: {
      subject: (survey) => `${survey}: din konfidentiella enkätlänk`,
      opening: (survey) => `Du är inbjuden att svara på "${survey}". Det tar ungefär en minut.`,
      privacy: PRIVACY.sv,
    },
  },
  reminder: {
    en: {
      subject: (survey) => `Reminder: ${survey}`,
      opening: (survey) => `"${survey}" is still open, and your voice counts. It takes about a minute.`,
      privacy: PRIVACY.en,
    },
    sv: {
      subject: (survey) => `Påminnelse: ${survey}`,
      opening: (survey) => `"${survey}" är fortfarande öppen, och din röst räknas. Det tar ungefär en minut.`,
      privacy: PRIVACY.sv,
    },
  },
};

/**
 * An invitation or reminder: the link carries the token in its fragment, which never reaches a
 * server log. Nobody but the mailer learns who got a reminder.
 */
export function surveyMessage(kind: 'invitation' | 'reminder', to: string, locale: string | undefined, surveyName: string, link: string): MailMessage {
  const template = TEMPLATES[kind][locale ?? 'en'] ?? TEMPLATES[kind].en;
  return { to, subject: template.subject(surveyName), text: [template.opening(surveyName), '', link, '', ...template.privacy].join('\r\n') };
}
