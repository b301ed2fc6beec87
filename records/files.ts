/**
 * The archive in the database of record: compiled reports and their files, the period's data, the
 * outcomes a cycle stages for its report and the sender's record of mails the server took, one row
 * per file in `record_files`. Every worker and the web read the same files wherever they run, and a
 * backup of the database holds them. The same `Archive` as the folder (activities/archive.ts), with
 * the same references, so the activities, the web and the exports do not know which one they have.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { ArchiveError, createFileArchive, type Archive } from '../activities/archive';
import type { Records } from './database';

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json',
};

/** What a file of this name is, by its extension; undefined for one the archive does not name. */
export function mediaTypeOf(ref: string): string | undefined {
  const dot = ref.lastIndexOf('.');
  return dot > ref.lastIndexOf('/') ? MEDIA_TYPES[ref.slice(dot + 1).toLowerCase()] : undefined;
}

/** A reference as the folder archive would take it: relative, without "." or ".." steps, no trailing slash. */
function checkedRef(ref: string): string {
  const steps = ref.split('/');
  if (!ref || ref.startsWith('/') || ref.includes('\\') || ref.includes('\0') || steps.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ArchiveError(`"${ref}" is outside the archive.`);
  }
  return ref;
}

/** How a missing file is told, as the folder archive tells it: `readIfPresent` and the web's 404 know the code. */
function notFound(ref: string): Error {
  return Object.assign(new Error(`${ref} is not in the records database's archive (record_files): never written there, or removed on the retention schedule.`), { code: 'ENOENT' });
}

/** One file on record: its content, checksum and size, and when it was first and last written. */
export interface RecordFile {
  ref: string;
  content: Buffer;
  sha256: string;
  size: number;
  mediaType: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * formerly: the folder the archive was kept in before (FOLLOWUP_ARCHIVE_DIR), read for a file that
 * is not on record yet (a report compiled by an earlier release and not imported), and emptied of
 * what is removed; nothing is written to it.
 */
export function createRecordsArchive(db: Records, options: { formerly?: Archive } = {}): Archive {
  const { formerly } = options;
  const content = async (ref: string): Promise<Buffer> => {
    const row = await db.selectFrom('record_files').select('content').where('ref', '=', checkedRef(ref)).executeTakeFirst();
    if (row) return row.content;
    if (formerly) {
      try {
        return await formerly.readBytes(ref);
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    throw notFound(ref);
  };
  return {
    locate: (ref) => `records:${checkedRef(ref)}`,
    async put(ref, body) {
      checkedRef(ref);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      try {
        // Written again (a recompiled report, a retried activity): the newer content, the first time kept.
        await db
          .insertInto('record_files')
          .values({ ref, content: bytes, sha256, size: bytes.length, media_type: mediaTypeOf(ref) ?? null })
          .onConflict((c) => c.column('ref').doUpdateSet((eb) => ({ content: eb.ref('excluded.content'), sha256: eb.ref('excluded.sha256'), size: eb.ref('excluded.size'), media_type: eb.ref('excluded.media_type'), updated_at: sql<Date>`now()` })))
          .execute();
      } catch (err) {
        throw new ArchiveError(
          `Cannot write ${ref} to the records database (${(err as Error).message}). Check that the database named by DATABASE_URL runs and has room; the report is written as soon as it can be.`,
        );
      }
      return ref;
    },
    async read(ref) {
      return (await content(ref)).toString('utf8');
    },
    readBytes: content,
    async attachable(ref) {
      // Read now, so that a missing file fails the mailing at once rather than in the mailer.
      return { content: await content(ref) };
    },
    async remove(ref) {
      checkedRef(ref);
      await db
        .deleteFrom('record_files')
        .where((eb) => eb.or([eb('ref', '=', ref), eb(sql<boolean>`starts_with(ref, ${`${ref}/`})`, '=', true)]))
        .execute();
      await formerly?.remove(ref);
    },
  };
}

/** A file with its checksum and times (the archive package, a download that states its SHA-256); undefined when there is none. */
export async function recordFile(db: Records, ref: string): Promise<RecordFile | undefined> {
  const row = await db.selectFrom('record_files').selectAll().where('ref', '=', checkedRef(ref)).executeTakeFirst();
  if (!row) return undefined;
  return { ref: row.ref, content: row.content, sha256: row.sha256, size: Number(row.size), mediaType: row.media_type ?? undefined, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The references of the files under a folder ("solna/annual-follow-up"), without their content, in order. */
export async function recordFileRefs(db: Records, folder: string): Promise<{ ref: string; sha256: string; size: number; updatedAt: Date }[]> {
  const rows = await db
    .selectFrom('record_files')
    .select(['ref', 'sha256', 'size', 'updated_at'])
    .where(sql<boolean>`starts_with(ref, ${`${checkedRef(folder)}/`})`)
    .orderBy('ref')
    .execute();
  return rows.map((r) => ({ ref: r.ref, sha256: r.sha256, size: Number(r.size), updatedAt: r.updated_at }));
}

/**
 * The archive a process with these settings uses: the database of record where there is one (with
 * the former folder read for what is not on record yet), else the folder (a process without a
 * database, as in most tests).
 */
export function archiveOf(folder: string, records: Records | undefined): Archive {
  const inFolder = createFileArchive(folder);
  return records ? createRecordsArchive(records, { formerly: inFolder }) : inFolder;
}
