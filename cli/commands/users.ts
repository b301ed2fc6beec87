/** `followup users`: the named accounts of the web (for the embedded default; single sign-on needs none). */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { accountStoreFor, MIN_PASSWORD_LENGTH, ROLES, type AccountStore, type Role } from '../../web/accounts';
import { helpers, table, type CommandContext, type Opts } from './common';

async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function addUserCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print } = helpers(ctx);
  /**
   * The accounts in the database of record where DATABASE_URL names one, or where the data folder
   * is npm start's (its embedded database, which it serves to the command line while it runs);
   * else in the data folder's file. Closed after.
   */
  const withStore = async <T>(use: (store: AccountStore) => Promise<T>): Promise<T> => {
    const env = ctx.env();
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded by the commands that use them */
    const { embeddedRecordsDir } = require('../../records/embedded') as typeof import('../../records/embedded');
    const { openRecords } = require('../../records/database') as typeof import('../../records/database');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const embedded = !env.DATABASE_URL && existsSync(embeddedRecordsDir(env.FOLLOWUP_DATA_DIR));
    const url = env.DATABASE_URL ?? (embedded ? `postgresql://postgres@127.0.0.1:${env.FOLLOWUP_RECORDS_PORT}/postgres` : undefined);
    if (!url) return use(accountStoreFor({ dataDir: env.FOLLOWUP_DATA_DIR }));
    const records = await openRecords(url, { poolSize: 1 }).catch((err: Error) => {
      if (!embedded) throw err;
      throw ctx.usage(
        `npm start keeps the accounts in its records database (${embeddedRecordsDir(env.FOLLOWUP_DATA_DIR)}), which it serves to the command line while it runs: start it ("npm start" in another terminal) and run this again, or set DATABASE_URL to the database the web uses.`,
      );
    });
    try {
      return await use(accountStoreFor({ records, dataDir: ctx.env().FOLLOWUP_DATA_DIR }));
    } finally {
      await records.destroy();
    }
  };
  const users = program.command('users').description(`named accounts for the web, in the records database (DATABASE_URL, or npm start's own while it runs), else in $FOLLOWUP_DATA_DIR/accounts.json (roles: ${ROLES.join(', ')})`);
  users
    .command('add')
    .argument('<name>', 'the user name to sign in with, e.g. anna.berg')
    .addOption(new Option('--role <role>', 'secretariat (acts) or reader (sees overview, cycles and reports)').choices([...ROLES]).makeOptionMandatory())
    .option('--display-name <name>', 'the name pages and histories show (default: the user name)')
    .option('--email <address>', 'their e-mail address')
    .option('--organisations <ids>', 'where one deployment serves several organisations: the ones this person may enter, comma-separated (e.g. solna,falun)')
    .option('--generate', 'make a password and print it once, instead of reading one on standard input')
    .description(`add an account; its password (at least ${MIN_PASSWORD_LENGTH} characters) is read on standard input`)
    .action(async (name: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { role: Role; displayName?: string; email?: string; generate?: boolean; organisations?: string };
      const organisations = o.organisations?.split(',').map((id) => id.trim()).filter(Boolean);
      const password = o.generate ? randomBytes(15).toString('base64url') : await passwordFromStdin();
      const account = await withStore((store) => store.add({ name, displayName: o.displayName ?? name, email: o.email, role: o.role, ...(organisations?.length ? { organisations } : {}) }, password));
      io.out(`Added ${account.name} (${account.role}).${o.generate ? ` Password: ${password}` : ''}`);
    });
  users
    .command('remove')
    .argument('<name>', 'the user name')
    .description('remove an account: it can no longer sign in, and its open sessions end')
    .action(async (name: string) => {
      await withStore((store) => store.remove(name));
      io.out(`Removed ${name}.`);
    });
  users
    .command('list')
    .option('--json', 'print JSON (without the password hashes)')
    .description('every account and its role')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd);
      const accounts = (await withStore((store) => store.list())).map(({ passwordHash: _hash, ...rest }) => rest);
      print(accounts, accounts.length ? table([['NAME', 'ROLE', 'SHOWN AS', 'E-MAIL', 'ORGANISATIONS'], ...accounts.map((a) => [a.name, a.role, a.displayName, a.email ?? '', (a.organisations ?? []).join(',')])]) : 'No accounts. Add one with: followup users add NAME --role secretariat', o.json);
    });
}
