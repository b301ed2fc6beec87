/**
 * `followup archive export`: an organisation's year as a package for the e-archive (CITS ERMS, the
 * ground of the National Archives' FGS for case management), read from the database of record.
 * It only reads, so it is not in the audit log, as the other commands that only read are not.
 */
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { helpers, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use: the records, the PDF renderer and the ZIP are heavy */
const loadDatabase = () => require('../../records/database') as typeof import('../../records/database');
const loadFiles = () => require('../../records/files') as typeof import('../../records/files');
const loadYearPackage = () => require('../../records/year-package') as typeof import('../../records/year-package');
/* eslint-enable @typescript-eslint/no-require-imports */

const KIND_NAMES: Record<string, [string, string]> = {
  cycle: ['cycle', 'cycles'],
  project: ['project', 'projects'],
  agreement: ['agreement', 'agreements'],
  revision: ['revision', 'revisions'],
  'yearly-goals': ["year's goals", "years' goals"],
  event: ['event', 'events'],
  people: ["year's substitutes and contact changes", "years' substitutes and contact changes"],
};

export function addArchiveCommands(program: Command, ctx: CommandContext): void {
  const { opts, print } = helpers(ctx);
  const archive = program.command('archive').description('packages for the e-archive, read from the database of record (DATABASE_URL)');
  archive
    .command('export')
    .requiredOption('--year <year>', 'the year whose cases to package, e.g. 2026')
    .option('--out <file>', 'where to write the ZIP (default: <organisation>-arkivpaket-<year>.zip here)')
    .option('--json', 'print what was written as JSON')
    .description(
      "write a year's cases (each cycle with every answer version, its report's files and its mail log; each project with every version of its goals, each return with its comment and the approval; each agreement, revision, the year's goals and each event with their decisions and history) as a ZIP after CITS ERMS: erms.xml beside the files, each with its SHA-256, every document as PDF/A. Reads the database of record only: cases whose workflows are long gone are in it too.",
    )
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { year: string; out?: string };
      if (!/^\d{4}$/.test(o.year)) throw ctx.usage(`--year "${o.year}" must be a year such as 2026.`);
      const year = Number(o.year);
      const env = ctx.env();
      if (!env.DATABASE_URL) {
        throw ctx.usage(
          `The archive package is read from the records database: set DATABASE_URL to it. With "npm start" running, it prints the address under "Records database" (its embedded database: DATABASE_URL=postgresql://postgres@127.0.0.1:${env.FOLLOWUP_RECORDS_PORT}/postgres); in production, the PostgreSQL URL the worker and the web use.`,
        );
      }
      const config = ctx.loadConfig(o);
      const { packageFileName, exportYearPackage } = loadYearPackage();
      const out = o.out ?? packageFileName(config.organisation.id, year);
      const db = await loadDatabase().openRecords(env.DATABASE_URL, { poolSize: 2 });
      try {
        const exported = await exportYearPackage({ records: db, archive: loadFiles().archiveOf(env.FOLLOWUP_ARCHIVE_DIR, db), config, year, exportedAt: new Date(), systemVersion: systemVersion() });
        // Written beside and renamed: a half-written package never stands under the name asked for.
        const partial = `${out}.partial-${process.pid}`;
        try {
          await writeFile(partial, exported.zip);
          await rename(partial, out);
        } catch (err) {
          await rm(partial, { force: true });
          throw ctx.usage(`Cannot write the package to ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): name a writable place with --out.`);
        }
        const kinds = Object.entries(exported.kinds).map(([kind, n]) => `${n} ${KIND_NAMES[kind]![n === 1 ? 0 : 1]}`);
        const human = [
          `Wrote ${out}: ${config.organisation.name}, ${year}.`,
          `  ${exported.cases} case${exported.cases === 1 ? '' : 's'} (${kinds.join(', ')}), ${exported.records} records, ${exported.files} files beside erms.xml, ${exported.bytes.toLocaleString('en-GB')} bytes.`,
          `  SHA-256 of the package: ${exported.sha256}`,
          ...(exported.missing.length
            ? [`  Not in the package: ${exported.missing.length} file(s) the record names but the archive does not hold: ${exported.missing.join(', ')}. Restore them from a backup and export again.`]
            : []),
        ].join('\n');
        const { zip: _zip, ...summary } = exported;
        print({ file: out, organisation: config.organisation.id, year, ...summary }, human, o.json);
        if (exported.missing.length) process.exitCode = 1;
      } catch (err) {
        if ((err as Error).name === 'NothingOnRecordError') throw ctx.usage((err as Error).message);
        throw err;
      } finally {
        await db.destroy();
      }
    });
}

/** The release that made the package, as package.json names it. */
function systemVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PROJECT_ROOT } = require('../../config/environment') as typeof import('../../config/environment');
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
