/**
 * Files posted with the answer form, the project owner's goals form and the API's upload: read
 * from the multipart stream (@fastify/multipart) within the limits of their field, then each
 * checked by its content (file-type reads the magic bytes; a PDF named .png is a PDF), scanned by
 * clamd and kept in the database of record. What the form's file field then holds is the ids of
 * its attachments. Nothing is kept unscanned: without a scanner, or with one that does not answer,
 * a file is refused with "try again later", the rest of the form kept.
 */
// The parser without Node's file and stream readers: the files are in memory, and it loads under Jest too.
import { fileTypeFromBuffer } from 'file-type/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { FieldError } from '../domain/answers';
import { acceptedKinds, attachmentIds, attachmentValue, DEFAULT_ACCEPT, DEFAULT_MAX_FILES, FILE_KINDS, kindOfMediaType, maxFileBytes, type FileKind } from '../domain/attachments';
import type { CycleKey } from '../domain/ids';
import type { ConfiguredQuestionnaire } from '../domain/questionnaire';
import type { QuestionField, Questionnaire } from '../domain/types';
import { attachmentInfos, goalsAttachmentInfos, storeAttachment, storeGoalsAttachment, type AttachmentInfo, type GoalsPlace } from '../records/attachments';
import type { Records } from '../records/database';
import { ScannerUnavailableError, type MalwareScanner } from './clamd';

/** A file as the form sent it, held until it is checked. */
export interface ReceivedFile {
  field: string;
  name: string;
  content: Buffer;
  /** Larger than the largest file any field takes: cut off while it streamed in. */
  truncated: boolean;
}

interface Received {
  files: ReceivedFile[];
  /** Files beyond what a field takes, not read: counted only, to say so beside the field. */
  overflow: Map<string, number>;
  /** The names of file parts that are no file field's, not read (the API says so; a form has none). */
  unknown: string[];
}

const received = new WeakMap<FastifyRequest, Received>();

export class NoMalwareScannerError extends Error {
  override name = 'NoMalwareScannerError';
}

/** A file field's settings, for a field of the form by its name (an expanded id such as "goals.exchange.minutes"). */
export type FileFieldOf = (request: FastifyRequest, name: string) => Pick<QuestionField, 'maxSize' | 'maxFiles'> | undefined;

/** The file fields of a configured questionnaire, with their sections: to find an expanded field's settings. */
export function configuredFileField(questionnaire: ConfiguredQuestionnaire, name: string): Pick<QuestionField, 'maxSize' | 'maxFiles' | 'accept'> | undefined {
  for (const item of questionnaire) {
    if (item.type !== 'section') {
      if (item.type === 'file' && item.id === name) return item;
      continue;
    }
    for (const field of item.fields) {
      if (field.type !== 'file') continue;
      // "section.field", or "section.item.field" for a section repeated for a list's items.
      const parts = name.split('.');
      if (parts[0] === item.id && parts.at(-1) === field.id && parts.length === (item.repeatFor ? 3 : 2)) return field;
    }
  }
  return undefined;
}

/** The largest file any of these questionnaires takes, in bytes: the stream's own limit. */
function largestFile(questionnaires: readonly ConfiguredQuestionnaire[]): number {
  const sizes = questionnaires.flatMap((q) => q.flatMap((item) => (item.type === 'section' ? item.fields : [item]).filter((f) => f.type === 'file').map((f) => maxFileBytes(f))));
  return Math.max(1, ...sizes);
}

/** A name as it may be kept and shown: no folders, no control characters, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '').trim();
  return (base || 'fil').slice(0, 255);
}

/** @fastify/multipart for the scope's routes: the stream itself stops at the largest file any of these questionnaires' fields takes. */
export async function registerMultipart(app: FastifyInstance, questionnaires: readonly ConfiguredQuestionnaire[]): Promise<void> {
  await app.register(fastifyMultipart, {
    // A file over the limit is cut off and marked, and refused beside its field, not with an error page.
    throwFileSizeLimit: false,
    limits: { fileSize: largestFile(questionnaires), files: 100, fields: 1000, fieldSize: 100_000, parts: 1100 },
  });
}

/**
 * Reads a multipart request: its text fields are returned (several values of one name as one
 * list), its files held for `checkUploads`, each field's files no more than the field takes.
 */
