/** `followup event`: events told of beforehand (twin-town visits, delegations, conferences hosted). */
import type { Command } from 'commander';
import type { EventChange } from '../../domain/registers';
import { addListFileOptions, cliActor, helpers, mailProblemLines, table, registerSheets, type CommandContext, type ListOptions, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadEvents = () => require('../../client/events') as typeof import('../../client/events');
const loadRegisters = () => require('../../client/registers') as typeof import('../../client/registers');

/** "Name <email>" or "email": the people concerned, as a person types them. */
function person(text: string): { name: string; email: string } {
  const match = /^\s*(.+?)\s*<([^>]+)>\s*$/.exec(text);
  return match ? { name: match[1]!, email: match[2]!.trim() } : { name: text.trim(), email: text.trim() };
}

const collectPeople = (value: string, previous: { name: string; email: string }[] = []) => [...previous, person(value)];

export function addEventCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print, printList, taskQueue } = helpers(ctx);
  const event = program.command('event').description('events that those concerned are told of beforehand: visits, delegations, conferences hosted');
  event
    .command('register')
    .description('register an event; its notices go out before it, at the times the obligation sets')
    .requiredOption('--id <id>', 'a short id, e.g. besok-jyvaskyla-2027')
    .requiredOption('--title <title>', 'what it is, e.g. "Besök från vänorten Jyväskylä"')
    .requiredOption('--date <date>', 'the first day, YYYY-MM-DD')
    .option('--end-date <date>', 'the last day of an event of several days')
    .requiredOption('--place <place>', 'where')
    .requiredOption('-u, --unit <unit>', 'the unit that hosts or arranges it')
    .option('--concerned <"Name <email>">', 'a politician or official concerned (repeat for several)', collectPeople, [])
    .option('--description <text>', 'what people should know')
    .option('--obligation <id>', 'the obligation it comes under, when the policy has several')
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string | undefined> & { concerned: { name: string; email: string }[] };
      const cfg = ctx.loadConfig(o);
      const r = await loadEvents().registerEvent(
        await ctx.client(),
        taskQueue(),
        cfg,
        { id: o.id!, title: o.title!, date: o.date!, endDate: o.endDate, place: o.place!, unitId: o.unit!, concerned: o.concerned, description: o.description },
        o.obligation,
        cliActor(),
      );
      io.out(`Registered ${r.workflowId}; those concerned are told before ${o.date}. See it with: followup event status ${o.id}`);
    });
  event
    .command('change')
    .argument('<id>', 'the event id')
    .option('--title <title>', 'a new title')
    .option('--date <date>', 'a new first day, YYYY-MM-DD')
    .option('--end-date <date>', 'a new last day')
    .option('--place <place>', 'a new place')
    .option('--concerned <"Name <email>">', 'the people concerned, replacing the list (repeat for several)', collectPeople)
    .option('--description <text>', 'a new description')
    .description('change an event; whoever already had a notice is told of the change at once')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string | undefined> & { concerned?: { name: string; email: string }[] };
      const change: EventChange = Object.fromEntries(
        Object.entries({ title: o.title, date: o.date, endDate: o.endDate, place: o.place, concerned: o.concerned, description: o.description }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(change).length === 0) throw ctx.usage('Say what changes: --date, --place, --title, --end-date, --concerned or --description.');
      const cfg = ctx.loadConfig(o);
      const s = await loadEvents().changeEvent(await ctx.client(), cfg.organisation.id, id, change, 'cli');
      io.out(`${s.title}: now ${s.date}${s.endDate ? `–${s.endDate}` : ''}, ${s.place}.${s.noticesSent > 0 ? ' Those already told get the change.' : ''}`);
    });
  event
    .command('cancel')
    .argument('<id>', 'the event id')
    .option('--reason <text>', 'why, told to those concerned')
    .description('cancel an event; whoever already had a notice is told')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { reason?: string };
      const cfg = ctx.loadConfig(o);
      const s = await loadEvents().cancelEvent(await ctx.client(), cfg.organisation.id, id, o.reason, 'cli');
      io.out(`${s.title} is cancelled.`);
    });
  event
    .command('resend-mail')
    .argument('<id>', 'the event id')
    .description('send again the mails of the event that did not arrive (after correcting the title, an address or a template); each keeps its Message-ID')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const r = await loadEvents().resendEventMail(await ctx.client(), cfg.organisation.id, id, cliActor());
      io.out(`${id}: ${r.sent} mail(s) sent again${r.problems ? `; ${r.problems} still did not arrive (see followup event status ${id})` : ''}.`);
    });
  event
    .command('status')
    .argument('<id>', 'the event id')
    .option('--json', 'print JSON')
    .description('one event and its history: notices, changes, cancellation')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd);
      const cfg = ctx.loadConfig(o);
      const s = await loadEvents().eventStatus(await ctx.client(), cfg.organisation.id, id);
      const history = s.history.map((h) => `  ${h.at}  ${h.what}${h.by ? ` (${h.by})` : ''}`).join('\n');
      const problems = mailProblemLines(s.mailProblems, `followup event resend-mail ${s.id}`).map((l) => `${l}\n`).join('');
      print(s, `${s.title} (${s.id}) — ${s.state}, ${s.date}${s.endDate ? `–${s.endDate}` : ''}, ${s.place}; notices sent ${s.noticesSent}\n${problems}${history}`, o.json);
    });
  addListFileOptions(event.command('list').option('--year <year>', 'only events in this year').option('--json', 'print JSON').description('the registered events'))
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & ListOptions & { year?: string };
      const cfg = ctx.loadConfig(o);
      const events = ((await loadRegisters().readRegister(await ctx.client(), cfg.organisation.id)).events ?? []).filter((e) => !o.year || e.date.startsWith(`${o.year}-`));
      const rows = [['DATE', 'EVENT', 'PLACE', 'STATE', 'NOTICES'], ...events.map((e) => [e.date, e.title, e.place, e.state, String(e.noticesSent)])];
      await printList(o, cfg, 'events', events, events.length ? table(rows) : 'No events registered.', () => registerSheets().eventsSheet(events, cfg, cfg.organisation.language));
    });
}
