/**
 * The compiled reports and their files (HTML, Markdown, PDF, Word, the period's data), the outcomes
 * a cycle stages for its report and the sender's record of mails the server took: files every
 * worker and the web read alike, in the database of record instead of one machine's folder. Keyed
 * by the reference the archive always used ("solna/annual-follow-up/solna-annual-follow-up-2026.pdf").
 * Once released, never changed (see 0001).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('record_files')
    .addColumn('ref', 'text', (c) => c.primaryKey().check(sql`ref <> '' and left(ref, 1) <> '/'`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    // Of the content, in lower-case hex: what the archive package states and a reader can check.
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size >= 0`))
    .addColumn('media_type', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
