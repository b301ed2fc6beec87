/**
 * Files attached to a project's goals (its application, its plan): checked by content and scanned
 * for malware as an answer's files are (0010), and kept here with the project they belong to. Each
 * version of the goals (goals_versions) holds the ids of its files, as an answer version does; a
 * file kept through a correction is in every version that holds it. Once released, never changed.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('goals_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    // The gate (gate-before-start obligation) whose questionnaire asked for it.
    .addColumn('obligation', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    // The project's unit when it was attached: who the file came from.
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 255`))
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size > 0`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('scanned_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('goals_attachments_project').on('goals_attachments').columns(['org', 'project']).execute();
}
