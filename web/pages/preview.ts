/**
 * The preview page: every mail a period of an obligation will send, before anything is started.
 * A Fastify plugin; the app hands it what it shares with the other secretariat pages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Renderer } from '../../activities/renderer';
import type { RegisterReader } from '../../activities/register-reader';
import type { OrganisationConfig } from '../../config/schema';
import { defaultPeriod, previewMails, PreviewError, spreadWindowsOf } from '../../preview/mails';
import { previewQuery } from '../forms';
import { pluralText, text } from '../i18n';
import type { PageContext } from '../views';

export interface PreviewPageOptions {
  config: OrganisationConfig;
  renderer: Renderer;
  registers: RegisterReader;
  publicBaseUrl: string;
  now: () => Date;
  requireLogin: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  context: (request: FastifyRequest, reply: FastifyReply) => PageContext;
  page: (reply: FastifyReply, status: number, name: string, context: PageContext, data: object) => FastifyReply;
}

const KIND_LABELS = {
  sv: { request: 'Förfrågan', reminder: 'Påminnelse', escalation: 'Eskalering', report: 'Rapport', 'unit-part': 'Till nämnden', 'revision-request': 'Begäran om revidering', 'revision-reminder': 'Påminnelse', 'revision-overdue': 'Försenad' },
  en: { request: 'Request', reminder: 'Reminder', escalation: 'Escalation', report: 'Report', 'unit-part': 'To the board', 'revision-request': 'Revision request', 'revision-reminder': 'Reminder', 'revision-overdue': 'Overdue' },
} as Record<string, Record<string, string>>;

export async function previewPages(instance: FastifyInstance, options: PreviewPageOptions) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config } = options;
  app.get('/preview', { onRequest: options.requireLogin, schema: { querystring: previewQuery } }, async (request, reply) => {
    const context = options.context(request, reply);
    const lang = context.lang;
    const given = request.query;
    const obligations = config.obligations.map((o) => ({ id: o.id, title: o.title[lang], selected: o.id === given.obligation }));
    const data: Record<string, unknown> = { heading: text(lang, 'previewTitle'), intro: text(lang, 'previewIntro'), obligations };
    const obligation = config.obligations.find((o) => o.id === given.obligation);
    if (!obligation) return options.page(reply, 200, 'preview', context, data);
    const period = given.period || defaultPeriod(config, obligation.id, options.now());
    data.period = period;
    try {
      const now = options.now();
      const preview = await previewMails({ org: config, obligationId: obligation.id, period, renderer: options.renderer, registers: options.registers, publicBaseUrl: options.publicBaseUrl, now });
      data.result = {
        title: `${obligation.title[lang]} ${preview.period}`,
        count: pluralText(lang, 'previewCount', preview.mails.length, { count: preview.mails.length }),
        // In the page's language, which may not be the organisation's.
        spread: spreadWindowsOf(config, obligation.id, preview.period, now, lang).map((w) => w.text),
        notes: preview.notes,
        mails: preview.mails.map((m) => ({ ...m, kindLabel: KIND_LABELS[lang]?.[m.kind] ?? m.kind })),
      };
    } catch (err) {
      // A period the obligation cannot have is the person's to fix; anything else is ours.
      if (!(err instanceof PreviewError) && (err as Error).name !== 'CalendarError') throw err;
      data.error = (err as Error).message;
      return options.page(reply, 422, 'preview', context, data);
    }
    return options.page(reply, 200, 'preview', context, data);
  });
}
