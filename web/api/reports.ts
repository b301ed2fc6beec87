/**
 * Compiled reports and their files: which cycles have one, and each file (PDF/A, Word, HTML,
 * Markdown) to download, read from the archive as the cycle's page serves them.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CycleNotFoundError, cycleOverview, listCycles } from '../../client/cycles';
import { REPORT_FORMATS } from '../../config/schema';
import type { CycleKey } from '../../domain/ids';
import { REPORT_CONTENT_TYPES, refOf, type ReportFormat } from '../../domain/report-formats';
import type { CycleOverview } from '../../domain/types';
import { cycleOnRecord, cyclesOnRecord } from '../../records/cycles';
import { text } from '../i18n';
import { idSchema, periodSchema, type ApiContext, type ApiOptions } from './context';
import { byKey, pageOf, pageSchema, pagingQuery } from './paging';
import { problemResponses } from './problems';

const report = z
  .object({
    obligation: z.string(),
    period: z.string(),
    compiledAt: z.string().nullable().describe('When the cycle closed'),
    files: z.array(z.object({ format: z.enum(REPORT_FORMATS), contentType: z.string(), href: z.string() })),
  })
  .meta({ id: 'Report' });

/** A file's bytes: sent as they are, described as binary. */
const fileContent = z.any().meta({ type: 'string', format: 'binary' });

const cyclePath = z.strictObject({ obligation: idSchema, period: periodSchema });

export async function reportRoutes(instance: FastifyInstance, { api }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, orgId } = api;
  const { client, archive, dataCalls } = kit;
  const records = kit.deps.records;
  const base = `${kit.basePath}/api/v1/reports`;

  const formatsOf = (overview: CycleOverview): ReportFormat[] => (overview.report ? REPORT_FORMATS.filter((f) => refOf(overview.report!, f) !== undefined) : []);
  const reportOf = (key: CycleKey, overview: CycleOverview): z.output<typeof report> => ({
    obligation: key.obligationId,
    period: key.period,
    compiledAt: overview.closedAt ?? null,
    files: formatsOf(overview).map((format) => ({ format, contentType: REPORT_CONTENT_TYPES[format], href: `${base}/${key.obligationId}/${key.period}/${format}` })),
  });
  /** The cycle's overview from Temporal, or from its record once its workflow is gone; 404 when neither knows it. */
  const overviewOf = async (params: { obligation: string; period: string }): Promise<{ key: CycleKey; overview: CycleOverview }> => {
    if (!dataCalls.some((o) => o.id === params.obligation)) throw api.notFound();
    const key = { orgId, obligationId: params.obligation, period: params.period };
    try {
      return { key, overview: await cycleOverview(client, key) };
    } catch (err) {
      if (!(err instanceof CycleNotFoundError)) throw err;
      const kept = records ? await cycleOnRecord(records, archive, key) : undefined;
      if (!kept) throw api.notFound();
      return { key, overview: kept.info };
    }
  };

  app.get('/reports', { schema: { tags: ['reports'], summary: 'The compiled reports', querystring: pagingQuery, response: { 200: pageSchema(report), ...problemResponses() } } }, async (request) => {
    const listed = (await listCycles(client, orgId, 10_000)).flatMap((c) => (c.overview ? [{ key: c.key, overview: c.overview }] : []));
    const known = new Set(listed.map((c) => `${c.key.obligationId}/${c.key.period}`));
    const kept = records ? (await cyclesOnRecord(records, orgId)).filter((c) => !known.has(`${c.key.obligationId}/${c.key.period}`)) : [];
    const key = (r: { obligation: string; period: string }) => `${r.obligation}/${r.period}`;
    const items = [...listed, ...kept]
      .filter((c) => c.overview.report)
      .map((c) => reportOf(c.key, c.overview))
      .sort(byKey(key));
    return pageOf(request, items, key, request.query, text(api.lang(request), 'apiProblem_badCursorDetail'));
  });

  app.get('/reports/:obligation/:period', { schema: { tags: ['reports'], summary: 'A cycle\'s report and its files', params: cyclePath, response: { 200: report, ...problemResponses('not-found') } } }, async (request) => {
    const { key, overview } = await overviewOf(request.params);
    if (!overview.report) throw api.notFound();
    return reportOf(key, overview);
  });

  app.get(
    '/reports/:obligation/:period/:format',
    {
      schema: {
        tags: ['reports'],
        summary: 'A file of the report, to download',
        params: cyclePath.extend({ format: z.enum(REPORT_FORMATS) }),
        response: {
          200: { description: 'The file', content: Object.fromEntries(REPORT_FORMATS.map((f) => [REPORT_CONTENT_TYPES[f].split(';')[0]!, { schema: fileContent }])) },
          ...problemResponses('not-found'),
        },
      },
    },
    async (request, reply) => {
      const { overview } = await overviewOf(request.params);
      const ref = overview.report ? refOf(overview.report, request.params.format) : undefined;
      if (!ref) throw api.notFound();
      let content: Buffer;
      try {
        content = await archive.readBytes(ref);
      } catch (err) {
        // Removed on the retention schedule, or the archive moved.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw api.notFound();
        throw err;
      }
      return reply.header('Content-Disposition', `attachment; filename="${path.basename(ref)}"`).type(REPORT_CONTENT_TYPES[request.params.format]).send(content);
    },
  );
}
