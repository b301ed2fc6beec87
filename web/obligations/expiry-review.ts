/**
 * Time-limited agreements in the browser: the register (by unit and year of ending, as CSV),
 * registering one, and each agreement's page with renewing or ending it and its history. The
 * owner records the same decision from the review reminder's link (web/pages/owner-links.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { agreementStatus, decideAgreement, registerAgreement, resendAgreementMail } from '../../client/agreements';
import { readRegister } from '../../client/registers';
import { formatDate } from '../../domain/calendar';
import { checkAgreement, checkAgreementDecision, type AgreementDecision, type AgreementRegistration, type AgreementState, type RecordEntry } from '../../domain/registers';
import type { Language } from '../../domain/types';
import type { AgreementStatus } from '../../workflows/definitions';
import { agreementDecisionForm, agreementForm, entityParams, languageQuery, pageQuery, listQuery, type ListQuery } from '../forms';
import { pluralText, text, type TextKey } from '../i18n';
import { agreementsSheet } from '../../exports/registers';
import { unitOptions, withTyped, type PageForm } from '../page-forms';
import { doneMessage } from '../pages/done-messages';
import { acting, historyRows, listFilters, mailProblemsFact, mailProblemsOf, obligationProblems, readOrOnRecord, type Problems, type PagesOptions, type WebKindModule } from './web-kind';

const stateText = (lang: Language, state: AgreementState) => text(lang, `agreement_${state}` as TextKey);

/** Renew (with a new end) or end: for the secretariat's page and the owner's link alike. */
export function agreementDecisionFormOf(lang: Language, action: string, endsOn: string): PageForm {
  return {
    id: 'decide',
    heading: text(lang, 'decideAgreement'),
    help: text(lang, 'decideAgreementHelp', { endsOn }),
    action,
    submit: text(lang, 'recordDecision'),
    fields: [
      { name: 'decision', label: text(lang, 'decision'), type: 'radio', required: true, options: [{ value: 'renew', label: text(lang, 'renew') }, { value: 'end', label: text(lang, 'endAgreement') }] },
      { name: 'newEndsOn', label: text(lang, 'newEndsOn'), type: 'date', help: text(lang, 'newEndsOnHelp') },
      { name: 'note', label: text(lang, 'note'), type: 'textarea' },
    ],
  };
}

export function decisionFromForm(body: Record<string, string | undefined>, by?: string): AgreementDecision {
  const note = body.note?.trim() ? body.note.trim() : undefined;
  const common = { ...(note ? { note } : {}), ...(by ? { by } : {}) };
  return body.decision === 'renew' ? { decision: 'renew', newEndsOn: body.newEndsOn ?? '', ...common } : ({ decision: body.decision ?? '', ...common } as AgreementDecision);
}

/** The agreement's history, from its registration and its decisions. */
export function agreementHistory(status: AgreementStatus): RecordEntry[] {
  const registered: RecordEntry[] = status.registeredAt ? [{ at: status.registeredAt, what: 'registered', by: status.registeredBy }] : [];
  return registered.concat(status.decisions.map((d) => ({ at: d.at, what: d.decision === 'renew' ? ('renewed' as const) : ('ended' as const), by: d.by, detail: d.decision === 'renew' ? d.newEndsOn : d.note })));
}

