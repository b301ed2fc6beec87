/** `followup revision`: the revision of the policy per mandate period or by a date. */
import { Option, type Command } from 'commander';
import { cliActor, helpers, mailProblemLines, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadRevisions = () => require('../../client/revisions') as typeof import('../../client/revisions');

export function addRevisionCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print, taskQueue } = helpers(ctx);
  // --- revision --------------------------------------------------------------------------------
  const revision = program.command('revision').description('the revision of the policy once per mandate period or by a set date');
  const revisionOptions = (c: Command) =>
    c.option('--obligation <id>', 'the revision obligation (default: the only one)').option('-p, --period <id>', 'the period, e.g. 2026-2030 (default: the running one)');
  const periodOf = async (o: Opts & { obligation?: string; period?: string }) => {
    const cfg = ctx.loadConfig(o);
    return { cfg, ...loadRevisions().revisionPeriodOf(cfg, o.obligation, o.period, new Date()) };
  };
  revisionOptions(revision.command('start').description('start the revision of a period now (its schedule does this on its own)')).action(async (_o, cmd: Command) => {
    const { cfg, obligation, periodId } = await periodOf(opts(cmd));
    const outcome = await loadRevisions().startRevision(await ctx.client(), taskQueue(), cfg.organisation.id, obligation.id, periodId, cliActor());
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
    const { cfg, obligation, periodId } = await periodOf(o);
    const r = await loadRevisions().recordRevision(await ctx.client(), cfg.organisation.id, obligation.id, periodId, { decidedOn: o.decidedOn!, body: o.body!, paragraph: o.paragraph!, outcome: o.outcome as 'revised' | 'confirmed', by: cliActor() });
    io.out(`Revision ${periodId} recorded: ${r.decision?.body} ${r.decision?.decidedOn} ${r.decision?.paragraph} (${r.decision?.outcome}).`);
  });
  revisionOptions(revision.command('status').description('the state of the revision: asked, overdue, decided').option('--json', 'print JSON')).action(async (_o, cmd: Command) => {
    const o = opts(cmd);
    const { cfg, obligation, periodId } = await periodOf(o);
    const s = await loadRevisions().revisionStatus(await ctx.client(), cfg.organisation.id, obligation.id, periodId);
    const human = [`Revision ${s.periodId} of ${cfg.organisation.name}: ${s.state}, due ${s.dueDate}` + (s.decision ? ` — ${s.decision.body} ${s.decision.decidedOn} ${s.decision.paragraph}, ${s.decision.outcome}` : `; reminders sent ${s.remindersSentAt.length}`), ...mailProblemLines(s.mailProblems, `followup revision resend-mail --period ${s.periodId}`)].join('\n');
    print(s, human, o.json);
  });
  revisionOptions(revision.command('resend-mail').description('send again the mails of the revision that did not arrive (after correcting an address or a template); each keeps its Message-ID')).action(async (_o, cmd: Command) => {
    const { cfg, obligation, periodId } = await periodOf(opts(cmd));
    const r = await loadRevisions().resendRevisionMail(await ctx.client(), cfg.organisation.id, obligation.id, periodId, cliActor());
    io.out(`Revision ${periodId}: ${r.sent} mail(s) sent again${r.problems ? `; ${r.problems} still did not arrive (see followup revision status)` : ''}.`);
  });
}
