/**
 * The web's named accounts in the database of record: every web process and the command line read
 * the same ones, and a removal or a new role reaches every process on its next request (the web
 * reads a session's account on each request: one lookup by primary key). The rules for an account
 * (its name, its password, the roles) are the web's (web/accounts.ts), which keeps the same
 * accounts in a file where there is no database.
 */
import type { Selectable } from 'kysely';
import type { Records } from './database';
import type { AccountsTable } from './schema';

export interface AccountRow {
  name: string;
  displayName: string;
  email?: string;
  role: 'secretariat' | 'reader';
  organisations?: string[];
  passwordHash: string;
  /** ISO 8601, as the accounts file has it. */
  createdAt: string;
}

const fromRow = (r: Selectable<AccountsTable>): AccountRow => ({
  name: r.name,
  displayName: r.display_name,
  ...(r.email !== null ? { email: r.email } : {}),
  role: r.role,
  ...(r.organisations ? { organisations: r.organisations } : {}),
  passwordHash: r.password_hash,
  createdAt: r.created_at.toISOString(),
});

/** Every account, in the order they were made (as the file lists them). */
export async function listAccounts(db: Records): Promise<AccountRow[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('name').execute();
  return rows.map(fromRow);
}

export async function findAccount(db: Records, name: string): Promise<AccountRow | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The first account made with this address (lower case), as single sign-on looks a person up. */
export async function findAccountByEmail(db: Records, email: string): Promise<AccountRow | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).orderBy('created_at').orderBy('name').limit(1).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Adds an account; false when there is one of the name already (which stays as it is). */
export async function insertAccount(db: Records, account: AccountRow, now: Date = new Date()): Promise<boolean> {
  const result = await db
    .insertInto('accounts')
    .values({
      name: account.name,
      display_name: account.displayName,
      email: account.email?.toLowerCase() ?? null,
      role: account.role,
      organisations: account.organisations ? JSON.stringify(account.organisations) : null,
      password_hash: account.passwordHash,
      created_at: account.createdAt,
      updated_at: now,
    })
    .onConflict((c) => c.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Removes an account; false when there was none of the name. */
export async function deleteAccount(db: Records, name: string): Promise<boolean> {
  const result = await db.deleteFrom('accounts').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countAccounts(db: Records): Promise<number> {
  const { count } = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}
