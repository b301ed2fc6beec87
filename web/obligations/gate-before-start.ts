/**
 * Projects and the gate before their start, in the browser: the register of projects (filtered by
 * unit and year, as CSV), registering one, and each project's page with its goals, approving or
 * returning them with a comment, closing it, and its history.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approveGoals, approveOwner, closeProject, editProject, projectStatus, registerProject, resendProjectMail, returnGoals, submitGoals } from '../../client/projects';
import { RejectedError } from '../../client/temporal';
import type { FieldError } from '../../domain/answers';
import { Refusal } from '../../domain/refusals';
import { questionnaireForm, typedFields } from '../questionnaire-form';
import { readRegister } from '../../client/registers';
import { answerRows } from '../../activities/mail-context';
import { formatDate } from '../../domain/calendar';
import { questionnaireOf } from '../../domain/questionnaire';
import { checkProject, type ProjectChange, type ProjectRegistration, type ProjectState, type ProjectStatus } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { listLines } from '../../domain/text';
import { answerForm, entityParams, goalsReviewForm, languageQuery, pageQuery, projectForm, listQuery, recordQuery, type ListQuery } from '../forms';
import { pluralText, text, type TextKey } from '../i18n';
import { projectsSheet } from '../../exports/registers';
import type { WebKit } from '../kit';
import { unitOptions, withTyped, type PageForm } from '../page-forms';
import { doneMessage } from '../pages/done-messages';
import { acting, historyRows, listFilters, mailProblemsFact, mailProblemsOf, obligationProblems, readOrNotFound, readOrOnRecord, type ObligationOf, type Problems, type PagesOptions, type WebKindModule } from './web-kind';
import type { OrganisationConfig } from '../../config/schema';
import { actorText, goalsFields, projectRecordSheet, stepText } from '../../exports/project-record';
import { TABLE_FORMATS } from '../../exports/workbook';
import { projectOnRecord, type ProjectOnRecord } from '../../records/projects';
import { listWorkbook, sendTable } from '../send-table';
import { asksForFiles, FILE_KINDS, formatFileSize, kindOfMediaType } from '../../domain/attachments';
import { goalsAttachmentIds, goalsAttachmentInfos, readGoalsAttachment } from '../../records/attachments';
import { acceptMultipartForms, checkUploads, configuredFileField, contentDisposition, heldGoalsAttachments } from '../uploads';

const attachmentParams = entityParams.extend({ attachment: z.uuid() });

/** The gate a project is under (projects from before several gates name none: the first). */
export function gateOf(config: OrganisationConfig, obligationId: string | undefined): ObligationOf<'gate-before-start'> | undefined {
  const gates = config.obligations.filter((o): o is ObligationOf<'gate-before-start'> => o.kind === 'gate-before-start');
  return obligationId ? gates.find((g) => g.id === obligationId) : gates[0];
}

/** The goals form's values: the owner's draft, else the goals last sent. */
export function goalsFormValues(project: ProjectStatus): Record<string, string> {
  return project.goalsDraft?.values ?? Object.fromEntries(Object.entries(project.goals?.values ?? {}).map(([k, v]) => [k, String(v)]));
}

const stateText = (lang: Language, state: ProjectState) => text(lang, `project_${state}` as TextKey);

