/** The secretariat's overview: the obligations with their cycles, starting a cycle. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { listCycles, RejectedError, startCycle } from '../../client/cycles';
import { latestEndedPeriod } from '../../domain/calendar';
import { assertPeriod } from '../../domain/ids';
import { formOf, startCycleForm } from '../forms';
import { text } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';

/** Who acts, as histories name them: "Anna Berg (anna.berg)". */
export function accountName(session: SecretariatSession, request: FastifyRequest): string {
  const account = session.signedIn(request);
  return account ? `${account.displayName} (${account.name})` : 'web';
}

export async function dashboardPages(app: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const { config, client, now, zone, page, dataCalls, unitName, deps } = kit;
  const { requireLogin, requireSecretariat, secretariatLanguage, secretariatContext } = session;
  const renderDashboard = async (request: FastifyRequest, reply: FastifyReply, status = 200, error?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const cycles = await listCycles(client, config.organisation.id);
    const defaultPeriod = latestEndedPeriod('annual', DateTime.fromJSDate(now()).setZone(zone));
    return page(reply, status, 'dashboard', context, {
      heading: text(lang, 'overview'),
      done: doneMessage(lang, request.query as Record<string, string>, unitName),
      error,
      defaultPeriod,
      periodHelp: text(lang, 'periodHelp', { example: defaultPeriod }),
      obligations: dataCalls.map((o) => ({
        id: o.id,
        title: o.title[lang],
        source: o.source,
        previewUrl: `/preview?obligation=${encodeURIComponent(o.id)}`,
        cycles: cycles
          .filter((c) => c.key.obligationId === o.id)
          .map((c) => ({ period: c.key.period, url: `/cycles/${o.id}/${c.key.period}`, state: text(lang, c.running ? 'open' : 'closed') })),
      })),
    });
  };

  app.get('/dashboard', { onRequest: requireLogin }, async (request, reply) => renderDashboard(request, reply));

  app.post('/cycles', { onRequest: requireSecretariat, preHandler: [formOf(startCycleForm), app.csrfProtection] }, async (request, reply) => {
    const body = request.body as { obligation?: string; period?: string };
    const lang = secretariatLanguage(request);
    const obligation = dataCalls.find((o) => o.id === body.obligation);
    const period = (body.period ?? '').trim();
    try {
      if (!obligation) throw RejectedError.of('ChooseObligation', lang);
      assertPeriod(period);
    } catch (err) {
      return renderDashboard(request, reply, 422, (err as Error).message);
    }
    const started = await startCycle(client, deps.taskQueue, { orgId: config.organisation.id, obligationId: obligation!.id, period }, accountName(session, request));
    return reply.redirect(`/cycles/${obligation!.id}/${period}?done=${started.outcome === 'started' ? 'started' : 'running'}`, 303);
  });
}
