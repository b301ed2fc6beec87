/**
 * API tokens for the organisation's other systems (records/api-tokens.ts): one per integration,
 * kept as the SHA-256 of its secret, never the secret itself. A revoked token stays, so that it is
 * refused with a message that says so and the list shows who revoked it when. The audit log learns
 * a fifth way in, "api": what an integration did through the HTTP API, under its name. Named here,
 * not imported, as 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    // The token's public part ("pf_<id>_<secret>"): how it is found without reading every row.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_sha256', 'text', (c) => c.notNull().check(sql`secret_sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('secretariat', 'reader')`))
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .execute();
  // A name stands for one integration while its token is in use; a revoked one's name may be taken again.
  await sql`create unique index api_tokens_active_name on api_tokens (name) where revoked_at is null`.execute(db);

  await sql`alter table audit_log drop constraint audit_log_via_check`.execute(db);
  await sql`alter table audit_log add constraint audit_log_via_check check (via in ('web', 'cli', 'sso', 'schedule', 'api'))`.execute(db);
}
