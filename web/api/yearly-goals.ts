/**
 * Decisions a body takes: a year's goals (yearly-goals) and the policy's revision (revision), each
 * listed from the register and recorded as on its page.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordGoals } from '../../client/yearly-goals';
import { recordRevision, revisionPeriodOf } from '../../client/revisions';
import { checkGoalsDecision, checkRevisionDecision, type GoalsDecision, type GoalsSummary, type RevisionDecision, type RevisionSummary } from '../../domain/registers';
import { text } from '../i18n';
import { obligationInRoute } from '../obligations/web-kind';
import { idSchema, isoDate, type ApiContext, type ApiOptions } from './context';
import { byKey, pageOf, pageSchema, pagingQuery } from './paging';
import { problemResponses } from './problems';
import { mailProblem, registerOf } from './register-kit';

const decided = { decidedOn: isoDate, body: z.string().max(160).describe('The body that decided: "Kommunfullmäktige"'), paragraph: z.string().max(40).describe('Its paragraph: "§ 12"') };

const goalsSummary = z
  .object({
    obligationId: z.string(),
    year: z.number().int(),
    state: z.enum(['awaited', 'overdue', 'recorded', 'not-recorded']),
    decision: z.object({ decidedOn: z.string(), body: z.string(), paragraph: z.string(), goals: z.array(z.object({ id: z.string(), label: z.string() })) }).optional(),
    mailProblems: z.array(mailProblem).optional(),
  })
  .meta({ id: 'YearlyGoals' });

const revisionSummary = z
  .object({
    obligationId: z.string(),
    periodId: z.string(),
    state: z.enum(['scheduled', 'requested', 'overdue', 'decided', 'not-decided']),
    dueDate: z.string(),
    decision: z.object({ decidedOn: z.string(), body: z.string(), paragraph: z.string(), outcome: z.enum(['revised', 'confirmed']), by: z.string().optional() }).optional(),
    mailProblems: z.array(mailProblem).optional(),
  })
  .meta({ id: 'Revision' });

const goalsOf = (g: GoalsSummary): z.output<typeof goalsSummary> => ({
  obligationId: g.obligationId,
  year: g.year,
  state: g.state,
  ...(g.decision ? { decision: { decidedOn: g.decision.decidedOn, body: g.decision.body, paragraph: g.decision.paragraph, goals: g.decision.goals.map((x) => ({ id: x.id, label: x.label })) } } : {}),
  ...(g.mailProblems ? { mailProblems: g.mailProblems } : {}),
});
const revisionOf = (r: RevisionSummary): z.output<typeof revisionSummary> => ({
  obligationId: r.obligationId,
  periodId: r.periodId,
  state: r.state,
  dueDate: r.dueDate,
  ...(r.decision ? { decision: { decidedOn: r.decision.decidedOn, body: r.decision.body, paragraph: r.decision.paragraph, outcome: r.decision.outcome, ...(r.decision.by ? { by: r.decision.by } : {}) } } : {}),
  ...(r.mailProblems ? { mailProblems: r.mailProblems } : {}),
});

export async function yearlyGoalsRoutes(instance: FastifyInstance, { api, options }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, config, orgId } = api;
  const { client } = kit;
  const secretariat = { preHandler: options.requireSecretariat };
  const badCursor = (request: Parameters<ApiContext['lang']>[0]) => text(api.lang(request), 'apiProblem_badCursorDetail');

  app.get('/yearly-goals', { schema: { tags: ['registers'], summary: 'Each year\'s goals, by obligation', querystring: pagingQuery, response: { 200: pageSchema(goalsSummary), ...problemResponses() } } }, async (request) => {
    const key = (g: { obligationId: string; year: number }) => `${g.obligationId}/${g.year}`;
    const items = ((await registerOf(api)).goals ?? []).map(goalsOf).sort(byKey(key));
    return pageOf(request, items, key, request.query, badCursor(request));
  });

  app.post(
    '/yearly-goals/:obligation/:year',
    {
      ...secretariat,
      config: { auditAction: 'goals-recorded' },
      schema: {
        tags: ['registers'],
        summary: 'Record a year\'s goals as the body decided them',
        params: z.strictObject({ obligation: idSchema, year: z.coerce.number().int().min(2000).max(2100) }),
        body: z.strictObject({ ...decided, goals: z.array(z.string().max(500)).min(1).max(100).describe('One goal each') }),
        response: { 201: goalsSummary, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request, reply) => {
      const obligation = obligationInRoute(kit, request.params.obligation, 'yearly-goals');
      if (!obligation) throw api.notFound();
      const { year } = request.params;
      const { body } = request;
      const decision: GoalsDecision = {
        decidedOn: body.decidedOn,
        body: body.body.trim(),
        paragraph: body.paragraph.trim(),
        goals: body.goals.map((label) => label.trim()).filter(Boolean).map((label, i) => ({ id: `g${i + 1}`, label })),
      };
      api.refuseProblems(checkGoalsDecision(decision));
      const recorded = await api.acting(request, () => recordGoals(client, kit.deps.taskQueue, config, obligation.id, year, decision, api.byOf(request), { records: kit.deps.records }));
      reply.code(201);
      return goalsOf(recorded);
    },
  );

  app.get('/revisions', { schema: { tags: ['registers'], summary: 'The policy\'s revisions, by obligation and period', querystring: pagingQuery, response: { 200: pageSchema(revisionSummary), ...problemResponses() } } }, async (request) => {
    const key = (r: { obligationId: string; periodId: string }) => `${r.obligationId}/${r.periodId}`;
    const items = (await registerOf(api)).revisions.map(revisionOf).sort(byKey(key));
    return pageOf(request, items, key, request.query, badCursor(request));
  });

  app.post(
    '/revisions/:obligation/decision',
    {
      ...secretariat,
      config: { auditAction: 'revision-recorded' },
      schema: {
        tags: ['registers'],
        summary: 'Record the decision on the running period\'s revision: revised or confirmed',
        params: z.strictObject({ obligation: idSchema }),
        body: z.strictObject({ ...decided, outcome: z.enum(['revised', 'confirmed']) }),
        response: { 200: revisionSummary, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request) => {
      const obligation = obligationInRoute(kit, request.params.obligation, 'revision');
      if (!obligation) throw api.notFound();
      const { periodId } = revisionPeriodOf(config, obligation.id, undefined, kit.now());
      const { body } = request;
      const decision: RevisionDecision = { decidedOn: body.decidedOn, body: body.body.trim(), paragraph: body.paragraph.trim(), outcome: body.outcome, by: api.byOf(request) };
      api.refuseProblems(checkRevisionDecision(decision));
      return revisionOf(await api.acting(request, () => recordRevision(client, orgId, obligation.id, periodId, decision)));
    },
  );
}
