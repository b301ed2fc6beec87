/** Events told of beforehand: listed, registered and changed as on the events page (the people concerned get notices). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeEvent, eventStatus, registerEvent } from '../../client/events';
import { checkEvent, checkEventChange, type EventChange, type EventRegistration, type EventSummary } from '../../domain/registers';
import type { EventStatus } from '../../workflows/definitions';
import { text } from '../i18n';
import { isoDate, type ApiContext, type ApiOptions } from './context';
import { pageSchema, pagingFields } from './paging';
import { ApiProblem, problemResponses } from './problems';
import { assertObligation, entityPath, liveOrOnRecord, mailProblem, person, registerOf, registerRoutesKit, unitProblem } from './register-kit';

const eventSummary = z
  .object({
    id: z.string(),
    obligationId: z.string(),
    title: z.string(),
    date: z.string(),
    endDate: z.string().optional(),
    place: z.string(),
    unitId: z.string(),
    state: z.enum(['planned', 'noticed', 'held', 'cancelled']),
    noticesSent: z.number().int(),
    registeredAt: z.string(),
    cancelledAt: z.string().optional(),
    mailProblems: z.array(mailProblem).optional(),
  })
  .meta({ id: 'EventSummary' });

const eventDetail = eventSummary
  .extend({
    concerned: z.array(person),
    description: z.string().optional(),
    archived: z.boolean(),
    history: z.array(z.object({ at: z.string(), what: z.string(), by: z.string().optional(), detail: z.string().optional() })),
  })
  .meta({ id: 'Event' });

const summaryOf = (e: EventSummary): z.output<typeof eventSummary> => ({
  id: e.id,
  obligationId: e.obligationId,
  title: e.title,
  date: e.date,
  ...(e.endDate ? { endDate: e.endDate } : {}),
  place: e.place,
  unitId: e.unitId,
  state: e.state,
  noticesSent: e.noticesSent,
  registeredAt: e.registeredAt,
  ...(e.cancelledAt ? { cancelledAt: e.cancelledAt } : {}),
  ...(e.mailProblems ? { mailProblems: e.mailProblems } : {}),
});

export async function eventRoutes(instance: FastifyInstance, { api, options }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, config, orgId } = api;
  const { client } = kit;
  const { secretariat, pageById, created } = registerRoutesKit(api, options, 'events');
  const read = (id: string) => liveOrOnRecord<EventStatus>(api, () => eventStatus(client, orgId, id), 'event', id);
  const detailOf = async (id: string): Promise<z.output<typeof eventDetail>> => {
    const { state, archived } = await read(id);
    return {
      ...summaryOf(state),
      concerned: state.concerned.map((p) => ({ name: p.name, email: p.email })),
      ...(state.description ? { description: state.description } : {}),
      archived,
      history: (state.history ?? []).map((h) => ({ at: h.at, what: h.what, ...(h.by ? { by: h.by } : {}), ...(h.detail ? { detail: h.detail } : {}) })),
    };
  };

  app.get(
    '/events',
    {
      schema: {
        tags: ['registers'],
        summary: 'The register of events',
        querystring: z.strictObject({ ...pagingFields, unit: z.string().max(100).optional(), year: z.string().regex(/^\d{4}$/).optional() }),
        response: { 200: pageSchema(eventSummary), ...problemResponses() },
      },
    },
    async (request) => {
      const { unit, year } = request.query;
      const items = ((await registerOf(api)).events ?? [])
        .filter((e) => (!unit || e.unitId === unit) && (!year || e.date.startsWith(year)))
        .map(summaryOf);
      return pageById(request, items, request.query);
    },
  );

  app.get('/events/:id', { schema: { tags: ['registers'], summary: 'An event, the people concerned and its history', params: entityPath, response: { 200: eventDetail, ...problemResponses('not-found') } } }, async (request) =>
    detailOf(request.params.id),
  );

  app.post(
    '/events',
    {
      ...secretariat,
      config: { auditAction: 'event-registered' },
      schema: {
        tags: ['registers'],
        summary: 'Register an event: the people concerned are told of it beforehand',
        body: z.strictObject({
          id: z.string().max(100),
          title: z.string().max(200),
          date: isoDate,
          endDate: isoDate.optional(),
          place: z.string().max(200),
          unitId: z.string().max(100),
          concerned: z.array(person).max(500),
          description: z.string().max(2000).optional(),
          obligation: z.string().max(100).optional(),
        }),
        response: { 201: eventDetail, ...problemResponses('forbidden', 'conflict', 'unprocessable') },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const event: EventRegistration = {
        id: body.id.trim(),
        title: body.title.trim(),
        date: body.date,
        ...(body.endDate ? { endDate: body.endDate } : {}),
        place: body.place.trim(),
        unitId: body.unitId,
        concerned: body.concerned.map((p) => ({ name: p.name.trim(), email: p.email.trim() })),
        ...(body.description?.trim() ? { description: body.description.trim() } : {}),
      };
      api.refuseProblems([...checkEvent(event), ...unitProblem(api, request, event.unitId)]);
      assertObligation(api, request, 'event-notices', body.obligation);
      await api.acting(request, () => registerEvent(client, kit.deps.taskQueue, config, event, body.obligation || undefined, api.byOf(request)));
      created(reply, event.id);
      return detailOf(event.id);
    },
  );

  app.patch(
    '/events/:id',
    {
      ...secretariat,
      config: { auditAction: 'event-changed' },
      schema: {
        tags: ['registers'],
        summary: 'Change an event: the people concerned are told of the change',
        params: entityPath,
        body: z.strictObject({ title: z.string().max(200).optional(), date: isoDate.optional(), endDate: isoDate.optional(), place: z.string().max(200).optional() }),
        response: { 200: eventDetail, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { state: current, archived } = await read(id);
      if (archived) throw new ApiProblem('conflict', text(api.lang(request), 'eventArchivedRefused'));
      const { body } = request;
      const change: EventChange = {};
      if (body.title !== undefined && body.title.trim() !== current.title) change.title = body.title.trim();
      if (body.date !== undefined && body.date !== current.date) change.date = body.date;
      if (body.endDate !== undefined && body.endDate !== current.endDate) change.endDate = body.endDate;
      if (body.place !== undefined && body.place.trim() !== current.place) change.place = body.place.trim();
      if (Object.keys(change).length === 0) return detailOf(id);
      api.refuseProblems(checkEventChange(change));
      await api.acting(request, () => changeEvent(client, orgId, id, change, api.byOf(request)));
      return detailOf(id);
    },
  );
}
