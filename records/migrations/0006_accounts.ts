/**
 * The named accounts of the web move from the data folder's accounts.json into the database of
 * record, so that every web process and the command line see one set of accounts, and a removal or
 * a new role reaches every process on its next request. With it, the record of what was carried
 * over from a data folder made before the database (`followup records import`), and a version 0
 * for a case's state as it was imported from its running workflow: the workflow numbers its own
 * writes from 1, also when it started before the database, so an imported state never takes the
 * number of one the workflow writes later. Named here, not imported, as 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.check(sql`email = lower(email)`))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('secretariat', 'reader')`))
    // The organisations a person may enter where one deployment serves several; null: as before.
    .addColumn('organisations', 'jsonb')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Single sign-on finds a person's account by their verified address.
  await db.schema.createIndex('accounts_email').on('accounts').column('email').execute();

  await db.schema
    .createTable('record_imports')
    // The data folder (or archive folder) carried over, as the process that did it named it.
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    // What the last import carried and skipped, by kind.
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .execute();

  await sql`alter table case_records drop constraint case_records_version_check`.execute(db);
  await sql`alter table case_records add constraint case_records_version_check check (version >= 0)`.execute(db);
}
