/** Time-limited agreements, each reviewed before it ends: listed, registered, and renewed or ended, as on the agreements page. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agreementStatus, decideAgreement, registerAgreement } from '../../client/agreements';
import { checkAgreement, checkAgreementDecision, type AgreementRegistration, type AgreementSummary } from '../../domain/registers';
import type { AgreementStatus } from '../../workflows/definitions';
import { text } from '../i18n';
import { decisionFromForm } from '../obligations/expiry-review';
import { isoDate, type ApiContext, type ApiOptions } from './context';
import { pageSchema, pagingFields } from './paging';
import { ApiProblem, problemResponses } from './problems';
import { assertObligation, entityPath, liveOrOnRecord, mailProblem, person, registerOf, registerRoutesKit, unitProblem } from './register-kit';

const agreementSummary = z
  .object({
    id: z.string(),
    obligationId: z.string().optional(),
    title: z.string(),
    partner: z.string(),
    unitId: z.string(),
    endsOn: z.string(),
    state: z.enum(['active', 'review-due', 'renewed', 'ended', 'expired']),
    remindersSent: z.number().int(),
    decidedAt: z.string().optional(),
    mailProblems: z.array(mailProblem).optional(),
  })
  .meta({ id: 'AgreementSummary' });

const agreementDetail = agreementSummary
  .extend({
    owner: person,
    archived: z.boolean(),
    decisions: z.array(z.object({ decision: z.enum(['renew', 'end']), at: z.string(), newEndsOn: z.string().optional(), note: z.string().optional(), by: z.string().optional() })),
  })
  .meta({ id: 'Agreement' });

const summaryOf = (a: AgreementSummary): z.output<typeof agreementSummary> => ({
  id: a.id,
  ...(a.obligationId ? { obligationId: a.obligationId } : {}),
  title: a.title,
  partner: a.partner,
  unitId: a.unitId,
  endsOn: a.endsOn,
  state: a.state,
  remindersSent: a.remindersSent,
  ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
  ...(a.mailProblems ? { mailProblems: a.mailProblems } : {}),
});

export async function agreementRoutes(instance: FastifyInstance, { api, options }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, config, orgId } = api;
  const { client } = kit;
  const { secretariat, pageById, created } = registerRoutesKit(api, options, 'agreements');
  const read = (id: string) => liveOrOnRecord<AgreementStatus>(api, () => agreementStatus(client, orgId, id), 'agreement', id);
  const detailOf = async (id: string): Promise<z.output<typeof agreementDetail>> => {
    const { state, archived } = await read(id);
    return {
      ...summaryOf(state),
      owner: { name: state.owner.name, email: state.owner.email },
      archived,
      decisions: (state.decisions ?? []).map((d) => ({ decision: d.decision, at: d.at, ...(d.decision === 'renew' ? { newEndsOn: d.newEndsOn } : {}), ...(d.note ? { note: d.note } : {}), ...(d.by ? { by: d.by } : {}) })),
    };
  };

  app.get(
    '/agreements',
    {
      schema: {
        tags: ['registers'],
        summary: 'The register of agreements',
        querystring: z.strictObject({ ...pagingFields, unit: z.string().max(100).optional() }),
        response: { 200: pageSchema(agreementSummary), ...problemResponses() },
      },
    },
    async (request) => {
      const { unit } = request.query;
      const items = (await registerOf(api)).agreements.filter((a) => !unit || a.unitId === unit).map(summaryOf);
      return pageById(request, items, request.query);
    },
  );

  app.get('/agreements/:id', { schema: { tags: ['registers'], summary: 'An agreement and its decisions', params: entityPath, response: { 200: agreementDetail, ...problemResponses('not-found') } } }, async (request) =>
    detailOf(request.params.id),
  );

  app.post(
    '/agreements',
    {
      ...secretariat,
      config: { auditAction: 'agreement-registered' },
      schema: {
        tags: ['registers'],
        summary: 'Register an agreement: its owner is reminded before it ends',
        body: z.strictObject({ id: z.string().max(100), title: z.string().max(200), partner: z.string().max(200), unitId: z.string().max(100), owner: person, startsOn: isoDate.optional(), endsOn: isoDate, obligation: z.string().max(100).optional() }),
        response: { 201: agreementDetail, ...problemResponses('forbidden', 'conflict', 'unprocessable') },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const agreement: AgreementRegistration = {
        id: body.id.trim(),
        title: body.title.trim(),
        partner: body.partner.trim(),
        unitId: body.unitId,
        owner: { name: body.owner.name.trim(), email: body.owner.email.trim() },
        ...(body.startsOn ? { startsOn: body.startsOn } : {}),
        endsOn: body.endsOn,
      };
      api.refuseProblems([...checkAgreement(agreement), ...unitProblem(api, request, agreement.unitId)]);
      assertObligation(api, request, 'expiry-review', body.obligation);
      await api.acting(request, () => registerAgreement(client, kit.deps.taskQueue, config, agreement, body.obligation || undefined, api.byOf(request)));
      created(reply, agreement.id);
      return detailOf(agreement.id);
    },
  );

  app.post(
    '/agreements/:id/decision',
    {
      ...secretariat,
      config: { auditAction: 'agreement-decided' },
      schema: {
        tags: ['registers'],
        summary: 'Record the decision on an agreement: renewed (with its new end) or ended',
        params: entityPath,
        body: z.strictObject({ decision: z.enum(['renew', 'end']), newEndsOn: isoDate.optional().describe('Required to renew'), note: z.string().max(2000).optional() }),
        response: { 200: agreementDetail, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { state, archived } = await read(id);
      if (archived) throw new ApiProblem('conflict', text(api.lang(request), 'agreementArchivedRefused'));
      const decision = decisionFromForm({ ...request.body }, api.byOf(request));
      api.refuseProblems(checkAgreementDecision(decision, state.endsOn));
      await api.acting(request, () => decideAgreement(client, orgId, id, decision));
      return detailOf(id);
    },
  );
}
