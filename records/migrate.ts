/**
 * Versioned migrations (records/migrations/), applied when a worker or `npm start` starts. A
 * process refuses a database whose schema is newer than it knows: an older release writing to a
 * newer schema could lose or misread what the newer one keeps.
 */
import { DEFAULT_MIGRATION_TABLE, Migrator, sql } from 'kysely';
import type { Records } from './database';
import { LATEST_RECORDS_MIGRATION, RECORDS_MIGRATIONS } from './migrations';

export class RecordsSchemaTooNewError extends Error {
  override name = 'RecordsSchemaTooNewError';
}

export class RecordsMigrationError extends Error {
  override name = 'RecordsMigrationError';
}

/** The migrations the database has had, oldest first; none in a new database. */
export async function appliedMigrations(db: Records): Promise<string[]> {
  const table = await sql<{ found: string | null }>`select to_regclass(${DEFAULT_MIGRATION_TABLE})::text as found`.execute(db);
  if (!table.rows[0]?.found) return [];
  const applied = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)} order by name`.execute(db);
  return applied.rows.map((r) => r.name);
}

export async function assertSchemaKnown(db: Records): Promise<void> {
  const unknown = (await appliedMigrations(db)).filter((name) => !Object.hasOwn(RECORDS_MIGRATIONS, name));
  if (unknown.length === 0) return;
  const them = unknown.length === 1 ? `migration ${unknown[0]}` : `migrations ${unknown.join(', ')}`;
  throw new RecordsSchemaTooNewError(
    `The records database has ${them}, which this release of policy-followup does not know (it knows up to ${LATEST_RECORDS_MIGRATION}): a newer release has changed the schema. Upgrade policy-followup to the release that made it, or restore the backup taken before.`,
  );
}

/**
 * Applies every migration the database has not had, all in one transaction (PostgreSQL's DDL is
 * transactional): after a failure the database is as it was. Several processes starting at once
 * take turns (Kysely holds a lock while it migrates). Returns the names applied now.
 */
export async function migrateToLatest(db: Records): Promise<string[]> {
  await assertSchemaKnown(db);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...RECORDS_MIGRATIONS }) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    // A newer release may have migrated between the check above and the lock.
    await assertSchemaKnown(db);
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new RecordsMigrationError(
      `Could not bring the records database's schema up to ${LATEST_RECORDS_MIGRATION}${failed ? `: migration ${failed} failed` : ''} (${error instanceof Error ? error.message : String(error)}). Nothing of it was applied; fix the cause (the database user must be allowed to create tables) and start again.`,
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