/** The registration form, for the secretariat's page and a unit's standing link alike. */
export function projectRegistrationForm(kit: WebKit, lang: Language, action: string, fixedUnit?: string): PageForm {
  const gates = kit.config.obligations.filter((o) => o.kind === 'gate-before-start');
  return {
    id: 'register-project',
    heading: text(lang, 'registerProject'),
    help: text(lang, 'registerProjectHelp'),
    action,
    submit: text(lang, 'registerButton'),
    fields: [
      { name: 'title', label: text(lang, 'fieldTitle'), type: 'text', required: true },
      { name: 'id', label: text(lang, 'fieldId'), type: 'text', help: text(lang, 'fieldIdHelp') },
      ...(fixedUnit ? [] : [{ name: 'unitId', label: text(lang, 'unit'), type: 'select' as const, required: true, options: unitOptions(kit.config.units, lang) }]),
      { name: 'ownerName', label: text(lang, 'fieldOwnerName'), type: 'text', required: true, autocomplete: 'off' },
      { name: 'ownerEmail', label: text(lang, 'fieldOwnerEmail'), type: 'email', required: true, autocomplete: 'off' },
      { name: 'plannedStart', label: text(lang, 'fieldPlannedStart'), type: 'date', required: true },
      { name: 'plannedEnd', label: text(lang, 'fieldPlannedEnd'), type: 'date' },
      { name: 'partners', label: text(lang, 'fieldPartners'), type: 'textarea', help: text(lang, 'fieldPartnersHelp') },
      { name: 'euFunded', label: text(lang, 'fieldEuFunded'), type: 'checkbox' },
      { name: 'application', label: text(lang, 'fieldApplication'), type: 'checkbox' },
      ...(gates.length > 1 ? [{ name: 'obligation', label: text(lang, 'obligation'), type: 'select' as const, required: true, options: gates.map((g) => ({ value: g.id, label: g.title[lang] })) }] : []),
    ],
  };
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);

/** A registration from the form: an id made from the title and year unless one is given. */
export function projectFromForm(body: Record<string, string | undefined>, unitId: string): ProjectRegistration {
  const start = body.plannedStart ?? '';
  return {
    id: (body.id ?? '').trim() || `${slug(body.title ?? '')}-${start.slice(0, 4)}`.replace(/^-/, ''),
    title: (body.title ?? '').trim(),
    unitId,
    owner: { name: (body.ownerName ?? '').trim(), email: (body.ownerEmail ?? '').trim() },
    plannedStart: start,
    plannedEnd: body.plannedEnd ? body.plannedEnd : undefined,
    partners: listLines(body.partners ?? '', /[;,]/),
    euFunded: body.euFunded === 'on',
    stage: body.application === 'on' ? 'application' : 'project',
  };
}

export const PROJECT_FIELDS = { 'owner.name': 'ownerName', 'owner.email': 'ownerEmail' };

