/** Sends one mail per person, each with a Message-ID derived from the business key, so retries are recognised. */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { scopedMessageId } from '../domain/ids';
import type { Language, MailingResult, RecipientOutcome } from '../domain/types';
import type { PersonConfig } from '../config/schema';
import type { Substitution } from '../records/people';
import { PermanentMailError, TransientMailError, type Mailer, type OutgoingMail } from './mailer';
import type { SentMails } from './sent-mails';
import type { MailLog } from '../records/mail-log';
import type { SubstitutesOn } from './unit-people';

/** The progress each running activity last reported, so that a heartbeat meant only as a sign of life does not erase it. */
const reported = new WeakMap<Context, unknown>();

/**
 * Heartbeats let Temporal notice a crashed worker within seconds instead of at the start-to-close
 * timeout. Outside an activity (tests of the activities themselves) there is nobody to tell.
 */
export function heartbeat(progress: unknown): void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return;
  }
  reported.set(context, progress);
  context.heartbeat(progress);
}

/**
 * A sign of life that keeps the progress as it stands (this attempt's, else the earlier attempt's):
 * for waits before or between mails, where an attempt that died next must still leave its retry the
 * list of people already mailed.
 */
export function heartbeatKeepingProgress(): void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return;
  }
  heartbeat(reported.has(context) ? reported.get(context) : context.info.heartbeatDetails);
}

/**
 * Keeps heartbeating while one mail waits for a pooled SMTP connection: under load a mail can queue
 * longer than the heartbeat timeout, and a live activity taken for dead is retried, mailing twice.
 */
