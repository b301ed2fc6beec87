/**
 * Named accounts for the embedded default (single sign-on is the other way in): a JSON file under
 * the data folder, readable by the service's user only, holding each person's name, role and
 * scrypt hash. `followup users add|remove|list` keeps it; the web reads it again when it changes,
 * so an account removed on the command line cannot sign in, and its sessions end.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
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
  readonly file: string;
  list(): Account[];
  find(name: string): Account | undefined;
  add(account: { name: string; displayName: string; email?: string; role: Role; organisations?: string[] }, password: string, now?: Date): Promise<Account>;
  remove(name: string): void;
  /** The account whose password this is, or undefined; the same time is spent either way. */
  verify(name: string, password: string): Promise<Account | undefined>;
}

// A hash of a password nobody has: a wrong name costs as much time as a wrong password. Made on
// first use, so commands that never verify do not pay for it.
let nobody: Promise<string> | undefined;
const nobodyHash = () => (nobody ??= hashPassword('no such account, only for timing'));

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
  return {
    file,
    list: () => read().map((a) => ({ ...a })),
    find: (name) => read().find((a) => a.name === name.trim().toLowerCase()),
    async add(account, password, now = new Date()) {
      const name = accountName.safeParse(account.name.trim().toLowerCase());
      if (!name.success) throw new AccountError(`"${account.name}" cannot be an account name: ${name.error.issues[0]?.message}.`);
      if (password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`Use a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
      const accounts = read();
      if (accounts.some((a) => a.name === name.data)) throw new AccountError(`There is already an account "${name.data}". Remove it first to replace it.`);
      const created = accountSchema.parse({ ...account, name: name.data, passwordHash: await hashPassword(password), createdAt: now.toISOString() });
      write([...accounts, created]);
      return created;
    },
    remove(name) {
      const accounts = read();
      const kept = accounts.filter((a) => a.name !== name.trim().toLowerCase());
      if (kept.length === accounts.length) throw new AccountError(`There is no account "${name}". See them with: followup users list`);
      write(kept);
    },
    async verify(name, password) {
      const account = read().find((a) => a.name === name.trim().toLowerCase());
      if (!account) {
        await verifyPassword(password, await nobodyHash());
        return undefined;
      }
      return (await verifyPassword(password, account.passwordHash)) ? account : undefined;
    },
  };
}

/** Where the accounts live in a data folder. */
export function accountsFile(dataDir: string): string {
  return path.join(dataDir, 'accounts.json');
}
