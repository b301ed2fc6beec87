/**
 * Where rate-limiter-flexible's RateLimiterPostgres keeps the web's failure counts (sign-in,
 * invalid links): the table migration 0002 made, reached through the process's own pool.
 */
import { CompiledQuery } from 'kysely';
import type { Records } from './database';

export const FAILURE_COUNTS_TABLE = 'web_failure_counts';

/** The part of a pg Pool the library uses: query({ name, text, values }) answering rows and rowCount. */
export interface FailureCountsClient {
  query(query: { name?: string; text: string; values?: readonly unknown[] }): Promise<{ rows: unknown[]; rowCount: number }>;
}

/**
 * The library's queries through Kysely: one pool for the process, none of our own to open and
 * close. The statement's name is left out: the library names each one, and on `npm start`'s
 * PGlite every connection shares one PostgreSQL session, where a name one connection prepared is
 * "already exists" to the next.
 */
export function failureCountsClient(db: Records): FailureCountsClient {
  return {
    async query({ text, values }) {
      const result = await db.executeQuery(CompiledQuery.raw(text, [...(values ?? [])]));
      return { rows: result.rows, rowCount: result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows) };
    },
  };
}
