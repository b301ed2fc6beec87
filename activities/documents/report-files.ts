/**
 * A compiled report's files, one rendering per format from the same model: what is archived, what a
 * delivery mail carries (as the obligation's config says), and what the workspace offers to download.
 */
import type { REPORT_FORMATS } from '../../config/schema';
import type { Archive } from '../archive';
import type { ReportDocument } from './document-model';
import { renderDocuments } from './render-elsewhere';

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/** References to a report's archived files; reports compiled before PDF and Word existed have neither. */
export interface ReportFiles {
  html: string;
  markdown: string;
  pdf?: string;
  docx?: string;
}

/** Renders and archives every format under base (organisation/obligation/name, no extension). */
export async function archiveReportFiles(archive: Archive, base: string, rendered: { html: string; markdown: string; document: ReportDocument }): Promise<Required<ReportFiles>> {
  const { pdf, docx } = await renderDocuments(rendered.document);
  return {
    html: await archive.put(`${base}.html`, rendered.html),
    markdown: await archive.put(`${base}.md`, rendered.markdown),
    pdf: await archive.put(`${base}.pdf`, pdf),
    docx: await archive.put(`${base}.docx`, docx),
  };
}

export function refOf(files: ReportFiles, format: ReportFormat): string | undefined {
  return format === 'md' ? files.markdown : files[format];
}

/** The files the config asks to attach, in its order; a format the report was compiled without is left out. */
export async function reportAttachments(archive: Archive, files: ReportFiles, fileBase: string, formats: readonly ReportFormat[]): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  const present = formats.filter((f) => refOf(files, f));
  return Promise.all(present.map(async (format) => ({ filename: `${fileBase}.${format}`, content: await archive.readBytes(refOf(files, format)!), contentType: REPORT_CONTENT_TYPES[format] })));
}
