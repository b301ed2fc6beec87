/**
 * Files attached to answers, in the database of record: content (bytea), SHA-256, the kind read
 * from the content, size, the name it came with, and whose answer it belongs to. Written by the web
 * once a file has passed its checks and the malware scan; an answer holds only the ids.
 */
import { createHash, randomUUID } from 'node:crypto';
import { attachmentIds } from '../domain/attachments';
import type { CycleKey } from '../domain/ids';
import type { Questionnaire, UnitStatus } from '../domain/types';
import type { Records } from './database';

export interface AttachmentInfo {
  id: string;
  unit: string;
  field: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
}

export interface Attachment extends AttachmentInfo {
  content: Buffer;
}

export interface NewAttachment {
  key: CycleKey;
  unit: string;
  field: string;
  name: string;
  mediaType: string;
  content: Buffer;
  uploadedBy: string;
  scannedBy: string;
}

/** The columns every stored file has, answers' and goals' alike, and its info but for the moment of upload. */
function fileColumns(file: Omit<NewAttachment, 'key'>) {
  const id = randomUUID();
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const columns = { id, unit: file.unit, field: file.field, name: file.name, media_type: file.mediaType, size: file.content.length, sha256, content: file.content, uploaded_by: file.uploadedBy, scanned_by: file.scannedBy };
  const info = (uploadedAt: Date): AttachmentInfo => ({ id, unit: file.unit, field: file.field, name: file.name, mediaType: file.mediaType, size: file.content.length, sha256, uploadedBy: file.uploadedBy, uploadedAt });
  return { columns, info };
}

/** Rows by id, in the order the ids were asked for; an id with no row is left out. */
const inAskedOrder = <T extends { id: string }>(ids: readonly string[], rows: readonly T[]): T[] => {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
};

export async function storeAttachment(db: Records, file: NewAttachment): Promise<AttachmentInfo> {
  const { columns, info } = fileColumns(file);
  const row = await db
    .insertInto('answer_attachments')
    .values({ ...columns, org: file.key.orgId, obligation: file.key.obligationId, period: file.key.period })
    .returning('uploaded_at')
    .executeTakeFirstOrThrow();
  return info(row.uploaded_at);
}

const INFO = ['id', 'unit', 'field', 'name', 'media_type', 'size', 'sha256', 'uploaded_by', 'uploaded_at'] as const;
type InfoRow = { id: string; unit: string; field: string; name: string; media_type: string; size: string; sha256: string; uploaded_by: string; uploaded_at: Date };
const infoOf = (r: InfoRow): AttachmentInfo => ({ id: r.id, unit: r.unit, field: r.field, name: r.name, mediaType: r.media_type, size: Number(r.size), sha256: r.sha256, uploadedBy: r.uploaded_by, uploadedAt: r.uploaded_at });

/**
 * The attachments of a cycle with these ids, without their content, in the order asked; an id of
 * another cycle (or unit, where one is named) is not among them, so a form cannot claim another's file.
 */
export async function attachmentInfos(db: Records, key: CycleKey, ids: readonly string[], unit?: string): Promise<AttachmentInfo[]> {
  if (ids.length === 0) return [];
  let query = db.selectFrom('answer_attachments').select(INFO).where('org', '=', key.orgId).where('obligation', '=', key.obligationId).where('period', '=', key.period).where('id', 'in', [...ids]);
  if (unit) query = query.where('unit', '=', unit);
  return inAskedOrder(ids, (await query.execute()).map(infoOf));
}

/** One attachment with its content, where it belongs to this cycle and unit. */
export async function readAttachment(db: Records, key: CycleKey, unit: string, id: string): Promise<Attachment | undefined> {
  const row = await db
    .selectFrom('answer_attachments')
    .select([...INFO, 'content'])
    .where('org', '=', key.orgId)
    .where('obligation', '=', key.obligationId)
    .where('period', '=', key.period)
    .where('unit', '=', unit)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { ...infoOf(row), content: row.content } : undefined;
}

/** The attachments the units' answers hold, by id: what the compiled report lists. */
export async function reportAttachmentsOf(db: Records, key: CycleKey, questionnaire: Questionnaire, outcomes: readonly Pick<UnitStatus, 'unitId' | 'answer'>[]): Promise<Map<string, AttachmentInfo>> {
  const fileFields = questionnaire.filter((f) => f.type === 'file');
  const ids = outcomes.flatMap((o) => (o.answer ? fileFields.flatMap((f) => attachmentIds(o.answer!.values[f.id])) : []));
  return new Map((await attachmentInfos(db, key, ids)).map((a) => [a.id, a]));
}

/**
 * The attachments of a cycle with these ids, with their content, in the order asked (the archive
 * package's appendices); an id of another cycle or unit is not among them.
 */
export async function attachmentsWithContent(db: Records, key: CycleKey, ids: readonly string[], unit?: string): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  let query = db.selectFrom('answer_attachments').select([...INFO, 'content']).where('org', '=', key.orgId).where('obligation', '=', key.obligationId).where('period', '=', key.period).where('id', 'in', [...ids]);
  if (unit) query = query.where('unit', '=', unit);
  return inAskedOrder(ids, (await query.execute()).map((r) => ({ ...infoOf(r), content: r.content })));
}

// --- Files attached to a project's goals ---------------------------------------------------------

/** Where a project's goals files belong: the organisation, the gate that asked for them and the project. */
export interface GoalsPlace {
  org: string;
  obligation: string;
  project: string;
  /** The project's unit: who the files came from. */
  unit: string;
}

export async function storeGoalsAttachment(db: Records, place: GoalsPlace, file: Omit<NewAttachment, 'key' | 'unit'>): Promise<AttachmentInfo> {
  const { columns, info } = fileColumns({ ...file, unit: place.unit });
  const row = await db
    .insertInto('goals_attachments')
    .values({ ...columns, org: place.org, obligation: place.obligation, project: place.project })
    .returning('uploaded_at')
    .executeTakeFirstOrThrow();
  return info(row.uploaded_at);
}

/** A project's goals files with these ids, without their content, in the order asked; an id of another project's file is not among them. */
export async function goalsAttachmentInfos(db: Records, org: string, project: string, ids: readonly string[]): Promise<AttachmentInfo[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('goals_attachments').select(INFO).where('org', '=', org).where('project', '=', project).where('id', 'in', [...ids]).execute();
  return inAskedOrder(ids, rows.map(infoOf));
}

/** A project's goals files with these ids, with their content (the archive package's appendices). */
export async function goalsAttachmentsWithContent(db: Records, org: string, project: string, ids: readonly string[]): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('goals_attachments').select([...INFO, 'content']).where('org', '=', org).where('project', '=', project).where('id', 'in', [...ids]).execute();
  return inAskedOrder(ids, rows.map((r) => ({ ...infoOf(r), content: r.content })));
}

/** One of a project's goals files with its content. */
export async function readGoalsAttachment(db: Records, org: string, project: string, id: string): Promise<Attachment | undefined> {
  return (await goalsAttachmentsWithContent(db, org, project, [id]))[0];
}

/** The ids of the files the versions of a project's goals hold, each once, in the order they first appear. */
export function goalsAttachmentIds(versions: readonly { goals: Record<string, unknown> }[], questionnaire: Questionnaire): string[] {
  const known = new Set(questionnaire.map((f) => f.id));
  // A file field, or a question since removed whose value still names files.
  return [...new Set(versions.flatMap((v) => Object.entries(v.goals).flatMap(([id, value]) => (!known.has(id) || questionnaire.find((f) => f.id === id)?.type === 'file' ? attachmentIds(value) : []))))];
}
