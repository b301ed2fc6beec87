/** `followup records`: the database of record (DATABASE_URL); `records import` carries a data folder from before it. */
import type { Command } from 'commander';
import { helpers, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use: the records and the Temporal client are heavy */
const loadImport = () => require('../../records/import') as typeof import('../../records/import');
const loadDatabase = () => require('../../records/database') as typeof import('../../records/database');
const loadMigrate = () => require('../../records/migrate') as typeof import('../../records/migrate');
const loadConfigs = () => require('../../config/load') as typeof import('../../config/load');
/* eslint-enable @typescript-eslint/no-require-imports */

export function addRecordsCommands(program: Command, ctx: CommandContext): void {
  const { opts, print } = helpers(ctx);
  const records = program.command('records').description('the database of record (DATABASE_URL): what was received, decided and sent');
  records
    .command('import')
    .option('--json', 'print JSON: what was carried and what was skipped, by kind')
    .description(
      'carry a data folder made by the release before the database into it: the accounts file ($FOLLOWUP_DATA_DIR/accounts.json), every file of the archive ($FOLLOWUP_ARCHIVE_DIR: reports, staged outcomes, the record of mails sent, retention logs) and the cases still on the Temporal server, read through the running worker (projects with every version of their goals, agreements, revisions, events, the years\' goals, seminars, cycles). What is in the database already stays; running it again writes nothing twice.',
    )
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { org?: string };
      const env = ctx.env();
      if (!env.DATABASE_URL) {
        throw ctx.usage('The import writes to the records database: set DATABASE_URL to it (npm start prints its embedded database\'s address under "Records database", e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:7235/postgres).');
      }
      const configs = o.org ? [ctx.loadConfig(o)] : loadConfigs().loadConfigs((o.config as string | undefined) ?? env.FOLLOWUP_CONFIG);
      const db = await loadDatabase().openRecords(env.DATABASE_URL, { poolSize: 2 });
      try {
        // An upgrade step: the schema is brought up to this release's first, as a worker would.
        const applied = await loadMigrate().migrateToLatest(db);
        if (applied.length && !o.json) ctx.io.out(`Records database: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}.`);
        let client;
        let unreached: string | undefined;
        try {
          client = await ctx.client();
        } catch (err) {
          unreached = (err as Error).message;
        }
        const { importAll } = loadImport();
        const report = await importAll(db, { dataDir: env.FOLLOWUP_DATA_DIR, archiveDir: env.FOLLOWUP_ARCHIVE_DIR }, client ? { client, configs } : {});
        print(report.toJSON(), report.lines().join('\n'), o.json);
        if (unreached) throw ctx.usage(`The cases on the Temporal server were not carried: ${unreached} Then run "followup records import" again (what is carried already is not written twice).`);
      } finally {
        await db.destroy();
      }
    });
}
