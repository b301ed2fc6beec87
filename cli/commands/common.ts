/** What every command file shares: the context the program gives it, and small helpers. */
import { userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Environment } from '../../config/environment';
import type { OrganisationConfig } from '../../config/schema';

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
  return { io: ctx.io, opts, print, taskQueue };
}
