/**
 * The first tables of the database of record. A migration, once released, is never changed: a
 * later change is a migration of its own. So this file names its values itself rather than
 * importing them from schema.ts, which follows the newest migration. There is no `down`: the way
 * back from a migration is the backup taken before it.
 */
import { sql, type Kysely } from 'kysely';

const oneOf = (column: string, values: readonly string[]) => sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_log')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().check(sql`address = lower(address)`))
    .addColumn('outcome', 'text', (c) => c.notNull().check(oneOf('outcome', ['delivered', 'refused', 'failed', 'put-off'])))
    .addColumn('server_response', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    // A retried activity records the same mail again: it finds this row and updates it.
    .addUniqueConstraint('mail_log_message_address', ['message_id', 'address'])
    .execute();
  await db.schema.createIndex('mail_log_address').on('mail_log').columns(['address', 'at']).execute();
  await db.schema.createIndex('mail_log_scope').on('mail_log').columns(['scope', 'kind', 'sequence']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull().check(oneOf('via', ['web', 'cli', 'sso', 'schedule'])))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject', 'at']).execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('answer_versions')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('obligation', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('submission_id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('answer_versions_key', ['org', 'obligation', 'period', 'unit', 'revision'])
    .execute();

  await db.schema
    .createTable('goals_versions')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('goals', 'jsonb', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addUniqueConstraint('goals_versions_key', ['org', 'project', 'revision'])
    .execute();

  await db.schema
    .createTable('project_steps')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull().check(oneOf('step', ['returned', 'commented', 'approved'])))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    // The workflow gives each step its time, so a retried activity writes the same key.
    .addUniqueConstraint('project_steps_key', ['org', 'project', 'step', 'at'])
    .execute();
}
