/**
 * The mail log: one row per mail per person, with what became of it. A retried activity records the
 * same mail again, so a record is keyed by its Message-ID and address and written once.
 */
import type { Selectable } from 'kysely';
import type { Records } from './database';
import type { MailLogTable, MailOutcome } from './schema';

export interface MailLogEntry {
  scope: string;
  kind: string;
  /** Which of its kind: the second reminder is 2; 0 (the default) for a mail of which there is one. */
  sequence?: number;
  messageId: string;
  address: string;
  outcome: MailOutcome;
  serverResponse?: string;
  at: Date;
}

export type LoggedMail = Required<Omit<MailLogEntry, 'serverResponse'>> & { serverResponse: string | undefined };

const normalAddress = (address: string) => address.trim().toLowerCase();

/**
 * Records what became of a mail to one address. Recorded again (a retried attempt), the newer
 * outcome counts, except that a delivered mail stays delivered: a later attempt that fails cannot
 * take back what the server already took.
 */
export async function recordMail(db: Records, entry: MailLogEntry): Promise<void> {
  await db
    .insertInto('mail_log')
    .values({
      scope: entry.scope,
      kind: entry.kind,
      sequence: entry.sequence ?? 0,
      message_id: entry.messageId,
      address: normalAddress(entry.address),
      outcome: entry.outcome,
      server_response: entry.serverResponse ?? null,
      at: entry.at,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['message_id', 'address'])
        .doUpdateSet((eb) => ({ outcome: eb.ref('excluded.outcome'), server_response: eb.ref('excluded.server_response'), at: eb.ref('excluded.at') }))
        .where('mail_log.outcome', '!=', 'delivered'),
    )
    .execute();
}

const toLoggedMail = (row: Selectable<MailLogTable>): LoggedMail => ({
  scope: row.scope,
  kind: row.kind,
  sequence: row.sequence,
  messageId: row.message_id,
  address: row.address,
  outcome: row.outcome,
  serverResponse: row.server_response ?? undefined,
  at: row.at,
});

/** Every mail recorded to an address, oldest first. */
export async function mailsTo(db: Records, address: string): Promise<LoggedMail[]> {
  const rows = await db.selectFrom('mail_log').selectAll().where('address', '=', normalAddress(address)).orderBy('at').orderBy('id').execute();
  return rows.map(toLoggedMail);
}

/** Every mail recorded about one thing (a cycle's "org.obligation.period", a project), oldest first. */
export async function mailsOfScope(db: Records, scope: string): Promise<LoggedMail[]> {
  const rows = await db.selectFrom('mail_log').selectAll().where('scope', '=', scope).orderBy('at').orderBy('id').execute();
  return rows.map(toLoggedMail);
}

/** Whether the mail server already took this mail for this address, so that a retry must not send it again. */
export async function sentBefore(db: Records, messageId: string, address: string): Promise<boolean> {
  const row = await db
    .selectFrom('mail_log')
    .select('id')
    .where('message_id', '=', messageId)
    .where('address', '=', normalAddress(address))
    .where('outcome', '=', 'delivered')
    .executeTakeFirst();
  return row !== undefined;
}

/** What the mail sender needs of the log: activities get it from their entry point (none in a process without a database of record). */
export interface MailLog {
  record(entry: MailLogEntry): Promise<void>;
}

export const mailLogIn = (db: Records): MailLog => ({ record: (entry) => recordMail(db, entry) });
