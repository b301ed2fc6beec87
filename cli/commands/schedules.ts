/** `followup schedules`: the Temporal Schedules that run every obligation on its calendar. */
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { helpers, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadSchedules = () => require('../../client/schedules') as typeof import('../../client/schedules');

export function addScheduleCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print, taskQueue } = helpers(ctx);
  // --- schedules -------------------------------------------------------------------------------
  const schedules = program.command('schedules').description('the Temporal Schedules that run every obligation on its calendar');
  schedules
    .command('sync')
    .description('create, update and remove schedules to match the config; running it twice changes nothing')
    .action(async (_o, cmd: Command) => {
      const cfg = ctx.loadConfig(opts(cmd));
      const results = await loadSchedules().syncSchedules(await ctx.client(), taskQueue(), cfg);
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
      const list = await loadSchedules().listSchedules(await ctx.client(), cfg, Math.max(1, Number(o.next) || 3));
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
      await loadSchedules().triggerSchedule(await ctx.client(), cfg, obligationId);
      io.out(`Triggered ${obligationId} at ${DateTime.now().setZone(cfg.organisation.timeZone).toFormat('yyyy-MM-dd HH:mm')}.`);
    });
}
