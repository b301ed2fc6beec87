/**
 * A compiled report's files, one rendering per format from the same model: what is archived, what a
 * delivery mail carries (as the obligation's config says), and what the workspace offers to download.
 */
import { REPORT_CONTENT_TYPES, refOf, type ReportFiles, type ReportFormat } from '../../domain/report-formats';
import type { Archive } from '../archive';
import type { ReportDocument } from './document-model';
import { renderDocuments } from './render-elsewhere';

export type { ReportFiles, ReportFormat };

/**
 * Renders and archives every format under base (organisation/obligation/name, no extension). A large
 * report's PDF starts first, in a process of its own, while the web page and the Markdown are
 * rendered here (see renderDocuments).
 */
export async function archiveReportFiles(archive: Archive, base: string, rendered: { html: () => string; markdown: () => string; document: ReportDocument }): Promise<Required<ReportFiles>> {
  const { pdf, docx, meanwhile } = await renderDocuments(rendered.document, async () => ({
    html: await archive.put(`${base}.html`, rendered.html()),
    markdown: await archive.put(`${base}.md`, rendered.markdown()),
  }));
  return {
    ...meanwhile,
    pdf: await archive.put(`${base}.pdf`, pdf),
    docx: await archive.put(`${base}.docx`, docx),
  };
}

/**
 * The files the config asks to attach, in its order; a format the report was compiled without is left
 * out. Each is attached by reference where the archive can (its path): the mailer reads it as each
 * mail is sent, rather than all of it being held in memory meanwhile.
 */
export async function reportAttachments(archive: Archive, files: ReportFiles, fileBase: string, formats: readonly ReportFormat[]): Promise<ReportAttachment[]> {
  const present = formats.filter((f) => refOf(files, f));
  return Promise.all(present.map(async (format) => ({ filename: `${fileBase}.${format}`, contentType: REPORT_CONTENT_TYPES[format], ...(await archive.attachable(refOf(files, format)!)) })));
}

export type ReportAttachment = { filename: string; contentType: string } & ({ path: string } | { content: string | Buffer });
