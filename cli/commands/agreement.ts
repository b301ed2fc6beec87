/** `followup agreement`: time-limited agreements, reviewed before they end. */
import type { Command } from 'commander';
import { addListFileOptions, cliActor, helpers, mailProblemLines, table, registerSheets, type CommandContext, type ListOptions, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadAgreements = () => require('../../client/agreements') as typeof import('../../client/agreements');
const loadRegisters = () => require('../../client/registers') as typeof import('../../client/registers');

export function addAgreementCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print, printList, taskQueue } = helpers(ctx);
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
    .option('--obligation <id>', 'the review obligation it comes under, when the policy has several')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string>;
      const cfg = ctx.loadConfig(o);
      const r = await loadAgreements().registerAgreement(await ctx.client(), taskQueue(), cfg, {
        id: o.id!,
        title: o.title!,
        partner: o.partner!,
        unitId: o.unit!,
        owner: { name: o.ownerName!, email: o.ownerEmail! },
        endsOn: o.ends!,
        startsOn: o.starts,
      }, o.obligation, cliActor());
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
      const r = await loadAgreements().decideAgreement(await ctx.client(), cfg.organisation.id, id, o.end ? { decision: 'end', note: o.note, by: cliActor() } : { decision: 'renew', newEndsOn: o.renewUntil!, note: o.note, by: cliActor() });
      io.out(`${id}: ${r.state}.`);
    });
  agreement
    .command('resend-mail')
    .argument('<id>', 'the agreement id')
    .description('send again the mails of the agreement that did not arrive (after correcting the title, an address or a template); each keeps its Message-ID')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const r = await loadAgreements().resendAgreementMail(await ctx.client(), cfg.organisation.id, id, cliActor());
      io.out(`${id}: ${r.sent} mail(s) sent again${r.problems ? `; ${r.problems} still did not arrive (see followup agreement status ${id})` : ''}.`);
    });
  agreement
    .command('status')
    .argument('<id>', 'the agreement id')
    .option('--json', 'print JSON')
    .description('one agreement and its decisions')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const s = await loadAgreements().agreementStatus(await ctx.client(), cfg.organisation.id, id);
      print(s, [`${s.title} with ${s.partner} (${s.id}) — ${s.state}, ends ${s.endsOn}, reminders sent ${s.remindersSent}`, ...mailProblemLines(s.mailProblems, `followup agreement resend-mail ${s.id}`)].join('\n'), o.json);
    });
  addListFileOptions(agreement.command('list').option('--json', 'print JSON').description('every registered agreement, soonest end first'))
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & ListOptions;
      const cfg = ctx.loadConfig(o);
      const list = (await loadRegisters().readRegister(await ctx.client(), cfg.organisation.id)).agreements.slice().sort((a, b) => a.endsOn.localeCompare(b.endsOn));
      const human = list.length
        ? table([['AGREEMENT', 'ENDS', 'STATE', 'PARTNER', 'TITLE'], ...list.map((a) => [a.id, a.endsOn, a.state, a.partner, a.title])])
        : 'No agreements are registered. Register one with: followup agreement register --help';
      await printList(o, cfg, 'agreements', list, human, () => registerSheets().agreementsSheet(list, cfg, cfg.organisation.language));
    });
}
