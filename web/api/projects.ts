/**
 * Projects and the gate before their start: the register, one project with its goals' versions and
 * the secretariat's steps (from the database of record), registering and editing one, and the
 * goals recorded for an owner, approved or returned: the project pages' operations and checks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approveGoals, editProject, projectStatus, registerProject, returnGoals, submitGoals } from '../../client/projects';
import { questionnaireOf } from '../../domain/questionnaire';
import { checkProject, type ProjectChange, type ProjectStatus, type ProjectSummary } from '../../domain/registers';
import { projectOnRecord } from '../../records/projects';
import { text } from '../i18n';
import { gateOf, projectFromForm } from '../obligations/gate-before-start';
import { isoDate, type ApiContext, type ApiOptions } from './context';
import { pageSchema, pagingFields } from './paging';
import { ApiProblem, problemResponses } from './problems';
import { assertObligation, entityPath, historyEntry, liveOrOnRecord, mailProblem, person, registerOf, registerRoutesKit, unitProblem } from './register-kit';

const PROJECT_STATES = ['registered', 'awaiting-goals', 'goals-submitted', 'returned', 'approved', 'ongoing', 'closed'] as const;

const projectSummary = z
  .object({
    id: z.string(),
    obligationId: z.string().optional(),
    title: z.string(),
    unitId: z.string(),
    plannedStart: z.string(),
    plannedEnd: z.string().optional(),
    partners: z.array(z.string()),
    euFunded: z.boolean(),
    stage: z.enum(['application', 'project']),
    state: z.enum(PROJECT_STATES),
    startedWithoutApproval: z.boolean(),
    registeredAt: z.string(),
    approvedAt: z.string().optional(),
    ownerApproval: z.enum(['awaited', 'approved']).optional(),
    mailProblems: z.array(mailProblem).optional(),
  })
  .meta({ id: 'ProjectSummary' });

const projectDetail = projectSummary
  .extend({
    owner: person,
    archived: z.boolean().describe('Its workflow is gone: shown as it stood last on record, nothing more can be done in it'),
    history: z.array(historyEntry).optional(),
    goalsVersions: z.array(z.object({ revision: z.number().int(), goals: z.record(z.string(), z.unknown()), at: z.string(), by: z.string() })),
    steps: z.array(z.object({ step: z.string(), at: z.string(), by: z.string(), comment: z.string().optional() })),
  })
  .meta({ id: 'Project' });

const registration = z.strictObject({
  id: z.string().max(100).optional().describe('Made from the title and the start year when left out'),
  title: z.string().max(200),
  unitId: z.string().max(100),
  owner: person,
  plannedStart: isoDate,
  plannedEnd: isoDate.optional(),
  partners: z.array(z.string().max(200)).max(100).optional(),
  euFunded: z.boolean().optional(),
  stage: z.enum(['application', 'project']).optional(),
  obligation: z.string().max(100).optional().describe('The gate it comes under, where the organisation has several'),
});

const edit = z.strictObject({
  title: z.string().max(200).optional(),
  owner: person.optional(),
  plannedStart: isoDate.optional(),
  plannedEnd: isoDate.optional(),
  partners: z.array(z.string().max(200)).max(100).optional(),
  euFunded: z.boolean().optional(),
  stage: z.enum(['application', 'project']).optional(),
});

const summaryOf = (p: ProjectSummary): z.output<typeof projectSummary> => ({
  id: p.id,
  ...(p.obligationId ? { obligationId: p.obligationId } : {}),
  title: p.title,
  unitId: p.unitId,
  plannedStart: p.plannedStart,
  ...(p.plannedEnd ? { plannedEnd: p.plannedEnd } : {}),
  partners: p.partners,
  euFunded: p.euFunded,
  stage: p.stage,
  state: p.state,
  startedWithoutApproval: p.startedWithoutApproval,
  registeredAt: p.registeredAt,
  ...(p.approvedAt ? { approvedAt: p.approvedAt } : {}),
  ...(p.ownerApproval ? { ownerApproval: p.ownerApproval } : {}),
  ...(p.mailProblems ? { mailProblems: p.mailProblems } : {}),
});

export async function projectRoutes(instance: FastifyInstance, { api, options }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, config, orgId } = api;
  const { client } = kit;
  const { secretariat, pageById, created } = registerRoutesKit(api, options, 'projects');

  const detailOf = async (id: string): Promise<z.output<typeof projectDetail>> => {
    const read = await liveOrOnRecord<ProjectStatus>(api, () => projectStatus(client, orgId, id), 'project', id);
    const project = read.state;
    const records = kit.deps.records;
    const onRecord = records ? await projectOnRecord(records, orgId, id) : { goals: [], steps: [] };
    return {
      ...summaryOf(project),
      owner: { name: project.owner.name, email: project.owner.email },
      archived: read.archived,
      ...(project.history ? { history: project.history } : {}),
      goalsVersions: onRecord.goals.map((g) => ({ revision: g.revision, goals: g.goals, at: new Date(g.at).toISOString(), by: g.actor })),
      steps: onRecord.steps.map((s) => ({ step: s.step, at: new Date(s.at).toISOString(), by: s.actor, ...(s.comment !== undefined ? { comment: s.comment } : {}) })),
    };
  };
  /** The running project, for an action: a project only on record is a conflict, one never registered 404. */
  const liveProject = async (request: FastifyRequest, id: string): Promise<ProjectStatus> => {
    const read = await liveOrOnRecord<ProjectStatus>(api, () => projectStatus(client, orgId, id), 'project', id);
    if (read.archived) throw new ApiProblem('conflict', text(api.lang(request), 'projectArchivedRefused'));
    return read.state;
  };

  app.get(
    '/projects',
    {
      schema: {
        tags: ['registers'],
        summary: 'The register of projects',
        querystring: z.strictObject({ ...pagingFields, unit: z.string().max(100).optional(), year: z.string().regex(/^\d{4}$/).optional().describe('Projects planned to start this year') }),
        response: { 200: pageSchema(projectSummary), ...problemResponses() },
      },
    },
    async (request) => {
      const { unit, year } = request.query;
      const items = (await registerOf(api)).projects
        .filter((p) => (!unit || p.unitId === unit) && (!year || p.plannedStart.startsWith(year)))
        .map(summaryOf);
      return pageById(request, items, request.query);
    },
  );

  app.get('/projects/:id', { schema: { tags: ['registers'], summary: 'A project, its goals\' versions and the secretariat\'s steps', params: entityPath, response: { 200: projectDetail, ...problemResponses('not-found') } } }, async (request) =>
    detailOf(request.params.id),
  );

  app.post(
    '/projects',
    {
      ...secretariat,
      config: { auditAction: 'project-registered' },
      schema: { tags: ['registers'], summary: 'Register a project: its owner is asked for its goals', body: registration, response: { 201: projectDetail, ...problemResponses('forbidden', 'conflict', 'unprocessable') } },
    },
    async (request, reply) => {
      const { body } = request;
      // The same registration the page's form makes, from the same fields.
      const project = projectFromForm(
        {
          id: body.id,
          title: body.title,
          ownerName: body.owner.name,
          ownerEmail: body.owner.email,
          plannedStart: body.plannedStart,
          plannedEnd: body.plannedEnd,
          partners: (body.partners ?? []).join('\n'),
          euFunded: body.euFunded ? 'on' : undefined,
          application: body.stage === 'application' ? 'on' : undefined,
        },
        body.unitId,
      );
      api.refuseProblems([...checkProject(project), ...unitProblem(api, request, project.unitId)]);
      assertObligation(api, request, 'gate-before-start', body.obligation);
      await api.acting(request, () => registerProject(client, kit.deps.taskQueue, config, project, body.obligation || undefined, api.byOf(request)));
      created(reply, project.id);
      return detailOf(project.id);
    },
  );

  app.patch(
    '/projects/:id',
    {
      ...secretariat,
      config: { auditAction: 'project-edited' },
      schema: { tags: ['registers'], summary: 'Correct a project\'s registration', params: entityPath, body: edit, response: { 200: projectDetail, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') } },
    },
    async (request) => {
      const { id } = request.params;
      const current = await liveProject(request, id);
      const { body } = request;
      const change: ProjectChange = {};
      if (body.title !== undefined && body.title.trim() !== current.title) change.title = body.title.trim();
      if (body.owner && (body.owner.name.trim() !== current.owner.name || body.owner.email.trim() !== current.owner.email)) change.owner = { name: body.owner.name.trim(), email: body.owner.email.trim() };
      if (body.plannedStart !== undefined && body.plannedStart !== current.plannedStart) change.plannedStart = body.plannedStart;
      if (body.plannedEnd !== undefined && body.plannedEnd !== current.plannedEnd) change.plannedEnd = body.plannedEnd;
      if (body.partners !== undefined && body.partners.join('\n') !== current.partners.join('\n')) change.partners = body.partners.map((p) => p.trim()).filter(Boolean);
      if (body.euFunded !== undefined && body.euFunded !== current.euFunded) change.euFunded = body.euFunded;
      if (body.stage !== undefined && body.stage !== current.stage) change.stage = body.stage;
      if (Object.keys(change).length === 0) return detailOf(id);
      api.refuseProblems(checkProject({ id, unitId: current.unitId, title: current.title, owner: current.owner, plannedStart: current.plannedStart, plannedEnd: current.plannedEnd, partners: current.partners, euFunded: current.euFunded, stage: current.stage, ...change }));
      await api.acting(request, () => editProject(client, orgId, id, change, api.byOf(request)));
      return detailOf(id);
    },
  );

  app.post(
    '/projects/:id/goals',
    {
      ...secretariat,
      config: { auditAction: 'goals-recorded-for-owner' },
      schema: {
        tags: ['registers'],
        summary: 'Record the goals the owner sent by mail',
        params: entityPath,
        body: z.strictObject({ goals: z.record(z.string().max(100), z.union([z.string(), z.number(), z.boolean()])).describe('The values by question id of the gate\'s questionnaire') }),
        response: { 201: projectDetail, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const project = await liveProject(request, id);
      const gate = gateOf(config, project.obligationId);
      await api.acting(request, () => submitGoals(client, orgId, id, request.body.goals, api.byOf(request)), gate ? questionnaireOf(gate) : []);
      reply.code(201);
      return detailOf(id);
    },
  );

  app.post(
    '/projects/:id/decision',
    {
      ...secretariat,
      config: { auditAction: 'goals-decided' },
      schema: {
        tags: ['registers'],
        summary: 'Approve the project\'s goals, or return them to the owner with a comment',
        params: entityPath,
        body: z.strictObject({ decision: z.enum(['approve', 'return']), comment: z.string().max(2000).optional().describe('Required to return them') }),
        response: { 200: projectDetail, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request) => {
      const { id } = request.params;
      await liveProject(request, id);
      const { decision, comment } = request.body;
      if (decision === 'approve') await api.acting(request, () => approveGoals(client, orgId, id, api.byOf(request)));
      else await api.acting(request, () => returnGoals(client, orgId, id, (comment ?? '').trim(), api.byOf(request)));
      return detailOf(id);
    },
  );
}
