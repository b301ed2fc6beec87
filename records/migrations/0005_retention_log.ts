/**
 * The retention log: each removal made by a retention decision (gallring), of a record in the
 * database or a file in the archive folder, with the decision's reference and the rule followed.
 * Written in the same transaction as the removal; retention never removes from it. Once released,
 * never changed (see 0001).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retention_log')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    // The organisation whose rule it was; none for the audit log, which is the deployment's.
    .addColumn('org', 'text')
    .addColumn('record_type', 'text', (c) => c.notNull())
    // What was removed: a business key ("solna/annual-follow-up/2025/omsorg"), a file's reference, a row's key.
    .addColumn('what', 'text', (c) => c.notNull())
    // Where it was: "database" (a table's rows or a file in record_files) or "folder" (FOLLOWUP_ARCHIVE_DIR).
    .addColumn('place', 'text', (c) => c.notNull())
    // How many rows or files the record was (each version of an answer, each step of a project).
    .addColumn('rows', 'integer', (c) => c.notNull().check(sql`rows >= 1`))
    // The record's time the rule counted from, and the rule: "P10Y".
    .addColumn('record_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    // The decision's reference ("KS 2024/123 § 45"); none only where a data call's own retention named none.
    .addColumn('decision', 'text')
    .execute();
  await db.schema.createIndex('retention_log_at').on('retention_log').columns(['at']).execute();
}