export const expiryReviewWeb: WebKindModule<'expiry-review'> = {
  overview({ kit, obligation, register, lang }) {
    const firstReview = kit.config.obligations.find((o) => o.kind === 'expiry-review')?.id;
    const mine = register.agreements.filter((a) => (a.obligationId ?? firstReview) === obligation.id);
    const count = (...states: AgreementState[]) => mine.filter((a) => states.includes(a.state)).length;
    return {
      url: '/agreements',
      facts: [
        { text: pluralText(lang, 'ovAgreementsActive', count('active', 'renewed'), { n: count('active', 'renewed') }), attention: false },
        { text: pluralText(lang, 'ovAgreementsDue', count('review-due'), { n: count('review-due') }), attention: count('review-due') > 0 },
        { text: pluralText(lang, 'ovAgreementsExpired', count('expired'), { n: count('expired') }), attention: count('expired') > 0 },
        ...mailProblemsFact(mine, lang),
      ],
    };
  },
  pages: async (instance, { kit, session }: PagesOptions) => {
    const app = instance.withTypeProvider<ZodTypeProvider>();
    const { config, client, zone, page, unitName } = kit;
    const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
    const orgId = config.organisation.id;
    const reviews = config.obligations.filter((o) => o.kind === 'expiry-review');

    const registrationForm = (lang: Language): PageForm => ({
      id: 'register-agreement',
      heading: text(lang, 'registerAgreement'),
      help: text(lang, 'registerAgreementHelp'),
      action: '/agreements',
      submit: text(lang, 'registerButton'),
      fields: [
        { name: 'title', label: text(lang, 'fieldTitle'), type: 'text', required: true },
        { name: 'id', label: text(lang, 'fieldId'), type: 'text', required: true, help: text(lang, 'fieldIdHelp') },
        { name: 'partner', label: text(lang, 'fieldPartner'), type: 'text', required: true },
        { name: 'unitId', label: text(lang, 'unit'), type: 'select', required: true, options: unitOptions(config.units, lang) },
        { name: 'ownerName', label: text(lang, 'fieldOwnerName'), type: 'text', required: true, autocomplete: 'off' },
        { name: 'ownerEmail', label: text(lang, 'fieldOwnerEmail'), type: 'email', required: true, autocomplete: 'off' },
        { name: 'startsOn', label: text(lang, 'fieldStartsOn'), type: 'date' },
        { name: 'endsOn', label: text(lang, 'fieldEndsOn'), type: 'date', required: true },
        ...(reviews.length > 1 ? [{ name: 'obligation', label: text(lang, 'obligation'), type: 'select' as const, required: true, options: reviews.map((g) => ({ value: g.id, label: g.title[lang] })) }] : []),
      ],
    });

    const renderList = async (request: FastifyRequest, reply: FastifyReply, filtered: ListQuery, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const register = await readRegister(client, orgId);
      const filters = listFilters(kit, filtered, lang, '/agreements', register.agreements.map((a) => Number(a.endsOn.slice(0, 4))));
      const shown = register.agreements
        .filter((a) => (!filters.unit || a.unitId === filters.unit) && (!filters.year || a.endsOn.startsWith(String(filters.year))))
        .sort((a, b) => a.endsOn.localeCompare(b.endsOn));
      const columns = [text(lang, 'fieldTitle'), text(lang, 'fieldPartner'), text(lang, 'unit'), text(lang, 'fieldEndsOn'), text(lang, 'state')];
      if (filters.format) return filters.send(reply, 'agreements', agreementsSheet(shown, config, lang));
      return page(reply, status, 'list', context, {
        heading: text(lang, 'agreementsTitle'),
        intro: text(lang, 'agreementsIntro'),
        done: doneMessage(lang, request.query),
        error,
        filters: filters.view,
        csvUrl: filters.csvUrl,
        xlsxUrl: filters.xlsxUrl,
        tables: [
          {
            caption: text(lang, 'agreementsTitle'),
            columns,
            empty: text(lang, 'noneYet'),
            rows: shown.map((a) => ({
              cells: [
                { text: a.title, url: `/agreements/${a.id}` },
                { text: a.partner },
                { text: unitName(a.unitId, lang) },
                { text: formatDate(`${a.endsOn}T12:00:00`, zone, lang) },
                { text: stateText(lang, a.state), attention: a.state === 'review-due' || a.state === 'expired' },
              ],
            })),
          },
        ],
        forms: context.canAct ? [withTyped(lang, registrationForm(lang), typed, problems, { 'owner.name': 'ownerName', 'owner.email': 'ownerEmail' })] : [],
      });
    };

    app.get('/agreements', { onRequest: requireLogin, schema: { querystring: listQuery } }, async (request, reply) => renderList(request, reply, request.query));
    app.post('/agreements', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: agreementForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { body } = request;
      const lang = secretariatLanguage(request);
      const agreement: AgreementRegistration = {
        id: (body.id ?? '').trim(),
        title: (body.title ?? '').trim(),
        partner: (body.partner ?? '').trim(),
        unitId: body.unitId ?? '',
        owner: { name: (body.ownerName ?? '').trim(), email: (body.ownerEmail ?? '').trim() },
        ...(body.startsOn ? { startsOn: body.startsOn } : {}),
        endsOn: body.endsOn ?? '',
      };
      const problems = checkAgreement(agreement);
      if (!config.units.some((u) => u.id === agreement.unitId)) problems.push({ field: 'unitId', message: text(lang, 'chooseUnit') });
      problems.push(...obligationProblems(kit, 'expiry-review', body.obligation, lang));
      if (problems.length) return renderList(request, reply, {}, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          await registerAgreement(client, kit.deps.taskQueue, config, agreement, body.obligation || undefined, actor(request));
          return `/agreements/${agreement.id}?done=agreement-registered`;
        },
        (status, error) => renderList(request, reply, {}, status, error, body),
      );
    });

    const renderAgreement = async (request: FastifyRequest, reply: FastifyReply, id: string, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const read = await readOrOnRecord(kit, reply, lang, () => agreementStatus(client, orgId, id), 'agreement', id);
      if (!read) return reply;
      // Once its workflow is gone, the agreement as it stood last on record: shown, but nothing more can be done in it.
      const archived = read.onRecord;
      const agreement = read.live ?? read.onRecord.state;
      const canAct = context.canAct && !archived;
      const open = agreement.state !== 'ended' && agreement.state !== 'expired';
      const mailProblems = mailProblemsOf(agreement.mailProblems, lang, zone, `/agreements/${id}/resend-mail`, canAct);
      return page(reply, status, 'record', context, {
        back: { url: '/agreements', text: text(lang, 'agreementsTitle') },
        heading: agreement.title,
        done: doneMessage(lang, request.query),
        error,
        facts: [
          { label: text(lang, 'state'), value: stateText(lang, agreement.state), attention: agreement.state === 'review-due' || agreement.state === 'expired' },
          { label: text(lang, 'fieldPartner'), value: agreement.partner },
          { label: text(lang, 'unit'), value: unitName(agreement.unitId, lang) },
          { label: text(lang, 'fieldOwnerName'), value: `${agreement.owner.name} <${agreement.owner.email}>` },
          { label: text(lang, 'fieldEndsOn'), value: formatDate(`${agreement.endsOn}T12:00:00`, zone, lang) },
          { label: text(lang, 'remindersSent'), value: String(agreement.remindersSent) },
        ],
        blocks: [
          ...(archived ? [{ heading: text(lang, 'caseArchivedTitle'), text: text(lang, 'agreementArchivedText', { when: formatDate(new Date(archived.at).toISOString(), zone, lang, true) }) }] : []),
          ...mailProblems.blocks,
          ...agreement.decisions.filter((d) => d.note).map((d) => ({ heading: text(lang, 'noteOf', { when: formatDate(d.at, zone, lang, true) }), text: d.note, quote: true }))],
        forms: [...mailProblems.forms, ...(canAct && open ? [withTyped(lang, agreementDecisionFormOf(lang, `/agreements/${id}/decide`, formatDate(`${agreement.endsOn}T12:00:00`, zone, lang)), typed, problems)] : [])],
        history: historyRows(agreementHistory(agreement), lang, zone),
      });
    };

    app.get('/agreements/:id', { onRequest: requireLogin, schema: { params: entityParams, querystring: pageQuery } }, async (request, reply) => renderAgreement(request, reply, request.params.id));
    app.post('/agreements/:id/decide', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: agreementDecisionForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const lang = secretariatLanguage(request);
      const decision = decisionFromForm(body, actor(request));
      const read = await readOrOnRecord(kit, reply, lang, () => agreementStatus(client, orgId, id), 'agreement', id);
      if (!read) return reply;
      if (read.onRecord) return renderAgreement(request, reply, id, 409, text(lang, 'agreementArchivedRefused'), body);
      const current = read.live;
      const problems = checkAgreementDecision(decision, current.endsOn);
      if (problems.length) return renderAgreement(request, reply, id, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          const result = await decideAgreement(client, orgId, id, decision);
          return `/agreements/${id}?done=agreement-${result.state}`;
        },
        (status, error) => renderAgreement(request, reply, id, status, error, body),
      );
    });
    app.post('/agreements/:id/resend-mail', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: agreementDecisionForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const lang = secretariatLanguage(request);
      try {
        return await acting(
          reply,
          lang,
          async () => {
            await resendAgreementMail(client, orgId, id, actor(request));
            return `/agreements/${id}?done=mail-resent`;
          },
          (status, error) => renderAgreement(request, reply, id, status, error),
        );
      } catch (err) {
        // Its workflow is gone: the page shows the agreement on record (or that there is none) and says nothing more can be done.
        if ((err as Error).name === 'NotRegisteredError') return renderAgreement(request, reply, id, 409, text(lang, 'agreementArchivedRefused'));
        throw err;
      }
    });
  },
};
