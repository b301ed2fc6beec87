/**
 * Files attached to answers, as the questionnaire, the answer and the report see them. Pure (the
 * workflows check answers with it): an answer holds the attachments' ids, never their bytes, which
 * stay in the database of record (records/attachments.ts).
 */
import type { ConfiguredQuestionnaire } from './questionnaire';

/**
 * The kinds of file a file field may accept, each known by its content (web/uploads.ts reads the
 * magic bytes; DOCX, XLSX and ODT are zip containers told apart by what they hold). Text formats
 * such as CSV have no signature to check them by, so they are not offered.
 */
export const FILE_KINDS = {
  pdf: { mediaType: 'application/pdf', extension: 'pdf', label: 'PDF' },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx', label: 'Word (DOCX)' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', label: 'Excel (XLSX)' },
  pptx: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx', label: 'PowerPoint (PPTX)' },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', extension: 'odt', label: 'OpenDocument text (ODT)' },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extension: 'ods', label: 'OpenDocument spreadsheet (ODS)' },
  png: { mediaType: 'image/png', extension: 'png', label: 'PNG' },
  jpeg: { mediaType: 'image/jpeg', extension: 'jpg', label: 'JPEG' },
} as const;

export type FileKind = keyof typeof FILE_KINDS;
export const FILE_KIND_NAMES = Object.keys(FILE_KINDS) as FileKind[];

/** What a file field takes when its config does not say: documents and pictures, 10 MB, five files. */
export const DEFAULT_ACCEPT: readonly FileKind[] = ['pdf', 'docx', 'xlsx', 'odt', 'ods', 'png', 'jpeg'];
export const DEFAULT_MAX_FILE_MB = 10;
export const DEFAULT_MAX_FILES = 5;
/** No field takes more: the form's files are held in memory while they are checked and scanned. */
export const LARGEST_MAX_FILE_MB = 100;
export const LARGEST_MAX_FILES = 20;
const MB = 1024 * 1024;

/** The largest file a field takes, in bytes (the config gives megabytes, as a file manager shows them). */
export function maxFileBytes(field: { maxSize?: number }): number {
  return Math.round((field.maxSize ?? DEFAULT_MAX_FILE_MB) * MB);
}

const ATTACHMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isAttachmentId(id: string): boolean {
  return ATTACHMENT_ID.test(id);
}

/** The ids a file field's value holds ("id,id"), in order, each once; anything else in it is dropped. */
export function attachmentIds(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return [...new Set(value.split(/[\s,]+/).filter(isAttachmentId))];
}

/** A file field's value: its attachments' ids, comma-separated. */
export function attachmentValue(ids: readonly string[]): string {
  return ids.join(',');
}

/** The kinds a field takes, as the person reads them: "PDF, Word (DOCX), PNG". */
export function acceptedKinds(accept: readonly string[] | undefined): string {
  return (accept ?? DEFAULT_ACCEPT).map((k) => FILE_KINDS[k as FileKind]?.label ?? k).join(', ');
}

/** A size as a person reads it: "850 kB", "2,4 MB" (kB of 1024 bytes, as a file manager shows them). */
export function formatFileSize(bytes: number, language: 'sv' | 'en'): string {
  const locale = language === 'sv' ? 'sv-SE' : 'en-GB';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024).toLocaleString(locale)} kB`;
  return `${(bytes / MB).toLocaleString(locale, { maximumFractionDigits: 1 })} MB`;
}

/** The kind of file a media type is, for the fields that accept it. */
export function kindOfMediaType(mediaType: string): FileKind | undefined {
  return FILE_KIND_NAMES.find((k) => FILE_KINDS[k].mediaType === mediaType);
}

/** What a file's description needs: the attachment's record without its id or bytes. */
export interface DescribedAttachment {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/**
 * An attachment as the exports and the archive package name it, as the report does: its name, its
 * kind, its size and its SHA-256 ("plan.pdf (PDF, 850 kB, SHA-256 3a7b…)"), never its id.
 */
export function describeAttachment(a: DescribedAttachment, language: 'sv' | 'en'): string {
  const kind = kindOfMediaType(a.mediaType);
  return `${a.name} (${kind ? FILE_KINDS[kind].label : a.mediaType}, ${formatFileSize(a.size, language)}, SHA-256 ${a.sha256})`;
}

/** Whether any of these questionnaires asks for files: such a config needs a scanner and a database of record. */
export function asksForFiles(questionnaires: readonly ConfiguredQuestionnaire[]): boolean {
  return questionnaires.some((q) => q.some((item) => item.type === 'file' || (item.type === 'section' && item.fields.some((f) => f.type === 'file'))));
}

/** The questionnaires whose forms take files: a data call's answers and a project's goals (gate-before-start). */
export function questionnairesTakingFiles(obligations: readonly { kind: string; questionnaire?: ConfiguredQuestionnaire }[]): ConfiguredQuestionnaire[] {
  return obligations.flatMap((o) => ((o.kind === 'periodic-data-call' || o.kind === 'gate-before-start') && o.questionnaire ? [o.questionnaire] : []));
}
