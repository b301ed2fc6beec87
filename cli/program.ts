/**
 * The `followup` command for the secretariat. Built as a function of its inputs (environment,
 * output streams) so that tests drive it exactly as a person would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Command, CommanderError, Option } from 'commander';
import { DateTime } from 'luxon';
import { closeCycle, cycleStatus, exemptUnit, extendDeadline, redeliverReport, remindNow, startCycle, submitAnswer, type CycleStatus } from '../client/cycles';
import { PROJECT_ROOT, readEnvironment, type Environment } from '../config/environment';
import { checkTemplates } from '../activities/template-check';
import { ConfigError, loadConfigFile } from '../config/load';
import type { OrganisationConfig } from '../config/schema';
import { latestEndedPeriod } from '../domain/calendar';
import type { CycleKey } from '../domain/ids';
import { hashPassword } from '../web/password';
import { startWebServer } from '../web/server';
import { runWorker } from '../workers/run';
import { addRegisterCommands } from './register-commands';
import { formatStatus } from './status-table';
import { formatPreview } from './preview-text';
import { previewMails } from '../preview/mails';
import { createRenderer } from '../activities/renderer';
import { createRegisterReader, emptyRegister, type RegisterReader } from '../activities/register-reader';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

interface CycleOptions {
  period?: string;
  config?: string;
}

export function buildProgram(io: CliIo): Command {
  let environment: Environment | undefined;
  const env = () => (environment ??= readEnvironment(io.env));
  const configFile = (opts: { config?: string }) => opts.config ?? env().FOLLOWUP_CONFIG;
  const loadConfig = (opts: { config?: string }) => loadConfigFile(configFile(opts));

  let connection: Connection | undefined;
  const client = async () => {
    if (!connection) {
      const address = env().TEMPORAL_ADDRESS;
      try {
        connection = await Connection.connect({ address, connectTimeout: 5_000 });
      } catch (err) {
        throw new UsageError(`Cannot reach the Temporal server at ${address} (${(err as Error).message}). Is "npm start" running? Otherwise set TEMPORAL_ADDRESS.`);
      }
    }
    return new Client({ connection, namespace: env().TEMPORAL_NAMESPACE });
  };

  const keyOf = (config: OrganisationConfig, obligationId: string, opts: CycleOptions): CycleKey => {
    const obligation = config.obligations.find((o) => o.id === obligationId);
    if (!obligation || obligation.kind !== 'periodic-data-call') {
      const calls = config.obligations.filter((o) => o.kind === 'periodic-data-call').map((o) => o.id);
      throw new UsageError(`${config.organisation.id} has no data call "${obligationId}" (cycles are run for data calls). Known: ${calls.join(', ')}.`);
    }
    const period = opts.period ?? latestEndedPeriod(obligation.period, DateTime.now().setZone(config.organisation.timeZone));
    return { orgId: config.organisation.id, obligationId, period };
  };
  const unitOf = (config: OrganisationConfig, unitId: string) => {
    if (!config.units.some((u) => u.id === unitId)) {
      throw new UsageError(`No unit "${unitId}" in ${config.organisation.id}. Known: ${config.units.map((u) => u.id).join(', ')}.`);
    }
    return unitId;
  };
  const print = (json: unknown, human: string, asJson?: boolean) => io.out(asJson ? JSON.stringify(json, null, 2) : human);

  const program = new Command('followup')
    .description('Follow-up cycles of municipal policies: start them, see who has answered, act on it.')
    .option('-c, --config <file>', 'the organisation\'s YAML file (default: $FOLLOWUP_CONFIG, else config/examples/solna.yaml)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  const globalOpts = (cmd: Command) => cmd.optsWithGlobals() as CycleOptions & { json?: boolean; unit?: string };

  const config = program.command('config').description('check organisation files');
  config
    .command('check')
    .argument('<file>', 'an organisation YAML file')
    .description('validate a file and the templates its obligations send: prints every problem and exits 1, or exits 0 when all is valid')
    .action((file: string) => {
      const cfg = loadConfigFile(file);
      const templateProblems = checkTemplates(cfg, path.join(PROJECT_ROOT, 'templates'));
      if (templateProblems.length) {
        throw new ConfigError(file, [...templateProblems, 'add the missing templates, or correct the names under "templates:" in the file']);
      }
      io.out(`${file}: OK — ${cfg.organisation.name}, ${cfg.units.length} units, ${cfg.bodies.length} bodies, obligations: ${cfg.obligations.map((o) => o.id).join(', ')}`);
    });

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
      const started = await startCycle(await client(), env().TEMPORAL_TASK_QUEUE, key, 'cli');
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
    .description('each unit\'s state: awaiting answer, late, escalated, answered, exempt, mail bounced')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = globalOpts(cmd);
      const cfg = loadConfig(opts);
      const status: CycleStatus = await cycleStatus(await client(), keyOf(cfg, obligationId, opts));
      let human = formatStatus(status, cfg);
      if (status.info.report) {
        human += `\n\nReport: ${path.join(env().FOLLOWUP_ARCHIVE_DIR, status.info.report.html)}\n        ${path.join(env().FOLLOWUP_ARCHIVE_DIR, status.info.report.markdown)}`;
      }
      print(status, human, opts.json);
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
        throw new UsageError(`Cannot read ${opts.file} as JSON (${(err as Error).message}). Write an object such as {"eu_projects": "…"}.`);
      }
      if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new UsageError(`${opts.file} must hold a JSON object: question id → answer.`);
      const answer = await submitAnswer(await client(), key, unitOf(cfg, opts.unit), values as Record<string, string>, 'secretariat');
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
      const plan = await extendDeadline(await client(), keyOf(cfg, obligationId, opts), unitOf(cfg, opts.unit), opts.until);
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
      const reminded = await remindNow(await client(), keyOf(cfg, obligationId, opts), opts.unit ? unitOf(cfg, opts.unit) : undefined);
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
      await exemptUnit(await client(), keyOf(cfg, obligationId, opts), unitOf(cfg, opts.unit), opts.reason);
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
      await closeCycle(await client(), key, 'closed early by the secretariat');
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
      await redeliverReport(await client(), key);
      io.out(`The report of ${obligationId} ${key.period} goes out again to whoever has not got it. See who has with: followup cycle status ${obligationId} --period ${key.period}`);
    });

  program
    .command('preview')
    .argument('<obligation>', 'obligation id from the config, e.g. annual-follow-up')
    .option('-p, --period <period>', 'the period, e.g. 2026 or 2026-2030 for a revision (default: the one a start now would run)')
    .option('--summary', 'one line per mail: time, kind, recipient, subject')
    .option('--json', 'print JSON for scripts')
    .description('every mail the period will send, when and to whom, rendered from the real templates; starts and sends nothing')
    .action(async (obligationId: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as { config?: string; period?: string; summary?: boolean; json?: boolean };
      const cfg = loadConfig(opts);
      if (!cfg.obligations.some((o) => o.id === obligationId)) {
        throw new UsageError(`${cfg.organisation.id} has no obligation "${obligationId}". Known: ${cfg.obligations.map((o) => o.id).join(', ')}.`);
      }
      // The register is read when Temporal is up (a request lists the unit's registered entries); a preview needs no server.
      let registers: RegisterReader = { read: async (orgId) => emptyRegister(orgId) };
      const notes: string[] = [];
      try {
        registers = createRegisterReader(await client());
      } catch {
        notes.push(cfg.organisation.language === 'sv' ? 'Temporal nås inte: förfrågningarna visas utan registrerade projekt och seminarier.' : 'Temporal cannot be reached: requests are shown without registered projects and seminars.');
      }
      const preview = await previewMails({
        org: cfg,
        obligationId,
        period: opts.period,
        renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
        registers,
        publicBaseUrl: env().PUBLIC_BASE_URL,
        now: new Date(),
      });
      preview.notes.push(...notes);
      print(preview, formatPreview(preview, opts.summary === true), opts.json);
    });

  const web = program
    .command('web')
    .description('serve the answer form and the secretariat\'s dashboard (FOLLOWUP_WEB_HOST:FOLLOWUP_WEB_PORT)')
    .action(async (_opts, cmd: Command) => {
      const cfg = loadConfig(globalOpts(cmd));
      const server = await startWebServer(env(), cfg);
      io.out(`Web interface on ${server.url} (links in mails use ${env().PUBLIC_BASE_URL}). Stop with Ctrl-C.`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await server.close();
    });
  web
    .command('hash-password')
    .description('read a password on standard input and print the hash for FOLLOWUP_SECRETARIAT_PASSWORD_HASH')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
      if (password.length < 12) throw new UsageError('Use a password of at least 12 characters.');
      io.out(await hashPassword(password));
    });

  program
    .command('worker')
    .description('run the worker against TEMPORAL_ADDRESS and SMTP_URL (production; npm start runs its own)')
    .action(async (_opts, cmd: Command) => {
      const cfg = loadConfig(globalOpts(cmd));
      await runWorker(env(), [cfg], io);
    });

  addRegisterCommands(program, { io, env, loadConfig, client, usage: (message) => new UsageError(message) });

  program.hook('postAction', async () => {
    await connection?.close();
  });
  return program;
}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    if (err instanceof Error && err.name !== 'Error') {
      io.err(`${err.message}`);
      return 1;
    }
    io.err(String(err instanceof Error ? err.stack : err));
    return 2;
  }
}