async function keepingAlive<T>(work: Promise<T>, progress: unknown): Promise<T> {
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

export interface BuiltMail extends Omit<OutgoingMail, 'to' | 'cc' | 'envelopeTo' | 'language' | 'from' | 'messageId' | 'replyTo'> {
  idSubject: string;
  replyTo?: string;
}

export type MailBuilder = (person: PersonConfig, language: Language) => BuiltMail;

export interface SendOptions {
  /** People who get a copy of the mail to the first person (its Cc), each in a transaction of their own. */
  cc?: readonly PersonConfig[];
  /** Only these addresses: a retry of the people the server put off. */
  only?: readonly string[];
  /** Not these addresses: they already have the mail. */
  skip?: readonly string[];
  /**
   * Throw after trying everyone when someone's mail was put off, so that Temporal retries the
   * activity; progress is kept in heartbeat details, and a retry mails only those still waiting.
   * For workflows that do not retry per person themselves.
   */
  retryInActivity?: boolean;
  /** When the mail is sent (the workflow's time): whose substitute applies is read for its day. Now when left out. */
  at?: string;
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Outcomes settled in an earlier attempt of this activity (a crashed worker, a retried mailing). */
function settledBefore(): RecipientOutcome[] {
  try {
    const details = Context.current().info.heartbeatDetails as { settled?: RecipientOutcome[] } | undefined;
    return Array.isArray(details?.settled) ? details.settled : [];
  } catch {
    return [];
  }
}

/** Whether an earlier attempt of this activity ran: only then can a mail have gone out already. */
function isRetry(): boolean {
  try {
    return Context.current().info.attempt > 1;
  } catch {
    return false;
  }
}


/**
 * sent: the record of mails the server took, asked on a retried attempt (an earlier attempt that
 * died before its heartbeat, or that went on after the server gave it up, leaves no details).
 * substitutes: each person's substitute on a day (records/people.ts), where there is a database:
 * a person away gets nothing, or a copy as the substitution says, and the substitute the mail.
 */
export function createSender(mailer: Mailer, sent?: SentMails, mailLog?: MailLog, substitutes?: SubstitutesOn) {
  return async function sendToEach(
    people: readonly PersonConfig[],
    defaultLanguage: Language,
    build: MailBuilder,
    from: { name: string; email: string },
    scope: string,
    kind: string,
    sequence: number,
    options: SendOptions = {},
  ): Promise<MailingResult> {
    // A sign of life before anything that can wait: an attempt silent for the heartbeat timeout is retried while it mails.
    heartbeatKeepingProgress();
    const outcomes: RecipientOutcome[] = [];
    const settled = settledBefore();
    const retried = isRetry();
    const seen = new Set<string>();
    const domain = mailDomain(from.email);
    const sender = { name: from.name, address: from.email };
    const cc = options.cc ?? [];
    // One transaction per person: the people, then each copy-holder once, with the first person's mail.
    const deliveries: { person: PersonConfig; renderFor: PersonConfig; standsInFor?: { person: PersonConfig; until: string } }[] = [];
    // Every scope starts with the organisation's id ("solna.annual-follow-up.2026"; ids have no dots).
    const orgId = scope.split('.')[0] ?? scope;
    const away = substitutes ? await substitutes(orgId, [...people, ...(options.cc ?? [])].map((p) => p.email), options.at ? new Date(options.at) : new Date()) : new Map<string, Substitution>();
    /** A person's mail to their substitute on the mail's day (and to them too when the substitution copies them), else to them. */
    const toWhoever = (person: PersonConfig, renderFor: PersonConfig) => {
      const substitution = away.get(person.email.toLowerCase());
      if (!substitution) return void deliveries.push({ person, renderFor });
      const substitute = { name: substitution.substitute.name ?? substitution.substitute.email, email: substitution.substitute.email, ...(person.language ? { language: person.language } : {}) };
      deliveries.push({ person: substitute, renderFor, standsInFor: { person, until: substitution.until } });
      if (substitution.copyPerson) deliveries.push({ person, renderFor });
    };
    for (const person of people) toWhoever(person, person);
    /**
     * Keeps what became of one person's mail, in the mail log too: a public record of what was sent
     * to whom. A log that cannot be written fails the attempt, whose retry mails nobody twice (it
     * finds the mails already sent) and writes the log again.
     */
    const note = async (outcome: RecipientOutcome) => {
      outcomes.push(outcome);
      await mailLog?.record({
        scope,
        kind,
        sequence,
        messageId: outcome.messageId,
        address: outcome.address,
        outcome: outcome.state === 'retrying' ? 'put-off' : outcome.state,
        ...(outcome.detail ? { serverResponse: outcome.detail } : {}),
        at: new Date(outcome.at),
      });
    };
    if (people[0]) for (const person of cc) toWhoever(person, people[0]);

    for (const { person, renderFor, standsInFor } of deliveries) {
      const address = person.email;
      if (seen.has(address.toLowerCase())) continue; // one person in two roles gets one mail
      seen.add(address.toLowerCase());
      if (options.only && !options.only.some((a) => sameAddress(a, address))) continue;
      if (options.skip?.some((a) => sameAddress(a, address))) continue;
      const earlier = settled.find((o) => sameAddress(o.address, address));
      if (earlier) {
        outcomes.push(earlier);
        continue;
      }
      const language = renderFor.language ?? defaultLanguage;
      const messageId = (idSubject: string) => scopedMessageId(scope, `${idSubject}.${personKey(person)}`, kind, sequence, domain);
      const at = new Date().toISOString();
      let built: BuiltMail;
      try {
        built = build(renderFor, language);
      } catch (err) {
        // A template that does not render will not render on a retry either: a visible failure.
        await note({ address, state: 'failed', messageId: messageId(kind), at, detail: (err as Error).message });
        continue;
      }
      const { idSubject, replyTo, ...composed } = built;
      // The substitute reads first whose mail this is, and until when they stand in.
      const mail = standsInFor ? { ...composed, text: `${standsInText(language, standsInFor.person, standsInFor.until)}\n\n${composed.text}` } : composed;
      const id = messageId(idSubject);
      const sentAt = retried ? await sent?.sentAt(scope, id) : undefined;
      if (sentAt) {
        await note({ address, state: 'delivered', messageId: id, at: sentAt });
        heartbeat({ settled: outcomes.filter((o) => o.state !== 'retrying') });
        continue;
      }
      try {
        await keepingAlive(
          mailer.send({
            ...mail,
            from: sender,
            // A substitute's mail is addressed to them; its first line names whom they stand in for.
            to: standsInFor ? [{ name: person.name, address: person.email }] : [{ name: renderFor.name, address: renderFor.email }],
            cc: cc.length ? cc.map((c) => ({ name: c.name, address: c.email })) : undefined,
            envelopeTo: address,
            replyTo: replyTo ? { name: from.name, address: replyTo } : undefined,
            language,
            messageId: id,
          }),
          { settled: outcomes.filter((o) => o.state !== 'retrying') },
        );
      } catch (err) {
        const state = err instanceof PermanentMailError ? 'refused' : 'retrying';
        await note({ address, state, messageId: id, at, detail: (err as Error).message });
        heartbeat({ settled: outcomes.filter((o) => o.state !== 'retrying') });
        continue;
      }
      await sent?.record(scope, id, at);
      await note({ address, state: 'delivered', messageId: id, at });
      heartbeat({ settled: outcomes.filter((o) => o.state !== 'retrying') });
    }
    const waiting = outcomes.filter((o) => o.state === 'retrying');
    if (options.retryInActivity && waiting.length > 0) {
      throw new TransientMailError(`Mail to ${waiting.map((o) => o.address).join(', ')} is put off and will be tried again: ${waiting[0]!.detail}`);
    }
    return {
      recipients: [...seen],
      messageIds: outcomes.filter((o) => o.state === 'delivered').map((o) => o.messageId),
      rejected: outcomes.filter((o) => o.state === 'refused').map((o) => o.address),
      outcomes,
    };
  };
}

export type SendToEach = ReturnType<typeof createSender>;

/** The line a substitute's mail opens with, in the mail's language. */
export function standsInText(language: Language, person: PersonConfig, until: string): string {
  const who = person.name === person.email ? person.email : `${person.name} (${person.email})`;
  return language === 'sv' ? `Du får detta som ersättare för ${who} till och med ${until}.` : `You receive this as the substitute for ${who} until ${until}.`;
}
