/**
 * `followup retention`: records removed by the organisation's retention decision (gallring): the
 * database of record's (with DATABASE_URL) and the archive folder's files. Nothing is removed
 * without `report --apply`, and every removal is in the retention log, which is never removed.
 */
import type { Command } from 'commander';
import type { OrganisationConfig } from '../../config/schema';
import type { DueRecord, RetentionCount } from '../../records/retention';
import { cliActor, helpers, table, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
const loadFolderRetention = () => require('../../retention/archive-retention') as typeof import('../../retention/archive-retention');
const loadRecordsRetention = () => require('../../records/retention') as typeof import('../../records/retention');
const loadDatabase = () => require('../../records/database') as typeof import('../../records/database');
const loadMigrate = () => require('../../records/migrate') as typeof import('../../records/migrate');
const loadFiles = () => require('../../records/files') as typeof import('../../records/files');
const loadMigrations = () => require('../../records/migrations') as typeof import('../../records/migrations');
const loadConfigs = () => require('../../config/load') as typeof import('../../config/load');
/* eslint-enable @typescript-eslint/no-require-imports */

export class RetentionSchemaError extends Error {
  override name = 'RetentionSchemaError';
}

const FOLDER_LABEL = { stagedAnswers: 'staged answers', answers: 'answers file', reports: 'report' } as const;
/** Lines of due records the terminal shows; --json lists them all. */
const SHOWN = 200;

const day = (iso: string | Date) => (typeof iso === 'string' ? iso : iso.toISOString()).slice(0, 10);

export function addRetentionCommands(program: Command, ctx: CommandContext): void {
  const { opts, print } = helpers(ctx);

  /** The organisations judged (one with --org), and all the deployment serves (the audit log is theirs together). */
  const configsOf = (o: Opts & { org?: string }) => {
    const source = (o.config as string | undefined) ?? ctx.env().FOLLOWUP_CONFIG;
    const all = loadConfigs().loadConfigs(source);
    return { configs: o.org ? [loadConfigs().pickOrganisation(all, o.org, source)] : all, allConfigs: all };
  };

  /** Opens the database of record, when DATABASE_URL names one, and makes sure its schema has the retention log. */
  const withRecords = async <T>(run: (db: import('../../records/database').Records | undefined) => Promise<T>): Promise<T> => {
    const url = ctx.env().DATABASE_URL;
    if (!url) return run(undefined);
    const db = await loadDatabase().openRecords(url, { poolSize: 2 });
    try {
      const applied = await loadMigrate().appliedMigrations(db);
      const missing = Object.keys(loadMigrations().RECORDS_MIGRATIONS).filter((name) => !applied.includes(name));
      if (missing.length) {
        throw new RetentionSchemaError(
          `The records database's schema is older than this release (it lacks ${missing.join(', ')}). Start this release's worker or "npm start" once, which brings it up to date, then run the command again. Nothing was removed.`,
        );
      }
      return await run(db);
    } finally {
      await db.destroy();
    }
  };

  const folderDue = (d: import('../../retention/archive-retention').DueRemoval): DueRecord => ({
    org: d.orgId,
    type: d.recordType,
    label: FOLDER_LABEL[d.category],
    what: d.ref,
    place: 'folder',
    rows: 1,
    recordAt: d.archivedAt,
    dueSince: d.dueSince,
    rule: d.rule,
    decision: d.decision ?? null,
  });

  const dueTable = (due: readonly DueRecord[], withDueSince: boolean) =>
    [
      table([
        ['WHAT', 'RECORD', 'TIME', 'RULE', ...(withDueSince ? ['DUE SINCE'] : []), 'DECISION'],
        ...due.slice(0, SHOWN).map((d) => [d.what, d.label, day(d.recordAt), d.rule, ...(withDueSince ? [day(d.dueSince)] : []), d.decision ?? '(none named)']),
      ]),
      ...(due.length > SHOWN ? [`… and ${due.length - SHOWN} more (--json lists them all).`] : []),
    ].join('\n');

  const countsTable = (counts: readonly RetentionCount[]) =>
    table([
      ['ORGANISATION', 'TYPE', 'RECORD', 'WHERE', 'DUE', 'KEPT', 'RULE', 'DECISION'],
      ...counts.map((c) => [c.org ?? '(all)', c.type, c.label, c.place, String(c.due), String(c.kept), c.rule === 'no rule' ? 'no rule: kept' : c.rule, c.decision ?? '–']),
    ]);

  const retention = program
    .command('retention')
    .description(
      'records past their retention period, as the organisation\'s retention rules say (config "retention:", each data call\'s own "retention" for its files): in the records database (DATABASE_URL) and the archive folder. A kind of record without a rule is kept: nothing is removed by default',
    );
  retention
    .command('report')
    .option('--apply', 'remove what is due, each removal written to the retention log first (followup retention log)')
    .option('--json', 'print JSON')
    .description('list what is due for removal, kind by kind with its rule and decision, and what is kept and why; nothing is removed without --apply')
    .addHelpText(
      'after',
      [
        '',
        'Nothing is removed by default: only with --apply, and only what a rule in the config lets go (a kind of record without a rule is kept).',
        'The rules name each kind of record with the retention decision (gallringsbeslut) it follows, for example:',
        '  retention:',
        '    answers: { keep: P10Y, decision: "KS 2024/123 § 45" }   # every version of every answer, and the answers files',
        '    mailLog: { keep: P2Y, decision: "KS 2024/123 § 45" }',
        '    reports: { keep: forever, decision: "KS 2024/123 § 45" }',
        'A data call\'s own "retention" from before (stagedAnswers, answers, reports: its files) still applies to its files where it names a category; a category it leaves out follows the organisation\'s rule (answers, or reports).',
        'Kinds: answers, goals, decisions, cycles, mailLog, auditLog, reports, delegations, substitutions, contactChanges. Each removal is written to the retention log (in the records database, and <archive>/<org>/retention-log.jsonl for the folder\'s files), which is never removed.',
        'Drafts and answers held in Temporal (each unit\'s workflow) are removed by the namespace\'s retention period once the cycle has closed; set it with "temporal operator namespace update --retention".',
      ].join('\n'),
    )
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { apply?: boolean; org?: string };
      const env = ctx.env();
      const scope = configsOf(o);
      const folder = loadFolderRetention();
      const records = loadRecordsRetention();
      const now = new Date();
      await withRecords(async (db) => {
        const where = db
          ? `The records database and the archive folder (${env.FOLLOWUP_ARCHIVE_DIR}).`
          : `The archive folder (${env.FOLLOWUP_ARCHIVE_DIR}); no records database (DATABASE_URL is not set).`;
        const folderPlan = await folder.planRetention(env.FOLLOWUP_ARCHIVE_DIR, scope.configs, now);
        const folderKept = folderPlan.kept.flatMap((k) => Array.from({ length: k.count }, () => ({ org: k.orgId, type: k.recordType, label: FOLDER_LABEL[k.category], place: 'folder' as const, rule: k.rule, decision: k.decision ?? null })));
        const folderDues = folderPlan.due.map(folderDue);
        if (!o.apply) {
          const recordsPlan = db ? await records.planRecordsRetention(db, scope, now) : { due: [], counts: [] };
          const due = [...recordsPlan.due, ...folderDues];
          const counts = [...recordsPlan.counts, ...records.countRetention(folderDues, folderKept)];
          const human = [
            where,
            due.length ? `Due for removal (${due.length}); remove with: followup retention report --apply\n${dueTable(due, true)}` : 'Nothing is due for removal.',
            '',
            counts.length ? countsTable(counts) : 'No records, and no retention rules, in the config.',
            '',
            'Nothing is removed without --apply; a kind of record without a rule is kept.',
            ...(scope.configs.length < scope.allConfigs.length ? ['The audit log is every organisation\'s: it is judged only without --org.'] : []),
          ].join('\n');
          print({ database: Boolean(db), due, counts }, human, o.json);
          return;
        }
        const actor = cliActor();
        const removedRecords = db ? await records.applyRecordsRetention(db, scope, now, actor) : [];
        const folderResult = await folder.applyRetention(env.FOLLOWUP_ARCHIVE_DIR, folderPlan.due, actor, now);
        const removedFiles = folderResult.removed.map(folderDue);
        // The folder's removals are in its retention-log.jsonl; with a database, in its log too.
        if (db && removedFiles.length) await records.writeRetentionLog(db, removedFiles, now, actor);
        const removed = [...removedRecords, ...removedFiles];
        const log = db ? 'the retention log (followup retention log)' : 'retention-log.jsonl (followup retention log)';
        const human = [
          where,
          removed.length ? `Removed ${removed.length}, each logged in ${log}:\n${dueTable(removed, false)}` : 'Nothing was due for removal.',
          ...folderResult.failed.map((f) => `Could not remove ${f.removal.ref}: ${f.error}`),
        ].join('\n');
        print({ database: Boolean(db), removed, failed: folderResult.failed.map((f) => ({ ...folderDue(f.removal), error: f.error })) }, human, o.json);
        if (folderResult.failed.length) process.exitCode = 1;
      });
    });

  retention
    .command('log')
    .option('--json', 'print JSON')
    .description('every removal made by a retention decision, oldest first: when, by whom, what, the rule and the decision (the records database\'s log and each organisation\'s retention-log.jsonl)')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { org?: string };
      const env = ctx.env();
      const { configs } = configsOf(o);
      await withRecords(async (db) => {
        const entries = db ? (await loadRecordsRetention().retentionLog(db, { orgs: configs.map((c: OrganisationConfig) => c.organisation.id) })).map((e) => ({ ...e, at: e.at.toISOString(), recordAt: e.recordAt.toISOString() })) : [];
        const seen = new Set(entries.map((e) => `${e.at}|${e.what}`));
        const folder = loadFolderRetention();
        for (const config of configs) {
          // The folder's log, and its copy carried into the database by `followup records import`.
          const copy = db ? await loadFiles().recordFile(db, `${config.organisation.id}/retention-log.jsonl`) : undefined;
          const lines = [...(copy ? folder.parseFolderLog(copy.content.toString('utf8')) : []), ...(await folder.readFolderLog(env.FOLLOWUP_ARCHIVE_DIR, config.organisation.id))];
          for (const line of lines) {
            if (!line.removed || seen.has(`${line.at}|${line.removed}`)) continue;
            seen.add(`${line.at}|${line.removed}`);
            entries.push({
              at: line.at,
              actor: line.by,
              org: config.organisation.id,
              type: line.category === 'reports' ? 'reports' : 'answers',
              what: line.removed,
              place: 'folder',
              rows: 1,
              recordAt: line.archivedAt ?? line.at,
              rule: line.rule ?? '',
              decision: line.decision ?? null,
            });
          }
        }
        entries.sort((a, b) => a.at.localeCompare(b.at));
        const human = entries.length
          ? table([
              ['AT', 'BY', 'ORGANISATION', 'TYPE', 'WHAT', 'WHERE', 'RULE', 'DECISION'],
              ...entries.map((e) => [e.at.slice(0, 16).replace('T', ' '), e.actor, e.org ?? '(all)', e.type, e.rows > 1 ? `${e.what} (${e.rows})` : e.what, e.place, e.rule, e.decision ?? '(none named)']),
            ])
          : 'Nothing has been removed by a retention decision.';
        print(entries, human, o.json);
      });
    });
}
