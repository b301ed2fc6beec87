/**
 * Named accounts (single sign-on is the other way in): each person's name, role and scrypt hash.
 * With a database of record (DATABASE_URL; `npm start` always has one) they are in its `accounts`
 * table (records/accounts.ts), which every web process and the command line share; without one, a
 * JSON file under the data folder, readable by the service's user only. `followup users
 * add|remove|list` keeps them; the web reads a session's account on every request (the file again
 * when it changed), so an account removed on the command line cannot sign in, and its sessions end.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Records } from '../records/database';
import { deleteAccount, findAccount, findAccountByEmail, insertAccount, listAccounts } from '../records/accounts';
import { hashPassword, verifyPassword } from './password';

/** secretariat: acts; reader: sees the overview, cycles and reports (politicians, auditors). */
export const ROLES = ['secretariat', 'reader'] as const;
export type Role = (typeof ROLES)[number];

const accountName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'use lower-case letters, digits, dots, dashes and underscores, e.g. "anna.berg"');

const accountSchema = z.strictObject({
  name: accountName,
  displayName: z.string().trim().min(1).max(120),
  email: z.email().max(254).optional(),
  role: z.enum(ROLES),
  /**
   * Where a deployment serves several organisations: the ones this person may enter (their ids).
   * Without it, such a deployment lets the person into none; a deployment of one lets them in.
   */
  organisations: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)).min(1).max(100).optional(),
  passwordHash: z.string().regex(/^scrypt\$/).max(500),
  createdAt: z.string().max(40),
});

const fileSchema = z.strictObject({ version: z.literal(1), accounts: z.array(accountSchema).max(1000) });

export type Account = z.infer<typeof accountSchema>;

export class AccountError extends Error {
  override name = 'AccountError';
}

export const MIN_PASSWORD_LENGTH = 12;

export interface AccountStore {
  /** Where the accounts are kept, as messages name it: the file's path, or the records database. */
  readonly where: string;
  list(): Promise<Account[]>;
  find(name: string): Promise<Account | undefined>;
  /** The first account made with this address, as single sign-on finds a person by their verified address. */
  findByEmail(email: string): Promise<Account | undefined>;
  add(account: { name: string; displayName: string; email?: string; role: Role; organisations?: string[] }, password: string, now?: Date): Promise<Account>;
  remove(name: string): Promise<void>;
  /** The account whose password this is, or undefined; the same time is spent either way. */
  verify(name: string, password: string): Promise<Account | undefined>;
}

// A hash of a password nobody has: a wrong name costs as much time as a wrong password. Made on
// first use, so commands that never verify do not pay for it.
let nobody: Promise<string> | undefined;
const nobodyHash = () => (nobody ??= hashPassword('no such account, only for timing'));

/** What each way of keeping the accounts provides; the rules are the same for both (storeOver). */
interface AccountBackend {
  where: string;
  all(): Promise<Account[]>;
  byName(name: string): Promise<Account | undefined>;
  byEmail(email: string): Promise<Account | undefined>;
  /** False when there is an account of the name already. */
  insert(account: Account): Promise<boolean>;
  /** False when there was none of the name. */
  delete(name: string): Promise<boolean>;
}

function storeOver(backend: AccountBackend): AccountStore {
  const key = (name: string) => name.trim().toLowerCase();
  return {
    where: backend.where,
    list: async () => (await backend.all()).map((a) => ({ ...a })),
    find: (name) => backend.byName(key(name)),
    findByEmail: (email) => backend.byEmail(email.trim().toLowerCase()),
    async add(account, password, now = new Date()) {
      const name = accountName.safeParse(key(account.name));
      if (!name.success) throw new AccountError(`"${account.name}" cannot be an account name: ${name.error.issues[0]?.message}.`);
      if (password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`Use a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
      const exists = () => new AccountError(`There is already an account "${name.data}". Remove it first to replace it.`);
      if (await backend.byName(name.data)) throw exists();
      const created = accountSchema.parse({ ...account, name: name.data, passwordHash: await hashPassword(password), createdAt: now.toISOString() });
      if (!(await backend.insert(created))) throw exists();
      return created;
    },
    async remove(name) {
      if (!(await backend.delete(key(name)))) throw new AccountError(`There is no account "${name}". See them with: followup users list`);
    },
    async verify(name, password) {
      const account = await backend.byName(key(name));
      if (!account) {
        await verifyPassword(password, await nobodyHash());
        return undefined;
      }
      return (await verifyPassword(password, account.passwordHash)) ? account : undefined;
    },
  };
}

/** The accounts in the database of record: read on every call, so every process sees a change at once. */
export function accountStoreIn(db: Records): AccountStore {
  return storeOver({
    where: 'the records database',
    all: () => listAccounts(db),
    byName: (name) => findAccount(db, name),
    byEmail: (email) => findAccountByEmail(db, email),
    insert: (account) => insertAccount(db, account),
    delete: (name) => deleteAccount(db, name),
  });
}

/** The accounts file of a data folder (no database): read again when it changed. */
export function createAccountStore(file: string): AccountStore {
  let cached: { mtimeMs: number; accounts: Account[] } | undefined;
  const read = (): Account[] => {
    if (!existsSync(file)) return [];
    const { mtimeMs } = statSync(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.accounts;
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new AccountError(`${file} is not a valid accounts file (${parsed.error.issues[0]?.message}). Fix it, or remove it and add the accounts again with "followup users add".`);
    cached = { mtimeMs, accounts: parsed.data.accounts };
    return cached.accounts;
  };
  const write = (accounts: Account[]) => {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    cached = undefined;
  };
  return storeOver({
    where: file,
    all: async () => read(),
    byName: async (name) => read().find((a) => a.name === name),
    byEmail: async (email) => read().find((a) => a.email?.toLowerCase() === email),
    async insert(account) {
      const accounts = read();
      if (accounts.some((a) => a.name === account.name)) return false;
      write([...accounts, account]);
      return true;
    },
    async delete(name) {
      const accounts = read();
      const kept = accounts.filter((a) => a.name !== name);
      if (kept.length === accounts.length) return false;
      write(kept);
      return true;
    },
  });
}

/** The accounts as the accounts file of a data folder has them, checked (for `followup records import`); none without a file. */
export function readAccountsFile(file: string): Account[] {
  if (!existsSync(file)) return [];
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new AccountError(`${file} is not a valid accounts file (${parsed.error.issues[0]?.message}). Fix it, then import again.`);
  return parsed.data.accounts;
}

/** Where the accounts live in a data folder. */
export function accountsFile(dataDir: string): string {
  return path.join(dataDir, 'accounts.json');
}

/** The accounts a process uses: in the database of record where there is one, else in the data folder's file. */
export function accountStoreFor(options: { records?: Records; dataDir: string }): AccountStore {
  return options.records ? accountStoreIn(options.records) : createAccountStore(accountsFile(options.dataDir));
}
