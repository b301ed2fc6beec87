/**
 * The organisation's webhook endpoints (as `followup webhooks add|list|remove`): register one for
 * some events (its signing secret shown this once), and see each endpoint's recent deliveries, try
 * by try, with the receiver's status and the start of its answer; send a test event, disable or
 * remove an endpoint. Read from and written to the database of record.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientWebhookDelivery, createWebhookEmitter, type WebhookEmitter } from '../../activities/webhooks';
import { formatDate } from '../../domain/calendar';
import type { Language } from '../../domain/types';
import { shownUrl, WEBHOOK_EVENT_TYPES, type WebhookMessageType } from '../../domain/webhook-events';
import { recordAction } from '../../records/audit-log';
import type { Records } from '../../records/database';
import { addWebhookEndpoint, disableWebhookEndpoint, recentWebhookDeliveries, removeWebhookEndpoint, webhookEndpoints, type WebhookEndpoint } from '../../records/webhooks';
import { emptyForm, languageQuery, pageQuery, webhookForm, webhookParams } from '../forms';
import { text, type TextKey } from '../i18n';
import type { WebKit } from '../kit';
import type { PageForm } from '../page-forms';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';

const eventName = (lang: Language, type: string) => text(lang, `webhookEvent_${type as WebhookMessageType}` as TextKey);

/** Only the web's own schemes: a mistyped "htps:" or a "file:" is sent back with the form. */
const webUrl = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
};

