/** The organisation's obligations, as its config names them, and when each next runs (its Temporal Schedule). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listSchedules, type ListedSchedule } from '../../client/schedules';
import type { ObligationConfig } from '../../config/schema';
import { bilingual, idSchema, type ApiContext, type ApiOptions } from './context';
import { byKey, pageOf, pageSchema, pagingQuery } from './paging';
import { problemResponses } from './problems';
import { text } from '../i18n';

const obligation = z
  .object({
    id: z.string(),
    kind: z.string().describe('periodic-data-call, gate-before-start, expiry-review, revision, minimum-occurrences, event-notices or yearly-goals'),
    title: bilingual,
    source: z.string().describe('The sentence of the policy the obligation comes from'),
    paused: z.boolean().nullable().describe('Whether its schedule is paused; null where it has none'),
    nextDates: z.array(z.object({ at: z.string().describe('ISO 8601 instant'), local: z.string().describe('As the organisation reads it'), label: z.string().optional() })),
  })
  .meta({ id: 'Obligation' });

export async function obligationRoutes(instance: FastifyInstance, { api }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, kit } = api;
  const describe = (o: ObligationConfig, schedules: ListedSchedule[]): z.output<typeof obligation> => {
    const schedule = schedules.find((s) => s.obligationId === o.id);
    return {
      id: o.id,
      kind: o.kind,
      title: { sv: o.title.sv, en: o.title.en },
      source: o.source,
      paused: schedule ? schedule.paused : null,
      nextDates: (schedule?.nextRuns ?? []).map((r) => ({ at: r.at, local: r.local, ...(r.label ? { label: r.label } : {}) })),
    };
  };

  app.get(
    '/obligations',
    { schema: { tags: ['obligations'], summary: 'The obligations and their next dates', querystring: pagingQuery, response: { 200: pageSchema(obligation), ...problemResponses() } } },
    async (request) => {
      const schedules = await listSchedules(kit.client, config, 3);
      const all = config.obligations.map((o) => describe(o, schedules)).sort(byKey((o) => o.id));
      return pageOf(request, all, (o) => o.id, request.query, text(api.lang(request), 'apiProblem_badCursorDetail'));
    },
  );

  app.get(
    '/obligations/:obligation',
    { schema: { tags: ['obligations'], summary: 'One obligation and its next dates', params: z.strictObject({ obligation: idSchema }), response: { 200: obligation, ...problemResponses('not-found') } } },
    async (request) => {
      const found = config.obligations.find((o) => o.id === request.params.obligation);
      if (!found) throw api.notFound();
      return describe(found, await listSchedules(kit.client, config, 3));
    },
  );
}
