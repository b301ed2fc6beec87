/**
 * The organisation's Temporal Schedules in the browser: each obligation's next runs in local time
 * and its last ones, running one now, and bringing them in line with the config (as
 * `followup schedules list|trigger|sync` do).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { listSchedules, localRunTime, syncSchedules, triggerSchedule } from '../../client/schedules';
import { emptyForm, languageQuery, obligationParams, pageQuery } from '../forms';
import { text } from '../i18n';
import type { WebKit } from '../kit';
import type { PageForm } from '../page-forms';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';
import { acting } from '../obligations/web-kind';

export async function schedulePages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, client, page, message } = kit;
  const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage } = session;

  const render = async (request: FastifyRequest, reply: FastifyReply, status = 200, error?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const now = kit.now();
    const schedules = await listSchedules(client, config, 3);
    const title = (obligationId: string) => config.obligations.find((o) => o.id === obligationId)?.title[lang] ?? obligationId;
    const forms: PageForm[] = context.canAct
      ? [
          ...schedules.map((s) => ({ id: `run-${s.obligationId}`, heading: text(lang, 'runNowHeading', { title: title(s.obligationId) }), help: text(lang, 'runNowHelp'), action: `/schedules/${s.obligationId}/run`, submit: text(lang, 'runNow'), fields: [] })),
          { id: 'sync', heading: text(lang, 'syncSchedules'), help: text(lang, 'syncSchedulesHelp'), action: '/schedules/sync', submit: text(lang, 'syncButton'), fields: [] },
        ]
      : [];
    return page(reply, status, 'list', context, {
      heading: text(lang, 'schedulesTitle'),
      // The organisation's own clock, so that on New Year's night the page is read in the new year (UTC is still in the old one).
      intro: `${text(lang, 'schedulesIntro')} ${text(lang, 'schedulesNow', { now: localRunTime(now, kit.zone), year: String(DateTime.fromJSDate(now, { zone: kit.zone }).year), zone: kit.zone })}`,
      done: doneMessage(lang, request.query),
      error,
      tables: [
        {
          caption: text(lang, 'schedulesTitle'),
          columns: [text(lang, 'obligation'), text(lang, 'nextRuns'), text(lang, 'lastRuns')],
          empty: text(lang, 'noSchedules'),
          rows: schedules.map((s) => ({
            cells: [
              { text: `${title(s.obligationId)}${s.paused ? ` (${text(lang, 'paused')})` : ''}` },
              { text: s.nextRuns.map((r) => `${r.local}${r.label ? ` (${r.label})` : ''}`).join('; ') },
              { text: s.recentRuns.map((r) => r.local).join('; ') },
            ],
          })),
        },
      ],
      forms,
    });
  };

  app.get('/schedules', { onRequest: requireLogin, schema: { querystring: pageQuery } }, async (request, reply) => render(request, reply));
  app.post('/schedules/:obligation/run', { onRequest: requireSecretariat, schema: { params: obligationParams, querystring: languageQuery, body: emptyForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const { obligation } = request.params;
    if (!config.obligations.some((o) => o.id === obligation)) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    return acting(
      reply,
      lang,
      async () => {
        await triggerSchedule(client, config, obligation);
        return '/schedules?done=schedule-run';
      },
      (status, error) => render(request, reply, status, error),
    );
  });
  app.post('/schedules/sync', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: emptyForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    return acting(
      reply,
      lang,
      async () => {
        await syncSchedules(client, kit.deps.taskQueue, config);
        return '/schedules?done=schedules-synced';
      },
      (status, error) => render(request, reply, status, error),
    );
  });
}
