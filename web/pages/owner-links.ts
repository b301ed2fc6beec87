/**
 * The pages people outside the secretariat reach from a signed link in a mail, with no account:
 * the project owner's goals form (the gate's questionnaire, with drafts and validation, and what
 * the secretariat said when it returned them), the agreement owner's renew-or-end form, and a
 * unit's standing page to register its seminars and projects. Each checks the link, then the
 * workflow's state, and says plainly when there is nothing left to do.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { answerRows } from '../../activities/mail-context';
import { agreementStatus, decideAgreement } from '../../client/agreements';
import { projectStatus, registerProject, saveGoalsDraft, submitGoals } from '../../client/projects';
import { readRegister } from '../../client/registers';
import { registerSeminar } from '../../client/seminars';
import { RejectedError } from '../../client/temporal';
import type { LinkPurpose } from '../../domain/answer-links';
import type { FieldError } from '../../domain/answers';
import { formatDate } from '../../domain/calendar';
import { questionnaireOf } from '../../domain/questionnaire';
import { Refusal } from '../../domain/refusals';
import { checkAgreementDecision, checkProject, checkSeminar, type ProjectStatus } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { agreementDecisionForm, answerForm, languageIn, linkQuery, projectForm, seminarForm, tokenParams } from '../forms';
import { pickLanguage, text, waitText } from '../i18n';
import type { WebKit } from '../kit';
import { isOwnAddress } from '../../config/schema';
import { agreementDecisionFormOf, decisionFromForm } from '../obligations/expiry-review';
import { gateOf, goalsFormValues, PROJECT_FIELDS, projectFromForm, projectRegistrationForm } from '../obligations/gate-before-start';
import { seminarFromForm, seminarRegistrationForm } from '../obligations/minimum-occurrences';
import { obligationProblems, type ObligationOf } from '../obligations/web-kind';
import { questionnaireForm, typedFields } from '../questionnaire-form';
import { acceptMultipartForms, checkUploads, configuredFileField, heldGoalsAttachments } from '../uploads';
import { asksForFiles, formatFileSize } from '../../domain/attachments';
import { goalsAttachmentIds, goalsAttachmentInfos } from '../../records/attachments';
import { withTyped, type PageForm } from '../page-forms';
import type { PageContext } from '../views';
import { registerNames } from '../../domain/wording';
import { unitContactOverrides } from '../../records/people';

export async function ownerLinkPages(instance: FastifyInstance, { kit }: { kit: WebKit }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, client, answerLinks, now, orgLanguage, zone, page, message, unitName, csrfValid, invalidLinks } = kit;
  const orgId = config.organisation.id;
  const { records, scanner } = kit.deps;
  const gates = config.obligations.filter((o): o is ObligationOf<'gate-before-start'> => o.kind === 'gate-before-start');
  // A goals form with a file field is posted as multipart; its files are checked and scanned as an answer's are.
  if (asksForFiles(gates.map((g) => g.questionnaire))) {
    await acceptMultipartForms(app, {
      questionnaires: gates.map((g) => g.questionnaire),
      // The link names the project, not its gate (that would take asking its workflow): the field of
      // that name in any gate's goals; checkUploads then holds each file to its own field's limits.
      fileField: (_request, name) => gates.map((g) => configuredFileField(g.questionnaire, name)).find((f) => f !== undefined),
    });
  }
  /** The files of a project's goals: keyed to the project, under the gate that asks for them. */
  const goalsPlace = (project: ProjectStatus) => ({ org: orgId, obligation: gateOf(config, project.obligationId)?.id ?? project.obligationId ?? '', project: project.id, unit: project.unitId });
  /** How a file field's value reads: each file by its name and size. */
  const filesIn = async (project: ProjectStatus, values: Record<string, unknown>, lang: Language) => {
    const gate = gateOf(config, project.obligationId);
    const questionnaire = gate ? questionnaireOf(gate) : [];
    const held = records ? await goalsAttachmentInfos(records, orgId, project.id, goalsAttachmentIds([{ goals: values }], questionnaire)) : [];
    const byId = new Map(held.map((a) => [a.id, a]));
    return (ids: string[]) => ids.flatMap((id) => (byId.has(id) ? [`${byId.get(id)!.name} (${formatFileSize(byId.get(id)!.size, lang)})`] : [])).join('\n');
  };

  /** The link's subject, or undefined after sending the page that says why (as the answer link does). */
  const resolve = async (request: FastifyRequest, reply: FastifyReply, token: string, purpose: LinkPurpose, lang: Language) => {
    const check = answerLinks.checkOwner(token, purpose, now());
    if (check.ok && check.claims.orgId === orgId) return { id: check.claims.id, token, holder: check.claims.holder };
    if (!check.ok && check.reason === 'expired') return void message(reply, 410, lang, 'expiredLinkTitle', 'expiredOwnerLinkText', { email: config.secretariat.email });
    const wait = await invalidLinks.waitSeconds(request.ip);
    if (wait > 0) return void message(reply.header('Retry-After', String(wait)), 429, lang, 'tooManyTitle', 'tooManyWaitText', { wait: waitText(lang, wait) });
    await invalidLinks.failed(request.ip);
    return void message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
  };
  const languageOf = (request: FastifyRequest) => pickLanguage(languageIn(request.query) ?? languageIn(request.body), orgLanguage);
  const contextOf = (reply: FastifyReply, lang: Language, path: string): PageContext => ({
    lang,
    orgName: config.organisation.name,
    csrf: reply.generateCsrf(),
    switchLanguageUrl: `${path}?lang=${lang === 'sv' ? 'en' : 'sv'}`,
  });

  // --- The project owner's goals ---------------------------------------------------------------
  const goalsPath = (token: string) => `/goals/${token}`;
  const renderGoals = async (reply: FastifyReply, lang: Language, token: string, project: ProjectStatus, values: Record<string, string>, errors: FieldError[] = [], status = 200, note?: { saved?: boolean; problem?: string }) => {
    const gate = gateOf(config, project.obligationId);
    const questionnaire = gate ? questionnaireOf(gate) : [];
    // The files the form's file fields hold, to keep or remove beside each field.
    const attachments = await heldGoalsAttachments(records, questionnaire, values, orgId, project.id);
    const returned = project.state === 'returned' ? project.returned?.at(-1) : undefined;
    return page(reply.header('Cache-Control', 'no-store'), status, 'answer', contextOf(reply, lang, goalsPath(token)), {
      title: text(lang, 'goalsFormTitle', { title: project.title }),
      intro: gate ? text(lang, 'goalsFormIntro', { before: gate.before[lang] }) : undefined,
      unitName: unitName(project.unitId, lang),
      facts: [{ label: text(lang, 'fieldPlannedStart'), value: formatDate(`${project.plannedStart}T12:00:00`, zone, lang) }],
      action: goalsPath(token),
      saved: note?.saved,
      problemNote: note?.problem,
      returnedHeading: returned ? text(lang, 'returnedWithComment', { when: formatDate(returned.at, zone, lang, true) }) : undefined,
      returnedComment: returned?.comment,
      draftNote: project.goalsDraft && !note?.saved && errors.length === 0 ? text(lang, 'draftFrom', { when: formatDate(project.goalsDraft.savedAt, zone, lang, true) }) : undefined,
      submission: '',
      ...questionnaireForm(questionnaire, values, errors, lang, undefined, attachments),
    });
  };
  /** Every text field the form sent, to copy: the page for when nothing could be saved. */
  const typedBack = (reply: FastifyReply, lang: Language, body: Record<string, unknown>) =>
    page(reply.header('Retry-After', '30'), 503, 'message', { lang, orgName: config.organisation.name }, {
      heading: text(lang, 'errorTitle'),
      body: text(lang, 'notSavedOutage'),
      typedNote: text(lang, 'closedTyped'),
      typed: Object.entries(body)
        .filter(([name, value]) => !['_csrf', 'lang', 'submission', 'action'].includes(name) && typeof value === 'string' && value.trim() !== '')
        .slice(0, 200)
        .map(([label, value]) => ({ label, value })),
    });
  const goalsState = async (reply: FastifyReply, lang: Language, project: ProjectStatus, token: string): Promise<unknown> => {
    const gate = gateOf(config, project.obligationId);
    const rows = project.goals && gate ? answerRows(questionnaireOf(gate), project.goals.values, lang, await filesIn(project, project.goals.values, lang)) : [];
    const heading = text(lang, 'goalsFormTitle', { title: project.title });
    const body =
      project.state === 'goals-submitted'
        ? text(lang, 'goalsAwaitingReview', { when: formatDate(project.goals!.submittedAt, zone, lang, true) })
        : project.state === 'approved' || project.state === 'ongoing'
          ? text(lang, 'goalsApprovedText', { when: project.approvedAt ? formatDate(project.approvedAt, zone, lang, true) : '' })
          : text(lang, 'goalsNotAskedText', { email: config.secretariat.email });
    return page(reply, 200, 'receipt', contextOf(reply, lang, goalsPath(token)), { heading, body, rows });
  };
  const loadProject = async (reply: FastifyReply, lang: Language, id: string) => {
    try {
      return await projectStatus(client, orgId, id);
    } catch (err) {
      if ((err as Error).name === 'NotRegisteredError') return void message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
      if (err instanceof RejectedError) return void message(reply, 410, lang, 'expiredLinkTitle', 'expiredOwnerLinkText', { email: config.secretariat.email });
      throw err;
    }
  };
  const goalsOpen = (project: ProjectStatus) => project.state === 'awaiting-goals' || project.state === 'returned';
  /** A link mailed to a former owner opens nothing. */
  const heldBy = (link: { holder?: string }, owner: { email: string }) => !link.holder || link.holder === owner.email.toLowerCase();
  const formerOwner = (reply: FastifyReply, lang: Language) => message(reply, 410, lang, 'expiredLinkTitle', 'expiredOwnerLinkText', { email: config.secretariat.email });

  app.get('/goals/:token', { schema: { params: tokenParams, querystring: linkQuery } }, async (request, reply) => {
    const lang = languageOf(request);
    const link = await resolve(request, reply, request.params.token, 'project-goals', lang);
    if (!link) return reply;
    const project = await loadProject(reply, lang, link.id);
    if (!project) return reply;
    if (!heldBy(link, project.owner)) return formerOwner(reply, lang);
    if (!goalsOpen(project)) return goalsState(reply, lang, project, link.token);
    return renderGoals(reply, lang, link.token, project, goalsFormValues(project), [], 200, { saved: request.query.saved === '1' });
  });

  app.post('/goals/:token', { schema: { params: tokenParams, querystring: linkQuery, body: answerForm } }, async (request, reply) => {
    const { body } = request;
    const lang = languageOf(request);
    const link = await resolve(request, reply, request.params.token, 'project-goals', lang);
    if (!link) return reply;
    let project: ProjectStatus | undefined;
    try {
      project = await loadProject(reply, lang, link.id);
    } catch (err) {
      // Temporal does not answer: what was typed is shown back, to send again or by mail.
      request.log.error({ err }, 'goals not saved; what was typed is shown back');
      return typedBack(reply, lang, body);
    }
    if (!project) return reply;
    if (!heldBy(link, project.owner)) return formerOwner(reply, lang);
    const gate = gateOf(config, project.obligationId);
    const questionnaire = gate ? questionnaireOf(gate) : [];
    let typed = typedFields(body, questionnaire);
    if (!goalsOpen(project)) return goalsState(reply, lang, project, link.token);
    if (!csrfValid(request)) return renderGoals(reply, lang, link.token, project, typed, [], 403, { problem: text(lang, 'csrfExpired') });
    // The files sent with the form: each checked, scanned and kept, or refused beside its field with the rest kept.
    try {
      const uploads = await checkUploads(request, questionnaire, typed, { records, scanner, uploadedBy: 'owner', goals: goalsPlace(project) });
      typed = uploads.values;
      if (uploads.errors.length) return renderGoals(reply, lang, link.token, project, typed, uploads.errors, 400);
    } catch (err) {
      request.log.error({ err }, 'the goals\' files not kept; the form is shown again with what was typed');
      return renderGoals(reply.header('Retry-After', '30'), lang, link.token, project, typed, [], 503, { problem: text(lang, 'notSavedOutage') });
    }
    try {
      if (body.action === 'save') {
        await saveGoalsDraft(client, orgId, link.id, typed);
        return reply.redirect(`${goalsPath(link.token)}?lang=${lang}&saved=1`, 303);
      }
      await submitGoals(client, orgId, link.id, typed);
      return reply.redirect(`${goalsPath(link.token)}?lang=${lang}`, 303);
    } catch (err) {
      if (err instanceof RejectedError && (err.type === Refusal.InvalidAnswer || err.type === Refusal.InvalidDraft)) {
        return renderGoals(reply, lang, link.token, project, typed, err.fieldErrors as FieldError[], 400);
      }
      if (err instanceof RejectedError) return renderGoals(reply, lang, link.token, project, typed, [], 409, { problem: err.in(lang) });
      request.log.error({ err }, 'goals not saved; the form is shown again with what was typed');
      return renderGoals(reply.header('Retry-After', '30'), lang, link.token, project, typed, [], 503, { problem: text(lang, 'notSavedOutage') });
    }
  });

  // --- The agreement owner's decision ------------------------------------------------------------
  const agreementPath = (token: string) => `/agreement/${token}`;
  const renderAgreement = async (reply: FastifyReply, lang: Language, token: string, id: string, holder: string | undefined, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: { field: string; message: string }[] = []) => {
    let agreement;
    try {
      agreement = await agreementStatus(client, orgId, id);
    } catch (err) {
      if ((err as Error).name === 'NotRegisteredError') return message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
      if (err instanceof RejectedError) return message(reply, 410, lang, 'expiredLinkTitle', 'expiredOwnerLinkText', { email: config.secretariat.email });
      throw err;
    }
    if (!heldBy({ holder }, agreement.owner)) return formerOwner(reply, lang);
    const last = agreement.decisions.at(-1);
    const decided = agreement.state === 'renewed' || agreement.state === 'ended' || agreement.state === 'expired';
    return page(reply.header('Cache-Control', 'no-store'), status, 'record', contextOf(reply, lang, agreementPath(token)), {
      heading: agreement.title,
      error,
      done: decided && last ? text(lang, last.decision === 'renew' ? 'ownerRenewed' : 'ownerEnded', { date: last.decision === 'renew' ? formatDate(`${last.newEndsOn}T12:00:00`, zone, lang) : '' }) : undefined,
      facts: [
        { label: text(lang, 'fieldPartner'), value: agreement.partner },
        { label: text(lang, 'unit'), value: unitName(agreement.unitId, lang) },
        { label: text(lang, 'fieldEndsOn'), value: formatDate(`${agreement.endsOn}T12:00:00`, zone, lang) },
      ],
      forms: decided ? [] : [withTyped(lang, agreementDecisionFormOf(lang, agreementPath(token), formatDate(`${agreement.endsOn}T12:00:00`, zone, lang)), typed, problems)],
    });
  };
  app.get('/agreement/:token', { schema: { params: tokenParams, querystring: linkQuery } }, async (request, reply) => {
    const lang = languageOf(request);
    const link = await resolve(request, reply, request.params.token, 'agreement-review', lang);
    if (!link) return reply;
    return renderAgreement(reply, lang, link.token, link.id, link.holder);
  });
  app.post('/agreement/:token', { schema: { params: tokenParams, querystring: linkQuery, body: agreementDecisionForm } }, async (request, reply) => {
    const { body } = request;
    const lang = languageOf(request);
    const link = await resolve(request, reply, request.params.token, 'agreement-review', lang);
    if (!link) return reply;
    if (!csrfValid(request)) return renderAgreement(reply, lang, link.token, link.id, link.holder, 403, text(lang, 'csrfExpired'), body);
    let current;
    try {
      current = await agreementStatus(client, orgId, link.id);
    } catch (err) {
      if ((err as Error).name === 'NotRegisteredError' || err instanceof RejectedError) return formerOwner(reply, lang);
      throw err;
    }
    if (!heldBy(link, current.owner)) return formerOwner(reply, lang);
    const decision = decisionFromForm(body, `${current.owner.name} (${text(lang, 'historyOwner')})`);
    const problems = checkAgreementDecision(decision, current.endsOn);
    if (problems.length) return renderAgreement(reply, lang, link.token, link.id, link.holder, 400, undefined, body, problems);
    try {
      await decideAgreement(client, orgId, link.id, decision);
    } catch (err) {
      if (err instanceof RejectedError) return renderAgreement(reply, lang, link.token, link.id, link.holder, 409, err.in(lang), body);
      throw err;
    }
    return reply.redirect(`${agreementPath(link.token)}?lang=${lang}`, 303);
  });

  // --- A unit's standing link: its seminars and projects ---------------------------------------------
  const unitPath = (token: string) => `/unit/${token}`;
  const keeps = { projects: config.obligations.some((o) => o.kind === 'gate-before-start'), seminars: config.obligations.some((o) => o.kind === 'minimum-occurrences') };
  const renderUnit = async (
    reply: FastifyReply,
    lang: Language,
    token: string,
    unitId: string,
    status = 200,
    failed?: { form: 'seminar' | 'project'; typed: Record<string, unknown>; problems: { field: string; message: string }[]; error?: string },
    /** What the page says after a registration sent the person back to it (?done=…). */
    done?: string,
  ) => {
    const register = await readRegister(client, orgId);
    const year = new Date(now()).getFullYear();
    const forms: PageForm[] = [];
    if (keeps.seminars) {
      const form = seminarRegistrationForm(kit, lang, `${unitPath(token)}/seminars`, unitId);
      forms.push(failed?.form === 'seminar' ? withTyped(lang, form, failed.typed, failed.problems) : form);
    }
    if (keeps.projects) {
      const form = projectRegistrationForm(kit, lang, `${unitPath(token)}/projects`, unitId);
      forms.push(failed?.form === 'project' ? withTyped(lang, form, failed.typed, failed.problems, PROJECT_FIELDS) : form);
    }
    return page(reply.header('Cache-Control', 'no-store'), status, 'list', contextOf(reply, lang, unitPath(token)), {
      heading: text(lang, 'unitPageTitle', { unit: unitName(unitId, lang) }),
      // Only the registers the policy has: no seminars where it asks for none.
      intro: text(lang, 'unitPageIntro', { email: config.secretariat.email, registers: registerNames((['seminars', 'projects'] as const).filter((r) => keeps[r]), lang) }),
      done: done === 'seminar' ? text(lang, 'done_seminar-registered') : done === 'project' ? text(lang, 'unitProjectRegistered') : done === 'project-owner-outside' ? text(lang, 'unitProjectOwnerOutside') : undefined,
      error: failed?.error,
      tables: [
        ...(keeps.seminars
          ? [
              {
                caption: text(lang, 'unitSeminarsOfYear', { year }),
                columns: [text(lang, 'fieldTitle'), text(lang, 'fieldDate'), text(lang, 'fieldPlace')],
                empty: text(lang, 'noneYet'),
                rows: register.seminars.filter((s) => s.unitId === unitId && s.date.startsWith(String(year))).map((s) => ({ cells: [{ text: s.title }, { text: formatDate(`${s.date}T12:00:00`, zone, lang) }, { text: s.place }] })),
              },
            ]
          : []),
        ...(keeps.projects
          ? [
              {
                caption: text(lang, 'unitProjects'),
                columns: [text(lang, 'fieldTitle'), text(lang, 'fieldPlannedStart'), text(lang, 'state')],
                empty: text(lang, 'noneYet'),
                rows: register.projects
                  .filter((p) => p.unitId === unitId && p.state !== 'closed')
                  .map((p) => ({ cells: [{ text: p.title }, { text: formatDate(`${p.plannedStart}T12:00:00`, zone, lang) }, { text: text(lang, `project_${p.state}` as Parameters<typeof text>[1]) }] })),
              },
            ]
          : []),
      ],
      forms,
    });
  };
  /**
   * A standing link is its unit's contact's: it works while the person it was mailed to is one of
   * the unit's contacts. Links from before they were tied to a contact, and those of a contact
   * since replaced, are gone (410): the latest request mail carries the current one.
   */
  const unitOf = async (request: FastifyRequest, reply: FastifyReply, token: string, lang: Language) => {
    const link = await resolve(request, reply, token, 'unit-registers', lang);
    if (!link) return undefined;
    const unit = config.units.find((u) => u.id === link.id);
    if (!unit) return void message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
    // The contacts as the secretariat set them in the web, where it did (records/people.ts).
    const override = kit.deps.records ? (await unitContactOverrides(kit.deps.records, config.organisation.id, unit.id)).get(unit.id) : undefined;
    const contacts: { email: string }[] = override?.contacts.length ? override.contacts : unit.contacts;
    if (!link.holder || !contacts.some((c) => c.email.toLowerCase() === link.holder)) return void message(reply, 410, lang, 'expiredLinkTitle', 'replacedUnitLinkText', { email: config.secretariat.email });
    return link;
  };
  app.get('/unit/:token', { schema: { params: tokenParams, querystring: linkQuery } }, async (request, reply) => {
    const lang = languageOf(request);
    const link = await unitOf(request, reply, request.params.token, lang);
    if (!link) return reply;
    return renderUnit(reply, lang, link.token, link.id, 200, undefined, request.query.done);
  });
  app.post('/unit/:token/seminars', { schema: { params: tokenParams, querystring: linkQuery, body: seminarForm } }, async (request, reply) => {
    const { body } = request;
    const lang = languageOf(request);
    const link = await unitOf(request, reply, request.params.token, lang);
    if (!link || !keeps.seminars) return link ? message(reply, 404, lang, 'notFoundTitle', 'notFoundText') : reply;
    if (!csrfValid(request)) return renderUnit(reply, lang, link.token, link.id, 403, { form: 'seminar', typed: body, problems: [], error: text(lang, 'csrfExpired') });
    const seminar = seminarFromForm(body, link.id);
    const problems = checkSeminar(seminar);
    if (problems.length) return renderUnit(reply, lang, link.token, link.id, 400, { form: 'seminar', typed: body, problems });
    try {
      await registerSeminar(client, kit.deps.taskQueue, config, { ...seminar, registeredBy: `${unitName(link.id, lang)} (${text(lang, 'standingLink')})` });
    } catch (err) {
      if (err instanceof RejectedError) return renderUnit(reply, lang, link.token, link.id, 409, { form: 'seminar', typed: body, problems: [], error: err.in(lang) });
      request.log.error({ err }, 'seminar not registered; the form is shown again with what was typed');
      return renderUnit(reply.header('Retry-After', '30'), lang, link.token, link.id, 503, { form: 'seminar', typed: body, problems: [], error: text(lang, 'notSavedOutage') }).catch(() => typedBack(reply, lang, body));
    }
    return reply.redirect(`${unitPath(link.token)}?lang=${lang}&done=seminar`, 303);
  });
  app.post('/unit/:token/projects', { schema: { params: tokenParams, querystring: linkQuery, body: projectForm } }, async (request, reply) => {
    const { body } = request;
    const lang = languageOf(request);
    const link = await unitOf(request, reply, request.params.token, lang);
    if (!link || !keeps.projects) return link ? message(reply, 404, lang, 'notFoundTitle', 'notFoundText') : reply;
    if (!csrfValid(request)) return renderUnit(reply, lang, link.token, link.id, 403, { form: 'project', typed: body, problems: [], error: text(lang, 'csrfExpired') });
    const project = projectFromForm(body, link.id);
    const problems = [...checkProject(project), ...obligationProblems(kit, 'gate-before-start', body.obligation, lang)];
    if (problems.length) return renderUnit(reply, lang, link.token, link.id, 400, { form: 'project', typed: body, problems });
    let ownerOutside = false;
    try {
      // An owner outside the organisation gets nothing until the secretariat has approved them.
      ownerOutside = !isOwnAddress(config, project.owner.email);
      await registerProject(client, kit.deps.taskQueue, config, project, body.obligation || undefined, `${unitName(link.id, lang)} (${text(lang, 'standingLink')})`, { ownerToConfirm: ownerOutside });
    } catch (err) {
      if (err instanceof RejectedError) return renderUnit(reply, lang, link.token, link.id, 409, { form: 'project', typed: body, problems: [], error: err.in(lang) });
      request.log.error({ err }, 'project not registered; the form is shown again with what was typed');
      return renderUnit(reply.header('Retry-After', '30'), lang, link.token, link.id, 503, { form: 'project', typed: body, problems: [], error: text(lang, 'notSavedOutage') }).catch(() => typedBack(reply, lang, body));
    }
    return reply.redirect(`${unitPath(link.token)}?lang=${lang}&done=${ownerOutside ? 'project-owner-outside' : 'project'}`, 303);
  });
}
