/** Mail over SMTP through nodemailer, with failures sorted into "try again" and "give up". */
import { FailureType } from '../domain/refusals';
import nodemailer from 'nodemailer';
import type { Attachment } from 'nodemailer/lib/mailer';

/** A person in a header; nodemailer encodes the name, so "<" or a comma in it cannot change the address. */
export interface MailAddress {
  name: string;
  address: string;
}

export interface OutgoingMail {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  /** The one person this transaction delivers to (each recipient gets a transaction and a Message-ID of their own). */
  envelopeTo: string;
  replyTo?: MailAddress;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
  language: 'sv' | 'en';
  attachments?: Attachment[];
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

/** The server refused for good (SMTP 5xx): retrying would only repeat the refusal. */
export class PermanentMailError extends Error {
  override name = FailureType.permanentMail;
}

/** The server could not be reached or asked us to come back later (SMTP 4xx). */
export class TransientMailError extends Error {
  override name = FailureType.transientMail;
}

interface SmtpLikeError extends Error {
  responseCode?: number;
  code?: string;
  response?: string;
}

export function classifySmtpError(err: unknown): PermanentMailError | TransientMailError {
  const e = err as SmtpLikeError;
  const detail = e?.response ?? e?.message ?? String(err);
  if (typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
    return new PermanentMailError(`The mail server refused the mail permanently (${e.responseCode}): ${detail}`);
  }
  // Errors nodemailer raises before talking to the server (no recipients, malformed message) never heal by retrying.
  if (e?.responseCode === undefined && (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE')) {
    return new PermanentMailError(`The mail could not be built: ${detail}`);
  }
  return new TransientMailError(`The mail server is unavailable${e?.responseCode ? ` (${e.responseCode})` : ''}: ${detail}`);
}

// Line breaks (CR, LF, U+2028/9) and other control characters in a header would end it or break
// the mail; a person's typed title or name becomes one line instead.
const HEADER_UNSAFE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g;

export function headerText(value: string): string {
  return value.replace(HEADER_UNSAFE, ' ').replace(/ {2,}/g, ' ').trim();
}

const headerAddress = (a: MailAddress) => ({ name: headerText(a.name), address: headerText(a.address) });

/**
 * The longest a mail waits for its turn in the worker. A mailing activity has minutes to finish
 * (startToCloseTimeout) and the attempt it replaces is not stopped: a mail that waited longer would
 * let the attempt time out and its retry send again what this one still sends. A mail whose turn is
 * further off is put off (a transient failure, retried with backoff), as a relay over its limit does.
 */
export const MAX_MAIL_TURN_WAIT_MS = 30_000;

/**
 * A mailer that hands mails on no faster than `perMinute` (an SMTP relay's limit), evenly spaced:
 * a mail over the rate waits its turn (up to MAX_MAIL_TURN_WAIT_MS) instead of being refused by the
 * relay. The waiting mail's activity keeps heartbeating (activities/send.ts), so a queue is not taken
 * for a dead worker.
 */
export function withMailRate(mailer: Mailer, perMinute: number, sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)), maxWaitMs = MAX_MAIL_TURN_WAIT_MS): Mailer {
  if (!(perMinute > 0)) throw new RangeError(`A mail rate is a number of mails a minute above 0, not ${perMinute}.`);
  const spacingMs = 60_000 / perMinute;
  // When the next mail may go: each mail takes the next free turn, so the rate holds however many wait.
  let nextTurn = 0;
  return {
    async send(mail) {
      const now = Date.now();
      const turn = Math.max(now, nextTurn);
      if (turn - now > maxWaitMs) {
        throw new TransientMailError(`The worker's mail rate (${perMinute} a minute, FOLLOWUP_MAIL_PER_MINUTE) has no turn free for ${Math.ceil((turn - now) / 1000)} s: the mail is tried again later.`);
      }
      nextTurn = turn + spacingMs;
      if (turn > now) await sleep(turn - now);
      return mailer.send(mail);
    },
    close() {
      mailer.close();
    },
  };
}

export function createSmtpMailer(smtpUrl: string, options: { pool?: boolean; perMinute?: number } = {}): Mailer {
  if (options.perMinute !== undefined) return withMailRate(createSmtpMailer(smtpUrl, { pool: options.pool }), options.perMinute);
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool: options.pool ?? true,
    maxConnections: 5,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: headerAddress(mail.from),
          to: mail.to.map(headerAddress),
          cc: mail.cc?.map(headerAddress),
          replyTo: mail.replyTo && headerAddress(mail.replyTo),
          envelope: { from: mail.from.address, to: [mail.envelopeTo] },
          subject: headerText(mail.subject),
          text: mail.text,
          messageId: mail.messageId,
          date: mail.date,
          headers: { 'Content-Language': mail.language, 'Auto-Submitted': 'auto-generated' },
          attachments: mail.attachments,
        });
        return {
          messageId: mail.messageId,
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}
