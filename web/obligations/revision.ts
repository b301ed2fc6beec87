/**
 * The revision of the policy once per period, in the browser: each period's state and due date,
 * starting the current one by hand, recording the council's decision, and the history.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readRegister } from '../../client/registers';
import { recordRevision, resendRevisionMail, revisionPeriodOf, revisionStatus, startRevision } from '../../client/revisions';
import { formatDate, revisionPeriodName } from '../../domain/calendar';
import { checkRevisionDecision, type RecordEntry, type RevisionDecision, type RevisionState } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { caseOnRecord, type CaseVersion } from '../../records/cases';
import type { RevisionStatus } from '../../workflows/definitions';
import { languageQuery, obligationParams, pageQuery, revisionForm } from '../forms';
import { text, type TextKey } from '../i18n';
import { withTyped, type PageForm } from '../page-forms';
import { doneMessage } from '../pages/done-messages';
import { acting, historyRows, mailProblemsFact, mailProblemsOf, obligationInRoute, type Problems, type PagesOptions, type WebKindModule } from './web-kind';

const stateText = (lang: Language, state: RevisionState) => text(lang, `revision_${state}` as TextKey);

function revisionHistory(status: RevisionStatus): RecordEntry[] {
  return [
    ...(status.startedAt ? [{ at: status.startedAt, what: 'revision-started' as const, by: status.startedBy }] : []),
    ...(status.recordedAt && status.decision ? [{ at: status.recordedAt, what: 'revision-recorded' as const, by: status.decision.by, detail: `${status.decision.body} ${status.decision.paragraph}` }] : []),
  ];
}

export const revisionWeb: WebKindModule<'revision'> = {
  overview({ obligation, register, lang, today }) {
    const latest = register.revisions.filter((r) => r.obligationId === obligation.id).sort((a, b) => a.periodId.localeCompare(b.periodId)).at(-1);
    const url = `/revisions/${obligation.id}`;
    if (!latest) return { url, facts: [{ text: text(lang, 'ovRevisionNone'), attention: false }] };
    const late = latest.state === 'overdue' || latest.state === 'not-decided' || (latest.state !== 'decided' && latest.dueDate < today);
    return {
      url,
      facts: [
        { text: `${revisionPeriodName(latest.periodId, lang)}: ${stateText(lang, latest.state)}`, attention: late },
        { text: latest.decision ? `${latest.decision.body} ${latest.decision.decidedOn} ${latest.decision.paragraph}` : text(lang, 'ovRevisionDue', { date: latest.dueDate }), attention: false },
        ...mailProblemsFact(register.revisions.filter((r) => r.obligationId === obligation.id), lang),
      ],
    };
  },
  pages: async (instance, { kit, session }: PagesOptions) => {
    const app = instance.withTypeProvider<ZodTypeProvider>();
    const { config, client, zone, page, message } = kit;
    const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
    const orgId = config.organisation.id;
    const obligationOf = (obligationId: string) => obligationInRoute(kit, obligationId, 'revision');

    /**
     * The period's revision from its workflow; once the workflow is gone (its history deleted after
     * it closed), as it stood last on record, where nothing more can be done in it. Neither: not started.
     */
    const periodStatus = async (obligationId: string, periodId: string): Promise<{ live?: RevisionStatus; archived?: CaseVersion<RevisionStatus> }> => {
      try {
        return { live: await revisionStatus(client, orgId, obligationId, periodId) };
      } catch (err) {
        if ((err as Error).name === 'RejectedError') return {};
        if ((err as Error).name !== 'NotRegisteredError') throw err;
        const archived = kit.deps.records ? await caseOnRecord<RevisionStatus>(kit.deps.records, orgId, 'revision', `${obligationId}/${periodId}`) : undefined;
        return archived ? { archived } : {};
      }
    };

    const renderRevision = async (request: FastifyRequest, reply: FastifyReply, obligationId: string, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const obligation = obligationOf(obligationId);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const { periodId } = revisionPeriodOf(config, obligation.id, undefined, kit.now());
      const register = await readRegister(client, orgId);
      const periods = register.revisions.filter((r) => r.obligationId === obligation.id).sort((a, b) => b.periodId.localeCompare(a.periodId));
      const { live, archived } = await periodStatus(obligation.id, periodId);
      const current = live ?? archived?.state;
      const forms: PageForm[] = [];
      if (context.canAct && !current) {
        forms.push({ id: 'start', heading: text(lang, 'startRevision', { period: periodId }), help: text(lang, 'startRevisionHelp'), action: `/revisions/${obligation.id}/start`, submit: text(lang, 'start'), fields: [] });
      }
      // A period that ended undecided has finished its workflow: nothing more can be recorded in it.
      if (context.canAct && !archived && current && current.state !== 'decided' && current.state !== 'not-decided') {
        forms.push(
          withTyped(lang, 
            {
              id: 'decide',
              heading: text(lang, 'recordRevision', { period: periodId }),
              action: `/revisions/${obligation.id}/decide`,
              submit: text(lang, 'recordDecision'),
              fields: [
                { name: 'decidedOn', label: text(lang, 'fieldDecidedOn'), type: 'date', required: true },
                { name: 'body', label: text(lang, 'fieldBody'), type: 'text', required: true, value: text(lang, 'defaultBody') },
                { name: 'paragraph', label: text(lang, 'fieldParagraph'), type: 'text', required: true, help: text(lang, 'fieldParagraphHelp') },
                { name: 'outcome', label: text(lang, 'fieldOutcome'), type: 'radio', required: true, options: [{ value: 'revised', label: text(lang, 'outcome_revised'), selected: true }, { value: 'confirmed', label: text(lang, 'outcome_confirmed') }] },
              ],
            },
            typed,
            problems,
          ),
        );
      }
      const mailProblems = mailProblemsOf(current?.mailProblems, lang, zone, `/revisions/${obligation.id}/resend-mail`, context.canAct && !archived);
      return page(reply, status, 'record', context, {
        heading: obligation.title[lang],
        done: doneMessage(lang, request.query),
        error,
        facts: current
          ? [
              { label: text(lang, 'period'), value: revisionPeriodName(periodId, lang) },
              { label: text(lang, 'state'), value: stateText(lang, current.state), attention: current.state === 'overdue' || current.state === 'not-decided' },
              { label: text(lang, 'dueDate'), value: current.dueDate ? formatDate(`${current.dueDate}T12:00:00`, zone, lang) : '–' },
              ...(current.decision ? [{ label: text(lang, 'decision'), value: `${current.decision.body} ${formatDate(`${current.decision.decidedOn}T12:00:00`, zone, lang)} ${current.decision.paragraph} (${text(lang, `outcome_${current.decision.outcome}` as TextKey)})` }] : []),
            ]
          : [{ label: text(lang, 'period'), value: revisionPeriodName(periodId, lang) }, { label: text(lang, 'state'), value: text(lang, 'revisionNotStarted') }],
        blocks: [
          ...(archived ? [{ heading: text(lang, 'caseArchivedTitle'), text: text(lang, 'revisionArchivedText', { period: periodId, when: formatDate(new Date(archived.at).toISOString(), zone, lang, true) }) }] : []),
          ...mailProblems.blocks,
          ...periods
          .filter((p) => p.periodId !== periodId)
          .map((p) => ({ heading: revisionPeriodName(p.periodId, lang), text: `${stateText(lang, p.state)}${p.decision ? `: ${p.decision.body} ${p.decision.decidedOn} ${p.decision.paragraph}` : ''}` }))],
        forms: [...mailProblems.forms, ...forms],
        history: current ? historyRows(revisionHistory(current), lang, zone) : undefined,
      });
    };

    app.get('/revisions/:obligation', { onRequest: requireLogin, schema: { params: obligationParams, querystring: pageQuery } }, async (request, reply) => renderRevision(request, reply, request.params.obligation));
    app.post('/revisions/:obligation/start', { onRequest: requireSecretariat, schema: { params: obligationParams, querystring: languageQuery, body: revisionForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const obligation = obligationOf(request.params.obligation);
      const lang = secretariatLanguage(request);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const { periodId } = revisionPeriodOf(config, obligation.id, undefined, kit.now());
      // A period on record whose workflow is gone is over: starting it again would ask for its decision anew.
      if ((await periodStatus(obligation.id, periodId)).archived) return renderRevision(request, reply, request.params.obligation, 409, text(lang, 'revisionArchivedRefused'));
      return acting(
        reply,
        lang,
        async () => {
          const outcome = await startRevision(client, kit.deps.taskQueue, orgId, obligation.id, periodId, actor(request));
          return `/revisions/${obligation.id}?done=${outcome === 'started' ? 'revision-started' : 'running'}`;
        },
        (status, error) => renderRevision(request, reply, request.params.obligation, status, error),
      );
    });
    app.post('/revisions/:obligation/resend-mail', { onRequest: requireSecretariat, schema: { params: obligationParams, querystring: languageQuery, body: revisionForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const obligation = obligationOf(request.params.obligation);
      const lang = secretariatLanguage(request);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const { periodId } = revisionPeriodOf(config, obligation.id, undefined, kit.now());
      return acting(
        reply,
        lang,
        async () => {
          await resendRevisionMail(client, orgId, obligation.id, periodId, actor(request));
          return `/revisions/${obligation.id}?done=mail-resent`;
        },
        (status, error) => renderRevision(request, reply, request.params.obligation, status, error),
      );
    });
    app.post('/revisions/:obligation/decide', { onRequest: requireSecretariat, schema: { params: obligationParams, querystring: languageQuery, body: revisionForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const obligation = obligationOf(request.params.obligation);
      const lang = secretariatLanguage(request);
      if (!obligation) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const { body } = request;
      const { periodId } = revisionPeriodOf(config, obligation.id, undefined, kit.now());
      const by = actor(request);
      const decision: RevisionDecision = { decidedOn: body.decidedOn ?? '', body: (body.body ?? '').trim(), paragraph: (body.paragraph ?? '').trim(), outcome: body.outcome as RevisionDecision['outcome'], ...(by ? { by } : {}) };
      const problems = checkRevisionDecision(decision);
      if (problems.length) return renderRevision(request, reply, request.params.obligation, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          await recordRevision(client, orgId, obligation.id, periodId, decision);
          return `/revisions/${obligation.id}?done=revision-recorded`;
        },
        (status, error) => renderRevision(request, reply, request.params.obligation, status, error, body),
      );
    });
  },
};
