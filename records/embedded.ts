/**
 * `npm start`'s database of record: PostgreSQL compiled to WebAssembly (PGlite) inside the
 * `npm start` process, with its files in a folder, served over PostgreSQL's wire protocol on
 * loopback. Every process, this one too, reaches it as it would reach a PostgreSQL server (`pg`
 * through Kysely), so the same SQL and migrations run here and in production.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PGliteSessionQueue } from './embedded-session';

export class EmbeddedRecordsError extends Error {
  override name = 'EmbeddedRecordsError';
}

export interface EmbeddedRecordsServer {
  /** postgresql://… for openRecords and for any PostgreSQL client (psql too). */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Where `npm start` keeps the records: beside Temporal's SQLite file and the outbox. */
export const embeddedRecordsDir = (followupDataDir: string) => path.join(followupDataDir, 'records');

/**
 * Connections served at once: the worker's and the web's pools and a few CLI commands. PGlite
 * runs one statement at a time whatever the number, so more would only wait.
 */
const MAX_CONNECTIONS = 40;

/**
 * Opens (or creates) the database in `dataDir` and serves it on `host:port` (port 0: any free
 * one). Loopback only: the server asks for no password, so any user of this machine can reach it.
 */
export async function startEmbeddedRecords(options: { dataDir: string; port: number; host?: string }): Promise<EmbeddedRecordsServer> {
  const host = options.host ?? '127.0.0.1';
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir });
  } catch (err) {
    throw new EmbeddedRecordsError(
      `Cannot open the records database in ${dataDir} (${(err as Error).message}). Is another "npm start" using this folder? Stop it; if none runs, restore the folder from a backup or set FOLLOWUP_DATA_DIR to another folder.`,
    );
  }
  const server = new PGLiteSocketServer({ db, host, port: options.port, maxConnections: MAX_CONNECTIONS });
  replaceSessionQueue(server, new PGliteSessionQueue(db));
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw new EmbeddedRecordsError(
      `Cannot serve the records database on ${host}:${options.port} (${(err as Error).message}). Is policy-followup running in another terminal? Stop it, or set FOLLOWUP_RECORDS_PORT to a free port.`,
    );
  }
  const port = Number(server.getServerConn().split(':').pop());
  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    dataDir,
    // Closing PGlite checkpoints, so the next start need not recover from the WAL.
    stop: () => (stopped ??= server.stop().then(() => db.close())),
  };
}

/**
 * The server keeps its queue in a private field, set in its constructor and handed to each
 * connection as it comes. The package's version is pinned in package.json, and
 * test/records/embedded.test.ts sends interleaving batches, so a change inside it shows there.
 */
function replaceSessionQueue(server: PGLiteSocketServer, queue: PGliteSessionQueue): void {
  const inside = server as unknown as { queryQueue?: unknown };
  if (!inside.queryQueue) {
    throw new EmbeddedRecordsError('@electric-sql/pglite-socket has changed inside: its connections would share PGlite unsafely. Install the version package.json names (npm ci).');
  }
  inside.queryQueue = queue;
}
