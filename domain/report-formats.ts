/** A compiled report's formats and where each is archived: shared by the activities that write them and the web that serves them. */
import type { REPORT_FORMATS } from '../config/schema';

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

export function refOf(files: ReportFiles, format: ReportFormat): string | undefined {
  return format === 'md' ? files.markdown : files[format];
}
