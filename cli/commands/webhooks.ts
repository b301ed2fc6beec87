/** `followup webhooks`: the organisation's webhook endpoints, as the web's /webhooks page has them. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { isWebhookEventType, shownUrl, WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events';
import type { Records } from '../../records/database';
import { cliActor, collect, helpers, table, type CommandContext, type Opts } from './common';

export class WebhookUsageError extends Error {
  override name = 'WebhookUsageError';
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded by the commands that use them */
const webhookRecords = () => require('../../records/webhooks') as typeof import('../../records/webhooks');
const database = () => require('../../records/database') as typeof import('../../records/database');
const embeddedRecords = () => require('../../records/embedded') as typeof import('../../records/embedded');
/* eslint-enable @typescript-eslint/no-require-imports */

export function addWebhookCommands(program: Command, ctx: CommandContext): void {
  const { io, opts, print } = helpers(ctx);
  /** The database of record: DATABASE_URL's, or npm start's own while it runs (as `followup users`). */
  const withRecords = async <T>(use: (db: Records) => Promise<T>): Promise<T> => {
    const env = ctx.env();
    const embedded = !env.DATABASE_URL && existsSync(embeddedRecords().embeddedRecordsDir(env.FOLLOWUP_DATA_DIR));
    const url = env.DATABASE_URL ?? (embedded ? `postgresql://postgres@127.0.0.1:${env.FOLLOWUP_RECORDS_PORT}/postgres` : undefined);
    if (!url) throw ctx.usage('Webhooks are kept in the database of record: set DATABASE_URL, or run "npm start" (its own database) and run this again.');
    const db = await database()
      .openRecords(url, { poolSize: 1 })
      .catch((err: Error) => {
        if (!embedded) throw err;
        throw ctx.usage('npm start keeps webhooks in its records database, which it serves to the command line while it runs: start it ("npm start" in another terminal) and run this again, or set DATABASE_URL.');
      });
    try {
      return await use(db);
    } finally {
      await db.destroy();
    }
  };
  const orgOf = (cmd: Command) => ctx.loadConfig(opts(cmd)).organisation.id;

  const webhooks = program.command('webhooks').description(`endpoints that get a signed POST (Standard Webhooks) when something happens (${WEBHOOK_EVENT_TYPES.join(', ')})`);
  webhooks
    .command('add')
    .argument('<url>', 'where the events are sent, https://…')
    .option('--event <type>', `an event to send there; repeat for several (${WEBHOOK_EVENT_TYPES.join(', ')})`, collect)
    .option('--all-events', 'every event')
    .description('register an endpoint; its signing secret is printed this once')
    .action(async (url: string, _o, cmd: Command) => {
      const o = opts(cmd) as Opts & { event?: string[]; allEvents?: boolean };
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) throw new WebhookUsageError(`"${url}" is no web address: give one that starts with https:// (or http:// inside the municipality's network).`);
      const events = o.allEvents ? [...WEBHOOK_EVENT_TYPES] : (o.event ?? []);
      const unknown = events.filter((e) => !isWebhookEventType(e));
      if (unknown.length) throw new WebhookUsageError(`Unknown event${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: choose among ${WEBHOOK_EVENT_TYPES.join(', ')}.`);
      if (events.length === 0) throw new WebhookUsageError(`Name the events to send with --event (one or more of ${WEBHOOK_EVENT_TYPES.join(', ')}), or --all-events.`);
      const org = orgOf(cmd);
      const { endpoint, secret } = await withRecords((db) => webhookRecords().addWebhookEndpoint(db, { org, url: parsed.toString(), events: [...new Set(events)], createdBy: cliActor(), at: new Date() }));
      print(
        { id: endpoint.id, url: endpoint.url, events: endpoint.events, secret },
        [`Added ${endpoint.id}: ${shownUrl(endpoint.url)} gets ${endpoint.events.join(', ')}.`, `Signing secret (shown only now; put it in the receiving system): ${secret}`, 'Workers take it up within seconds.'].join('\n'),
        o.json,
      );
    });
  webhooks
    .command('list')
    .option('--json', 'print JSON (without the secrets)')
    .description("the organisation's endpoints, and how each one's latest delivery went")
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd);
      const org = orgOf(cmd);
      const rows = await withRecords(async (db) => {
        const endpoints = await webhookRecords().webhookEndpoints(db, org);
        return Promise.all(endpoints.map(async (e) => ({ ...e, latest: (await webhookRecords().recentWebhookDeliveries(db, e.id, 1))[0] })));
      });
      const lastOf = (r: (typeof rows)[number]) => {
        const d = r.latest;
        if (!d) return 'none yet';
        const state = d.deliveredAt ? 'delivered' : d.abandonedAt ? 'given up' : d.attempts ? `failed ${d.attempts}×, tried again` : 'waiting';
        return `${d.type} ${d.createdAt.toISOString().slice(0, 16).replace('T', ' ')}: ${state}${d.lastStatus !== undefined ? ` (${d.lastStatus})` : ''}`;
      };
      print(
        rows.map(({ latest, ...e }) => ({ ...e, url: shownUrl(e.url), latest: latest ? { event: latest.eventId, type: latest.type, attempts: latest.attempts, status: latest.lastStatus, deliveredAt: latest.deliveredAt, abandonedAt: latest.abandonedAt } : undefined })),
        rows.length
          ? table([['ID', 'URL', 'EVENTS', 'STATE', 'LATEST'], ...rows.map((r) => [r.id, shownUrl(r.url), r.events.join(','), r.disabledAt ? `disabled (${r.disabledReason ?? ''})` : 'active', lastOf(r)])])
          : 'No webhook endpoints. Add one with: followup webhooks add https://… --event answer.received',
        o.json,
      );
    });
  webhooks
    .command('remove')
    .argument('<id>', 'the endpoint, ep_… (followup webhooks list)')
    .description('remove an endpoint: nothing more is sent there; what was sent stays on record')
    .action(async (id: string, _o, cmd: Command) => {
      const org = orgOf(cmd);
      await withRecords((db) => webhookRecords().removeWebhookEndpoint(db, org, id));
      io.out(`Removed ${id}. Deliveries still being tried stop at their next try.`);
    });
}
