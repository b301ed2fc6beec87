/**
 * The lines of a running cycle's units, as the status lists them: a copy of each unit's line in the
 * visibility store, written by the worker after the unit's activation (workers/unit-row-sinks.ts),
 * so that a status of thousands of units is one query here instead of a listing of the store. Not
 * a record (what was received and sent is in answer_versions and mail_log); a cycle's lines are
 * removed once its report's data keeps them. Named here, not imported, as 0001 explains.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('unit_rows')
    // The cycle's workflow id (cycle/solna/annual-follow-up/2026) and the unit's id.
    .addColumn('cycle', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('row', 'jsonb', (c) => c.notNull())
    // Which write is newer: within a run the longer history; a unit reset by an operator goes on in a new run.
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('history_length', 'integer', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_rows_pkey', ['cycle', 'unit'])
    .execute();
}
