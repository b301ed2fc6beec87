/**
 * The people records kept as public records: a delegation's withdrawal (who, when), and every
 * change of a unit's contacts set in the web as a row of its own (unit_contacts holds only the one
 * in force), so that retention and the archive package can name each. Named here, not imported, as
 * 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Withdrawn, not deleted: the colleague's link stops working, and who handed what to whom stays on record.
  await db.schema.alterTable('unit_delegations').addColumn('withdrawn_by', 'text').execute();
  await db.schema.alterTable('unit_delegations').addColumn('withdrawn_at', 'timestamptz').execute();

  await db.schema
    .createTable('unit_contact_changes')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // [{ name?, email, language? }] as set; null: back to the config's contacts and head.
    .addColumn('contacts', 'jsonb')
    .addColumn('head', 'jsonb')
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('unit_contact_changes_unit').on('unit_contact_changes').columns(['org', 'unit', 'changed_at']).execute();
  // The overrides already in force are the first changes on record.
  await sql`insert into unit_contact_changes (org, unit, contacts, head, changed_by, changed_at) select org, unit, contacts, head, changed_by, changed_at from unit_contacts`.execute(db);
}
