/** `followup users`: the named accounts of the web (for the embedded default; single sign-on needs none). */
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { accountsFile, createAccountStore, MIN_PASSWORD_LENGTH, ROLES, type Role } from '../../web/accounts';
import { helpers, table, type CommandContext, type Opts } from './common';

async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function addUserCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print } = helpers(ctx);
  const store = () => createAccountStore(accountsFile(ctx.env().FOLLOWUP_DATA_DIR));
  const users = program.command('users').description(`named accounts for the web, in $FOLLOWUP_DATA_DIR/accounts.json (roles: ${ROLES.join(', ')})`);
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
      const account = await store().add({ name, displayName: o.displayName ?? name, email: o.email, role: o.role, ...(organisations?.length ? { organisations } : {}) }, password);
      io.out(`Added ${account.name} (${account.role}).${o.generate ? ` Password: ${password}` : ''}`);
    });
  users
    .command('remove')
    .argument('<name>', 'the user name')
    .description('remove an account: it can no longer sign in, and its open sessions end')
    .action((name: string) => {
      store().remove(name);
      io.out(`Removed ${name}.`);
    });
  users
    .command('list')
    .option('--json', 'print JSON (without the password hashes)')
    .description('every account and its role')
    .action((_o, cmd: Command) => {
      const o = opts(cmd);
      const accounts = store()
        .list()
        .map(({ passwordHash: _hash, ...rest }) => rest);
      print(accounts, accounts.length ? table([['NAME', 'ROLE', 'SHOWN AS', 'E-MAIL', 'ORGANISATIONS'], ...accounts.map((a) => [a.name, a.role, a.displayName, a.email ?? '', (a.organisations ?? []).join(',')])]) : 'No accounts. Add one with: followup users add NAME --role secretariat', o.json);
    });
}
