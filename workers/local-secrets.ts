/**
 * `npm start` needs a link secret and a secretariat password without anyone setting them up: it
 * makes them once, keeps them under the git-ignored data folder, and reuses them on every start,
 * so links in mails already sent keep working.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../web/password';

export interface LocalSecrets {
  linkSecret: string;
  passwordHash: string;
  /** Present when the password was made here; an operator-given hash has no known password. */
  passwordFile?: string;
}

export async function localSecrets(dataDir: string, given: { linkSecret?: string; passwordHash?: string }): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'local-secrets.json');
  const passwordFile = path.join(dataDir, 'secretariat-password.txt');
  let stored: { linkSecret?: string; passwordHash?: string } = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  let changed = false;
  if (!stored.linkSecret) {
    stored.linkSecret = randomBytes(48).toString('base64url');
    changed = true;
  }
  if (!stored.passwordHash) {
    const password = randomBytes(9).toString('base64url');
    stored.passwordHash = await hashPassword(password);
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    changed = true;
  }
  if (changed) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return {
    linkSecret: given.linkSecret ?? stored.linkSecret,
    passwordHash: given.passwordHash ?? stored.passwordHash,
    passwordFile: given.passwordHash ? undefined : passwordFile,
  };
}
