/** `followup project`: the project register and the gate before a project starts. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ProjectChange } from '../../domain/registers';
import { addListFileOptions, cliActor, collect, helpers, mailProblemLines, table, registerSheets, type CommandContext, type ListOptions, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadProjects = () => require('../../client/projects') as typeof import('../../client/projects');
const loadRegisters = () => require('../../client/registers') as typeof import('../../client/registers');

export function addProjectCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print, printList, taskQueue } = helpers(ctx);
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
    .option('--obligation <id>', 'the gate the project comes under, when the policy has several')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string | string[] | boolean>;
      const cfg = ctx.loadConfig(o);
      const registered = await loadProjects().registerProject(await ctx.client(), taskQueue(), cfg, {
        id: String(o.id),
        title: String(o.title),
        unitId: String(o.unit),
        owner: { name: String(o.ownerName), email: String(o.ownerEmail) },
        plannedStart: String(o.start),
        plannedEnd: o.end === undefined ? undefined : String(o.end),
        partners: o.partner as string[],
        euFunded: Boolean(o.euFunded),
        stage: o.application ? 'application' : 'project',
      }, o.obligation === undefined ? undefined : String(o.obligation), cliActor());
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
      const r = await loadProjects().submitGoals(await ctx.client(), cfg.organisation.id, id, values as Record<string, string>, cliActor());
      io.out(`Goals of ${id} recorded (version ${r.revision}); the secretariat is asked to approve them: followup project approve ${id}`);
    });
  project
    .command('approve')
    .argument('<id>', 'the project id')
    .description('approve the submitted goals; the owner is told')
    .action(async (id: string, _o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      await loadProjects().approveGoals(await ctx.client(), cfg.organisation.id, id, cliActor());
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
      await loadProjects().returnGoals(await ctx.client(), cfg.organisation.id, id, o.comment, cliActor());
      io.out(`Goals of ${id} returned to the owner with your comment.`);
    });
  project
    .command('close')
    .argument('<id>', 'the project id')
    .description('mark an approved or ongoing project as closed')
    .action(async (id: string, _o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      await loadProjects().closeProject(await ctx.client(), cfg.organisation.id, id, cliActor());
      io.out(`${id} is closed.`);
    });
  project
    .command('edit')
    .argument('<id>', 'the project id')
    .option('--title <title>', 'a new title')
    .option('--owner-name <name>', "a new owner's name (with --owner-email)")
    .option('--owner-email <email>', "a new owner's e-mail (with --owner-name)")
    .option('--start <date>', 'a new planned start, YYYY-MM-DD')
    .option('--end <date>', 'a new planned end, YYYY-MM-DD')
    .option('--partner <name>', 'the partners, replacing the list (repeat for several)', collect)
    .option('--eu-funded <yes|no>', 'whether the project is EU-funded')
    .option('--stage <stage>', 'application or project')
    .description('correct a registration; moved dates are planned again')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string | string[] | undefined>;
      const cfg = ctx.loadConfig(o);
      const change: ProjectChange = {};
      if (o.title !== undefined) change.title = String(o.title);
      if (o.ownerName !== undefined || o.ownerEmail !== undefined) {
        if (o.ownerName === undefined || o.ownerEmail === undefined) throw ctx.usage('Give the new owner with both --owner-name and --owner-email.');
        change.owner = { name: String(o.ownerName), email: String(o.ownerEmail) };
      }
      if (o.start !== undefined) change.plannedStart = String(o.start);
      if (o.end !== undefined) change.plannedEnd = String(o.end);
      if (o.partner !== undefined) change.partners = o.partner as string[];
      if (o.euFunded !== undefined) {
        if (!['yes', 'no'].includes(String(o.euFunded))) throw ctx.usage('--eu-funded takes yes or no.');
        change.euFunded = o.euFunded === 'yes';
      }
      if (o.stage !== undefined) change.stage = String(o.stage) as ProjectChange['stage'];
      if (Object.keys(change).length === 0) throw ctx.usage('Say what changes, e.g. --start 2027-09-01; see followup project edit --help.');
      await loadProjects().editProject(await ctx.client(), cfg.organisation.id, id, change, cliActor());
      io.out(`${id} is changed (${Object.keys(change).join(', ')}).`);
    });
  project
    .command('resend-mail')
    .argument('<id>', 'the project id')
    .description('send again the mails of the project that did not arrive (after correcting the title, an address or a template); each keeps its Message-ID')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const r = await loadProjects().resendProjectMail(await ctx.client(), cfg.organisation.id, id, cliActor());
      io.out(`${id}: ${r.sent} mail(s) sent again${r.problems ? `; ${r.problems} still did not arrive (see followup project status ${id})` : ''}.`);
    });
  project
    .command('approve-owner')
    .argument('<id>', 'the project id')
    .description("approve an owner outside the organisation's mail domains, registered from a unit's standing link: the goals request goes out")
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      await loadProjects().approveOwner(await ctx.client(), cfg.organisation.id, id, cliActor());
      io.out(`${id}: the owner is approved; the goals request goes out.`);
    });
  project
    .command('status')
    .argument('<id>', 'the project id')
    .option('--json', 'print JSON')
    .description('one project: its state, goals, returns and reminders')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const s = await loadProjects().projectStatus(await ctx.client(), cfg.organisation.id, id);
      const human = [
        `${s.title} (${s.id}) — ${s.state}${s.startedWithoutApproval ? ', started without approved goals' : ''}`,
        `Unit ${s.unitId}, owner ${s.owner.name}, planned start ${s.plannedStart}${s.plannedEnd ? `, end ${s.plannedEnd}` : ''}, ${s.euFunded ? 'EU-funded' : 'not EU-funded'}`,
        `Reminders sent: ${s.remindersSentAt.length}${s.goals ? `; goals version ${s.goals.revision} submitted ${s.goals.submittedAt.slice(0, 10)}` : ''}${s.approvedAt ? `; approved ${s.approvedAt.slice(0, 10)}` : ''}`,
        ...(s.returned ?? []).map((r) => `Returned ${r.at.slice(0, 10)}: ${r.comment}`),
        ...(s.ownerApproval === 'awaited' ? [`The owner ${s.owner.email} is outside the organisation's mail domains: nothing is mailed to them until approved (followup project approve-owner ${s.id})`] : []),
        ...mailProblemLines(s.mailProblems, `followup project resend-mail ${s.id}`),
      ].join('\n');
      print(s, human, o.json);
    });
  addListFileOptions(
    project
      .command('list')
      .option('--json', 'print JSON for scripts')
      .option('-u, --unit <unit>', 'only this unit\'s projects')
      .description('every registered project with its state'),
  )
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & ListOptions & { unit?: string };
      const cfg = ctx.loadConfig(o);
      const projects = (await loadRegisters().readRegister(await ctx.client(), cfg.organisation.id)).projects.filter((p) => !o.unit || p.unitId === o.unit);
      const human = projects.length
        ? table([['PROJECT', 'UNIT', 'START', 'STATE', 'EU', 'TITLE'], ...projects.map((p) => [p.id, p.unitId, p.plannedStart, p.state + (p.startedWithoutApproval ? ' (started unapproved)' : ''), p.euFunded ? 'yes' : 'no', p.title])])
        : 'No projects are registered. Register one with: followup project register --help';
      await printList(o, cfg, 'projects', projects, human, () => registerSheets().projectsSheet(projects, cfg, cfg.organisation.language));
    });
}
