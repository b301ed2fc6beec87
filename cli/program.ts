/**
 * The `followup` command for the secretariat. Built as a function of its inputs (environment,
 * output streams) so that tests drive it exactly as a person would.
 */
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { Command, CommanderError } from 'commander';
import type { Environment } from '../config/environment';

// Loaded on first use, synchronously as the commands need them: building their zod schemas takes
// a fifth of a second that `followup --help` need not wait for.
/* eslint-disable @typescript-eslint/no-require-imports */
const environmentModule = () => require('../config/environment') as typeof import('../config/environment');
const configModule = () => require('../config/load') as typeof import('../config/load');
// And the heavy parts only the commands that use them load: the Temporal client, the web server, the worker.
const temporalClient = () => require('@temporalio/client') as typeof import('@temporalio/client');
const templateCheck = () => require('../activities/template-check') as typeof import('../activities/template-check');
const webServer = () => require('../web/server') as typeof import('../web/server');
const passwords = () => require('../web/password') as typeof import('../web/password');
const workerRunner = () => require('../workers/run') as typeof import('../workers/run');
const recordsStartup = () => require('../records/startup') as typeof import('../records/startup');
/* eslint-enable @typescript-eslint/no-require-imports */
import { addProjectCommands } from './commands/project';
import { addCycleCommands } from './commands/cycle';
import { addPreviewCommand } from './commands/preview';
import { addSeminarCommands } from './commands/seminar';
import { addAgreementCommands } from './commands/agreement';
import { addRevisionCommands } from './commands/revision';
import { addScheduleCommands } from './commands/schedules';
import { addEventCommands } from './commands/event';
import { addGoalsCommands } from './commands/goals';
import { addUserCommands } from './commands/users';
import { addPublishCommand } from './commands/publish';
import { addRetentionCommands } from './commands/retention';
import { addRecordsCommands } from './commands/records';
import { addArchiveCommands } from './commands/archive';
import { addTokenCommands } from './commands/tokens';
import { addWebhookCommands } from './commands/webhooks';
import { cliActor } from './commands/common';

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
  const env = () => (environment ??= environmentModule().readEnvironment(io.env));
  const configFile = (opts: { config?: string }) => opts.config ?? env().FOLLOWUP_CONFIG;
  /** The organisation a command is for: the file's, or one of a folder's named with --org. */
  const loadConfig = (opts: { config?: string; org?: string }) => {
    const source = configFile(opts);
    return configModule().pickOrganisation(configModule().loadConfigs(source), opts.org, source);
  };

  let connection: Connection | undefined;
  const client = async () => {
    if (!connection) {
      const address = env().TEMPORAL_ADDRESS;
      try {
        const { Connection } = temporalClient();
        connection = await Connection.connect({ address, connectTimeout: 5_000 });
      } catch (err) {
        throw new UsageError(`Cannot reach the Temporal server at ${address} (${(err as Error).message}). Is "npm start" running? Otherwise set TEMPORAL_ADDRESS.`);
      }
    }
    const { Client } = temporalClient();
    return new Client({ connection, namespace: env().TEMPORAL_NAMESPACE });
  };


  const program = new Command('followup')
    .description('Follow-up cycles of municipal policies: start them, see who has answered, act on it.')
    .option('-c, --config <file>', 'the organisation\'s YAML file, or a folder of several organisations\' files (default: $FOLLOWUP_CONFIG, else config/examples/solna.yaml)')
    .option('--org <id>', 'the organisation, when the config is a folder of several')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  const globalOpts = (cmd: Command) => cmd.optsWithGlobals() as CycleOptions & { json?: boolean; unit?: string; org?: string };

  const config = program.command('config').description('check organisation files');
  config
    .command('check')
    .argument('<file>', 'an organisation YAML file')
    .description('validate a file and the templates its obligations send: prints every problem and exits 1, or exits 0 when all is valid')
    .action(async (file: string) => {
      const cfg = configModule().loadConfigFile(file);
      const { checkTemplates, OWN_TEMPLATES_KEY } = templateCheck();
      const templateProblems = checkTemplates(cfg, path.join(environmentModule().PROJECT_ROOT, 'templates'));
      if (templateProblems.length) {
        // A problem of the own folder says itself what to do; the obligations' need the hint.
        const hint = templateProblems.some((p) => !p.startsWith(`${OWN_TEMPLATES_KEY}:`)) ? ['add the missing templates, or correct the names under "templates:" in the file'] : [];
        throw new (configModule().ConfigError)(file, [...templateProblems, ...hint]);
      }
      io.out(`${file}: OK — ${cfg.organisation.name}, ${cfg.units.length} units, ${cfg.bodies.length} bodies, obligations: ${cfg.obligations.map((o) => o.id).join(', ')}`);
      // A ladder's step after the close is never sent: said for the period a start now would follow up.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { stepsAfterClosing } = require('../domain/escalation') as typeof import('../domain/escalation');
      for (const o of cfg.obligations) {
        if (o.kind !== 'periodic-data-call') continue;
        const late = stepsAfterClosing(o, cfg.organisation.timeZone, new Date());
        if (late.steps.length) io.out(`Note: ${o.id}: escalation step ${late.steps.map((i) => i + 1).join(', ')} would come when the cycle of ${late.period} has closed, and is not sent; make its "after" shorter or calendar.closesAfterPeriodEnd later.`);
      }
      // A file field takes files only where clamd scans them: said here, before the web refuses to start without it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { asksForFiles, questionnairesTakingFiles } = require('../domain/attachments') as typeof import('../domain/attachments');
      if (asksForFiles(questionnairesTakingFiles(cfg.obligations))) {
        io.out(
          env().FOLLOWUP_CLAMD
            ? `Files attached to answers are scanned by clamd at ${env().FOLLOWUP_CLAMD} (FOLLOWUP_CLAMD).`
            : 'Note: a questionnaire has a file field. The web takes no file unscanned and does not start without FOLLOWUP_CLAMD (clamd\'s socket, /run/clamav/clamd.ctl, or host:port) and a database of record (DATABASE_URL, or npm start\'s own).',
        );
      }
    });

  const context = { io, env, loadConfig, client, usage: (message: string) => new UsageError(message) };
  for (const add of [addCycleCommands, addPreviewCommand]) add(program, context);

  const web = program
    .command('web')
    .description('serve the answer form and the secretariat\'s dashboard (FOLLOWUP_WEB_HOST:FOLLOWUP_WEB_PORT)')
    .action(async (_opts, cmd: Command) => {
      // Every organisation of the config, each under its own path where there are several; --org serves one.
      const options = globalOpts(cmd);
      const all = configModule().loadConfigs(configFile(options));
      const configs = options.org ? [loadConfig(options)] : all;
      const { startWebServer } = webServer();
      // Several organisations in the config: each under its own path, as the worker's links say, also with --org.
      const server = await startWebServer(env(), configs, { underOwnPaths: all.length > 1 });
      const paths = all.length > 1 ? ` (${configs.map((c) => `/${c.organisation.id}/`).join(', ')})` : '';
      io.out(`Web interface on ${server.url}${paths} (links in mails use ${env().PUBLIC_BASE_URL}). Stop with Ctrl-C.`);
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
      const { hashPassword } = passwords();
      io.out(await hashPassword(password));
    });

  program
    .command('worker')
    .description('run the worker against TEMPORAL_ADDRESS and SMTP_URL for every organisation of the config (production; npm start runs its own)')
    .action(async (_opts, cmd: Command) => {
      const { runWorker } = workerRunner();
      await runWorker(env(), configModule().loadConfigs(configFile(globalOpts(cmd))), io);
    });

  for (const add of [addProjectCommands, addSeminarCommands, addAgreementCommands, addRevisionCommands, addEventCommands, addGoalsCommands, addScheduleCommands, addUserCommands, addPublishCommand, addRetentionCommands, addRecordsCommands, addArchiveCommands, addWebhookCommands, addTokenCommands]) add(program, context);

  // With a database of record named, no command runs against a schema newer than it knows; the
  // worker and the web bring an older one up to date. Without one, a command parses the
  // environment only if it needs it, as before; the two that read no environment are left alone.
  program.hook('preAction', async (_program, command) => {
    const commandPath = `${command.parent?.name()} ${command.name()}`;
    if (!io.env.DATABASE_URL || commandPath === 'config check' || commandPath === 'web hash-password') return;
    const url = env().DATABASE_URL!;
    const migrate = command.name() === 'worker' || command.name() === 'web';
    const applied = await recordsStartup().prepareRecords(url, { migrate });
    if (applied.length) io.out(`Records database: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}.`);
  });

  program.hook('postAction', async (_program, command) => {
    await connection?.close();
    // Who did what from the command line, where there is a database of record to keep it.
    // `tokens` writes its own entry, with the token it made or revoked, in the same transaction.
    if (io.env.DATABASE_URL && CHANGING_COMMANDS.has(command.name()) && command.parent?.name() !== 'tokens') {
      await recordsStartup().recordCommand(env().DATABASE_URL!, { at: new Date(), actor: cliActor(), via: 'cli', action: `${command.parent?.name()} ${command.name()}`, subject: command.args.join(' ') || command.parent?.name() || command.name(), detail: { options: command.opts() } });
    }
  });
  return program;
}

/** The commands that change something: each is in the audit log (the rest only read). */
const CHANGING_COMMANDS = new Set(['register', 'edit', 'goals', 'approve', 'return', 'close', 'approve-owner', 'resend-mail', 'decide', 'change', 'cancel', 'record', 'start', 'extend', 'exempt', 'remind', 'answer', 'redeliver', 'trigger', 'sync', 'add', 'remove', 'publish', 'apply', 'import']);

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    // Named errors (ConfigError, UsageError, RejectedError …) say what to do: their message is enough.
    if (err instanceof Error && err.name !== 'Error') {
      io.err(`${err.message}`);
      return 1;
    }
    io.err(String(err instanceof Error ? err.stack : err));
    return 2;
  }
}
