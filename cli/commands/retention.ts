/** `followup retention`: the archive's files removed on the organisation's retention schedule (gallring). */
import type { Command } from 'commander';
import { cliActor, helpers, table, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
const loadRetention = () => require('../../retention/archive-retention') as typeof import('../../retention/archive-retention');
const loadConfigs = () => require('../../config/load') as typeof import('../../config/load');
/* eslint-enable @typescript-eslint/no-require-imports */

const CATEGORY = { stagedAnswers: 'staged answers', answers: 'answers', reports: 'report' } as const;

export function addRetentionCommands(program: Command, ctx: CommandContext): void {
  const { opts, print } = helpers(ctx);
  const retention = program
    .command('retention')
    .description("the archive's files past their retention period, as each data call's \"retention\" in the config says (default: kept)");
  retention
    .command('report')
    .option('--apply', 'remove what is due, and log each removal in <archive>/<org>/retention-log.jsonl')
    .option('--json', 'print JSON')
    .description('list the files due for removal (and what is kept, by which rule); nothing is removed without --apply')
    .addHelpText(
      'after',
      '\nDrafts and answers held in Temporal (each unit\'s workflow) are removed by the namespace\'s retention period once the cycle has closed; set it with "temporal operator namespace update --retention".',
    )
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { apply?: boolean };
      const env = ctx.env();
      const configs = o.org ? [ctx.loadConfig(o)] : loadConfigs().loadConfigs((o.config as string | undefined) ?? env.FOLLOWUP_CONFIG);
      const { planRetention, applyRetention } = loadRetention();
      const now = new Date();
      const plan = await planRetention(env.FOLLOWUP_ARCHIVE_DIR, configs, now);
      const rows = plan.due.map((d) => [d.ref, CATEGORY[d.category], d.archivedAt.slice(0, 10), d.rule, d.dueSince.slice(0, 10)]);
      const keptLines = plan.kept.map((k) => `Kept: ${k.count} ${CATEGORY[k.category]} file(s) of ${k.orgId}/${k.obligationId} (${k.rule === 'keep' ? 'kept without end' : `not yet ${k.rule} old`}).`);
      if (!o.apply) {
        const human = [
          plan.due.length ? `Due for removal (${plan.due.length}); remove with: followup retention report --apply\n${table([['FILE', 'WHAT', 'ARCHIVED', 'RULE', 'DUE SINCE'], ...rows])}` : 'Nothing is due for removal.',
          ...keptLines,
        ].join('\n');
        print(plan, human, o.json);
        return;
      }
      const result = await applyRetention(env.FOLLOWUP_ARCHIVE_DIR, plan.due, cliActor(), now);
      const human = [
        result.removed.length ? `Removed ${result.removed.length}, each logged in retention-log.jsonl:\n${table([['FILE', 'WHAT', 'ARCHIVED', 'RULE'], ...result.removed.map((d) => [d.ref, CATEGORY[d.category], d.archivedAt.slice(0, 10), d.rule])])}` : 'Nothing was due for removal.',
        ...result.failed.map((f) => `Could not remove ${f.removal.ref}: ${f.error}`),
        ...keptLines,
      ].join('\n');
      print(result, human, o.json);
      if (result.failed.length) process.exitCode = 1;
    });
}
