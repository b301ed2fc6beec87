/**
 * The secretariat's overview: "are we complying?" for the whole policy at a glance. Each obligation
 * with its state now, from its kind's web module, in bold where someone must act, leading to its
 * page; and starting a data call's cycle.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { CycleArchivedError, listCycles, startCycle, type ListedCycle } from '../../client/cycles';
import { cyclesOnRecord } from '../../records/cycles';
import { readRegister } from '../../client/registers';
import { CalendarError, latestEndedPeriod, periodBounds } from '../../domain/calendar';
import { assertPeriod, InvalidKeyError } from '../../domain/ids';
import { languageQuery, pageQuery, startCycleForm } from '../forms';
import { pluralText, text } from '../i18n';
import type { WebKit } from '../kit';
import { overviewOf } from '../obligations';
import type { Problems } from '../obligations/web-kind';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';

export async function dashboardPages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, client, now, zone, page, dataCalls, deps } = kit;
  const { requireLogin, requireSecretariat, secretariatLanguage, secretariatContext, actor } = session;
  /** The cycles Temporal lists, and those only on record (their workflows deleted after the namespace's retention), newest period first. */
  const withCyclesOnRecord = async (listed: ListedCycle[]): Promise<ListedCycle[]> => {
    if (!deps.records) return listed;
    const known = new Set(listed.map((c) => `${c.key.obligationId}/${c.key.period}`));
    const kept = (await cyclesOnRecord(deps.records, config.organisation.id)).filter((c) => !known.has(`${c.key.obligationId}/${c.key.period}`));
    return [...listed, ...kept.map((c) => ({ key: c.key, running: false, startTime: c.at, overview: c.overview }))].sort((a, b) => b.key.period.localeCompare(a.key.period));
  };
  /** `start`: the start form as it was sent, with its problems beside their fields. */
  const renderDashboard = async (request: FastifyRequest, reply: FastifyReply, status = 200, error?: string, start?: { typed: { obligation?: string; period?: string }; problems: Problems }, errorLink?: { url: string; text: string }) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const [running, register] = await Promise.all([listCycles(client, config.organisation.id), readRegister(client, config.organisation.id)]);
    const cycles = await withCyclesOnRecord(running);
    const today = DateTime.fromJSDate(now()).setZone(zone);
    const defaultPeriod = latestEndedPeriod('annual', today);
    const obligations = await Promise.all(
      config.obligations.map(async (o) => {
        const entry = await overviewOf(o, { kit, register, cycles, lang, now: now(), year: today.year, today: today.toISODate()! });
        return {
          id: o.id,
          title: o.title[lang],
          source: o.source,
          kind: text(lang, `kind_${o.kind}` as Parameters<typeof text>[1]),
          url: entry.url,
          facts: entry.facts,
          attention: entry.facts.some((f) => f.attention),
          previewUrl: `/preview?obligation=${encodeURIComponent(o.id)}`,
          cycles:
            o.kind === 'periodic-data-call'
              ? cycles
                  .filter((c) => c.key.obligationId === o.id)
                  .map((c) => ({ period: c.key.period, url: `/cycles/${o.id}/${c.key.period}`, state: text(lang, c.running ? 'open' : 'closed') }))
              : undefined,
        };
      }),
    );
    return page(reply, status, 'dashboard', context, {
      heading: text(lang, 'overview'),
      intro: text(lang, 'overviewIntro'),
      done: doneMessage(lang, request.query, config.units),
      error,
      errorLink,
      periodHelp: text(lang, 'periodHelp', { example: defaultPeriod }),
      start: {
        period: start?.typed.period ?? defaultPeriod,
        obligationError: start?.problems.find((p) => p.field === 'obligation')?.message,
        periodError: start?.problems.find((p) => p.field === 'period')?.message,
      },
      needsAction: ((n) => (n ? pluralText(lang, 'needsAction', n, { n }) : undefined))(obligations.filter((o) => o.attention).length),
      obligations,
      dataCalls: dataCalls.map((o) => ({ id: o.id, title: o.title[lang], selected: o.id === start?.typed.obligation })),
    });
  };

  app.get('/dashboard', { onRequest: requireLogin, schema: { querystring: pageQuery } }, async (request, reply) => renderDashboard(request, reply));

  app.post('/cycles', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: startCycleForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const { body } = request;
    const lang = secretariatLanguage(request);
    const obligation = dataCalls.find((o) => o.id === body.obligation);
    const period = (body.period ?? '').trim();
    const problems: Problems = [];
    if (!obligation) problems.push({ field: 'obligation', message: text(lang, body.obligation ? 'noSuchObligation' : 'chooseObligation') });
    try {
      assertPeriod(period);
      // A period the obligation's rule does not have would fail in the cycle's planning, in the calendar's English.
      if (obligation) periodBounds(obligation.period, period, zone);
    } catch (err) {
      if (err instanceof CalendarError && obligation) {
        const example = latestEndedPeriod(obligation.period, DateTime.fromJSDate(now()).setZone(zone));
        problems.push({ field: 'period', message: text(lang, obligation.period === 'tertial' ? 'periodTertialProblem' : 'periodAnnualProblem', { example }) });
      } else if (err instanceof InvalidKeyError) problems.push({ field: 'period', message: text(lang, 'periodProblem') });
      else throw err;
    }
    if (problems.length) return renderDashboard(request, reply, 400, text(lang, 'notStarted'), { typed: body, problems });
    let started;
    try {
      started = await startCycle(client, deps.taskQueue, { orgId: config.organisation.id, obligationId: obligation!.id, period }, actor(request) ?? 'web', { records: deps.records });
    } catch (err) {
      // The period's cycle has run and is archived: its answers and report files would be written over.
      if (!(err instanceof CycleArchivedError)) throw err;
      const typed = { obligation: body.obligation, period };
      const refusal = text(lang, 'cycleArchivedRefused', { obligation: obligation!.title[lang], period });
      return renderDashboard(request, reply, 409, refusal, { typed, problems: [{ field: 'period', message: text(lang, 'cycleArchivedPeriod') }] }, { url: err.page, text: text(lang, 'cycleArchivedLink', { period }) });
    }
    return reply.redirect(`/cycles/${obligation!.id}/${period}?done=${started.outcome === 'started' ? 'started' : 'running'}`, 303);
  });
}