export const gateBeforeStartWeb: WebKindModule<'gate-before-start'> = {
  overview({ kit, obligation, register, lang }) {
    // Projects registered before several gates were possible name none: they belong to the first.
    const firstGate = kit.config.obligations.find((o) => o.kind === 'gate-before-start')?.id;
    const mine = register.projects.filter((p) => (p.obligationId ?? firstGate) === obligation.id);
    const count = (state: ProjectState) => mine.filter((p) => p.state === state).length;
    const unapproved = mine.filter((p) => p.startedWithoutApproval && p.state !== 'approved' && p.state !== 'ongoing' && p.state !== 'closed').length;
    return {
      url: '/projects',
      facts: [
        { text: pluralText(lang, 'ovProjectsAwaiting', count('awaiting-goals'), { n: count('awaiting-goals') }), attention: false },
        { text: pluralText(lang, 'ovProjectsSubmitted', count('goals-submitted'), { n: count('goals-submitted') }), attention: count('goals-submitted') > 0 },
        { text: pluralText(lang, 'ovProjectsReturned', count('returned'), { n: count('returned') }), attention: false },
        { text: pluralText(lang, 'ovProjectsApproved', count('approved') + count('ongoing'), { n: count('approved') + count('ongoing') }), attention: false },
        { text: pluralText(lang, 'ovProjectsUnapproved', unapproved, { n: unapproved }), attention: unapproved > 0 },
        ...(mine.some((p) => p.ownerApproval === 'awaited') ? [{ text: text(lang, 'ovOwnersToApprove', { n: mine.filter((p) => p.ownerApproval === 'awaited').length }), attention: true }] : []),
        ...mailProblemsFact(mine, lang),
      ],
    };
  },
  pages: async (instance, { kit, session }: PagesOptions) => {
    const app = instance.withTypeProvider<ZodTypeProvider>();
    const { config, client, zone, page, unitName } = kit;
    const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
    const orgId = config.organisation.id;
    const records = kit.deps.records;
    const gates = config.obligations.filter((o): o is ObligationOf<'gate-before-start'> => o.kind === 'gate-before-start');
    // Goals the owner mailed, recorded here with their files: multipart, checked and scanned as the owner's form does.
    if (asksForFiles(gates.map((g) => g.questionnaire))) {
      await acceptMultipartForms(app, {
        questionnaires: gates.map((g) => g.questionnaire),
        fileField: (_request, name) => gates.map((g) => configuredFileField(g.questionnaire, name)).find((f) => f !== undefined),
      });
    }
    /** The files of a project's goals (every version's, each once), by id. */
    const goalsFiles = async (id: string, versions: readonly { goals: Record<string, unknown> }[], questionnaire: ReturnType<typeof questionnaireOf>) =>
      records ? new Map((await goalsAttachmentInfos(records, orgId, id, goalsAttachmentIds(versions, questionnaire))).map((a) => [a.id, a])) : new Map<string, never>();

    const renderList = async (request: FastifyRequest, reply: FastifyReply, filtered: ListQuery, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const register = await readRegister(client, orgId);
      const filters = listFilters(kit, filtered, lang, '/projects', register.projects.map((p) => Number(p.plannedStart.slice(0, 4))));
      const shown = register.projects
        .filter((p) => (!filters.unit || p.unitId === filters.unit) && (!filters.year || p.plannedStart.startsWith(String(filters.year))))
        .sort((a, b) => b.plannedStart.localeCompare(a.plannedStart));
      const columns = [text(lang, 'fieldTitle'), text(lang, 'unit'), text(lang, 'fieldPlannedStart'), text(lang, 'fieldPlannedEnd'), text(lang, 'state'), text(lang, 'startedWithoutApproval'), text(lang, 'fieldPartners'), text(lang, 'fieldEuFunded')];
      if (filters.format) return filters.send(reply, 'projects', projectsSheet(shown, config, lang));
      return page(reply, status, 'list', context, {
        heading: text(lang, 'projectsTitle'),
        intro: text(lang, 'projectsIntro'),
        done: doneMessage(lang, request.query),
        error,
        filters: filters.view,
        csvUrl: filters.csvUrl,
        xlsxUrl: filters.xlsxUrl,
        tables: [
          {
            caption: text(lang, 'projectsTitle'),
            columns: columns.slice(0, 6),
            empty: text(lang, 'noneYet'),
            rows: shown.map((p) => ({
              cells: [
                { text: p.title, url: `/projects/${p.id}` },
                { text: unitName(p.unitId, lang) },
                { text: formatDate(`${p.plannedStart}T12:00:00`, zone, lang) },
                { text: p.plannedEnd ? formatDate(`${p.plannedEnd}T12:00:00`, zone, lang) : '' },
                { text: stateText(lang, p.state), attention: p.state === 'goals-submitted' },
                { text: p.startedWithoutApproval ? text(lang, 'yes') : '', attention: p.startedWithoutApproval },
              ],
            })),
          },
        ],
        forms: context.canAct ? [withTyped(lang, projectRegistrationForm(kit, lang, '/projects'), typed, problems, PROJECT_FIELDS)] : [],
      });
    };

    app.get('/projects', { onRequest: requireLogin, schema: { querystring: listQuery } }, async (request, reply) => renderList(request, reply, request.query));
    app.post('/projects', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: projectForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { body } = request;
      const lang = secretariatLanguage(request);
      const project = projectFromForm(body, body.unitId ?? '');
      const problems = checkProject(project);
      if (!config.units.some((u) => u.id === project.unitId)) problems.push({ field: 'unitId', message: text(lang, 'chooseUnit') });
      problems.push(...obligationProblems(kit, 'gate-before-start', body.obligation, lang));
      if (problems.length) return renderList(request, reply, {}, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          await registerProject(client, kit.deps.taskQueue, config, project, body.obligation || undefined, actor(request));
          return `/projects/${project.id}?done=project-registered`;
        },
        (status, error) => renderList(request, reply, {}, status, error, body),
      );
    });

    const renderProject = async (request: FastifyRequest, reply: FastifyReply, id: string, status = 200, error?: string, typed: Record<string, unknown> = {}) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const read = await readOrOnRecord(kit, reply, lang, () => projectStatus(client, orgId, id), 'project', id);
      if (!read) return reply;
      // Once the workflow is gone, the project as it stood last on record: shown, but nothing more can be done in it.
      const archived = read.onRecord;
      const project = read.live ?? read.onRecord.state;
      const canAct = context.canAct && !archived;
      const gate = gateOf(config, project.obligationId);
      const questionnaire = gate ? questionnaireOf(gate) : [];
      const onRecord: ProjectOnRecord = records ? await projectOnRecord(records, orgId, id) : { goals: [], steps: [] };
      // The files the goals hold, in every version: named in each version, downloadable by the secretariat.
      const files = await goalsFiles(id, onRecord.goals.length ? onRecord.goals : project.goals ? [{ goals: project.goals.values }] : [], questionnaire);
      const describeFiles = (ids: string[]) => ids.flatMap((a) => (files.has(a) ? [`${files.get(a)!.name} (${formatFileSize(files.get(a)!.size, lang)})`] : [])).join('\n');
      const forms: PageForm[] = [];
      if (canAct && ['awaiting-goals', 'returned'].includes(project.state)) {
        forms.push({ id: 'goals-for-owner', heading: text(lang, 'goalsForOwner'), help: text(lang, 'goalsForOwnerHelp'), action: `/projects/${id}/goals`, submit: text(lang, 'goalsForOwnerButton'), fields: [], opens: true });
      }
      if (canAct && project.state === 'goals-submitted') {
        forms.push({ id: 'approve', heading: text(lang, 'approveGoals'), help: text(lang, 'approveGoalsHelp'), action: `/projects/${id}/approve`, submit: text(lang, 'approveButton'), fields: [] });
        forms.push(withTyped(lang, { id: 'return', heading: text(lang, 'returnGoals'), help: text(lang, 'returnGoalsHelp'), action: `/projects/${id}/return`, submit: text(lang, 'returnButton'), fields: [{ name: 'comment', label: text(lang, 'comment'), type: 'textarea', required: true }] }, typed));
      }
      if (canAct && project.state !== 'closed') {
        const editing = projectRegistrationForm(kit, lang, `/projects/${id}/edit`, project.unitId);
        const current: Record<string, string> = {
          title: project.title,
          ownerName: project.owner.name,
          ownerEmail: project.owner.email,
          plannedStart: project.plannedStart,
          plannedEnd: project.plannedEnd ?? '',
          partners: project.partners.join('\n'),
          ...(project.euFunded ? { euFunded: 'on' } : {}),
          ...(project.stage === 'application' ? { application: 'on' } : {}),
        };
        forms.push(
          withTyped(lang, 
            { ...editing, id: 'edit', heading: text(lang, 'editProject'), help: text(lang, 'editProjectHelp'), submit: text(lang, 'saveChanges'), fields: editing.fields.filter((f) => f.name !== 'id' && f.name !== 'obligation') },
            typed.form === 'edit' ? typed : current,
            typed.form === 'edit' ? (typed.problems as { field: string; message: string }[]) : [],
            PROJECT_FIELDS,
          ),
        );
      }
      if (canAct && ['registered', 'approved', 'ongoing'].includes(project.state)) {
        forms.push({ id: 'close', heading: text(lang, 'closeProject'), action: `/projects/${id}/close`, submit: text(lang, 'closeProjectButton'), fields: [], danger: true });
      }
      const lastReturn = project.returned?.at(-1);
      const awaitingOwner = project.ownerApproval === 'awaited' && project.state !== 'closed';
      if (canAct && awaitingOwner) forms.unshift({ id: 'approve-owner', heading: text(lang, 'ownerApprovalHeading'), action: `/projects/${id}/approve-owner`, submit: text(lang, 'approveOwner'), fields: [] });
      const mailProblems = mailProblemsOf(project.mailProblems, lang, zone, `/projects/${id}/resend-mail`, canAct);
      // Every version of the goals and the secretariat's steps, from the database of record: the latest version first.
      const versions = [...onRecord.goals].reverse().map((g) => ({
        heading: text(lang, 'goalsVersionHeading', { revision: g.revision, when: formatDate(new Date(g.at).toISOString(), zone, lang, true), who: actorText(g.actor, lang) }),
        rows: goalsFields(questionnaire, g.goals, lang, describeFiles),
      }));
      const steps = onRecord.steps.map((s) => ({ label: `${stepText(s.step, lang)}, ${formatDate(new Date(s.at).toISOString(), zone, lang, true)}`, value: s.comment ? `${s.actor}: ${s.comment}` : s.actor }));
      return page(reply, status, 'record', context, {
        back: { url: '/projects', text: text(lang, 'projectsTitle') },
        heading: project.title,
        done: doneMessage(lang, request.query),
        error,
        facts: [
          { label: text(lang, 'state'), value: awaitingOwner ? `${stateText(lang, project.state)}, ${text(lang, 'ownerAwaitsApproval')}` : stateText(lang, project.state), attention: project.state === 'goals-submitted' || awaitingOwner },
          { label: text(lang, 'unit'), value: unitName(project.unitId, lang) },
          { label: text(lang, 'fieldOwnerName'), value: `${project.owner.name} <${project.owner.email}>` },
          { label: text(lang, 'fieldPlannedStart'), value: formatDate(`${project.plannedStart}T12:00:00`, zone, lang) },
          ...(project.plannedEnd ? [{ label: text(lang, 'fieldPlannedEnd'), value: formatDate(`${project.plannedEnd}T12:00:00`, zone, lang) }] : []),
          ...(project.partners.length ? [{ label: text(lang, 'fieldPartners'), value: project.partners.join(', ') }] : []),
          { label: text(lang, 'fieldEuFunded'), value: text(lang, project.euFunded ? 'yes' : 'no') },
          ...(project.startedWithoutApproval ? [{ label: text(lang, 'startedWithoutApproval'), value: text(lang, 'yes'), attention: true }] : []),
        ],
        blocks: [
          ...(archived ? [{ heading: text(lang, 'projectArchivedTitle'), text: text(lang, 'projectArchivedText', { when: formatDate(new Date(archived.at).toISOString(), zone, lang, true) }) }] : []),
          ...(awaitingOwner && !archived ? [{ heading: text(lang, 'ownerApprovalHeading'), text: text(lang, 'ownerApprovalText', { email: project.owner.email }) }] : []),
          ...mailProblems.blocks,
          ...(versions.length
            ? [{ heading: text(lang, 'goalsVersionsTitle'), text: text(lang, 'goalsVersionsHelp') }, ...versions]
            : project.goals
              ? [{ heading: text(lang, 'goalsSubmitted', { revision: project.goals.revision, when: formatDate(project.goals.submittedAt, zone, lang, true) }), rows: answerRows(questionnaire, project.goals.values, lang, describeFiles) }]
              : []),
          ...(files.size && session.signedIn(request)?.role === 'secretariat'
            ? [
                {
                  heading: text(lang, 'attachmentsTitle'),
                  text: text(lang, 'goalsAttachmentsText'),
                  links: [...files.values()].map((a) => ({ url: `/projects/${id}/attachments/${a.id}`, text: `${a.name} (${FILE_KINDS[kindOfMediaType(a.mediaType) ?? 'pdf'].label}, ${formatFileSize(a.size, lang)})` })),
                },
              ]
            : []),
          ...(steps.length ? [{ heading: text(lang, 'projectStepsTitle'), rows: steps }] : lastReturn ? [{ heading: text(lang, 'lastReturned', { when: formatDate(lastReturn.at, zone, lang, true) }), text: lastReturn.comment, quote: true }] : []),
        ],
        ...(records
          ? {
              downloads: {
                heading: text(lang, 'projectRecordTitle'),
                text: text(lang, 'projectRecordText'),
                links: TABLE_FORMATS.map((format) => ({ url: `/projects/${id}/record?format=${format}`, text: text(lang, format === 'xlsx' ? 'exportXlsx' : 'exportCsv') })),
              },
            }
          : {}),
        forms: [...mailProblems.forms, ...forms],
        history: historyRows(project.history, lang, zone),
      });
    };

    app.get('/projects/:id', { onRequest: requireLogin, schema: { params: entityParams, querystring: pageQuery } }, async (request, reply) => renderProject(request, reply, request.params.id));
    // The project's record as a file (?format=xlsx, else CSV), read from the database of record: it is there after the workflow is gone.
    app.get('/projects/:id/record', { onRequest: requireLogin, schema: { params: entityParams, querystring: recordQuery } }, async (request, reply) => {
      const lang = secretariatLanguage(request);
      const { id } = request.params;
      const { format = 'csv' } = request.query;
      if (!records) return kit.message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      // The running workflow says how the project stands now; the case on record only once it is gone.
      const [read, onRecord] = await Promise.all([readOrOnRecord<ProjectStatus>(kit, reply, lang, () => projectStatus(client, orgId, id), 'project', id), projectOnRecord(records, orgId, id)]);
      if (!read) return reply;
      const project = read.live ?? read.onRecord!.state;
      const gate = gateOf(config, project.obligationId);
      const questionnaire = gate ? questionnaireOf(gate) : [];
      const sheet = projectRecordSheet({ project, onRecord, questionnaire, lang, attachments: await goalsFiles(id, onRecord.goals, questionnaire) });
      return sendTable(reply, format, `${orgId}-${id}`, listWorkbook(`${project.title}: ${sheet.name}`, config.organisation.name, zone, sheet));
    });
    // A file attached to the project's goals, as it was received: for the secretariat, always saved, never shown inline.
    app.get('/projects/:id/attachments/:attachment', { onRequest: requireSecretariat, schema: { params: attachmentParams, querystring: languageQuery } }, async (request, reply) => {
      const file = records ? await readGoalsAttachment(records, orgId, request.params.id, request.params.attachment) : undefined;
      if (!file) return kit.message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
      return reply
        .header('Content-Disposition', contentDisposition(file.name))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`)
        .type(file.mediaType)
        .send(file.content);
    });
    /** The running project, or undefined when answered: its page saying nothing more can be done (its workflow gone), or not found. */
    const liveProject = async (request: FastifyRequest, reply: FastifyReply, lang: Language, id: string) => {
      const read = await readOrOnRecord(kit, reply, lang, () => projectStatus(client, orgId, id), 'project', id);
      if (read?.onRecord) return void (await renderProject(request, reply, id, 409, text(lang, 'projectArchivedRefused')));
      return read?.live;
    };
    const action = (name: string, run: (id: string, body: z.output<typeof goalsReviewForm>, by?: string) => Promise<string>) =>
      app.post(`/projects/:id/${name}`, { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: goalsReviewForm }, preHandler: app.csrfProtection }, async (request, reply) => {
        const { id } = request.params;
        const { body } = request;
        const lang = secretariatLanguage(request);
        try {
          return await acting(reply, lang, async () => `/projects/${id}?done=${await run(id, body, actor(request))}`, (status, error) => renderProject(request, reply, id, status, error, body));
        } catch (err) {
          // Its workflow is gone: the page shows the project on record (or that there is none) and says nothing more can be done.
          if ((err as Error).name === 'NotRegisteredError') return renderProject(request, reply, id, 409, text(lang, 'projectArchivedRefused'), body);
          throw err;
        }
      });
    action('approve', async (id, _body, by) => {
      await approveGoals(client, orgId, id, by);
      return 'goals-approved';
    });
    action('return', async (id, body, by) => {
      await returnGoals(client, orgId, id, (body.comment ?? '').trim(), by);
      return 'goals-returned';
    });
    action('approve-owner', async (id, _body, by) => {
      await approveOwner(client, orgId, id, by);
      return 'owner-approved';
    });
    action('resend-mail', async (id, _body, by) => {
      await resendProjectMail(client, orgId, id, by);
      return 'mail-resent';
    });
    action('close', async (id, _body, by) => {
      await closeProject(client, orgId, id, by);
      return 'project-closed';
    });
    // Goals the owner sent by mail, recorded by the secretariat in the owner's form; the history names who.
    const renderGoalsFor = async (request: FastifyRequest, reply: FastifyReply, id: string, values: Record<string, string>, errors: FieldError[] = [], status = 200, problem?: string) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const project = await readOrNotFound(kit, reply, lang, () => projectStatus(client, orgId, id));
      if (!project) return reply;
      const gate = gateOf(config, project.obligationId);
      const questionnaire = gate ? questionnaireOf(gate) : [];
      const attachments = await heldGoalsAttachments(records, questionnaire, values, orgId, id);
      return page(reply, status, 'answer', context, {
        title: text(lang, 'goalsFormTitle', { title: project.title }),
        intro: text(lang, 'goalsForOwnerHelp'),
        unitName: unitName(project.unitId, lang),
        facts: [{ label: text(lang, 'fieldOwnerName'), value: project.owner.name }],
        action: `/projects/${id}/goals`,
        problemNote: problem,
        submission: '',
        noDraft: true,
        ...questionnaireForm(questionnaire, values, errors, lang, undefined, attachments),
      });
    };
    app.get('/projects/:id/goals', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: pageQuery } }, async (request, reply) => {
      const { id } = request.params;
      const project = await liveProject(request, reply, secretariatLanguage(request), id);
      if (!project) return reply;
      return renderGoalsFor(request, reply, id, goalsFormValues(project));
    });
    app.post('/projects/:id/goals', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: answerForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const lang = secretariatLanguage(request);
      const project = await liveProject(request, reply, lang, id);
      if (!project) return reply;
      const gate = gateOf(config, project.obligationId);
      const questionnaire = gate ? questionnaireOf(gate) : [];
      const uploads = await checkUploads(request, questionnaire, typedFields(body, questionnaire), { records, scanner: kit.deps.scanner, uploadedBy: actor(request) ?? 'secretariat', goals: { org: orgId, obligation: gate?.id ?? '', project: id, unit: project.unitId } });
      const typed = uploads.values;
      if (uploads.errors.length) return renderGoalsFor(request, reply, id, typed, uploads.errors, 400);
      try {
        await submitGoals(client, orgId, id, typed, actor(request));
      } catch (err) {
        if (err instanceof RejectedError && err.type === Refusal.InvalidAnswer) return renderGoalsFor(request, reply, id, typed, err.fieldErrors as FieldError[], 400);
        if (err instanceof RejectedError) return renderGoalsFor(request, reply, id, typed, [], 409, err.in(lang));
        throw err;
      }
      return reply.redirect(`/projects/${id}?done=goals-recorded-for-owner`, 303);
    });
    app.post('/projects/:id/edit', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: projectForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const lang = secretariatLanguage(request);
      const current = await liveProject(request, reply, lang, id);
      if (!current) return reply;
      const edited = projectFromForm({ ...body, id }, current.unitId);
      const change: ProjectChange = {};
      if (edited.title !== current.title) change.title = edited.title;
      if (edited.owner.name !== current.owner.name || edited.owner.email !== current.owner.email) change.owner = edited.owner;
      if (edited.plannedStart !== current.plannedStart) change.plannedStart = edited.plannedStart;
      // An end can be moved; a registered end is not taken away here (it plans when the project closes).
      if (edited.plannedEnd && edited.plannedEnd !== current.plannedEnd) change.plannedEnd = edited.plannedEnd;
      if (edited.partners.join('\n') !== current.partners.join('\n')) change.partners = edited.partners;
      if (edited.euFunded !== current.euFunded) change.euFunded = edited.euFunded;
      if (edited.stage !== current.stage) change.stage = edited.stage;
      if (Object.keys(change).length === 0) return reply.redirect(`/projects/${id}`, 303);
      const problems = checkProject({ ...edited });
      if (problems.length) return renderProject(request, reply, id, 400, undefined, { ...body, form: 'edit', problems });
      return acting(
        reply,
        lang,
        async () => {
          await editProject(client, orgId, id, change, actor(request));
          return `/projects/${id}?done=project-edited`;
        },
        (status, error) => renderProject(request, reply, id, status, error, { ...body, form: 'edit', problems: [] }),
      );
    });
  },
};