export async function receiveMultipart(request: FastifyRequest, fileField: FileFieldOf): Promise<Record<string, string>> {
  const body: Record<string, string> = {};
  const held: Received = { files: [], overflow: new Map(), unknown: [] };
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      // Several values of one name (the kept files of a file field) are one list.
      body[part.fieldname] = part.fieldname in body ? `${body[part.fieldname]},${value}` : value;
      continue;
    }
    const field = fileField(request, part.fieldname);
    const taken = held.files.filter((f) => f.field === part.fieldname).length;
    // An empty file input sends a part without a name or content: nothing chosen.
    if (!field || part.filename === '' || taken >= (field.maxFiles ?? DEFAULT_MAX_FILES)) {
      const chunks = await drain(part.file);
      if (field && part.filename !== '' && chunks > 0) held.overflow.set(part.fieldname, (held.overflow.get(part.fieldname) ?? 0) + 1);
      if (!field && part.filename !== '' && !held.unknown.includes(part.fieldname)) held.unknown.push(part.fieldname);
      continue;
    }
    const content = await part.toBuffer();
    held.files.push({ field: part.fieldname, name: cleanFileName(part.filename), content, truncated: part.file.truncated });
  }
  received.set(request, held);
  return body;
}

/** The names of the file parts a request sent that are no file field's. */
export function unknownFileParts(request: FastifyRequest): string[] {
  return received.get(request)?.unknown ?? [];
}

/**
 * Registers multipart parsing for the scope's routes: a multipart form's text fields become its
 * body (as a urlencoded form's would), its files are held for `checkUploads`.
 */
export async function acceptMultipartForms(app: FastifyInstance, options: { questionnaires: readonly ConfiguredQuestionnaire[]; fileField: FileFieldOf }): Promise<void> {
  await registerMultipart(app, options.questionnaires);
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    request.body = await receiveMultipart(request, options.fileField);
  });
}

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

/** The kind of file a file's content is, where it is one a field may accept. */
async function kindOf(content: Buffer): Promise<FileKind | undefined> {
  const found = await fileTypeFromBuffer(content);
  return found ? kindOfMediaType(found.mime) : undefined;
}

/** Where the files go: a unit's answer in a cycle, or a project's goals (records/attachments.ts). */
export type UploadContext = {
  records: Records | undefined;
  scanner: MalwareScanner | undefined;
  /** Who attached them, as the audit log says it. */
  uploadedBy: string;
} & ({ key: CycleKey; unit: string } | { goals: GoalsPlace });

export interface CheckedUploads {
  /** The form's values with each file field holding its attachments' ids: those kept, and the new ones taken. */
  values: Record<string, string>;
  errors: FieldError[];
  /** The attachments the file fields now hold, by id: what the form shows beside each field. */
  attachments: Map<string, AttachmentInfo>;
}

/**
 * Each file field of the questionnaire: the attachments the form kept (only those of this unit's
 * cycle), then each new file checked, scanned and stored, or refused with an error beside its field.
 */
