/**
 * The records' migrations on both databases they run on: PGlite served over the wire protocol
 * (`npm start`) and a real PostgreSQL server (production). They apply, a second run changes
 * nothing, and a database that a newer release has migrated is refused with what to do, by the
 * migrator and by the `followup` command alike.
 */
import { sql } from 'kysely';
import { runCli } from '../../cli/program';
import { openRecords, RecordsUnreachableError, type Records } from '../../records/database';
import { appliedMigrations, assertSchemaKnown, migrateToLatest, RecordsSchemaTooNewError } from '../../records/migrate';
import { RECORDS_MIGRATIONS } from '../../records/migrations';
import { RECORDS_BACKENDS, type RecordsBackend } from '../helpers/records';

jest.setTimeout(60_000);

const TABLES = ['accounts', 'answer_attachments', 'api_tokens', 'answer_versions', 'audit_log', 'case_records', 'goals_attachments', 'goals_versions', 'mail_log', 'project_steps', 'record_files', 'record_imports', 'retention_log', 'substitutions', 'unit_contact_changes', 'unit_contacts', 'unit_delegations', 'unit_rows', 'web_failure_counts', 'web_sessions', 'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints'];

/** Every table's columns and constraints: what a second migration run must leave as it was. */
async function schemaOf(db: Records): Promise<string[]> {
  const columns = await sql<{ line: string }>`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as line
    from information_schema.columns where table_schema = 'public' order by 1`.execute(db);
  const constraints = await sql<{ line: string }>`
    select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as line
    from pg_constraint where connamespace = 'public'::regnamespace order by 1`.execute(db);
  return [...columns.rows, ...constraints.rows].map((r) => r.line);
}

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  const open: Records[] = [];
  const fresh = async () => {
    const db = await openRecords(await backend.freshDatabase());
    open.push(db);
    return db;
  };

  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.destroy()));
    await backend?.stop();
  });

  test('the migrations create the tables, and a second run changes nothing', async () => {
    const db = await fresh();
    expect(await appliedMigrations(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual(Object.keys(RECORDS_MIGRATIONS));
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by 1`.execute(db);
    // Compared as sets: the server's collation orders "web_sessions" and "webhook_…" its own way.
    expect(tables.rows.map((r) => r.table_name).sort()).toEqual([...TABLES].sort());
    const before = await schemaOf(db);
    expect(before.some((line) => line.includes('mail_log_message_address UNIQUE (message_id, address)'))).toBe(true);

    expect(await migrateToLatest(db)).toEqual([]);
    expect(await schemaOf(db)).toEqual(before);
    expect(await appliedMigrations(db)).toEqual(Object.keys(RECORDS_MIGRATIONS));
  });

  test('a database migrated by a newer release is refused, saying which migration and what to do', async () => {
    const url = await backend.freshDatabase();
    const db = await openRecords(url);
    open.push(db);
    await migrateToLatest(db);
    await sql`insert into kysely_migration (name, timestamp) values ('0099_from_a_newer_release', ${new Date().toISOString()})`.execute(db);

    const refusal = /0099_from_a_newer_release.*upgrade policy-followup to the release that made it, or restore the backup taken before/i;
    await expect(assertSchemaKnown(db)).rejects.toThrow(RecordsSchemaTooNewError);
    await expect(assertSchemaKnown(db)).rejects.toThrow(refusal);
    await expect(migrateToLatest(db)).rejects.toThrow(refusal);

    // A command, and the worker, stop before doing anything.
    for (const argv of [['cycle', 'status', 'annual-follow-up'], ['worker']]) {
      const err: string[] = [];
      const code = await runCli(argv, { out: () => undefined, err: (t) => err.push(t), env: { DATABASE_URL: url } });
      expect(code).toBe(1);
      expect(err.join('\n')).toMatch(refusal);
    }
  });
});

test('a database that cannot be reached is named, without its password, with what to check', async () => {
  const refused = openRecords('postgresql://followup:s3cret@127.0.0.1:1/followup');
  await expect(refused).rejects.toThrow(RecordsUnreachableError);
  await expect(refused).rejects.toThrow(/postgresql:\/\/followup:\*\*\*@127\.0\.0\.1:1\/followup .*DATABASE_URL names the right host, port, database, user and password/);
  await expect(refused).rejects.not.toThrow(/s3cret/);
});
