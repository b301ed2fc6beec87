/**
 * People as they are, beside the config: a unit's answer handed by its contact to a colleague
 * (a delegation, per cycle and unit), a person's substitute for a range of days, and a unit's
 * contacts and head changed from the web (an override of the config's, until it is removed).
 * Named here, not imported, as 0001 explains.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('unit_delegations')
    // A uuid, carried in the colleague's own answer link: the link names the delegation, not the person.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('obligation', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // A shared mailbox has no person's name: the name may be missing, the address never.
    .addColumn('name', 'text', (c) => c.check(sql`name is null or length(name) between 1 and 120`))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`length(email) between 3 and 254`))
    .addColumn('delegated_by', 'text', (c) => c.notNull())
    .addColumn('delegated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('unit_delegations_unit').on('unit_delegations').columns(['org', 'obligation', 'period', 'unit']).execute();

  await db.schema
    .createTable('substitutions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('org', 'text', (c) => c.notNull())
    // In lower case: the address mails to it are matched by.
    .addColumn('person_email', 'text', (c) => c.notNull().check(sql`person_email = lower(person_email)`))
    .addColumn('substitute_name', 'text', (c) => c.check(sql`substitute_name is null or length(substitute_name) between 1 and 120`))
    .addColumn('substitute_email', 'text', (c) => c.notNull())
    // Days in the organisation's calendar (YYYY-MM-DD), both included: compared as text.
    .addColumn('from_date', 'text', (c) => c.notNull().check(sql`from_date ~ '^\\d{4}-\\d{2}-\\d{2}$'`))
    .addColumn('until_date', 'text', (c) => c.notNull().check(sql`until_date ~ '^\\d{4}-\\d{2}-\\d{2}$'`))
    // Whether the person gets a copy of what goes to the substitute.
    .addColumn('copy_person', 'boolean', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed_by', 'text')
    .addColumn('removed_at', 'timestamptz')
    .addCheckConstraint('substitutions_range', sql`from_date <= until_date`)
    .execute();
  await db.schema.createIndex('substitutions_person').on('substitutions').columns(['org', 'person_email']).execute();

  await db.schema
    .createTable('unit_contacts')
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // [{ name?, email, language? }], at least one.
    .addColumn('contacts', 'jsonb', (c) => c.notNull())
    // { name?, email, language? }, or null: the config's head stays.
    .addColumn('head', 'jsonb')
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_contacts_pk', ['org', 'unit'])
    .execute();
}
