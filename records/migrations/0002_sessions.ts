/**
 * The secretariat's sign-in moves into the database of record, so that every web process behind
 * a proxy knows every session and a restarted one signs nobody out: the sessions, and the failure
 * counts behind the sign-in and invalid-link limits. Named here, not imported, as 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    // The SHA-256 of the cookie's token, never the token: a copy of the table opens no session.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('role_from', 'text', (c) => c.notNull().check(sql`role_from in ('account', 'claim', 'accounts-file')`))
    .addColumn('person', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // A person's sessions end together (single sign-on without a role any more); expired ones are swept.
  await db.schema.createIndex('web_sessions_account').on('web_sessions').column('account').execute();
  await db.schema.createIndex('web_sessions_expires_at').on('web_sessions').column('expires_at').execute();

  // rate-limiter-flexible's RateLimiterPostgres table, as the library would create it (it inserts
  // by position, so the columns keep its order); made here so that the schema stays versioned.
  await db.schema
    .createTable('web_failure_counts')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}
