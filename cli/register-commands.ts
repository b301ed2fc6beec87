/**
 * `followup project|seminar|agreement|revision|schedules`: the registers, the gate before a
 * project starts, the revision of the policy and the schedules that run every obligation.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import { DateTime } from 'luxon';
import {
  agreementStatus,
  approveGoals,
  closeProject,
  decideAgreement,
  projectStatus,
  readRegister,
  recordRevision,
  registerAgreement,
  registerProject,
  registerSeminar,
  returnGoals,
  revisionPeriodOf,
  revisionStatus,
  startRevision,
  submitGoals,
} from '../client/registers';
import { listSchedules, syncSchedules, triggerSchedule } from '../client/schedules';
import type { Environment } from '../config/environment';
import type { OrganisationConfig } from '../config/schema';
import type { SeminarRole } from '../domain/registers';

export interface CommandContext {
  io: { out: (text: string) => void };
  env: () => Environment;
  loadConfig: (opts: { config?: string }) => OrganisationConfig;
  client: () => Promise<Client>;
  usage: (message: string) => Error;
}

type Opts = Record<string, unknown> & { config?: string; json?: boolean };

const collect = (value: string, previous: string[] = []) => [...previous, value];

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function addRegisterCommands(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  const opts = (cmd: Command) => cmd.optsWithGlobals() as Opts;
  const print = (json: unknown, human: string, asJson?: boolean) => io.out(asJson ? JSON.stringify(json, null, 2) : human);
  const taskQueue = () => ctx.env().TEMPORAL_TASK_QUEUE;

  // --- project ---------------------------------------------------------------------------------
  const project = program.command('project').description('the project register and the goals each project needs before it starts');
  project
    .command('register')
    .description('register a planned international project; its owner is asked for the goals before the start')
    .requiredOption('--id <id>', 'a short id, e.g. interreg-smart-cities-2027')
    .requiredOption('--title <title>', 'the project\'s name')
    .requiredOption('-u, --unit <unit>', 'the unit that runs it')
    .requiredOption('--owner-name <name>', 'the project owner')
    .requiredOption('--owner-email <email>', 'the owner\'s e-mail address')
    .requiredOption('--start <date>', 'planned start, YYYY-MM-DD')
    .option('--end <date>', 'planned end, YYYY-MM-DD')
    .option('--partner <name>', 'a partner (repeat for several)', collect, [])
    .option('--eu-funded', 'the project is EU-funded', false)
    .option('--application', 'funding is applied for, not yet granted', false)
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string | string[] | boolean>;
      const cfg = ctx.loadConfig(o);
      const registered = await registerProject(await ctx.client(), taskQueue(), cfg, {
        id: String(o.id),
        title: String(o.title),
        unitId: String(o.unit),
        owner: { name: String(o.ownerName), email: String(o.ownerEmail) },
        plannedStart: String(o.start),
        plannedEnd: o.end === undefined ? undefined : String(o.end),
        partners: o.partner as string[],
        euFunded: Boolean(o.euFunded),
        stage: o.application ? 'application' : 'project',
      });
      io.out(`Registered ${registered.workflowId}. The owner is asked for the goals; see it with: followup project status ${String(o.id)}`);
    });
  project
    .command('goals')
    .argument('<id>', 'the project id')
    .option('-f, --file <goals.json>', 'a JSON object: field id → text')
    .option('-s, --set <field=text>', 'one field (repeat for several)', collect, [])
    .description('record the goals the owner sent (purpose, goals, activities …); the secretariat then approves or returns them')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { file?: string; set: string[] };
      const cfg = ctx.loadConfig(o);
      let values: Record<string, unknown> = {};
      if (o.file) {
        try {
          values = JSON.parse(readFileSync(o.file, 'utf8')) as Record<string, unknown>;
        } catch (err) {
          throw ctx.usage(`Cannot read ${o.file} as JSON (${(err as Error).message}). Write an object such as {"purpose": "…"}.`);
        }
      }
      for (const pair of o.set) {
        const at = pair.indexOf('=');
        if (at < 1) throw ctx.usage(`--set takes field=text, e.g. --set purpose="Stärka samarbetet"; got "${pair}".`);
        values[pair.slice(0, at)] = pair.slice(at + 1);
      }
      if (Object.keys(values).length === 0) throw ctx.usage('Give the goals with --file goals.json or --set field=text.');
      const r = await submitGoals(await ctx.client(), cfg.organisation.id, id, values as Record<string, string>);
      io.out(`Goals of ${id} recorded (version ${r.revision}); the secretariat is asked to approve them: followup project approve ${id}`);
    });
  project
    .command('approve')
    .argument('<id>', 'the project id')
    .description('approve the submitted goals; the owner is told')
    .action(async (id: string, _o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      await approveGoals(await ctx.client(), cfg.organisation.id, id);
      io.out(`Goals of ${id} approved; the owner is told.`);
    });
  project
    .command('return')
    .argument('<id>', 'the project id')
    .requiredOption('--comment <text>', 'what the owner should add or change')
    .description('return the goals to the owner with a comment; reminders resume until new goals arrive')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { comment: string };
      const cfg = ctx.loadConfig(o);
      await returnGoals(await ctx.client(), cfg.organisation.id, id, o.comment);
      io.out(`Goals of ${id} returned to the owner with your comment.`);
    });
  project
    .command('close')
    .argument('<id>', 'the project id')
    .description('mark an approved or ongoing project as closed')
    .action(async (id: string, _o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      await closeProject(await ctx.client(), cfg.organisation.id, id);
      io.out(`${id} is closed.`);
    });
  project
    .command('status')
    .argument('<id>', 'the project id')
    .option('--json', 'print JSON')
    .description('one project: its state, goals, returns and reminders')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const s = await projectStatus(await ctx.client(), cfg.organisation.id, id);
      const human = [
        `${s.title} (${s.id}) — ${s.state}${s.startedWithoutApproval ? ', started without approved goals' : ''}`,
        `Unit ${s.unitId}, owner ${s.owner.name}, planned start ${s.plannedStart}${s.plannedEnd ? `, end ${s.plannedEnd}` : ''}, ${s.euFunded ? 'EU-funded' : 'not EU-funded'}`,
        `Reminders sent: ${s.remindersSentAt.length}${s.goals ? `; goals version ${s.goals.revision} submitted ${s.goals.submittedAt.slice(0, 10)}` : ''}${s.approvedAt ? `; approved ${s.approvedAt.slice(0, 10)}` : ''}`,
        ...(s.returned ?? []).map((r) => `Returned ${r.at.slice(0, 10)}: ${r.comment}`),
      ].join('\n');
      print(s, human, o.json);
    });
  project
    .command('list')
    .option('--json', 'print JSON for scripts and spreadsheets')
    .option('-u, --unit <unit>', 'only this unit\'s projects')
    .description('every registered project with its state')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { unit?: string };
      const cfg = ctx.loadConfig(o);
      const projects = (await readRegister(await ctx.client(), cfg.organisation.id)).projects.filter((p) => !o.unit || p.unitId === o.unit);
      const human = projects.length
        ? table([['PROJECT', 'UNIT', 'START', 'STATE', 'EU', 'TITLE'], ...projects.map((p) => [p.id, p.unitId, p.plannedStart, p.state + (p.startedWithoutApproval ? ' (started unapproved)' : ''), p.euFunded ? 'yes' : 'no', p.title])])
        : 'No projects are registered. Register one with: followup project register --help';
      print(projects, human, o.json);
    });

  // --- seminar ---------------------------------------------------------------------------------
  const seminar = program.command('seminar').description('the register of international seminars (counted against the yearly minimum)');
  seminar
    .command('register')
    .description('register a seminar, planned or held')
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .requiredOption('--title <title>', 'the seminar\'s title')
    .requiredOption('--place <place>', 'city and venue, e.g. "Bryssel, Solna stads EU-kontor"')
    .requiredOption('--country <code>', 'two-letter country code, e.g. SE or BE')
    .addOption(new Option('--role <role>', 'the organisation\'s role').choices(['organiser', 'co-organiser', 'participant']).makeOptionMandatory())
    .requiredOption('-u, --unit <unit>', 'the unit that holds it')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string>;
      const cfg = ctx.loadConfig(o);
      const r = await registerSeminar(await ctx.client(), taskQueue(), cfg, {
        date: o.date!,
        title: o.title!,
        place: o.place!,
        country: o.country!.toUpperCase(),
        role: o.role as SeminarRole,
        unitId: o.unit!,
      });
      io.out(`Registered seminar ${r.id}: ${r.title}, ${r.date}.`);
    });
  seminar
    .command('list')
    .option('--year <year>', 'only this year')
    .option('--json', 'print JSON')
    .description('the registered seminars')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { year?: string };
      const cfg = ctx.loadConfig(o);
      const seminars = (await readRegister(await ctx.client(), cfg.organisation.id)).seminars.filter((s) => !o.year || s.date.startsWith(`${o.year}-`));
      const human = seminars.length
        ? table([['DATE', 'ROLE', 'PLACE', 'UNIT', 'TITLE'], ...seminars.map((s) => [s.date, s.role, `${s.place} (${s.country})`, s.unitId, s.title])])
        : 'No seminars are registered. Register one with: followup seminar register --help';
      print(seminars, human, o.json);
    });

  // --- agreement -------------------------------------------------------------------------------
  const agreement = program.command('agreement').description('the register of time-limited cooperation agreements, reviewed before they end');
  agreement
    .command('register')
    .description('register an agreement; its owner is reminded before it ends')
    .requiredOption('--id <id>', 'a short id, e.g. vanort-jyvaskyla')
    .requiredOption('--title <title>', 'the agreement')
    .requiredOption('--partner <partner>', 'the partner')
    .requiredOption('-u, --unit <unit>', 'the unit that owns it')
    .requiredOption('--owner-name <name>', 'the person responsible')
    .requiredOption('--owner-email <email>', 'their e-mail address')
    .requiredOption('--ends <date>', 'the end date, YYYY-MM-DD')
    .option('--starts <date>', 'the start date, YYYY-MM-DD')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string>;
      const cfg = ctx.loadConfig(o);
      const r = await registerAgreement(await ctx.client(), taskQueue(), cfg, {
        id: o.id!,
        title: o.title!,
        partner: o.partner!,
        unitId: o.unit!,
        owner: { name: o.ownerName!, email: o.ownerEmail! },
        endsOn: o.ends!,
        startsOn: o.starts,
      });
      io.out(`Registered ${r.workflowId}; its owner is reminded before ${o.ends}.`);
    });
  agreement
    .command('decide')
    .argument('<id>', 'the agreement id')
    .option('--renew-until <date>', 'renewed: the new end date')
    .option('--end', 'it ends on its end date')
    .option('--note <text>', 'what the evaluation found')
    .description('record the decision after the review: renew it to a new date, or let it end')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { renewUntil?: string; end?: boolean; note?: string };
      if (Boolean(o.renewUntil) === Boolean(o.end)) throw ctx.usage('Give either --renew-until YYYY-MM-DD or --end.');
      const cfg = ctx.loadConfig(o);
      const r = await decideAgreement(await ctx.client(), cfg.organisation.id, id, o.end ? { decision: 'end', note: o.note } : { decision: 'renew', newEndsOn: o.renewUntil!, note: o.note });
      io.out(`${id}: ${r.state}.`);
    });
  agreement
    .command('status')
    .argument('<id>', 'the agreement id')
    .option('--json', 'print JSON')
    .description('one agreement and its decisions')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const s = await agreementStatus(await ctx.client(), cfg.organisation.id, id);
      print(s, `${s.title} with ${s.partner} (${s.id}) — ${s.state}, ends ${s.endsOn}, reminders sent ${s.remindersSent}`, o.json);
    });
  agreement
    .command('list')
    .option('--json', 'print JSON')
    .description('every registered agreement, soonest end first')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const list = (await readRegister(await ctx.client(), cfg.organisation.id)).agreements.slice().sort((a, b) => a.endsOn.localeCompare(b.endsOn));
      const human = list.length
        ? table([['AGREEMENT', 'ENDS', 'STATE', 'PARTNER', 'TITLE'], ...list.map((a) => [a.id, a.endsOn, a.state, a.partner, a.title])])
        : 'No agreements are registered. Register one with: followup agreement register --help';
      print(list, human, o.json);
    });

  // --- revision --------------------------------------------------------------------------------
  const revision = program.command('revision').description('the revision of the policy once per mandate period or by a set date');
  const revisionOptions = (c: Command) =>
    c.option('--obligation <id>', 'the revision obligation (default: the only one)').option('-p, --period <id>', 'the period, e.g. 2026-2030 (default: the running one)');
  const periodOf = (o: Opts & { obligation?: string; period?: string }) => {
    const cfg = ctx.loadConfig(o);
    return { cfg, ...revisionPeriodOf(cfg, o.obligation, o.period, new Date()) };
  };
  revisionOptions(revision.command('start').description('start the revision of a period now (its schedule does this on its own)')).action(async (_o, cmd: Command) => {
    const { cfg, obligation, periodId } = periodOf(opts(cmd));
    const outcome = await startRevision(await ctx.client(), taskQueue(), cfg.organisation.id, obligation.id, periodId);
    io.out(`Revision ${periodId}: ${outcome === 'started' ? 'started; the document owner is asked on its day' : `already ${outcome}`}.`);
  });
  revisionOptions(
    revision
      .command('record')
      .description('record the decision: date, body, paragraph, revised or confirmed')
      .requiredOption('--decided-on <date>', 'the date of the decision, YYYY-MM-DD')
      .requiredOption('--body <body>', 'the body that decided, e.g. Kommunfullmäktige')
      .requiredOption('--paragraph <§>', 'the paragraph of the minutes, e.g. "§ 311/2019"')
      .addOption(new Option('--outcome <outcome>', 'revised or confirmed without changes').choices(['revised', 'confirmed']).makeOptionMandatory()),
  ).action(async (_o, cmd: Command) => {
    const o = opts(cmd) as Opts & Record<string, string>;
    const { cfg, obligation, periodId } = periodOf(o);
    const r = await recordRevision(await ctx.client(), cfg.organisation.id, obligation.id, periodId, { decidedOn: o.decidedOn!, body: o.body!, paragraph: o.paragraph!, outcome: o.outcome as 'revised' | 'confirmed' });
    io.out(`Revision ${periodId} recorded: ${r.decision?.body} ${r.decision?.decidedOn} ${r.decision?.paragraph} (${r.decision?.outcome}).`);
  });
  revisionOptions(revision.command('status').description('the state of the revision: asked, overdue, decided').option('--json', 'print JSON')).action(async (_o, cmd: Command) => {
    const o = opts(cmd);
    const { cfg, obligation, periodId } = periodOf(o);
    const s = await revisionStatus(await ctx.client(), cfg.organisation.id, obligation.id, periodId);
    const human = `Revision ${s.periodId} of ${cfg.organisation.name}: ${s.state}, due ${s.dueDate}` + (s.decision ? ` — ${s.decision.body} ${s.decision.decidedOn} ${s.decision.paragraph}, ${s.decision.outcome}` : `; reminders sent ${s.remindersSentAt.length}`);
    print(s, human, o.json);
  });

  // --- schedules -------------------------------------------------------------------------------
  const schedules = program.command('schedules').description('the Temporal Schedules that run every obligation on its calendar');
  schedules
    .command('sync')
    .description('create, update and remove schedules to match the config; running it twice changes nothing')
    .action(async (_o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      const results = await syncSchedules(await ctx.client(), taskQueue(), cfg);
      io.out(results.map((r) => `${r.change.padEnd(11)} ${r.scheduleId}${r.detail ? ` (${r.detail})` : ''}`).join('\n') || 'The config implies no schedules.');
    });
  schedules
    .command('list')
    .option('--json', 'print JSON')
    .option('-n, --next <count>', 'how many next runs to show', '3')
    .description('each schedule with its next runs in the organisation\'s time zone')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { next: string };
      const cfg = ctx.loadConfig(o);
      const list = await listSchedules(await ctx.client(), cfg, Math.max(1, Number(o.next) || 3));
      const human = list.length
        ? list.map((s) => `${s.scheduleId}${s.paused ? ' (paused)' : ''}\n${s.nextRuns.map((r) => `  next ${r.local}${r.label ? `  → ${r.label}` : ''}`).join('\n') || '  no runs ahead'}`).join('\n')
        : 'No schedules. Create them with: followup schedules sync';
      print(list, human, o.json);
    });
  schedules
    .command('trigger')
    .argument('<obligation>', 'the obligation whose schedule runs now')
    .description('run a schedule now: it starts the period whose opening has come most recently (a running one is left alone)')
    .action(async (obligationId: string, _o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      await triggerSchedule(await ctx.client(), cfg, obligationId);
      io.out(`Triggered ${obligationId} at ${DateTime.now().setZone(cfg.organisation.timeZone).toFormat('yyyy-MM-dd HH:mm')}.`);
    });
}
