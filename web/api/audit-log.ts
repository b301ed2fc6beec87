/**
 * The audit log: who did what, when and how they came in, newest first. The log is the
 * deployment's; an organisation reads its own part: everything where the deployment serves it
 * alone, else what was done on its pages and through its API.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { ACTED_VIA } from '../../records/schema';
import { text } from '../i18n';
import type { ApiContext, ApiOptions } from './context';
import { decodeCursor, pageFrom, pageSchema, pagingFields } from './paging';
import { ApiProblem, problemResponses } from './problems';

const entry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    via: z.string().describe(`How they came in: ${ACTED_VIA.join(', ')}`),
    action: z.string(),
    subject: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });

export async function auditLogRoutes(instance: FastifyInstance, { api }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, orgId } = api;

  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['audit-log'],
        summary: 'Who did what, newest first',
        querystring: z.strictObject({ ...pagingFields, via: z.enum(ACTED_VIA as [string, ...string[]]).optional(), subject: z.string().max(500).optional().describe('Only actions on this subject') }),
        response: { 200: pageSchema(entry), ...problemResponses() },
      },
    },
    async (request) => {
      const records = kit.deps.records;
      // Without a database of record there is no audit log to read.
      if (!records) throw api.notFound();
      const badCursor = text(api.lang(request), 'apiProblem_badCursorDetail');
      const after = decodeCursor(request.query.cursor, badCursor);
      if (after !== undefined && !/^\d{1,19}$/.test(after)) throw new ApiProblem('bad-request', badCursor);
      let query = records.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(request.query.limit + 1);
      if (after !== undefined) query = query.where('id', '<', after);
      if (request.query.via) query = query.where('via', '=', request.query.via as (typeof ACTED_VIA)[number]);
      if (request.query.subject) query = query.where('subject', '=', request.query.subject);
      // Where a deployment serves several organisations, this one's: its pages' paths and its API's writes.
      if (kit.basePath) query = query.where((eb) => eb.or([eb('subject', 'like', `${kit.basePath}/%`), eb(sql<string>`detail->>'org'`, '=', orgId)]));
      const rows = await query.execute();
      const shown = rows.slice(0, request.query.limit).map((r) => ({ id: String(r.id), at: r.at.toISOString(), actor: r.actor, via: r.via, action: r.action, subject: r.subject, detail: r.detail }));
      return pageFrom(request, shown, rows.length > request.query.limit, (e) => e.id);
    },
  );
}
