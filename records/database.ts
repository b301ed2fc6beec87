/**
 * The one way any process reaches the database of record: `pg` through Kysely's PostgresDialect,
 * on PostgreSQL in production and on `npm start`'s embedded PGlite alike (records/embedded.ts).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { RecordsDatabase } from './schema';

export type Records = Kysely<RecordsDatabase>;

export class RecordsUnreachableError extends Error {
  override name = 'RecordsUnreachableError';
}

/**
 * Connections one process keeps at most. A worker runs 20 activities at once (the default of
 * FOLLOWUP_WORKER_ACTIVITIES), each writing a row or two; ten connections leave room for several
 * workers and webs within PostgreSQL's default max_connections of 100.
 */
export const DEFAULT_POOL_SIZE = 10;

/** The URL as it may be shown: without its password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a DATABASE_URL that is no URL)';
  }
}

export interface OpenRecordsOptions {
  poolSize?: number;
  /** Where an idle connection's failure is told (a restarted server, say); the pool makes a new one. */
  onConnectionError?: (err: Error) => void;
}

/**
 * Opens the database at `url` (postgres:// or postgresql://, with sslmode and the like as pg reads
 * them) and makes sure it answers, so that a wrong URL stops a process at its start, not at its
 * first record.
 */
export async function openRecords(url: string, options: OpenRecordsOptions = {}): Promise<Records> {
  const where = describeDatabaseUrl(url);
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    // pg waits for ever by default, on a connection and on a free one from the pool.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'policy-followup',
  });
  const onConnectionError = options.onConnectionError ?? ((err: Error) => console.error(`The records database at ${where} dropped a connection (${err.message}); the next query opens a new one.`));
  // Unhandled, this event would end the process.
  pool.on('error', onConnectionError);
  const db = new Kysely<RecordsDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new RecordsUnreachableError(
      `Cannot reach the records database at ${where} (${(err as Error).message}). Check that PostgreSQL runs there and that DATABASE_URL names the right host, port, database, user and password; with "npm start", leave DATABASE_URL unset to use its embedded database.`,
    );
  }
  return db;
}
