/**
 * The contact person's pages, reached by the signed link in a mail (no account): the answer form
 * with drafts, and the receipt. What was typed is never lost: a stale form, an outage or a closed
 * cycle shows it back.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readIfPresent, reportDataRef } from '../../activities/archive';
import { answerRows } from '../../activities/mail-context';
import type { PeriodData } from '../../activities/report';
import { CycleNotFoundError, cycleInfo, RejectedError, saveDraft, submitAnswer, unitStatus } from '../../client/cycles';
import type { FieldError } from '../../domain/answers';
import { formatDate, previousPeriod } from '../../domain/calendar';
import type { CycleKey } from '../../domain/ids';
import { fullLabel } from '../../domain/questionnaire';
import { Refusal } from '../../domain/refusals';
import type { AnswerValues, Language, Questionnaire, UnitStatus } from '../../domain/types';
import { questionnaireForm, typedFields } from '../questionnaire-form';
import { acceptMultipartForms, checkUploads, configuredFileField, heldAttachments } from '../uploads';
import { asksForFiles, formatFileSize } from '../../domain/attachments';
import { answerForm, delegationForm, delegationWithdrawForm, linkQuery, tokenDelegationParams, tokenParams } from '../forms';
import { addDelegation, delegationById, delegationsOf, withdrawDelegation, type Delegation } from '../../records/people';
import { recordAction } from '../../records/audit-log';
import { delegationWorkflowId } from '../../domain/ids';
import type { DelegationMailInput } from '../../activities/kinds/periodic-data-call';
import { pickLanguage, text, waitText, type TextKey } from '../i18n';
import type { WebKit } from '../kit';
import type { PageForm } from '../page-forms';
import { doneMessage } from './done-messages';

const submissionId = z.uuid();
/**
 * Colleagues a unit's answer may be handed to in a cycle: each gets a mail from the organisation's
 * address, so whoever holds a link cannot make it mail any number of strangers.
 */
export const DELEGATIONS_PER_UNIT = 5;
/** The form's own fields; everything else it sends is an answer. */
const FORM_CONTROLS = new Set(['_csrf', 'lang', 'submission', 'action']);

/**
 * A form's update id: its submission id and what it says. Sent again unchanged (a double click, a
 * resend after a timeout) it joins the first answer; sent again with an edit, it is a new revision.
 */
export function answerUpdateId(submission: string, values: Record<string, string>): string {
  const digest = createHash('sha256').update(JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)))).digest('base64url').slice(0, 22);
  return `answer-form/${submission}/${digest}`;
}

