/** Where compiled reports are kept for people to download: one folder, files named by business key. */
import { FailureType } from '../domain/refusals';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Archive {
  put(ref: string, content: string | Uint8Array): Promise<string>;
  read(ref: string): Promise<string>;
  /** A binary file (a PDF, a Word document) as it was put. */
  readBytes(ref: string): Promise<Buffer>;
  /**
   * A file as a mail attaches it: by its path where it is on disk, so that the mailer reads it as the
   * mail is sent (at thousands of units a report's PDF is 10 MB, which need not sit in memory), and
   * reads it again if it sends the mail again. Fails at once when the file cannot be read.
   */
  attachable(ref: string): Promise<{ path: string } | { content: Buffer }>;
  /** Removes a file or a folder; nothing to remove is fine. */
  remove(ref: string): Promise<void>;
  locate(ref: string): string;
}

// Reports and staged answers hold what units wrote: readable by the service's own user only.
const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

export class ArchiveError extends Error {
  override name = FailureType.archive;
}

export function createFileArchive(root: string): Archive {
  const locate = (ref: string) => {
    const full = path.resolve(root, ref);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new ArchiveError(`"${ref}" is outside the archive.`);
    return full;
  };
  return {
    locate,
    async put(ref, content) {
      const full = locate(ref);
      try {
        await mkdir(path.dirname(full), { recursive: true, mode: FOLDER_MODE });
        // Write beside and rename, so a reader never sees half a report.
        const temporary = `${full}.${process.pid}.tmp`;
        await writeFile(temporary, content, typeof content === 'string' ? { encoding: 'utf8', mode: FILE_MODE } : { mode: FILE_MODE });
        await rename(temporary, full);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        throw new ArchiveError(
          `Cannot write the report to ${full} (${code}). Make the folder writable or set FOLLOWUP_ARCHIVE_DIR; the report is written as soon as it can be.`,
        );
      }
      return ref;
    },
    async read(ref) {
      return readFile(locate(ref), 'utf8');
    },
    async readBytes(ref) {
      return readFile(locate(ref));
    },
    async attachable(ref) {
      const full = locate(ref);
      await access(full, constants.R_OK);
      return { path: full };
    },
    async remove(ref) {
      await rm(locate(ref), { recursive: true, force: true });
    },
  };
}

/** A report's files without their extension: .html, .md, .pdf, .docx. */
export function reportBase(key: { orgId: string; obligationId: string; period: string }): string {
  return `${key.orgId}/${key.obligationId}/${key.orgId}-${key.obligationId}-${key.period}`;
}

/** Where a cycle stages its units' outcomes for the report, one JSON file per part. */
export function outcomesFolderRef(key: { orgId: string; obligationId: string; period: string }): string {
  return `${key.orgId}/${key.obligationId}/.outcomes/${key.period}`;
}

export function outcomesPartRef(key: { orgId: string; obligationId: string; period: string }, part: number): string {
  return `${outcomesFolderRef(key)}/part-${String(part).padStart(4, '0')}.json`;
}

/** The answers of a compiled period, kept for the next period's comparison. */
export function reportDataRef(key: { orgId: string; obligationId: string; period: string }): string {
  return `${reportBase(key)}.json`;
}

/** A file's text, or undefined when there is none (an earlier period run elsewhere, say). */
export async function readIfPresent(archive: Archive, ref: string): Promise<string | undefined> {
  try {
    return await archive.read(ref);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
