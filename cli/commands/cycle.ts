/** `followup cycle`: start and follow one cycle of a data call, and act on its units. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import type { CycleStatus } from '../../client/cycles';
import type { OrganisationConfig } from '../../config/schema';
import { latestEndedPeriod } from '../../domain/calendar';
import { cycleWorkflowId as cycleId, type CycleKey } from '../../domain/ids';
import type { Archive } from '../../activities/archive';
import type { Records } from '../../records/database';
import { cycleClosing, shownState } from '../../domain/unit-states';
import { formatStatus } from '../status-table';
import { cliActor, helpers, type CommandContext } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadCycles = () => require('../../client/cycles') as typeof import('../../client/cycles');


interface CycleOptions {
  period?: string;
  config?: string;
}

export function addCycleCommands(program: Command, ctx: CommandContext): void {
  const { io, print } = helpers(ctx);
  const { env, loadConfig } = ctx;
  const client = ctx.client;
  const globalOpts = (cmd: Command) => cmd.optsWithGlobals() as CycleOptions & { json?: boolean; unit?: string };
  const keyOf = (config: OrganisationConfig, obligationId: string, opts: CycleOptions): CycleKey => {
    const obligation = config.obligations.find((o) => o.id === obligationId);
    if (!obligation || obligation.kind !== 'periodic-data-call') {
      const calls = config.obligations.filter((o) => o.kind === 'periodic-data-call').map((o) => o.id);
      throw ctx.usage(`${config.organisation.id} has no data call "${obligationId}" (cycles are run for data calls). Known: ${calls.join(', ')}.`);
    }
    const period = opts.period ?? latestEndedPeriod(obligation.period, DateTime.now().setZone(config.organisation.timeZone));
    return { orgId: config.organisation.id, obligationId, period };
  };
  const unitOf = (config: OrganisationConfig, unitId: string) => {
    if (!config.units.some((u) => u.id === unitId)) {
      throw ctx.usage(`No unit "${unitId}" in ${config.organisation.id}. Known: ${config.units.map((u) => u.id).join(', ')}.`);
    }
    return unitId;
  };
  /** Reads with the archive (in the database of record where there is one, else in the folder), and closes it after. */
  const withArchive = async <T>(read: (archive: Archive, records?: Records) => Promise<T>): Promise<T> => {
    const url = env().DATABASE_URL;
    const records = url ? await (require('../../records/database') as typeof import('../../records/database')).openRecords(url, { poolSize: 1 }) : undefined;
    try {
      const { archiveOf } = require('../../records/files') as typeof import('../../records/files');
      return await read(archiveOf(env().FOLLOWUP_ARCHIVE_DIR, records), records);
    } finally {
      await records?.destroy();
    }
  };
  const recordsCycles = () => require('../../records/cycles') as typeof import('../../records/cycles');
  /** The cycle in the database of record, where there is one (records/cycles.ts, the reader of its page in the web). */
  const cycleFromRecord = async (key: CycleKey) => (env().DATABASE_URL ? withArchive((archive, records) => recordsCycles().cycleOnRecord(records!, archive, key)) : undefined);
  const cycle = program
    .command('cycle')
    .description('run and follow one cycle of an obligation (its period defaults to the last one that has ended)');
  const periodOption = () => new Option('-p, --period <period>', 'the period followed up, e.g. 2026 (default: the last ended period)');

  cycle
    .command('start')
    .argument('<obligation>', 'obligation id from the config, e.g. annual-follow-up')
    .addOption(periodOption())
    .description('start a cycle; starting it again returns the running one')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd);
      const cfg = loadConfig(opts);
      const key = keyOf(cfg, obligationId, opts);
      // With the database of record, a period whose cycle has run and is archived is refused.
      const url = env().DATABASE_URL;
      const records = url ? await (require('../../records/database') as typeof import('../../records/database')).openRecords(url, { poolSize: 1 }) : undefined;
      let started: Awaited<ReturnType<ReturnType<typeof loadCycles>['startCycle']>>;
      try {
        started = await loadCycles().startCycle(await client(), env().TEMPORAL_TASK_QUEUE, key, cliActor(), { records });
      } finally {
        await records?.destroy();
      }
      const text = {
        started: `Started ${started.workflowId}. Requests go out on the opening day; follow it with: followup cycle status ${obligationId} --period ${key.period}`,
        running: `${started.workflowId} is already running; nothing new was started.`,
        closed: `${started.workflowId} has already run and is closed; its report is in the archive.`,
      }[started.outcome];
      io.out(text);
    });

  cycle
    .command('status')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .option('--json', 'print JSON for scripts and spreadsheets')
    .description('each unit\'s state: awaiting answer, late, escalated, answered, exempt, mail bounced; once closed, did not answer')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd);
      const cfg = loadConfig(opts);
      const key = keyOf(cfg, obligationId, opts);
      let status: CycleStatus;
      try {
        status = await loadCycles().cycleStatus(await client(), key, {
          closedRows: () => withArchive((archive) => recordsCycles().closedUnitRows(archive, key)),
          // A running cycle's lines from the database of record's copy, where there is one: one query however many units.
          ...(env().DATABASE_URL ? { openRows: (since: Date) => withArchive((_archive, records) => (require('../../records/unit-rows') as typeof import('../../records/unit-rows')).unitRowsOf(records!, cycleId(key), since)) } : {}),
        });
      } catch (err) {
        // Its workflows' histories deleted (the namespace's retention): the cycle as it stands on record, as its page shows it.
        const kept = err instanceof loadCycles().CycleNotFoundError ? await cycleFromRecord(key) : undefined;
        if (!kept) throw err;
        status = { info: kept.info, units: kept.units, starting: false };
      }
      if (opts.json) {
        // Scripts get what the table says: each unit's state as read (did not answer, once closed) and the close.
        const closing = cycleClosing(status.info);
        const json = {
          ...status,
          info: { ...status.info, ...(closing ? { closedEarly: closing.early } : {}) },
          units: status.units.map((u) => ({ ...u, shownState: shownState(u) })),
        };
        return print(json, '', true);
      }
      let human = formatStatus(status, cfg);
      if (status.info.report) {
        const files = [status.info.report.pdf, status.info.report.docx, status.info.report.html, status.info.report.markdown].filter((f): f is string => Boolean(f));
        // In the database of record (record_files, by reference) where there is one, else in the folder.
        const where = (f: string) => (env().DATABASE_URL ? `records:${f}` : path.join(env().FOLLOWUP_ARCHIVE_DIR, f));
        human += `\n\nReport: ${files.map(where).join('\n        ')}`;
      }
      io.out(human);
    });

  cycle
    .command('export')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .addOption(new Option('--format <format>', 'xlsx: a sheet of answers and one per repeated section; csv: one sheet for Swedish Excel').choices(['xlsx', 'csv']).default('xlsx'))
    .option('-o, --out <file>', 'where to write it (default: <org>-<obligation>-<period>-svar.<format> here)')
    .description('every unit\'s answer as a spreadsheet: a compiled cycle from the archive, a running one from its units')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd) as CycleOptions & { format: 'xlsx' | 'csv'; out?: string };
      const cfg = loadConfig(opts);
      const key = keyOf(cfg, obligationId, opts);
      const exports = require('../../exports/cycle-answers') as typeof import('../../exports/cycle-answers');
      const workbook = require('../../exports/workbook') as typeof import('../../exports/workbook');
      const { archiveOf } = require('../../records/files') as typeof import('../../records/files');
      const obligationConfig = cfg.obligations.find((o) => o.id === obligationId) as import('../../config/schema').PeriodicDataCallConfig;
      const { questionnaireOf } = require('../../domain/questionnaire') as typeof import('../../domain/questionnaire');
      // A compiled cycle's answers are in its report's data: in the database of record where there is one.
      const url = env().DATABASE_URL;
      const records = url ? await (require('../../records/database') as typeof import('../../records/database')).openRecords(url, { poolSize: 1 }) : undefined;
      let answers: Awaited<ReturnType<typeof exports.loadCycleAnswers>>;
      try {
        answers = await exports.loadCycleAnswers({ client: await client(), archive: archiveOf(env().FOLLOWUP_ARCHIVE_DIR, records), configuredQuestionnaire: () => questionnaireOf(obligationConfig) }, key);
        // A file field names its files (name, kind, size, SHA-256) where the database of record holds them.
        if (records) answers = await exports.withAttachments(records, answers);
      } finally {
        await records?.destroy();
      }
      const body =
        opts.format === 'xlsx'
          ? await workbook.toXlsx(exports.answersWorkbook({ org: cfg, obligation: obligationConfig, answers }))
          : workbook.sheetToCsv(exports.answersFlatSheet({ org: cfg, answers }), cfg.organisation.timeZone);
      const out = opts.out ?? `${key.orgId}-${key.obligationId}-${key.period}-svar.${opts.format}`;
      writeFileSync(out, body);
      io.out(`Wrote the answers of ${answers.units.length} units to ${out}.`);
    });

  cycle
    .command('answer')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .requiredOption('-u, --unit <unit>', 'the unit whose answer this is')
    .requiredOption('-f, --file <answers.json>', 'a JSON object: question id → answer')
    .description('record an answer on a unit\'s behalf (a correction replaces the earlier answer until the cycle closes)')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd) as CycleOptions & { unit: string; file: string };
      const cfg = loadConfig(opts);
      const key = keyOf(cfg, obligationId, opts);
      let values: unknown;
      try {
        values = JSON.parse(readFileSync(opts.file, 'utf8'));
      } catch (err) {
        throw ctx.usage(`Cannot read ${opts.file} as JSON (${(err as Error).message}). Write an object such as {"eu_projects": "…"}.`);
      }
      if (typeof values !== 'object' || values === null || Array.isArray(values)) throw ctx.usage(`${opts.file} must hold a JSON object: question id → answer.`);
      const answer = await loadCycles().submitAnswer(await client(), key, unitOf(cfg, opts.unit), values as Record<string, string>, 'secretariat', undefined, cliActor());
      io.out(`Recorded the answer of ${opts.unit} (version ${answer.revision}); a receipt goes to the contact person.`);
    });

  cycle
    .command('extend')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .requiredOption('-u, --unit <unit>', 'the unit')
    .requiredOption('--until <date>', 'the new last day to answer, YYYY-MM-DD')
    .description('give one unit a later deadline; its remaining reminders are re-planned')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd) as CycleOptions & { unit: string; until: string };
      const cfg = loadConfig(opts);
      const plan = await loadCycles().extendDeadline(await client(), keyOf(cfg, obligationId, opts), unitOf(cfg, opts.unit), opts.until, cliActor());
      io.out(`${opts.unit}: new deadline ${plan.deadlineDate}; reminders ${plan.reminderTimes.map((t) => t.slice(0, 10)).join(', ') || 'none left'}.`);
    });

  cycle
    .command('remind')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .option('-u, --unit <unit>', 'only this unit (default: every unit that has not answered)')
    .description('send a reminder now')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd);
      const cfg = loadConfig(opts);
      const reminded = await loadCycles().remindNow(await client(), keyOf(cfg, obligationId, opts), opts.unit ? unitOf(cfg, opts.unit) : undefined, cliActor());
      io.out(reminded.length ? `Reminder queued for: ${reminded.join(', ')}.` : 'Every unit has answered or is exempt; no reminder sent.');
    });

  cycle
    .command('exempt')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .requiredOption('-u, --unit <unit>', 'the unit')
    .option('-r, --reason <text>', 'why; shown in the report', 'Undantagen av sekretariatet')
    .description('exempt a unit from this cycle: no more reminders, shown as exempt in the report')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd) as CycleOptions & { unit: string; reason: string };
      const cfg = loadConfig(opts);
      await loadCycles().exemptUnit(await client(), keyOf(cfg, obligationId, opts), unitOf(cfg, opts.unit), opts.reason, cliActor());
      io.out(`${opts.unit} is exempt from this cycle.`);
    });

  cycle
    .command('close')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .description('close the cycle now: the report is compiled, archived and sent to its recipients')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd);
      const cfg = loadConfig(opts);
      const key = keyOf(cfg, obligationId, opts);
      await loadCycles().closeCycle(await client(), key, 'closed early by the secretariat', cliActor());
      io.out(`Closing ${obligationId} ${key.period}: the report is being compiled. See it with: followup cycle status ${obligationId} --period ${key.period}`);
    });

  cycle
    .command('redeliver')
    .argument('<obligation>', 'obligation id')
    .addOption(periodOption())
    .description('after fixing an address or a template: compile the report again if it failed, and send it to everyone who has not got it')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd);
      const cfg = loadConfig(opts);
      const key = keyOf(cfg, obligationId, opts);
      await loadCycles().redeliverReport(await client(), key, cliActor());
      io.out(`The report of ${obligationId} ${key.period} goes out again to whoever has not got it. See who has with: followup cycle status ${obligationId} --period ${key.period}`);
    });

}
