/**
 * Webhooks: the endpoints a secretariat registers for events (answer received, report compiled …),
 * each event's delivery to each endpoint, and every attempt at it with the receiver's answer, so
 * that the web can show an endpoint's recent deliveries and failures. Named here, not imported, as
 * 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    // "ep_…", made when it is registered: the business key of its deliveries' workflows.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull().check(sql`url ~ '^https?://'`))
    // The event types it receives, as a JSON list of names ("answer.received").
    .addColumn('events', 'jsonb', (c) => c.notNull())
    // "whsec_" and base64: the HMAC key. Kept as it is, since each delivery is signed with it; shown once.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('disabled_reason', 'text')
    .execute();
  await db.schema.createIndex('webhook_endpoints_org').on('webhook_endpoints').column('org').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    // The event's id, the same on every endpoint and every try: the receiver's webhook-id.
    .addColumn('event_id', 'text', (c) => c.notNull())
    // No foreign key: an endpoint removed keeps its deliveries' record until retention takes it.
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // The body as sent, byte for byte on every try (its signature covers it).
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_response', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('next_try_at', 'timestamptz')
    // Given up: the endpoint was removed or disabled, or the tries ran out.
    .addColumn('abandoned_at', 'timestamptz')
    // An event emitted again (a retried activity) is the same delivery.
    .addUniqueConstraint('webhook_deliveries_key', ['endpoint_id', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_recent').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    // The receiver's HTTP status; null when none came (refused, timed out).
    .addColumn('status', 'integer')
    // The start of the receiver's answer, or why there was none.
    .addColumn('response', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'at']).execute();
}
