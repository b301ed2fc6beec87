/**
 * What a process does with the database of record as it starts: a worker, the web and `npm start`
 * bring the schema up to date; any other command only makes sure it is not newer than it knows.
 */
import { recordAction, type AuditEntry } from './audit-log';
import { openRecords } from './database';
import { assertSchemaKnown, migrateToLatest } from './migrate';

/** Returns the migrations applied now (none when only checking). */
export async function prepareRecords(url: string, options: { migrate: boolean }): Promise<string[]> {
  const db = await openRecords(url, { poolSize: 2 });
  try {
    if (options.migrate) return await migrateToLatest(db);
    await assertSchemaKnown(db);
    return [];
  } finally {
    await db.destroy();
  }
}

/** Writes one action of the command line to the audit log (a process of its own: opens and closes the database). */
export async function recordCommand(url: string, entry: AuditEntry): Promise<void> {
  const db = await openRecords(url, { poolSize: 1 });
  try {
    await recordAction(db, entry);
  } finally {
    await db.destroy();
  }
}
