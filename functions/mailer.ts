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

/** The invitation text: the link carries the token in its fragment, which never reaches a server log. */
export function invitationMessage(to: string, surveyName: string, link: string): MailMessage {
  return {
    to,
    subject: `${surveyName}: your confidential survey link`,
    text: [
      `You are invited to answer "${surveyName}". It takes about a minute.`,
      '',
      link,
      '',
      'This link is yours alone and works once. Nobody can see your individual answers:',
      'results are shown only for groups large enough that no one can be singled out.',
    ].join('\r\n'),
  };
}
