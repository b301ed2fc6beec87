/**
 * `followup tokens`: API tokens for the organisation's other systems (records/api-tokens.ts), kept
 * in the database of record (DATABASE_URL, or npm start's embedded one while it runs). A token is
 * printed once, when it is added; the list shows names, roles, expiry and last use, never a token.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Records } from '../../records/database';
import { cliActor, helpers, table, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded by the commands that use them, as users.ts does */
const apiTokens = () => require('../../records/api-tokens') as typeof import('../../records/api-tokens');
const database = () => require('../../records/database') as typeof import('../../records/database');
const embeddedRecords = () => require('../../records/embedded') as typeof import('../../records/embedded');
const configLoading = () => require('../../config/load') as typeof import('../../config/load');
/* eslint-enable @typescript-eslint/no-require-imports */

const day = (date: Date | undefined, zone: string) => (date ? date.toLocaleString('sv-SE', { timeZone: zone }).slice(0, 16) : '');
/** The last day a token works: the day before the instant it expires, as `--expires` took it. */
const lastDay = (date: Date | undefined, zone: string) => (date ? new Date(date.getTime() - 1).toLocaleString('sv-SE', { timeZone: zone }).slice(0, 10) : '');

export function addTokenCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print } = helpers(ctx);

  /** The database of record, as `followup users` finds it: DATABASE_URL, else npm start's embedded one while it runs. */
  const withRecords = async <T>(use: (records: Records) => Promise<T>): Promise<T> => {
    const env = ctx.env();
    const embeddedDir = embeddedRecords().embeddedRecordsDir(env.FOLLOWUP_DATA_DIR);
    const embedded = !env.DATABASE_URL && existsSync(embeddedDir);
    const url = env.DATABASE_URL ?? (embedded ? `postgresql://postgres@127.0.0.1:${env.FOLLOWUP_RECORDS_PORT}/postgres` : undefined);
    if (!url) throw ctx.usage('API tokens are kept in the database of record: set DATABASE_URL to the database the web uses, or run "npm start" (which keeps its own) and run this again.');
    const records = await database()
      .openRecords(url, { poolSize: 1 })
      .catch((err: Error) => {
        if (!embedded) throw err;
        throw ctx.usage(`npm start keeps the tokens in its records database (${embeddedDir}), which it serves to the command line while it runs: start it ("npm start" in another terminal) and run this again, or set DATABASE_URL to the database the web uses.`);
      });
    try {
      return await use(records);
    } finally {
      await records.destroy();
    }
  };
  /** Where the API of the organisation is, for the example the token is printed with. */
  const apiUrlOf = (o: Opts & { org?: string }, orgId: string) => {
    const source = o.config ?? ctx.env().FOLLOWUP_CONFIG;
    const several = configLoading().loadConfigs(source).length > 1;
    return `${ctx.env().PUBLIC_BASE_URL.replace(/\/$/, '')}${several ? `/${orgId}` : ''}/api/v1`;
  };

  const tokens = program.command('tokens').description('API tokens for other systems (the case management system, the intranet …), in the records database (DATABASE_URL, or npm start\'s own while it runs)');
  tokens
    .command('add')
    .argument('<name>', 'the integration\'s name, as the audit log shows what it does, e.g. "Public 360"')
    .addOption(new Option('--role <role>', 'reader (reads everything of the organisation) or secretariat (also acts: registers, starts, closes …)').choices(['reader', 'secretariat']).makeOptionMandatory())
    .option('--expires <date>', 'the last day the token works, YYYY-MM-DD (default: it does not expire)')
    .option('--json', 'print JSON')
    .description('add a token for a system and print it once; with --org, for that organisation of a folder of several')
    .action(async (name: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { role: 'reader' | 'secretariat'; expires?: string; org?: string };
      const config = ctx.loadConfig(o);
      const orgId = config.organisation.id;
      const { createApiToken, expiryAfterDay } = apiTokens();
      const expiresAt = o.expires ? expiryAfterDay(o.expires, config.organisation.timeZone) : undefined;
      const { token, row } = await withRecords((records) => createApiToken(records, { name, role: o.role, org: orgId, ...(expiresAt ? { expiresAt } : {}) }, { actor: cliActor(), via: 'cli' }));
      const api = apiUrlOf(o, orgId);
      const lines = [
        `Added the API token "${row.name}" (${row.role}, for ${orgId}${expiresAt ? `, valid through ${o.expires}` : ', does not expire'}).`,
        'The token, shown only now (keep it in the system\'s secret store; revoke it with "followup tokens revoke NAME" if it leaks):',
        '',
        `  ${token}`,
        '',
        'The system sends it with every request:',
        `  curl -H "Authorization: Bearer ${token}" ${api}/openapi.json`,
      ];
      print({ name: row.name, role: row.role, org: orgId, expiresAt: row.expiresAt?.toISOString() ?? null, token, api }, lines.join('\n'), o.json);
    });
  tokens
    .command('list')
    .option('--json', 'print JSON')
    .description('every token (of the organisation named with --org, else of all), with its role, expiry and last use; never the tokens themselves')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { org?: string };
      const zone = ctx.loadConfig(o).organisation.timeZone;
      const { listApiTokens, tokenState } = apiTokens();
      const now = new Date();
      const list = await withRecords((records) => listApiTokens(records, o.org ? { org: o.org } : {}));
      const rows = list.map((t) => ({ ...t, state: tokenState(t, now) }));
      const human = rows.length
        ? table([
            ['NAME', 'ROLE', 'ORG', 'STATE', 'VALID THROUGH', 'LAST USED', 'CREATED', 'BY'],
            ...rows.map((t) => [t.name, t.role, t.org, t.state === 'revoked' ? `revoked ${day(t.revokedAt, zone)} by ${t.revokedBy ?? ''}` : t.state, lastDay(t.expiresAt, zone) || 'no expiry', day(t.lastUsedAt, zone) || 'never', day(t.createdAt, zone), t.createdBy]),
          ])
        : 'No API tokens. Add one with: followup tokens add NAME --role reader';
      print(rows.map(({ id: _id, ...rest }) => rest), human, o.json);
    });
  tokens
    .command('revoke')
    .argument('<name>', 'the token\'s name')
    .description('revoke a token: it is refused from its next request on (with --org, only that organisation\'s)')
    .action(async (name: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { org?: string };
      const { revokeApiToken } = apiTokens();
      const row = await withRecords((records) => revokeApiToken(records, { name, ...(o.org ? { org: o.org } : {}) }, { actor: cliActor(), via: 'cli' }));
      io.out(`Revoked the API token "${row.name}" (${row.role}, for ${row.org}); it is refused from now on.`);
    });
}
