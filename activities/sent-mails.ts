/**
 * Which mails the SMTP server has taken, by Message-ID, kept apart from Temporal: a retried mail
 * activity finds there what an earlier attempt sent even when that attempt died before it could
 * heartbeat, or kept running after the server had given it up. The SMTP side cannot be asked what
 * it already has, so the sender keeps its own record.
 */
import { createHash } from 'node:crypto';
import type { Records } from '../records/database';
import { readIfPresent, type Archive } from './archive';

/** Kept small so that the record can move to the database of record without touching the sender. */
export interface SentMails {
  /** When the server took this mail, or undefined if it is not known to have. */
  sentAt(scope: string, messageId: string): Promise<string | undefined>;
  /** Notes that the server took this mail. Never fails: a mail that went out stays sent. */
  record(scope: string, messageId: string, at: string): Promise<void>;
}

const SAFE_SCOPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/;

/**
 * One small file per mail, in the archive the workers share: no file is written by two mailings, so
 * attempts running at once (one the server gave up on, and its retry) cannot spoil each other's record.
 */
export function sentMailsInArchive(archive: Archive): SentMails {
  const ref = (scope: string, messageId: string) => {
    // Scopes are business keys of configured ids; anything else gets a name that cannot leave the folder.
    const folder = SAFE_SCOPE.test(scope) && !scope.includes('..') ? scope : createHash('sha256').update(scope).digest('hex').slice(0, 32);
    return `.sent-mail/${folder}/${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}.json`;
  };
  return {
    async sentAt(scope, messageId) {
      try {
        const text = await readIfPresent(archive, ref(scope, messageId));
        return text ? (JSON.parse(text) as { at?: string }).at : undefined;
      } catch {
        // An unreadable record means "not known to be sent": a mail twice is better than none.
        return undefined;
      }
    },
    async record(scope, messageId, at) {
      try {
        // The Message-ID and the time only: no address, nothing about the person.
        await archive.put(ref(scope, messageId), JSON.stringify({ messageId, at }));
      } catch {
        // Without the record a retry may send this mail again; failing the mailing would send it again for sure.
      }
    },
  };
}

/**
 * Where there is a database of record, its mail log is the record: the sender writes each mail the
 * server took there as delivered (scope, Message-ID, time) right after, in the same database, so a
 * file per mail beside it would only repeat it, at a second write per mail (2,400 rows per 1,000
 * units; README, Performance). A mail sent before the mail log kept it is still found in `formerly`.
 */
export function sentMailsInLog(db: Records, formerly?: SentMails): SentMails {
  return {
    async sentAt(scope, messageId) {
      try {
        const row = await db.selectFrom('mail_log').select('at').where('scope', '=', scope).where('message_id', '=', messageId).where('outcome', '=', 'delivered').executeTakeFirst();
        if (row) return row.at.toISOString();
      } catch {
        // As above: not known to be sent.
      }
      return formerly?.sentAt(scope, messageId);
    },
    // The mail log's row, written next by the sender, is the record.
    record: async () => undefined,
  };
}
