/** `followup goals`: the goals a body sets each year, which the next follow-up asks units about. */
import type { Command } from 'commander';
import { cliActor, collect, helpers, mailProblemLines, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadYearlyGoals = () => require('../../client/yearly-goals') as typeof import('../../client/yearly-goals');

/** "g1=Fler praktikplatser utomlands" → a goal with its id and wording. */
function goalOf(text: string, usage: (m: string) => Error): { id: string; label: string } {
  const at = text.indexOf('=');
  if (at < 1) throw usage(`Write each goal as id=wording, e.g. --goal "g1=Fler praktikplatser utomlands" (got "${text}").`);
  return { id: text.slice(0, at).trim(), label: text.slice(at + 1).trim() };
}

export function addGoalsCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print, taskQueue } = helpers(ctx);
  const goals = program.command('goals').description('the goals a body sets each year (in the budget); the next follow-up asks the units about them');
  goals
    .command('record')
    .argument('[obligation]', 'the yearly-goals obligation (default: the only one)')
    .requiredOption('--year <year>', 'the year the goals are for, e.g. 2027')
    .requiredOption('--decided-on <date>', 'the date of the decision, YYYY-MM-DD')
    .requiredOption('--body <body>', 'the body that decided, e.g. Kommunfullmäktige')
    .requiredOption('--paragraph <§>', 'the paragraph of the minutes, e.g. "§ 140/2026"')
    .requiredOption('--goal <id=wording>', 'a goal (repeat for each)', collect, [])
    .description("record a year's goals as decided; the secretariat is no longer reminded")
    .action(async (obligationId: string | undefined, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { year: string; decidedOn: string; body: string; paragraph: string; goal: string[] };
      const year = Number(o.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw ctx.usage(`--year is a year such as 2027, not "${o.year}".`);
      const cfg = ctx.loadConfig(o);
      const decision = { decidedOn: o.decidedOn, body: o.body, paragraph: o.paragraph, goals: o.goal.map((g) => goalOf(g, ctx.usage)) };
      // With the database of record, a year whose goals have run their course and are archived is refused.
      const url = ctx.env().DATABASE_URL;
      const records = url ? await (require('../../records/database') as typeof import('../../records/database')).openRecords(url, { poolSize: 1 }) : undefined;
      let recorded: Awaited<ReturnType<ReturnType<typeof loadYearlyGoals>['recordGoals']>>;
      try {
        recorded = await loadYearlyGoals().recordGoals(await ctx.client(), taskQueue(), cfg, obligationId, year, decision, 'cli', { records });
      } finally {
        await records?.destroy();
      }
      io.out(`The goals for ${year} are recorded (${recorded.decision?.goals.length} goals); the follow-up of ${year} asks the units about them.`);
    });
  goals
    .command('status')
    .argument('[obligation]', 'the yearly-goals obligation (default: the only one)')
    .requiredOption('--year <year>', 'the year')
    .option('--json', 'print JSON')
    .description("a year's goals: awaited, overdue or recorded")
    .action(async (obligationId: string | undefined, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { year: string };
      const cfg = ctx.loadConfig(o);
      const s = await loadYearlyGoals().goalsStatus(await ctx.client(), cfg, obligationId, Number(o.year));
      const goalsText = s.decision ? `\n${s.decision.goals.map((g) => `  ${g.id}: ${g.label}`).join('\n')}` : '';
      const problems = mailProblemLines(s.mailProblems, `followup goals resend-mail --year ${s.year}`).map((l) => `\n${l}`).join('');
      print(s, `Goals for ${s.year}: ${s.state}${s.decision ? ` — ${s.decision.body} ${s.decision.decidedOn} ${s.decision.paragraph}` : `, reminders sent ${s.remindersSentAt.length}`}${goalsText}${problems}`, o.json);
    });
  goals
    .command('resend-mail')
    .argument('[obligation]', 'the yearly-goals obligation (default: the only one)')
    .requiredOption('--year <year>', 'the year')
    .description("send again the year's mails that did not arrive (after correcting an address or a template); each keeps its Message-ID")
    .action(async (obligationId: string | undefined, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { year: string };
      const cfg = ctx.loadConfig(o);
      const r = await loadYearlyGoals().resendGoalsMail(await ctx.client(), cfg, obligationId, Number(o.year), cliActor());
      io.out(`Goals for ${o.year}: ${r.sent} mail(s) sent again${r.problems ? `; ${r.problems} still did not arrive (see followup goals status)` : ''}.`);
    });
}
