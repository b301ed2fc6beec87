/**
 * The archive package for the e-archive: the secretariat chooses a year and downloads its cases as a
 * ZIP after CITS ERMS (records/year-package.ts), read from the database of record. The secretariat
 * only: a reader neither sees the link nor reaches the page or the download.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CaseKind } from '../../records/archive-package';
import { exportYearPackage, NothingOnRecordError, packageFileName, yearsOnRecord } from '../../records/year-package';
import { archivePackageQuery, pageQuery } from '../forms';
import { text, type TextKey } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';

const KINDS: readonly CaseKind[] = ['cycle', 'project', 'agreement', 'revision', 'yearly-goals', 'event'];

export async function archivePackagePages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { page, config } = kit;
  const { requireSecretariat, secretariatContext, secretariatLanguage } = session;
  const records = kit.deps.records;

  const render = async (request: FastifyRequest, reply: FastifyReply, status: number, chosen?: number, error?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const years = records ? await yearsOnRecord(records, config.organisation.id) : [];
    const selected = chosen ?? years[0]?.year;
    return page(reply, status, 'list', context, {
      heading: text(lang, 'archivePackageTitle'),
      intro: text(lang, records ? 'archivePackageIntro' : 'archivePackageNoRecords'),
      ...(error ? { error } : {}),
      tables: records
        ? [
            {
              caption: text(lang, 'archivePackageYears'),
              columns: [text(lang, 'archivePackageYear'), ...KINDS.map((k) => text(lang, `archivePackageKind_${k}` as TextKey))],
              empty: text(lang, 'archivePackageNone'),
              rows: years.map((y) => ({ cells: [{ text: String(y.year) }, ...KINDS.map((k) => ({ text: String(y.kinds[k] ?? 0) }))] })),
            },
          ]
        : [],
      forms:
        records && years.length
          ? [
              {
                id: 'archive-package',
                heading: text(lang, 'archivePackageDownload'),
                help: text(lang, 'archivePackageDownloadHelp'),
                action: '/archive-package/download',
                submit: text(lang, 'archivePackageButton'),
                opens: true,
                fields: [{ name: 'year', label: text(lang, 'archivePackageYear'), type: 'select', required: true, options: years.map((y) => ({ value: String(y.year), label: String(y.year), selected: y.year === selected })) }],
              },
            ]
          : [],
    });
  };

  app.get('/archive-package', { onRequest: requireSecretariat, schema: { querystring: pageQuery } }, async (request, reply) => render(request, reply, 200));

  // A GET, as a download is: it changes nothing (and a link checker that opens it only packs a year).
  app.get('/archive-package/download', { onRequest: requireSecretariat, schema: { querystring: archivePackageQuery } }, async (request, reply) => {
    const { year } = request.query;
    const lang = secretariatLanguage(request);
    if (!records) return render(request, reply, 404);
    if (year === undefined) return render(request, reply, 400, undefined, text(lang, 'archivePackageBadYear'));
    try {
      const exported = await exportYearPackage({ records, archive: kit.archive, config, year, exportedAt: kit.now() });
      if (exported.missing.length) request.log.warn({ missing: exported.missing, year }, 'archive package: files the record names are not in the archive');
      return reply
        .header('Content-Type', 'application/zip')
        .header('Content-Disposition', `attachment; filename="${packageFileName(config.organisation.id, year)}"`)
        // The package's checksum (RFC 9530), for whoever takes it over to check what arrived.
        .header('Repr-Digest', `sha-256=:${Buffer.from(exported.sha256, 'hex').toString('base64')}:`)
        .header('Cache-Control', 'no-store')
        .send(Buffer.from(exported.zip.buffer, exported.zip.byteOffset, exported.zip.byteLength));
    } catch (err) {
      if (err instanceof NothingOnRecordError) return render(request, reply, 404, undefined, text(lang, 'archivePackageNothing', { year }));
      throw err;
    }
  });
}