export async function answerPages(instance: FastifyInstance, { kit }: { kit: WebKit }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, client, archive, answerLinks, now, orgLanguage, zone, page, message, dataCalls, configuredQuestionnaire, obligationTitle, unitName, csrfValid, invalidLinks } = kit;
  const { records, scanner } = kit.deps;
  // Forms with a file field are posted as multipart; each file is held within its field's limits.
  if (asksForFiles(dataCalls.map((o) => o.questionnaire))) {
    await acceptMultipartForms(app, {
      questionnaires: dataCalls.map((o) => o.questionnaire),
      fileField: (request, name) => {
        // Before the route's schemas run: the link read as the route will read it.
        const token = tokenParams.safeParse(request.params).data?.token;
        const check = token ? answerLinks.check(token, now()) : undefined;
        const obligation = check?.ok ? dataCalls.find((o) => o.id === check.claims.key.obligationId) : undefined;
        return obligation ? configuredFileField(obligation.questionnaire, name) : undefined;
      },
    });
  }

  /** delegation: the colleague a contact handed the answer to, when the link is theirs. */
  type Resolved = { key: CycleKey; unitId: string; token: string; delegation?: Delegation };
  /**
   * Checks a link; on failure sends the page that says why and returns undefined. Invalid links
   * count against the client, and a client that has sent too many waits for its next invalid one;
   * a valid link is never refused for that, so nobody can block a shared address's real links.
   */
  const resolveLink = async (request: FastifyRequest, reply: FastifyReply, token: string, lang: Language): Promise<Resolved | undefined> => {
    const check = answerLinks.check(token, now());
    const invalid = async () => {
      const wait = await invalidLinks.waitSeconds(request.ip);
      if (wait > 0) message(reply.header('Retry-After', String(wait)), 429, lang, 'tooManyTitle', 'tooManyWaitText', { wait: waitText(lang, wait) });
      else {
        await invalidLinks.failed(request.ip);
        message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
      }
      return undefined;
    };
    if (!check.ok) {
      if (check.reason === 'expired') return void message(reply, 410, lang, 'expiredLinkTitle', 'expiredLinkText');
      return invalid();
    }
    const { key, unitId } = check.claims;
    if (key.orgId !== config.organisation.id || !config.units.some((u) => u.id === unitId)) return invalid();
    if (check.claims.delegation) {
      // A colleague's own link works while their delegation is on record, for the unit it was made for.
      const delegation = records ? await delegationById(records, check.claims.delegation) : undefined;
      if (!delegation || delegation.org !== key.orgId || delegation.obligation !== key.obligationId || delegation.period !== key.period || delegation.unit !== unitId) return invalid();
      // Withdrawn by the contact or the secretariat: said as such, not as a broken link (and not counted as one).
      if (delegation.withdrawnAt) return void message(reply.header('Cache-Control', 'no-store'), 410, lang, 'delegationWithdrawnTitle', 'delegationWithdrawnText', { email: config.secretariat.email });
      return { key, unitId, token, delegation };
    }
    return { key, unitId, token };
  };

  /** The cycle closed; what the person had just typed is shown back to them, to copy and send on. */
  const closedPage = (reply: FastifyReply, lang: Language, resolved: Resolved, typed?: Record<string, unknown>) => {
    const known = configuredQuestionnaire(resolved.key);
    const filled = (name: string) => typeof typed?.[name] === 'string' && (typed[name] as string).trim() !== '';
    const rows = typed
      ? [
          ...known.filter((f) => filled(f.id)).map((f) => ({ label: fullLabel(f, lang), value: typed[f.id] as string })),
          // Questions the config alone does not know (a goal recorded for the period): by their field name.
          ...Object.keys(typed)
            .filter((name) => !FORM_CONTROLS.has(name) && filled(name) && !known.some((f) => f.id === name))
            .slice(0, 200)
            .map((name) => ({ label: name, value: typed[name] as string })),
        ]
      : [];
    return page(reply, 410, 'message', { lang, orgName: config.organisation.name }, {
      heading: text(lang, 'closedTitle'),
      body: text(lang, 'closedText', { email: config.secretariat.email }),
      typedNote: rows.length ? text(lang, 'closedTyped') : undefined,
      typed: rows,
    });
  };

  const loadUnit = async (resolved: Resolved, reply: FastifyReply, lang: Language, typed?: Record<string, unknown>) => {
    try {
      const status = await cycleStatusForUnit(client, resolved.key, resolved.unitId);
      if (status.unit.closed || status.info.phase !== 'open') {
        closedPage(reply, lang, resolved, typed);
        return undefined;
      }
      if (status.unit.exempt) {
        message(reply, 200, lang, 'exemptTitle', 'exemptText');
        return undefined;
      }
      if (status.unit.state === 'scheduled') {
        message(reply, 200, lang, 'notOpenTitle', 'notOpenText', { when: formatDate(status.unit.plan.opensAt, zone, lang, true) });
        return undefined;
      }
      return status;
    } catch (err) {
      if (err instanceof CycleNotFoundError) {
        message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
        return undefined;
      }
      if (err instanceof RejectedError && err.type === Refusal.CycleClosed) {
        closedPage(reply, lang, resolved, typed);
        return undefined;
      }
      throw err;
    }
  };

  /** The unit's own answer of the previous period, when that period's report was compiled here. */
  const previousAnswer = async (key: CycleKey, unitId: string): Promise<{ period: string; values: AnswerValues } | undefined> => {
    const obligation = dataCalls.find((o) => o.id === key.obligationId);
    if (!obligation) return undefined;
    try {
      const period = previousPeriod(obligation.period, key.period);
      const stored = await readIfPresent(archive, reportDataRef({ ...key, period }));
      const values = stored ? (JSON.parse(stored) as PeriodData).units.find((u) => u.id === unitId)?.values : undefined;
      return values ? { period, values } : undefined;
    } catch (err) {
      // The form works without it: an unreadable old file is logged, not shown.
      app.log.warn({ err }, 'previous answer unreadable');
      return undefined;
    }
  };

  const renderForm = async (
    reply: FastifyReply,
    status: number,
    lang: Language,
    csrf: string,
    resolved: Resolved,
    // Without the unit (Temporal did not answer) the form still shows, from the config's questions.
    loaded: { unit?: UnitStatus; questionnaire: Questionnaire; closesAt?: string },
    values: Record<string, string>,
    errors: FieldError[],
    saved: boolean,
    // A form carries one submission id: sent twice unchanged (a resend after a timeout, a double
    // click) it is one answer, because the id and the values make the update's id, and Temporal
    // joins updates by id; sent with an edit it is a new revision.
    { submission = randomUUID(), notConfirmed = false, note, delegated = false }: { submission?: string; notConfirmed?: boolean; note?: TextKey; delegated?: boolean } = {},
  ) => {
    const { unit, questionnaire } = loaded;
    const previous = await previousAnswer(resolved.key, resolved.unitId);
    const attachments = await heldAttachments(records, questionnaire, values, resolved.key, resolved.unitId);
    const form = questionnaireForm(questionnaire, values, errors, lang, previous, attachments);
    const base = `/answer/${resolved.token}`;
    return page(
      reply.header('Cache-Control', 'no-store'),
      status,
      'answer',
      { lang, orgName: config.organisation.name, csrf, switchLanguageUrl: `${base}?lang=${lang === 'sv' ? 'en' : 'sv'}` },
      {
        title: obligationTitle(resolved.key, lang),
        unitName: unitName(resolved.unitId, lang),
        deadline: unit ? formatDate(`${unit.plan.deadlineDate}T12:00:00`, zone, lang) : undefined,
        closes: loaded.closesAt ? formatDate(loaded.closesAt, zone, lang, true) : undefined,
        action: base,
        saved,
        submission,
        notConfirmed,
        problemNote: note ? text(lang, note) : undefined,
        answeredNote: unit?.answer ? text(lang, 'answeredBefore', { when: formatDate(unit.answer.answeredAt, zone, lang, true) }) : undefined,
        draftNote: unit?.draft && !saved && errors.length === 0 && !note ? text(lang, 'draftFrom', { when: formatDate(unit.draft.savedAt, zone, lang, true) }) : undefined,
        delegatedNote: resolved.delegation ? text(lang, 'delegatedToYou', { by: resolved.delegation.delegatedBy }) : delegated ? text(lang, 'delegatedDone') : undefined,
        // Handing over needs the database the delegation is kept in.
        delegateUrl: records ? `${base}/delegate?lang=${lang}` : undefined,
        ...form,
      },
    );
  };

  const valuesOf = (status: UnitStatus): Record<string, string> => {
    if (status.draft) return { ...status.draft.values };
    if (status.answer) return Object.fromEntries(Object.entries(status.answer.values).map(([k, v]) => [k, String(v)]));
    return {};
  };

  app.get('/answer/:token', { schema: { params: tokenParams, querystring: linkQuery } }, async (request, reply) => {
    const { query } = request;
    const lang = pickLanguage(query.lang, orgLanguage);
    const resolved = await resolveLink(request, reply, request.params.token, lang);
    if (!resolved) return reply;
    const loaded = await loadUnit(resolved, reply, lang);
    if (!loaded) return reply;
    return renderForm(reply, 200, lang, reply.generateCsrf(), resolved, loaded, valuesOf(loaded.unit), [], query.saved === '1', { delegated: query.done === 'delegated' });
  });

  /**
   * What was typed into the questions' fields, as text. With `everything`, every field the form
   * sent: a page drawn from the config (Temporal down) may lack questions the cycle asked (recorded
   * goals), and what was typed into them must not be lost.
   */
  const typedIn = (body: Record<string, unknown>, questionnaire: Questionnaire, everything = false): Record<string, string> => {
    const typed = typedFields(body, questionnaire);
    if (!everything) return typed;
    for (const [name, value] of Object.entries(body).slice(0, 200)) {
      if (!FORM_CONTROLS.has(name) && typeof value === 'string' && !(name in typed) && value.trim() !== '') typed[name] = value;
    }
    return typed;
  };

  app.post('/answer/:token', { schema: { params: tokenParams, querystring: linkQuery, body: answerForm } }, async (request, reply) => {
    const { body } = request;
    const lang = pickLanguage(body.lang ?? request.query.lang, orgLanguage);
    const resolved = await resolveLink(request, reply, request.params.token, lang);
    if (!resolved) return reply;
    const submission = submissionId.safeParse(body.submission).data;
    // Whatever goes wrong from here, the person gets the form back with everything they typed.
    const notSaved = (err: unknown, loaded?: { unit?: UnitStatus; questionnaire: Questionnaire; closesAt?: string }) => {
      request.log.error({ err, unit: resolved.unitId }, 'answer not saved; the form is shown again with what was typed');
      const fallback = loaded ?? { questionnaire: configuredQuestionnaire(resolved.key) };
      return renderForm(reply.header('Retry-After', '30'), 503, lang, reply.generateCsrf(), resolved, fallback, typedIn(body, fallback.questionnaire, true), [], false, { submission, note: 'notSavedOutage' });
    };
    let loaded: Awaited<ReturnType<typeof loadUnit>>;
    try {
      loaded = await loadUnit(resolved, reply, lang, body);
    } catch (err) {
      return notSaved(err);
    }
    if (!loaded) return reply;
    let typed = typedIn(body, loaded.questionnaire);
    if (!csrfValid(request)) {
      return renderForm(reply, 403, lang, reply.generateCsrf(), resolved, loaded, typed, [], false, { submission, note: 'csrfExpired' });
    }
    // The files sent with the form: each checked, scanned and kept, or refused beside its field.
    let uploads: Awaited<ReturnType<typeof checkUploads>>;
    try {
      uploads = await checkUploads(request, loaded.questionnaire, typed, { records, scanner, key: resolved.key, unit: resolved.unitId, uploadedBy: 'contact' });
    } catch (err) {
      return notSaved(err, loaded);
    }
    typed = uploads.values;
    if (uploads.errors.length) return renderForm(reply, 400, lang, reply.generateCsrf(), resolved, loaded, typed, uploads.errors, false, { submission });
    const back = `/answer/${resolved.token}?lang=${lang}`;
    try {
      if (body.action === 'save') {
        await saveDraft(client, resolved.key, resolved.unitId, typed);
        return reply.redirect(`${back}&saved=1`, 303);
      }
      await submitAnswer(client, resolved.key, resolved.unitId, typed, 'contact', submission && answerUpdateId(submission, typed), resolved.delegation ? delegateActor(resolved.delegation, orgLanguage) : undefined);
      return reply.redirect(`/answer/${resolved.token}/receipt?lang=${lang}`, 303);
    } catch (err) {
      if (err instanceof RejectedError && (err.type === Refusal.InvalidAnswer || err.type === Refusal.InvalidDraft)) {
        // Errors in the reader's language, beside their fields; everything typed stays in the form.
        return renderForm(reply, 400, lang, reply.generateCsrf(), resolved, loaded, typed, err.fieldErrors as FieldError[], false);
      }
      if (err instanceof RejectedError && err.type === Refusal.CycleClosed) return closedPage(reply, lang, resolved, body);
      if (err instanceof RejectedError && err.type === Refusal.UnitExempt) return message(reply, 200, lang, 'exemptTitle', 'exemptText');
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        // The server gave up waiting, but the answer may be applied: the form comes back with what
        // was typed and the same submission id, so sending it again unchanged joins the first.
        request.log.warn({ unit: resolved.unitId }, 'answer not confirmed in time; the form asks to send it again');
        return renderForm(reply.header('Retry-After', '10'), 503, lang, reply.generateCsrf(), resolved, loaded, typed, [], false, { submission, notConfirmed: true });
      }
      return notSaved(err, loaded);
    }
  });

  /** The form to hand the unit's answer to a colleague: who hands it over, and to whom. */
  const delegationFormOf = (lang: Language, resolved: Resolved, typed: Record<string, string | undefined> = {}, errors: { field: string; message: string }[] = []) => ({
    id: 'delegate',
    heading: text(lang, 'delegateHeading'),
    help: text(lang, 'delegateHelp', { unit: unitName(resolved.unitId, lang) }),
    action: `/answer/${resolved.token}/delegate?lang=${lang}`,
    submit: text(lang, 'delegateButton'),
    hidden: [{ name: 'lang', value: lang }],
    fields: [
      { name: 'byName', label: text(lang, 'delegateByName'), type: 'text' as const, value: typed.byName ?? '', required: true, autocomplete: 'name', error: errors.find((e) => e.field === 'byName')?.message },
      { name: 'name', label: text(lang, 'delegateName'), type: 'text' as const, value: typed.name ?? '', help: text(lang, 'delegateNameHelp') },
      { name: 'email', label: text(lang, 'delegateEmail'), type: 'email' as const, value: typed.email ?? '', required: true, error: errors.find((e) => e.field === 'email')?.message },
    ],
    errors,
  });
  /**
   * The unit's delegations in force, each with its form to withdraw it: on the unit's own link only.
   * A colleague's link is one person's, and the request is the contact's to take back (or the secretariat's).
   */
  const withdrawFormsOf = async (lang: Language, resolved: Resolved): Promise<PageForm[]> => {
    if (!records || resolved.delegation) return [];
    const inForce = await delegationsOf(records, { org: resolved.key.orgId, obligation: resolved.key.obligationId, period: resolved.key.period }, resolved.unitId);
    return inForce.map((d) => ({
      id: `withdraw-${d.id}`,
      heading: text(lang, 'delegateWithdrawHeading', { who: d.name ? `${d.name} <${d.email}>` : d.email, by: d.delegatedBy, when: formatDate(d.delegatedAt.toISOString(), zone, lang, true) }),
      help: text(lang, 'delegateWithdrawHelp'),
      action: `/answer/${resolved.token}/delegate/${d.id}/withdraw?lang=${lang}`,
      submit: text(lang, 'delegateWithdrawButton'),
      hidden: [{ name: 'lang', value: lang }],
      fields: [],
      danger: true,
    }));
  };
  const delegationPage = async (reply: FastifyReply, status: number, lang: Language, resolved: Resolved, form: ReturnType<typeof delegationFormOf>, done?: string) =>
    page(reply.header('Cache-Control', 'no-store'), status, 'list', { lang, orgName: config.organisation.name, csrf: reply.generateCsrf() }, {
      heading: `${text(lang, 'delegateHeading')}: ${obligationTitle(resolved.key, lang)}`,
      intro: text(lang, 'delegateIntro'),
      done,
      tables: [],
      forms: [form, ...(await withdrawFormsOf(lang, resolved))],
    });

  app.get('/answer/:token/delegate', { schema: { params: tokenParams, querystring: linkQuery } }, async (request, reply) => {
    const lang = pickLanguage(request.query.lang, orgLanguage);
    const resolved = await resolveLink(request, reply, request.params.token, lang);
    if (!resolved) return reply;
    if (!records) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const loaded = await loadUnit(resolved, reply, lang);
    if (!loaded) return reply;
    return delegationPage(reply, 200, lang, resolved, delegationFormOf(lang, resolved), doneMessage(lang, request.query));
  });

  /**
   * The contact takes a request back from their own link: the colleague's link stops working, the
   * unit's mails go to its contacts only again, and the withdrawal is on record (the delegation's
   * row and the audit log). A colleague's link cannot: the request is not theirs to take back.
   */
  app.post(
    '/answer/:token/delegate/:id/withdraw',
    { schema: { params: tokenDelegationParams, querystring: linkQuery, body: delegationWithdrawForm }, preHandler: app.csrfProtection, config: { auditedByRoute: true } },
    async (request, reply) => {
      const lang = pickLanguage(request.body.lang ?? request.query.lang, orgLanguage);
      const resolved = await resolveLink(request, reply, request.params.token, lang);
      if (!resolved) return reply;
      if (!records) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      if (resolved.delegation) return message(reply, 403, lang, 'delegateWithdrawNotHereTitle', 'delegateWithdrawOnlyContact');
      const at = now();
      // The unit's link is the unit's, not a person's: the contact's unit is who withdrew it.
      const by = text(orgLanguage, 'contactOfUnit', { unit: unitName(resolved.unitId, orgLanguage) });
      const withdrawn = await withdrawDelegation(records, { org: resolved.key.orgId, id: request.params.id, obligation: resolved.key.obligationId, period: resolved.key.period, unit: resolved.unitId }, by, at);
      if (!withdrawn) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      await recordAction(records, {
        at,
        actor: by,
        via: 'web',
        action: 'delegation-withdrawn',
        subject: `/cycles/${resolved.key.obligationId}/${resolved.key.period}`,
        detail: { unit: resolved.unitId, delegation: withdrawn.id, to: withdrawn.email },
      });
      return reply.redirect(`/answer/${resolved.token}/delegate?lang=${lang}&done=delegation-withdrawn`, 303);
    },
  );

  app.post(
    '/answer/:token/delegate',
    { schema: { params: tokenParams, querystring: linkQuery, body: delegationForm }, preHandler: app.csrfProtection, config: { auditedByRoute: true } },
    async (request, reply) => {
      const { body } = request;
      const lang = pickLanguage(body.lang ?? request.query.lang, orgLanguage);
      const resolved = await resolveLink(request, reply, request.params.token, lang);
      if (!resolved) return reply;
      if (!records) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const loaded = await loadUnit(resolved, reply, lang);
      if (!loaded) return reply;
      const typed: Record<string, string | undefined> = body;
      const byName = typed.byName?.trim() ?? '';
      const name = typed.name?.trim() || undefined;
      const email = typed.email?.trim() ?? '';
      const errors = [
        ...(byName ? [] : [{ field: 'byName', message: text(lang, 'delegateByNameError') }]),
        ...(z.email().max(254).safeParse(email).success ? [] : [{ field: 'email', message: text(lang, 'delegateEmailError') }]),
        ...((await delegationsOf(records, { org: resolved.key.orgId, obligation: resolved.key.obligationId, period: resolved.key.period }, resolved.unitId)).length >= DELEGATIONS_PER_UNIT
          ? [{ field: 'email', message: text(lang, 'delegateTooMany', { count: DELEGATIONS_PER_UNIT, email: config.secretariat.email }) }]
          : []),
      ];
      if (errors.length) return delegationPage(reply, 400, lang, resolved, delegationFormOf(lang, resolved, typed, errors));
      const at = now();
      // Who handed it over, as they named themselves (the unit's link is the unit's, not a person's); a colleague may hand it on.
      const delegatedBy = resolved.delegation ? `${byName} (${text(orgLanguage, 'delegateByDelegate', { email: resolved.delegation.email })})` : byName;
      const delegation = await addDelegation(records, { org: resolved.key.orgId, obligation: resolved.key.obligationId, period: resolved.key.period, unit: resolved.unitId, ...(name ? { name } : {}), email, delegatedBy, delegatedAt: at });
      await recordAction(records, {
        at,
        actor: delegatedBy,
        via: 'web',
        action: 'answer-delegated',
        subject: `/cycles/${resolved.key.obligationId}/${resolved.key.period}`,
        detail: { unit: resolved.unitId, delegation: delegation.id, to: email, ...(name ? { name } : {}) },
      });
      // The colleague's mail, with their own link, by a workflow of its own: retried until the server takes it.
      const input: DelegationMailInput = { key: resolved.key, unitId: resolved.unitId, delegationId: delegation.id, at: at.toISOString(), plan: loaded.unit.plan, closesAt: loaded.closesAt };
      await client.workflow.start('delegationMailWorkflow', { workflowId: delegationWorkflowId(resolved.key, resolved.unitId, delegation.id), taskQueue: kit.deps.taskQueue, args: [input] });
      return reply.redirect(`/answer/${resolved.token}?lang=${lang}&done=delegated`, 303);
    },
  );

  app.get('/answer/:token/receipt', { schema: { params: tokenParams, querystring: linkQuery } }, async (request, reply) => {
    const lang = pickLanguage(request.query.lang, orgLanguage);
    const resolved = await resolveLink(request, reply, request.params.token, lang);
    if (!resolved) return reply;
    const loaded = await loadUnit(resolved, reply, lang);
    if (!loaded) return reply;
    const answer = loaded.unit.answer;
    if (!answer) return reply.redirect(`/answer/${resolved.token}?lang=${lang}`, 303);
    const obligation = config.obligations.find((o) => o.id === resolved.key.obligationId);
    const texts = Object.fromEntries(Object.entries(answer.values).map(([k, v]) => [k, String(v)]));
    const attachments = await heldAttachments(records, loaded.questionnaire, texts, resolved.key, resolved.unitId);
    const describeFiles = (ids: string[]) => ids.map((id) => attachments.get(id)).flatMap((a) => (a ? [`${a.name} (${formatFileSize(a.size, lang)})`] : [])).join('\n');
    return page(reply, 200, 'receipt', { lang, orgName: config.organisation.name, switchLanguageUrl: `/answer/${resolved.token}/receipt?lang=${lang === 'sv' ? 'en' : 'sv'}` }, {
      heading: text(lang, 'receiptTitle'),
      body: text(lang, 'receiptText', { unit: unitName(resolved.unitId, lang), when: formatDate(answer.answeredAt, zone, lang, true), revision: answer.revision }),
      rows: obligation?.kind === 'periodic-data-call' ? answerRows(loaded.questionnaire, answer.values, lang, describeFiles) : [],
      correctUrl: `/answer/${resolved.token}?lang=${lang}`,
    });
  });
}

async function cycleStatusForUnit(client: Client, key: CycleKey, unitId: string) {
  const [info, unit] = await Promise.all([cycleInfo(client, key), unitStatus(client, key, unitId)]);
  const setup = info.setup;
  return { info, unit, questionnaire: setup?.questionnaire ?? [], closesAt: setup?.plan.closesAt ?? unit.plan.deadlineAt };
}

/** Who answered, for the unit's history and the answer's versions: the colleague, on whose behalf. */
export function delegateActor(delegation: Delegation, language: Language): string {
  const who = delegation.name ? `${delegation.name} (${delegation.email})` : delegation.email;
  return language === 'sv' ? `${who}, ombud, på uppdrag av ${delegation.delegatedBy}` : `${who}, delegate, on behalf of ${delegation.delegatedBy}`;
}
