/** Sends one mail per person, each with a Message-ID derived from the business key, so retries are recognised. */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { scopedMessageId } from '../domain/ids';
import type { Language } from '../domain/types';
import type { PersonConfig } from '../config/schema';
import type { Mailer, OutgoingMail } from './mailer';

/**
 * Heartbeats let Temporal notice a crashed worker within seconds instead of at the start-to-close
 * timeout. Outside an activity (tests of the activities themselves) there is nobody to tell.
 */
export function heartbeat(progress: number): void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(progress);
}

/**
 * Keeps heartbeating while one mail waits for a pooled SMTP connection: under load a mail can queue
 * longer than the heartbeat timeout, and a live activity taken for dead is retried, mailing twice.
 */
async function keepingAlive<T>(work: Promise<T>, progress: number): Promise<T> {
  heartbeat(progress);
  const timer = setInterval(() => heartbeat(progress), 2_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

function personKey(person: PersonConfig): string {
  // A stable, non-identifying part of the Message-ID, one per recipient.
  return createHash('sha256').update(person.email.toLowerCase()).digest('hex').slice(0, 12);
}

function mailDomain(secretariatEmail: string): string {
  return secretariatEmail.split('@')[1] ?? 'localhost';
}

export type MailBuilder = (person: PersonConfig, language: Language) => Omit<OutgoingMail, 'to' | 'language' | 'from' | 'messageId'> & { idSubject: string };

export function createSender(mailer: Mailer) {
  return async function sendToEach(
    people: readonly PersonConfig[],
    defaultLanguage: Language,
    build: MailBuilder,
    from: { name: string; email: string },
    scope: string,
    kind: string,
    sequence: number,
  ): Promise<{ messageIds: string[]; rejected: string[] }> {
    const sent: string[] = [];
    const rejected: string[] = [];
    const seen = new Set<string>();
    for (const person of people) {
      if (seen.has(person.email.toLowerCase())) continue; // one person in two roles gets one mail
      seen.add(person.email.toLowerCase());
      const language = person.language ?? defaultLanguage;
      const { idSubject, ...mail } = build(person, language);
      const messageId = scopedMessageId(scope, `${idSubject}.${personKey(person)}`, kind, sequence, mailDomain(from.email));
      const result = await keepingAlive(mailer.send({ ...mail, from: `${from.name} <${from.email}>`, to: [person.email], language, messageId }), sent.length);
      sent.push(result.messageId);
      rejected.push(...result.rejected);
    }
    return { messageIds: sent, rejected };
  };
}

export type SendToEach = ReturnType<typeof createSender>;
