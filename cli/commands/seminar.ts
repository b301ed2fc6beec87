/** `followup seminar`: the register of seminars counted against a yearly minimum. */
import { Option, type Command } from 'commander';
import type { SeminarChange, SeminarRole } from '../../domain/registers';
import { addListFileOptions, cliActor, helpers, table, registerSheets, type CommandContext, type ListOptions, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadRegisters = () => require('../../client/registers') as typeof import('../../client/registers');
const loadSeminars = () => require('../../client/seminars') as typeof import('../../client/seminars');

export function addSeminarCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, printList, taskQueue } = helpers(ctx);
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
      const r = await loadSeminars().registerSeminar(await ctx.client(), taskQueue(), cfg, {
        date: o.date!,
        title: o.title!,
        place: o.place!,
        country: o.country!.toUpperCase(),
        role: o.role as SeminarRole,
        unitId: o.unit!,
        registeredBy: cliActor(),
      });
      io.out(`Registered seminar ${r.id}: ${r.title}, ${r.date}.`);
    });
  seminar
    .command('edit')
    .argument('<id>', 'the seminar id, as seminar list --json shows it')
    .option('--title <title>', 'a new title')
    .option('--date <date>', 'a new date, YYYY-MM-DD')
    .option('--place <place>', 'a new place')
    .option('--country <code>', 'a new country code, e.g. BE')
    .option('--role <role>', 'organiser, co-organiser or participant')
    .option('-u, --unit <unit>', 'another unit')
    .description('correct a registered seminar')
    .action(async (id: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & Record<string, string | undefined>;
      const cfg = ctx.loadConfig(o);
      const change: SeminarChange = {
        ...(o.title !== undefined ? { title: o.title } : {}),
        ...(o.date !== undefined ? { date: o.date } : {}),
        ...(o.place !== undefined ? { place: o.place } : {}),
        ...(o.country !== undefined ? { country: o.country.toUpperCase() } : {}),
        ...(o.role !== undefined ? { role: o.role as SeminarRole } : {}),
        ...(o.unit !== undefined ? { unitId: o.unit } : {}),
      };
      if (Object.keys(change).length === 0) throw ctx.usage('Say what changes, e.g. --date 2027-05-12; see followup seminar edit --help.');
      const r = await loadSeminars().editSeminar(await ctx.client(), cfg, id, change, cliActor());
      io.out(`Seminar ${r.id} is changed: ${r.title}, ${r.date}.`);
    });
  addListFileOptions(seminar.command('list').option('--year <year>', 'only this year').option('--json', 'print JSON').description('the registered seminars'))
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & ListOptions & { year?: string };
      const cfg = ctx.loadConfig(o);
      const seminars = (await loadRegisters().readRegister(await ctx.client(), cfg.organisation.id)).seminars.filter((s) => !o.year || s.date.startsWith(`${o.year}-`));
      const human = seminars.length
        ? table([['DATE', 'ROLE', 'PLACE', 'UNIT', 'TITLE'], ...seminars.map((s) => [s.date, s.role, `${s.place} (${s.country})`, s.unitId, s.title])])
        : 'No seminars are registered. Register one with: followup seminar register --help';
      await printList(o, cfg, 'seminars', seminars, human, () => registerSheets().seminarsSheet(seminars, cfg, cfg.organisation.language));
    });
}
