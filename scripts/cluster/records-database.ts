/**
 * The database of record on the cluster's PostgreSQL: a database and a role of its own beside
 * Temporal's two (which it leaves alone), made on the first start and kept after, its schema
 * brought up to date on every start (records/migrate.ts), as in a deployment where the DBA makes
 * the database and user and policy-followup migrates it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { prepareRecords } from '../../records/startup';
import type { PostgresServer } from './postgres';

export const RECORDS_DATABASE = 'followup_records';
export const RECORDS_ROLE = 'followup';

export interface ClusterRecords {
  /** DATABASE_URL for every process: the role's own, with its password. */
  url: string;
  database: string;
  role: string;
  /** The migrations applied at this start (none when the schema was current). */
  applied: string[];
}

/** A password kept in `file` (made once, readable by its owner only), so that every start uses the same one. */
export function keptPassword(file: string): string {
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return kept;
  }
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Makes the role (LOGIN, with `password`; set again on every start, so the file stays the truth)
 * and its database, owned by it, when they are missing; then migrates the database as the role.
 * The server's own user (Temporal's, a superuser there) does the making.
 */
export async function prepareClusterRecords(postgres: PostgresServer, options: { password: string; database?: string; role?: string }): Promise<ClusterRecords> {
  const database = options.database ?? RECORDS_DATABASE;
  const role = options.role ?? RECORDS_ROLE;
  const admin = new Client({ host: '127.0.0.1', port: postgres.port, user: postgres.user, database: 'postgres' });
  await admin.connect();
  try {
    const roleExists = (await admin.query('select 1 from pg_roles where rolname = $1', [role])).rowCount! > 0;
    await admin.query(`${roleExists ? 'alter' : 'create'} role ${admin.escapeIdentifier(role)} login password ${admin.escapeLiteral(options.password)}`);
    const databaseExists = (await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount! > 0;
    if (!databaseExists) {
      await admin.query(`create database ${admin.escapeIdentifier(database)} owner ${admin.escapeIdentifier(role)} encoding 'UTF8'`);
      // Only its owner connects to it.
      await admin.query(`revoke all on database ${admin.escapeIdentifier(database)} from public`);
    }
  } finally {
    await admin.end();
  }
  const url = `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(options.password)}@127.0.0.1:${postgres.port}/${encodeURIComponent(database)}`;
  const applied = await prepareRecords(url, { migrate: true });
  return { url, database, role, applied };
}
