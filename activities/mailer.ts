/** Mail over SMTP through nodemailer, with failures sorted into "try again" and "give up". */
import nodemailer from 'nodemailer';
import type { Attachment } from 'nodemailer/lib/mailer';

export interface OutgoingMail {
  from: string;
  to: string[];
  cc?: string[];
  replyTo?: string;
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
  override name = 'PermanentMailError';
}

/** The server could not be reached or asked us to come back later (SMTP 4xx). */
export class TransientMailError extends Error {
  override name = 'TransientMailError';
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

export function createSmtpMailer(smtpUrl: string, options: { pool?: boolean } = {}): Mailer {
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
          from: mail.from,
          to: mail.to,
          cc: mail.cc,
          replyTo: mail.replyTo,
          subject: mail.subject,
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
