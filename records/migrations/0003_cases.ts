/**
 * Each case as it stood after every change: a project, an agreement, a revision, the year's goals,
 * an event, a seminar, a cycle. The workflow that runs a case is the system of its process and is
 * deleted when its retention runs out; this table keeps what it decided and who did each step
 * (its history travels in the state). Once released, never changed (see 0001).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_records')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    // A retried activity writes the same version again: the first write stands.
    .addUniqueConstraint('case_records_key', ['org', 'kind', 'case_id', 'version'])
    .execute();
  await db.schema.createIndex('case_records_year').on('case_records').columns(['org', 'year', 'kind']).execute();
}
