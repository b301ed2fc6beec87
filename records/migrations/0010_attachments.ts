/**
 * Files attached to answers (a board's minute, a project's plan): each checked by its content and
 * scanned for malware before it is kept here, with its checksum, kind, size and the name it came
 * with, and the unit and cycle it was attached for. An answer holds the attachments' ids; the bytes
 * stay here. Once released, never changed (see 0001).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('answer_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('obligation', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // The question it answers (an expanded field id: "goals.exchange.minutes").
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 255`))
    // Read from the content (its magic bytes), never taken from the browser.
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().check(sql`size > 0`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // What scanned it ("clamd /run/clamav/clamd.ctl"), so that a later finding can be traced.
    .addColumn('scanned_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('answer_attachments_unit').on('answer_attachments').columns(['org', 'obligation', 'period', 'unit']).execute();
}
