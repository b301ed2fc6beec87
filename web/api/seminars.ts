/** Seminars in the register, counted against a yearly minimum: listed, registered and corrected as on the seminars page. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { editSeminar, registerSeminar } from '../../client/seminars';
import { checkSeminar, type SeminarChange, type SeminarRecord } from '../../domain/registers';
import { seminarFromForm } from '../obligations/minimum-occurrences';
import { isoDate, type ApiContext, type ApiOptions } from './context';
import { pageSchema, pagingFields } from './paging';
import { problemResponses } from './problems';
import { entityPath, registerOf, registerRoutesKit, unitProblem } from './register-kit';

const ROLES = ['organiser', 'co-organiser', 'participant'] as const;

const seminar = z
  .object({
    id: z.string(),
    title: z.string(),
    date: z.string(),
    place: z.string(),
    country: z.string().describe('ISO 3166-1 alpha-2'),
    role: z.enum(ROLES),
    unitId: z.string(),
    registeredAt: z.string(),
    registeredBy: z.string().optional(),
    editedAt: z.string().optional(),
    editedBy: z.string().optional(),
  })
  .meta({ id: 'Seminar' });

const fields = { title: z.string().max(200), date: isoDate, place: z.string().max(200), country: z.string().max(10), role: z.enum(ROLES), unitId: z.string().max(100) };

const seminarOf = (s: SeminarRecord): z.output<typeof seminar> => ({
  id: s.id,
  title: s.title,
  date: s.date,
  place: s.place,
  country: s.country,
  role: s.role,
  unitId: s.unitId,
  registeredAt: s.registeredAt,
  ...(s.registeredBy ? { registeredBy: s.registeredBy } : {}),
  ...(s.editedAt ? { editedAt: s.editedAt } : {}),
  ...(s.editedBy ? { editedBy: s.editedBy } : {}),
});

export async function seminarRoutes(instance: FastifyInstance, { api, options }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, config } = api;
  const { secretariat, pageById, created } = registerRoutesKit(api, options, 'seminars');
  const find = async (id: string) => {
    const found = (await registerOf(api)).seminars.find((s) => s.id === id);
    if (!found) throw api.notFound();
    return found;
  };

  app.get(
    '/seminars',
    {
      schema: {
        tags: ['registers'],
        summary: 'The register of seminars',
        querystring: z.strictObject({ ...pagingFields, unit: z.string().max(100).optional(), year: z.string().regex(/^\d{4}$/).optional() }),
        response: { 200: pageSchema(seminar), ...problemResponses() },
      },
    },
    async (request) => {
      const { unit, year } = request.query;
      const items = (await registerOf(api)).seminars.filter((s) => (!unit || s.unitId === unit) && (!year || s.date.startsWith(year))).map(seminarOf);
      return pageById(request, items, request.query);
    },
  );

  app.get('/seminars/:id', { schema: { tags: ['registers'], summary: 'A seminar', params: entityPath, response: { 200: seminar, ...problemResponses('not-found') } } }, async (request) => seminarOf(await find(request.params.id)));

  app.post(
    '/seminars',
    {
      ...secretariat,
      config: { auditAction: 'seminar-registered' },
      schema: { tags: ['registers'], summary: 'Register a seminar', body: z.strictObject(fields), response: { 201: seminar, ...problemResponses('forbidden', 'conflict', 'unprocessable') } },
    },
    async (request, reply) => {
      const registration = seminarFromForm(request.body, request.body.unitId);
      api.refuseProblems([...checkSeminar(registration), ...unitProblem(api, request, registration.unitId)]);
      const registered = await api.acting(request, () => registerSeminar(kit.client, kit.deps.taskQueue, config, { ...registration, registeredBy: api.byOf(request) }));
      created(reply, registered.id);
      return seminarOf(registered);
    },
  );

  app.patch(
    '/seminars/:id',
    {
      ...secretariat,
      config: { auditAction: 'seminar-edited' },
      schema: { tags: ['registers'], summary: 'Correct a seminar', params: entityPath, body: z.strictObject(fields).partial(), response: { 200: seminar, ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') } },
    },
    async (request) => {
      const { id } = request.params;
      const current = await find(id);
      const edited = seminarFromForm({ ...current, ...request.body }, request.body.unitId ?? current.unitId);
      const change: SeminarChange = Object.fromEntries((['title', 'date', 'place', 'country', 'role', 'unitId'] as const).filter((k) => edited[k] !== current[k]).map((k) => [k, edited[k]]));
      if (Object.keys(change).length === 0) return seminarOf(current);
      api.refuseProblems([...checkSeminar(edited), ...unitProblem(api, request, edited.unitId)]);
      return seminarOf(await api.acting(request, () => editSeminar(kit.client, config, id, change, api.byOf(request))));
    },
  );
}