export async function webhookPages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, page, message, zone } = kit;
  const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
  const org = config.organisation.id;
  const records: Records | undefined = kit.deps.records;
  const emitter: WebhookEmitter | undefined = records
    ? createWebhookEmitter(records, clientWebhookDelivery(kit.client, kit.deps.taskQueue))
    : undefined;
  const when = (at: Date, lang: Language) => formatDate(at.toISOString(), zone, lang, true);

  const addForm = (lang: Language, typed: Record<string, string | undefined> = {}, errors: { field: string; message: string }[] = []): PageForm => ({
    id: 'add-webhook',
    heading: text(lang, 'webhookAdd'),
    help: text(lang, 'webhookAddHelp'),
    action: '/webhooks',
    submit: text(lang, 'webhookAddButton'),
    fields: [
      { name: 'url', label: text(lang, 'webhookUrl'), type: 'text', value: typed.url ?? '', required: true, help: text(lang, 'webhookUrlHelp'), error: errors.find((e) => e.field === 'url')?.message },
      ...WEBHOOK_EVENT_TYPES.map((type, i) => ({
        name: type,
        label: `${eventName(lang, type)} (${type})`,
        type: 'checkbox' as const,
        checked: typed[type] === 'on',
        ...(i === 0 ? { help: errors.find((e) => e.field === 'events')?.message } : {}),
      })),
    ],
    errors,
  });

  const endpointForms = (lang: Language, endpoint: WebhookEndpoint): PageForm[] => {
    const url = shownUrl(endpoint.url);
    return [
      ...(endpoint.disabledAt
        ? []
        : [
            { id: `test-${endpoint.id}`, heading: text(lang, 'webhookTest', { url }), action: `/webhooks/${endpoint.id}/test`, submit: text(lang, 'webhookTestButton'), fields: [] },
            { id: `disable-${endpoint.id}`, heading: text(lang, 'webhookDisable', { url }), help: text(lang, 'webhookDisableHelp'), action: `/webhooks/${endpoint.id}/disable`, submit: text(lang, 'webhookDisableButton'), fields: [], danger: true },
          ]),
      { id: `remove-${endpoint.id}`, heading: text(lang, 'webhookRemove', { url }), help: text(lang, 'webhookRemoveHelp'), action: `/webhooks/${endpoint.id}/remove`, submit: text(lang, 'webhookRemoveButton'), fields: [], danger: true },
    ];
  };

  const render = async (request: FastifyRequest, reply: FastifyReply, options: { status?: number; done?: string; form?: PageForm } = {}) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    if (!records) return page(reply, 200, 'list', context, { heading: text(lang, 'webhooksTitle'), intro: text(lang, 'webhooksNoRecords'), tables: [], forms: [] });
    const endpoints = await webhookEndpoints(records, org);
    const deliveries = await Promise.all(endpoints.map((e) => recentWebhookDeliveries(records, e.id)));
    const tables = [
      {
        caption: text(lang, 'webhooksEndpoints'),
        columns: [text(lang, 'webhookUrl'), text(lang, 'webhookEvents'), text(lang, 'webhookState'), text(lang, 'webhookCreated')],
        empty: text(lang, 'webhooksNone'),
        rows: endpoints.map((e) => ({
          cells: [
            { text: shownUrl(e.url) },
            { text: e.events.join(', ') },
            e.disabledAt ? { text: text(lang, 'webhookDisabledState', { when: when(e.disabledAt, lang), reason: e.disabledReason ?? '' }), attention: true } : { text: text(lang, 'webhookActive') },
            { text: `${when(e.createdAt, lang)}, ${e.createdBy}` },
          ],
        })),
      },
      ...endpoints.map((e, i) => ({
        caption: text(lang, 'webhookDeliveriesOf', { url: shownUrl(e.url) }),
        columns: [text(lang, 'historyWhen'), text(lang, 'webhookEvent'), text(lang, 'webhookTry'), text(lang, 'webhookOutcome'), text(lang, 'webhookStatus'), text(lang, 'webhookAnswer')],
        empty: text(lang, 'webhookDeliveriesNone'),
        // Each try, newest first: the failures before a delivery stay in view beside it.
        rows: deliveries[i]!.flatMap((d) => {
          const event = `${eventName(lang, d.type)} (${d.eventId})`;
          if (d.tries.length === 0) {
            const outcome = d.abandonedAt ? text(lang, 'webhookAbandoned') : text(lang, 'webhookWaiting');
            return [{ cells: [{ text: when(d.createdAt, lang) }, { text: event }, { text: '–' }, { text: outcome, attention: d.abandonedAt !== undefined }, { text: '' }, { text: d.lastResponse ?? '' }] }];
          }
          return d.tries.map((t, n) => {
            const ok = t.status !== undefined && t.status >= 200 && t.status < 300;
            const newest = n === 0;
            const outcome = ok
              ? text(lang, 'webhookDelivered')
              : newest && d.abandonedAt
                ? text(lang, 'webhookAbandoned')
                : newest && d.nextTryAt
                  ? text(lang, 'webhookNextTry', { when: when(d.nextTryAt, lang) })
                  : text(lang, 'webhookFailed');
            return {
              cells: [
                { text: when(t.at, lang) },
                { text: event },
                { text: String(t.attempt) },
                { text: outcome, attention: !ok },
                { text: t.status !== undefined ? String(t.status) : text(lang, 'webhookNoAnswer') },
                { text: t.response ?? '' },
              ],
            };
          });
        }),
      })),
    ];
    return page(reply, options.status ?? 200, 'list', context, {
      heading: text(lang, 'webhooksTitle'),
      intro: text(lang, 'webhooksIntro'),
      done: options.done ?? doneMessage(lang, request.query),
      tables,
      forms: context.canAct ? [options.form ?? addForm(lang), ...endpoints.flatMap((e) => endpointForms(lang, e))] : [],
    });
  };

  app.get('/webhooks', { onRequest: requireLogin, schema: { querystring: pageQuery } }, async (request, reply) => render(request, reply));

  app.post('/webhooks', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: webhookForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    if (!records || !emitter) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const typed: Record<string, string | undefined> = request.body;
    const url = webUrl(typed.url?.trim());
    const events = WEBHOOK_EVENT_TYPES.filter((type) => typed[type] === 'on');
    const errors = [...(url ? [] : [{ field: 'url', message: text(lang, 'webhookUrlError') }]), ...(events.length ? [] : [{ field: 'events', message: text(lang, 'webhookEventsError') }])];
    if (errors.length) return render(request, reply, { status: 400, form: addForm(lang, typed, errors) });
    const by = actor(request) ?? 'web';
    const { endpoint, secret } = await addWebhookEndpoint(records, { org, url: url!, events, createdBy: by, at: kit.now() });
    emitter.forget();
    // Answered with the page, not a redirect: the secret is in no address and shown this once.
    await recordAction(records, { at: kit.now(), actor: by, via: 'web', action: 'webhook-added', subject: `/webhooks/${endpoint.id}`, detail: { url: shownUrl(endpoint.url), events } });
    return render(request, reply, { done: text(lang, 'webhookAdded', { secret }) });
  });

  const endpointOf = async (endpointId: string) => (records ? (await webhookEndpoints(records, org)).find((e) => e.id === endpointId) : undefined);

  app.post('/webhooks/:endpoint/test', { onRequest: requireSecretariat, schema: { params: webhookParams, querystring: languageQuery, body: emptyForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const endpoint = await endpointOf(request.params.endpoint);
    if (!endpoint || !emitter || endpoint.disabledAt) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const at = kit.now().toISOString();
    // Each press is an event of its own.
    await emitter.emitTo(endpoint.id, { org, type: 'webhook.test', key: `${endpoint.id}/${at}`, at, data: { endpoint: endpoint.id, sentBy: actor(request) ?? 'web' } });
    return reply.redirect('/webhooks?done=webhook-test-sent', 303);
  });

  app.post('/webhooks/:endpoint/disable', { onRequest: requireSecretariat, schema: { params: webhookParams, querystring: languageQuery, body: emptyForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    if (!records || !(await endpointOf(request.params.endpoint))) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    await disableWebhookEndpoint(records, org, request.params.endpoint, `by ${actor(request) ?? 'the web'}`, kit.now());
    emitter?.forget();
    return reply.redirect('/webhooks?done=webhook-disabled', 303);
  });

  app.post('/webhooks/:endpoint/remove', { onRequest: requireSecretariat, schema: { params: webhookParams, querystring: languageQuery, body: emptyForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    if (!records || !(await endpointOf(request.params.endpoint))) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    await removeWebhookEndpoint(records, org, request.params.endpoint);
    emitter?.forget();
    return reply.redirect('/webhooks?done=webhook-removed', 303);
  });
}
