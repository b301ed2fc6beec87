/**
 * The backup drill of docs/operations.md ("Backing up the records"): on PostgreSQL, `pg_dump` of
 * the database of record, the database dropped, `pg_restore` into a new one, and every record reads back and the schema is
 * the one this release knows; on `npm start`'s embedded database, its folder copied while it is
 * stopped, the original removed, and the copy serves the same records.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePorts } from '../../scripts/cluster/ports';
import { postgresBin, startPostgres, type PostgresServer } from '../../scripts/cluster/postgres';
import { recentActions, recordAction } from '../../records/audit-log';
import { openRecords, type Records } from '../../records/database';
import { mailsTo, recordMail } from '../../records/mail-log';
import { appliedMigrations, assertSchemaKnown, migrateToLatest } from '../../records/migrate';
import { startEmbeddedRecordsProcess } from '../helpers/records';

jest.setTimeout(120_000);
const run = promisify(execFile);

async function writeRecords(db: Records): Promise<void> {
  await migrateToLatest(db);
  await recordMail(db, { scope: 'solna.project-goals.vanort-tartu', kind: 'goals-request', messageId: '<goals-request.1@solna.example>', address: 'anna.berg@solna.example', outcome: 'refused', serverResponse: '550 No such user', at: new Date('2026-12-07T09:00:00Z') });
  await recordAction(db, { at: new Date('2026-12-07T09:01:00Z'), actor: 'Sekretariatet (sekretariatet)', via: 'web', action: 'project-registered', subject: '/projects' });
}

async function expectRecords(db: Records): Promise<void> {
  await assertSchemaKnown(db);
  expect((await mailsTo(db, 'anna.berg@solna.example')).map((m) => [m.kind, m.outcome, m.serverResponse])).toEqual([['goals-request', 'refused', '550 No such user']]);
  expect((await recentActions(db)).map((a) => [a.actor, a.action])).toEqual([['Sekretariatet (sekretariatet)', 'project-registered']]);
}

test('PostgreSQL: dump, drop, restore, and every record reads back', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'followup-backup-'));
  const [port] = await freePorts(1);
  let server: PostgresServer | undefined;
  try {
    server = await startPostgres({ dataDir: path.join(root, 'data'), port: port!, user: 'followup' });
    const admin = async (statement: string) => {
      const client = new Client({ connectionString: `postgresql://followup@127.0.0.1:${port}/postgres` });
      await client.connect();
      await client.query(statement).finally(() => client.end());
    };
    await admin('create database records');
    const url = `postgresql://followup@127.0.0.1:${port}/records`;
    let db = await openRecords(url);
    await writeRecords(db);
    const migrations = await appliedMigrations(db);
    await db.destroy();

    const bin = await postgresBin();
    const dump = path.join(root, 'records.dump');
    await run(path.join(bin, 'pg_dump'), ['--format=custom', `--file=${dump}`, url]);
    await admin('drop database records');
    await admin('create database records');
    await run(path.join(bin, 'pg_restore'), ['--no-owner', `--dbname=${url}`, dump]);

    db = await openRecords(url);
    try {
      await expectRecords(db);
      expect(await appliedMigrations(db)).toEqual(migrations);
    } finally {
      await db.destroy();
    }
  } finally {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test("npm start's embedded database: its folder copied while stopped serves the same records", async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'followup-backup-embedded-'));
  try {
    const original = path.join(root, 'records');
    let server = await startEmbeddedRecordsProcess({ dataDir: original });
    let db = await openRecords(server.url);
    await writeRecords(db);
    await db.destroy();
    await server.stop();

    const copy = path.join(root, 'backup');
    cpSync(original, copy, { recursive: true });
    rmSync(original, { recursive: true, force: true });
    server = await startEmbeddedRecordsProcess({ dataDir: copy });
    db = await openRecords(server.url);
    try {
      await expectRecords(db);
    } finally {
      await db.destroy();
      await server.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
