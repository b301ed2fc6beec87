/**
 * The yearly goals a body sets, in the browser: each year's state and goals, and recording the
 * decision (the body, the paragraph, one goal a line).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readRegister } from '../../client/registers';
import { RejectedError } from '../../client/temporal';
import { goalsStatus, GoalsArchivedError, recordGoals, resendGoalsMail } from '../../client/yearly-goals';
import { formatDate } from '../../domain/calendar';
import { checkGoalsDecision, type GoalsDecision, type GoalsState } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { listLines } from '../../domain/text';
import { caseOnRecord } from '../../records/cases';
import type { GoalsStatus } from '../../workflows/definitions';
import { languageQuery, obligationParams, pageQuery, yearlyGoalsForm } from '../forms';
import { text, type TextKey } from '../i18n';
import { withTyped } from '../page-forms';
import { doneMessage } from '../pages/done-messages';
import { acting, historyRows, mailProblemsFact, mailProblemsOf, obligationInRoute, type Problems, type PagesOptions, type WebKindModule } from './web-kind';

const stateText = (lang: Language, state: GoalsState) => text(lang, `goals_${state}` as TextKey);

export const yearlyGoalsWeb: WebKindModule<'yearly-goals'> = {
  overview({ obligation, register, lang, year }) {
    const entry = (register.goals ?? []).find((g) => g.obligationId === obligation.id && g.year === year);
    return {
      url: `/yearly-goals/${obligation.id}`,
      facts: [
        { text: `${year}: ${entry ? stateText(lang, entry.state) : text(lang, 'goals_awaited')}${entry?.decision ? ` (${entry.decision.goals.length})` : ''}`, attention: !entry?.decision && entry?.state === 'overdue' },
        ...mailProblemsFact((register.goals ?? []).filter((g) => g.obligationId === obligation.id), lang),
      ],
    };
  },
  pages: async (instance, { kit, session }: PagesOptions) => {
    const app = instance.withTypeProvider<ZodTypeProvider>();
    const { config, client, zone, page, message } = kit;
    const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
    const orgId = config.organisation.id;
    const obligationOf = (obligationId: string) => obligationInRoute(kit, obligationId, 'yearly-goals');

    /** A year's goals from its workflow; once the workflow is gone, as they stood last on record. */
    const yearStatus = async (obligationId: string, year: number) => {
      try {
        return { live: await goalsStatus(client, config, obligationId, year) };
      } catch (err) {
        if ((err as Error).name !== 'NotRegisteredError') return {};
        const archived = kit.deps.records ? await caseOnRecord<GoalsStatus>(kit.deps.records, orgId, 'goals', `${obligationId}/${year}`) : undefined;
        return archived ? { archived } : {};
      }
    };

    const render = async (request: FastifyRequest, reply: FastifyReply, obligationId: string, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const obligation = obligationOf(obligationId);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const register = await readRegister(client, orgId);
      const years = (register.goals ?? []).filter((g) => g.obligationId === obligation.id).sort((a, b) => b.year - a.year);
      const nextYear = kit.now().getFullYear() + 1;
      // Each year from its workflow; a year whose workflow is gone (its history deleted after it closed) as it stood last on record.
      const read = await Promise.all(years.map((g) => yearStatus(obligation.id, g.year)));
      const details = read.map((r) => r.live ?? r.archived?.state);
      const archived = years.flatMap((g, i) => (read[i]!.archived ? [{ year: g.year, at: read[i]!.archived!.at }] : []));
      // Each year's mail that did not arrive, with the form that sends it again (none for a year on record only).
      const unsent = years.map((g, i) => {
        const shown = mailProblemsOf(g.mailProblems, lang, zone, `/yearly-goals/${obligation.id}/resend-mail`, context.canAct && !read[i]!.archived);
        return { blocks: shown.blocks.map((b) => ({ ...b, heading: `${b.heading} (${g.year})` })), forms: shown.forms.map((f) => ({ ...f, id: `resend-mail-${g.year}`, heading: `${f.heading} (${g.year})`, hidden: [{ name: 'year', value: String(g.year) }] })) };
      });
      return page(reply, status, 'record', context, {
        heading: obligation.title[lang],
        done: doneMessage(lang, request.query),
        error,
        blocks: [
          ...archived.map((a) => ({ heading: `${text(lang, 'caseArchivedTitle')} (${a.year})`, text: text(lang, 'goalsArchivedText', { year: a.year, when: formatDate(new Date(a.at).toISOString(), zone, lang, true) }) })),
          ...unsent.flatMap((u) => u.blocks),
          ...years.map((g) => ({
          heading: `${g.year}: ${stateText(lang, g.state)}`,
          text: g.decision ? `${g.decision.body} ${formatDate(`${g.decision.decidedOn}T12:00:00`, zone, lang)} ${g.decision.paragraph}` : undefined,
          rows: g.decision?.goals.map((goal) => ({ label: goal.id, value: goal.label })) ?? [],
        }))],
        forms: [...unsent.flatMap((u) => u.forms), ...(context.canAct
          ? [
              withTyped(lang, 
                {
                  id: 'record',
                  heading: text(lang, 'recordGoals'),
                  help: text(lang, 'recordGoalsHelp'),
                  action: `/yearly-goals/${obligation.id}`,
                  submit: text(lang, 'recordDecision'),
                  fields: [
                    { name: 'year', label: text(lang, 'year'), type: 'text', required: true, value: String(nextYear) },
                    { name: 'decidedOn', label: text(lang, 'fieldDecidedOn'), type: 'date', required: true },
                    { name: 'body', label: text(lang, 'fieldBody'), type: 'text', required: true, value: text(lang, 'defaultBody') },
                    { name: 'paragraph', label: text(lang, 'fieldParagraph'), type: 'text', required: true, help: text(lang, 'fieldParagraphHelp') },
                    { name: 'goals', label: text(lang, 'fieldGoals'), type: 'textarea', required: true, help: text(lang, 'fieldGoalsHelp') },
                  ],
                },
                typed,
                problems.map((p) => (p.field.startsWith('goals') ? { ...p, field: 'goals' } : p)),
              ),
            ]
          : [])],
        history: historyRows(
          details.flatMap((d) => (d?.decision ? [{ at: `${d.decision.decidedOn}T12:00:00Z`, what: 'goals-recorded' as const, by: d.recordedBy, detail: String(d.year) }] : [])),
          lang,
          zone,
        ),
      });
    };

    app.get('/yearly-goals/:obligation', { onRequest: requireLogin, schema: { params: obligationParams, querystring: pageQuery } }, async (request, reply) => render(request, reply, request.params.obligation));
    app.post('/yearly-goals/:obligation/resend-mail', { onRequest: requireSecretariat, schema: { params: obligationParams, querystring: languageQuery, body: yearlyGoalsForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const obligation = obligationOf(request.params.obligation);
      const lang = secretariatLanguage(request);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const year = Number(request.body.year);
      return acting(
        reply,
        lang,
        async () => {
          await resendGoalsMail(client, config, obligation.id, year, actor(request));
          return `/yearly-goals/${obligation.id}?done=mail-resent`;
        },
        (status, error) => render(request, reply, request.params.obligation, status, error),
      );
    });
    app.post('/yearly-goals/:obligation', { onRequest: requireSecretariat, schema: { params: obligationParams, querystring: languageQuery, body: yearlyGoalsForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const obligation = obligationOf(request.params.obligation);
      const lang = secretariatLanguage(request);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const { body } = request;
      const year = Number(body.year);
      const decision: GoalsDecision = {
        decidedOn: body.decidedOn ?? '',
        body: (body.body ?? '').trim(),
        paragraph: (body.paragraph ?? '').trim(),
        goals: listLines(body.goals ?? '').map((label, i) => ({ id: `g${i + 1}`, label })),
      };
      const problems = checkGoalsDecision(decision);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) problems.push({ field: 'year', message: text(lang, 'yearProblem') });
      if (problems.length) return render(request, reply, request.params.obligation, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          try {
            await recordGoals(client, kit.deps.taskQueue, config, obligation.id, year, decision, actor(request), { records: kit.deps.records });
          } catch (err) {
            // The year's workflow is gone and its goals are on record: not run a second time.
            if (!(err instanceof GoalsArchivedError)) throw err;
            throw new RejectedError(text(lang, 'goalsArchivedRefused', { year }), undefined);
          }
          return `/yearly-goals/${obligation.id}?done=goals-recorded`;
        },
        (status, error) => render(request, reply, request.params.obligation, status, error, body),
      );
    });
  },
};