export async function checkUploads(request: FastifyRequest, questionnaire: Questionnaire, typed: Record<string, string>, context: UploadContext): Promise<CheckedUploads> {
  const held = received.get(request) ?? { files: [], overflow: new Map<string, number>(), unknown: [] };
  const values = { ...typed };
  const errors: FieldError[] = [];
  const attachments = new Map<string, AttachmentInfo>();
  const fileFields = questionnaire.filter((f) => f.type === 'file');
  if (fileFields.length === 0) return { values, errors, attachments };
  const { records, scanner } = context;
  const keptIds = fileFields.flatMap((f) => attachmentIds(typed[f.id]));
  const known = !records ? [] : 'goals' in context ? await goalsAttachmentInfos(records, context.goals.org, context.goals.project, keptIds) : await attachmentInfos(records, context.key, keptIds, context.unit);
  const unit = 'goals' in context ? context.goals.unit : context.unit;
  for (const info of known) attachments.set(info.id, info);
  for (const field of fileFields) {
    const kept = attachmentIds(typed[field.id]).filter((id) => attachments.get(id)?.field === field.id);
    const files = held.files.filter((f) => f.field === field.id);
    const overflow = held.overflow.get(field.id) ?? 0;
    const limit = field.maxFiles ?? DEFAULT_MAX_FILES;
    const refuse = (error: Omit<FieldError, 'field'>) => {
      // One error beside a field: the first; the rest follow once it is put right.
      if (!errors.some((e) => e.field === field.id)) errors.push({ field: field.id, ...error });
    };
    if (kept.length + files.length + overflow > limit) {
      refuse({ code: 'too-many-files', limit });
      values[field.id] = attachmentValue(kept);
      continue;
    }
    const accept = (field.accept ?? DEFAULT_ACCEPT) as readonly string[];
    for (const file of files) {
      if (file.content.length === 0) {
        refuse({ code: 'file-empty', file: file.name });
        continue;
      }
      if (file.truncated || file.content.length > maxFileBytes(field)) {
        refuse({ code: 'file-too-large', file: file.name, limit: maxFileBytes(field) });
        continue;
      }
      const kind = await kindOf(file.content);
      if (!kind || !accept.includes(kind)) {
        refuse({ code: 'file-type', file: file.name, allowed: acceptedKinds(field.accept) });
        continue;
      }
      if (!scanner || !records) {
        request.log.error({ field: field.id }, 'a file was refused: no malware scanner (FOLLOWUP_CLAMD) or no database of record to keep it in');
        refuse({ code: 'scanner-unavailable', file: file.name });
        continue;
      }
      try {
        const scan = await scanner.scan(file.content);
        if (!scan.clean) {
          request.log.warn({ field: field.id, unit, ...('goals' in context ? { project: context.goals.project } : {}), signature: scan.signature }, 'a file with malware was refused');
          refuse({ code: 'file-infected', file: file.name });
          continue;
        }
      } catch (err) {
        if (!(err instanceof ScannerUnavailableError)) throw err;
        request.log.error({ err }, 'a file was refused: clamd did not scan it');
        refuse({ code: 'scanner-unavailable', file: file.name });
        continue;
      }
      const checked = {
        field: field.id,
        name: withExtension(file.name, kind),
        mediaType: FILE_KINDS[kind].mediaType,
        content: file.content,
        uploadedBy: context.uploadedBy,
        scannedBy: `clamd ${scanner.address}`,
      };
      const stored = 'goals' in context ? await storeGoalsAttachment(records, context.goals, checked) : await storeAttachment(records, { ...checked, key: context.key, unit: context.unit });
      attachments.set(stored.id, stored);
      kept.push(stored.id);
    }
    values[field.id] = attachmentValue(kept);
  }
  return { values, errors, attachments };
}

/** The name with the extension of what the file is: a Word file named "plan" is "plan.docx" when downloaded. */
function withExtension(name: string, kind: FileKind): string {
  const extension = FILE_KINDS[kind].extension;
  const lower = name.toLowerCase();
  if (lower.endsWith(`.${extension}`) || (kind === 'jpeg' && lower.endsWith('.jpeg'))) return name;
  return `${name}.${extension}`.slice(-255);
}

/** The attachments a form's file fields hold, for showing them beside the fields. */
export async function heldAttachments(records: Records | undefined, questionnaire: Questionnaire, values: Record<string, string>, key: CycleKey, unit: string): Promise<Map<string, AttachmentInfo>> {
  const ids = questionnaire.filter((f) => f.type === 'file').flatMap((f) => attachmentIds(values[f.id]));
  if (!records || ids.length === 0) return new Map();
  return new Map((await attachmentInfos(records, key, ids, unit)).map((a) => [a.id, a]));
}

/** The files a goals form's file fields hold, for showing them beside the fields. */
export async function heldGoalsAttachments(records: Records | undefined, questionnaire: Questionnaire, values: Record<string, string>, org: string, project: string): Promise<Map<string, AttachmentInfo>> {
  const ids = questionnaire.filter((f) => f.type === 'file').flatMap((f) => attachmentIds(values[f.id]));
  if (!records || ids.length === 0) return new Map();
  return new Map((await goalsAttachmentInfos(records, org, project, ids)).map((a) => [a.id, a]));
}

/** A file name as a Content-Disposition header carries it: ASCII for old clients, and the name itself (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
