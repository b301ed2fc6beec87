/** What every command file shares: the context the program gives it, and small helpers. */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import { Option, type Command } from 'commander';
import type { Environment } from '../../config/environment';
import type { OrganisationConfig } from '../../config/schema';
import type { EntityMailProblem } from '../../domain/registers';

export interface CommandContext {
  io: { out: (text: string) => void };
  env: () => Environment;
  loadConfig: (opts: { config?: string }) => OrganisationConfig;
  client: () => Promise<Client>;
  usage: (message: string) => Error;
}

export type Opts = Record<string, unknown> & { config?: string; json?: boolean };

/** Who acts from a terminal: the operating system's user, as histories name them. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The mails of a project, an agreement or an event that did not arrive, and the command that sends them again. */
export function mailProblemLines(problems: EntityMailProblem[] | undefined, resend: string): string[] {
  if (!problems?.length) return [];
  return [
    ...problems.map((p) => `Mail not delivered: ${p.kind} to ${p.address ?? 'everyone'} ${p.at.slice(0, 16).replace('T', ' ')} (${p.state === 'refused' ? 'refused by the mail server' : 'could not be made'}: ${p.error})`),
    `Fix the cause, then send it again: ${resend}`,
  ];
}

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** The helpers each command file starts from. */
export function helpers(ctx: CommandContext) {
  const opts = (cmd: Command) => cmd.optsWithGlobals() as Opts;
  const print = (json: unknown, human: string, asJson?: boolean) => ctx.io.out(asJson ? JSON.stringify(json, null, 2) : human);
  const taskQueue = () => ctx.env().TEMPORAL_TASK_QUEUE;
  /**
   * A register's list as the options ask: a file for Excel (--format xlsx|csv, written to --out or a
   * name of its own), else JSON (--json) or a table for the terminal.
   */
  const printList = async (o: ListOptions, config: OrganisationConfig, name: string, data: unknown, human: string, sheet: () => import('../../exports/workbook').Sheet) => {
    if (!o.format) return print(data, human, o.json);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, as registerSheets below
    const workbook = require('../../exports/workbook') as typeof import('../../exports/workbook');
    const s = sheet();
    const body = o.format === 'xlsx' ? await workbook.toXlsx({ title: s.name, author: config.organisation.name, timeZone: config.organisation.timeZone, sheets: [s] }) : workbook.sheetToCsv(s, config.organisation.timeZone);
    const out = o.out ?? `${config.organisation.id}-${name}.${o.format}`;
    writeFileSync(out, body);
    ctx.io.out(`Wrote ${s.rows.length} rows to ${out}.`);
  };
  return { io: ctx.io, opts, print, printList, taskQueue };
}

export interface ListOptions {
  json?: boolean;
  format?: 'xlsx' | 'csv';
  out?: string;
}

/** The registers' sheets, loaded on first use (ExcelJS is not needed for --help). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const registerSheets = () => require('../../exports/registers') as typeof import('../../exports/registers');

/** --format and --out of a register's list command. */
export function addListFileOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'write a file for Excel instead: xlsx, or csv for Swedish Excel').choices(['xlsx', 'csv']))
    .option('-o, --out <file>', 'where to write the file (default: <org>-<register>.<format> here)');
}
