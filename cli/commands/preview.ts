/** `followup preview`: every mail an obligation's period will send, before anything is started. */
import path from 'node:path';
import type { Command } from 'commander';
import type { RegisterReader } from '../../activities/register-reader';
import { formatPreview } from '../preview-text';
import { helpers, type CommandContext } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
// Loaded by the commands that use them, so that `followup --help` does not load the Temporal client.
const loadRegisterReader = () => require('../../activities/register-reader') as typeof import('../../activities/register-reader');
const loadRenderer = () => require('../../activities/renderer') as typeof import('../../activities/renderer');
const loadMails = () => require('../../preview/mails') as typeof import('../../preview/mails');
const loadDatabase = () => require('../../records/database') as typeof import('../../records/database');

export function addPreviewCommand(program: Command, ctx: CommandContext): void {
  const { print } = helpers(ctx);
  const { env, loadConfig } = ctx;
  const client = ctx.client;
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
        throw ctx.usage(`${cfg.organisation.id} has no obligation "${obligationId}". Known: ${cfg.obligations.map((o) => o.id).join(', ')}.`);
      }
      // The register is read when Temporal is up (a request lists the unit's registered entries); a preview needs no server.
      let registers: RegisterReader = { read: async (orgId) => loadRegisterReader().emptyRegister(orgId) };
      const notes: string[] = [];
      try {
        registers = loadRegisterReader().createRegisterReader(await client());
      } catch {
        notes.push(cfg.organisation.language === 'sv' ? 'Temporal nås inte: förfrågningarna visas utan registrerade projekt och seminarier.' : 'Temporal cannot be reached: requests are shown without registered projects and seminars.');
      }
      // With a database of record, the people set in the web (contacts, substitutes) are shown as the worker will mail them; read only.
      const url = env().DATABASE_URL;
      const records = url ? await loadDatabase().openRecords(url, { poolSize: 1 }) : undefined;
      const preview = await loadMails().previewMails({
        org: cfg,
        obligationId,
        period: opts.period,
        renderer: loadRenderer().createRenderer(path.join((require('../../config/environment') as typeof import('../../config/environment')).PROJECT_ROOT, 'templates')),
        registers,
        // Links as the worker writes them: under the organisation's path where the config has several.
        publicBaseUrl: `${env().PUBLIC_BASE_URL.replace(/\/$/, '')}${(require('../../config/load') as typeof import('../../config/load')).loadConfigs(opts.config ?? env().FOLLOWUP_CONFIG).length > 1 ? `/${cfg.organisation.id}` : ''}`,
        now: new Date(),
        ...(records ? { records } : {}),
      }).finally(() => records?.destroy());
      preview.notes.push(...notes);
      print(preview, formatPreview(preview, opts.summary === true), opts.json);
    });

}
