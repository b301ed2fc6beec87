/**
 * `npm start`'s records database: PGlite in one process, served over PostgreSQL's wire protocol
 * to the others. A process reads what another wrote; the data outlives a restart; connections sending
 * large statements at once each get their own results (PGlite is one session, shared); a
 * connection that goes away inside a transaction does not hold up the others; a taken port is
 * refused with what to do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Pool } from 'pg';
import { PROJECT_ROOT } from '../../config/environment';
import { openRecords } from '../../records/database';
import { mailsTo, recordMail } from '../../records/mail-log';
import { appliedMigrations, migrateToLatest } from '../../records/migrate';
import { RECORDS_MIGRATIONS } from '../../records/migrations';
import { startEmbeddedRecordsProcess, type EmbeddedRecordsProcess } from '../helpers/records';

jest.setTimeout(60_000);

const run = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), 'followup-embedded-records-'));
const dataDir = path.join(root, 'records');
let server: EmbeddedRecordsProcess;

beforeAll(async () => {
  server = await startEmbeddedRecordsProcess({ dataDir });
  const db = await openRecords(server.url);
  await migrateToLatest(db);
  await db.destroy();
});
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

const mail = { scope: 'solna/annual-follow-up/2025/omsorg', kind: 'request', messageId: '<request@solna.example>', address: 'anna.berg@solna.example', outcome: 'delivered' as const, at: new Date('2026-01-15T08:00:00Z') };

test('a process reads what another wrote, and the data outlives a restart', async () => {
  const db = await openRecords(server.url);
  await recordMail(db, mail);

  // Written from this process; read by a plain pg client in a process of its own, as the CLI will be.
  const reader = `
    const { Client } = require('pg');
    const client = new Client({ connectionString: process.argv[1] });
    client.connect()
      .then(() => client.query('select address, outcome, message_id from mail_log'))
      .then((r) => { console.log(JSON.stringify(r.rows)); return client.end(); });`;
  const { stdout } = await run(process.execPath, ['-e', reader, server.url], { cwd: PROJECT_ROOT });
  expect(JSON.parse(stdout)).toEqual([{ address: mail.address, outcome: 'delivered', message_id: mail.messageId }]);
  await db.destroy();

  await server.stop();
  server = await startEmbeddedRecordsProcess({ dataDir });
  const again = await openRecords(server.url);
  expect(await appliedMigrations(again)).toEqual(Object.keys(RECORDS_MIGRATIONS));
  expect(await mailsTo(again, mail.address)).toHaveLength(1);
  await again.destroy();
});

test('connections sending large statements at once each get their own results', async () => {
  // A parameter this large reaches the server in several reads: without a session queue of our
  // own, another connection's statement ran between Parse and Bind ("bind message supplies 2
  // parameters, but prepared statement requires 1").
  const large = 'x'.repeat(300_000);
  const pools = [new Pool({ connectionString: server.url, max: 4 }), new Pool({ connectionString: server.url, max: 4 })];
  try {
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) =>
        i % 3 === 0
          ? pools[i % 2]!.query('select $1::int + 1 as n, length($2::text) as size', [i, large]).then((r) => r.rows[0].n === i + 1 && r.rows[0].size === large.length)
          : pools[i % 2]!.query('select $1::int as n', [i]).then((r) => r.rows[0].n === i),
      ),
    );
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value)).toBe(true);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});

test('a connection that goes away inside a transaction does not hold up the others, and its work is undone', async () => {
  const leaving = new Client({ connectionString: server.url });
  const other = new Client({ connectionString: server.url });
  await Promise.all([leaving.connect(), other.connect()]);
  await leaving.query('begin');
  await leaving.query(`insert into audit_log (actor, via, action, subject) values ('cli:test', 'cli', 'test.left', 'solna')`);
  // Waits for the open transaction: PGlite is one session.
  const counted = other.query(`select count(*)::int as n from audit_log where action = 'test.left'`);
  // Gone without a word, as a killed process goes.
  leaving.on('error', () => undefined);
  (leaving as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  expect((await counted).rows[0].n).toBe(0);
  await other.end();
});

test('a port already taken is refused, saying which setting to change', async () => {
  const port = Number(new URL(server.url).port);
  await expect(startEmbeddedRecordsProcess({ dataDir: path.join(root, 'second'), port })).rejects.toThrow(/EmbeddedRecordsError: Cannot serve the records database on 127\.0\.0\.1:\d+ .*set FOLLOWUP_RECORDS_PORT to a free port/);
});
