/**
 * `npm start` needs a link secret and someone who can sign in without anyone setting them up: it
 * makes the secret once and keeps it under the git-ignored data folder (reused on every start, so
 * links in mails already sent keep working), and when there is no account yet it makes a first
 * one, a secretariat account named "admin", whose password it writes to a file beside it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { accountsFile, createAccountStore, type AccountStore } from '../web/accounts';

export interface LocalSecrets {
  linkSecret: string;
  /** Where the first account's name and password were written, when this start made it. */
  firstAccountFile?: string;
  accounts: number;
}

export const FIRST_ACCOUNT = 'admin';

/** The link secret kept in the data folder (made on the first start), unless one is given. */
export function localLinkSecret(dataDir: string, given: { linkSecret?: string }): string {
  const file = path.join(dataDir, 'local-secrets.json');
  let stored: { linkSecret?: string } = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  if (!stored.linkSecret) {
    stored = { ...stored, linkSecret: randomBytes(48).toString('base64url') };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return given.linkSecret ?? stored.linkSecret!;
}

/**
 * Where there is no account yet (and no shared password): the first one, its password in a file
 * beside the data. `accounts`: where the accounts are kept (npm start: the records database's).
 */
export async function firstAccount(dataDir: string, accounts: AccountStore, given: { passwordHash?: string }): Promise<Omit<LocalSecrets, 'linkSecret'>> {
  const firstAccountFile = path.join(dataDir, 'first-account.txt');
  if ((await accounts.list()).length === 0 && !given.passwordHash) {
    const password = randomBytes(12).toString('base64url');
    await accounts.add({ name: FIRST_ACCOUNT, displayName: 'Sekretariatet', role: 'secretariat' }, password);
    writeFileSync(
      firstAccountFile,
      `user name: ${FIRST_ACCOUNT}\npassword:  ${password}\n\nAdd a named account for each person (followup users add NAME --role secretariat|reader),\nthen remove this one: followup users remove ${FIRST_ACCOUNT}\n`,
      { mode: 0o600 },
    );
  }
  return {
    firstAccountFile: existsSync(firstAccountFile) && (await accounts.find(FIRST_ACCOUNT)) ? firstAccountFile : undefined,
    accounts: (await accounts.list()).length,
  };
}

/** Both at once. `accounts`: where the accounts are kept; the data folder's file by default. */
export async function localSecrets(dataDir: string, given: { linkSecret?: string; passwordHash?: string }, accounts: AccountStore = createAccountStore(accountsFile(dataDir))): Promise<LocalSecrets> {
  const linkSecret = localLinkSecret(dataDir, given);
  return { linkSecret, ...(await firstAccount(dataDir, accounts, given)) };
}
