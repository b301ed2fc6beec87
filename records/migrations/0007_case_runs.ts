/**
 * A case's versions are numbered by the run of its workflow that wrote them: when the same business
 * key runs again (its history deleted after the namespace's retention and the case started anew, or
 * a `temporal workflow reset`), the new run counts from 1 again. Each version is now keyed by its
 * run as well, so a new run's versions are kept beside the earlier run's instead of being dropped as
 * retried writes; which is newest is told by time (records/cases.ts). Rows written before this
 * migration keep '' as their run; a state `followup records import` took (version 0) is the run
 * 'import', as the import names it from now on. Named here, not imported, as 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('case_records').addColumn('run_id', 'text', (c) => c.notNull().defaultTo('')).execute();
  await sql`update case_records set run_id = 'import' where version = 0`.execute(db);
  await db.schema.alterTable('case_records').dropConstraint('case_records_key').execute();
  // A retried activity writes the same version of the same run again: the first write stands.
  await db.schema.alterTable('case_records').addUniqueConstraint('case_records_key', ['org', 'kind', 'case_id', 'run_id', 'version']).execute();
  // The newest version of a case is read by time.
  await db.schema.createIndex('case_records_newest').on('case_records').columns(['org', 'kind', 'case_id', 'at']).execute();
}
