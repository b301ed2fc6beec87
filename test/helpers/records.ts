/**
 * The two kinds of database the records run on, for tests that must pass on both: `npm start`'s
 * PGlite served over the wire protocol, and a real PostgreSQL server (Debian's, installed when
 * missing, as `npm run cluster` uses it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from 'pg';
import type { OrganisationConfig } from '../../config/schema';
import type { WebhookOptions } from '../../activities/webhooks';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { createRecordsArchive } from '../../records/files';
import { createTestWorker, devServer, quietRuntime, until, type TestWorker } from './environment';
import { isNotFound } from '../../client/temporal';
import { startTestSmtpServer, type TestSmtpServer } from './smtp';
import { PROJECT_ROOT } from '../../config/environment';
import { freePorts } from '../../scripts/cluster/ports';
import { startPostgres, stopChild } from '../../scripts/cluster/postgres';

export class EmbeddedRecordsProcessError extends Error {
  override name = 'EmbeddedRecordsProcessError';
}

export interface EmbeddedRecordsProcess {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * records/embedded.ts in a process of its own (see embedded-records-main.ts), as `npm start` runs
 * it for every other process. Rejects with what the process said when it cannot serve.
 */
export function startEmbeddedRecordsProcess(options: { dataDir: string; port?: number }): Promise<EmbeddedRecordsProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'embedded-records-main.ts'), options.dataDir, String(options.port ?? 0)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^\{"url":.*\}$/m.exec(output);
      if (ready) resolve({ url: (JSON.parse(ready[0]) as { url: string }).url, process: child, stop: () => stopChild(child, 'SIGTERM', 10_000) });
    });
    child.once('exit', () => reject(new EmbeddedRecordsProcessError(output.trim() || `the records process ended (${child.exitCode ?? child.signalCode})`)));
  });
}

export interface RecordsBackend {
  /** A new, empty database: its URL. */
  freshDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Each fresh database is an embedded server of its own, in a folder of its own. */
export async function startEmbeddedBackend(): Promise<RecordsBackend> {
  const root = mkdtempSync(path.join(tmpdir(), 'followup-records-'));
  const servers: EmbeddedRecordsProcess[] = [];
  return {
    async freshDatabase() {
      const server = await startEmbeddedRecordsProcess({ dataDir: path.join(root, String(servers.length)) });
      servers.push(server);
      return server.url;
    },
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One server for the file; each fresh database is a CREATE DATABASE on it. */
export async function startPostgresBackend(): Promise<RecordsBackend> {
  const root = mkdtempSync(path.join(tmpdir(), 'followup-records-pg-'));
  const [port] = await freePorts(1);
  const server = await startPostgres({ dataDir: path.join(root, 'data'), port: port!, user: 'followup' });
  let count = 0;
  return {
    async freshDatabase() {
      const name = `records_${++count}`;
      const admin = new Client({ connectionString: `postgresql://followup@127.0.0.1:${server.port}/postgres` });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return `postgresql://followup@127.0.0.1:${server.port}/${name}`;
    },
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const RECORDS_BACKENDS = [
  ['PGlite over the wire protocol', startEmbeddedBackend],
  ['PostgreSQL', startPostgresBackend],
] as const;

export interface RecordsTestbed {
  /** The database's URL, for a process of its own (the real `followup`). */
  url: string;
  records: Records;
  env: TestWorkflowEnvironment;
  /** The dev server's address, for a process of its own. */
  address: string;
  smtp: TestSmtpServer;
  /** A worker whose activities write to `records`, its archive included. */
  tw: TestWorker;
  close(): Promise<void>;
}

/**
 * A closed workflow's history deleted through Temporal's API (as the namespace's retention does) is
 * gone within seconds instead of half a minute: the server deletes it once its queue's ack level has
 * passed the close, and updates that level every 30 s by default (Temporal's own tests use 1 s).
 */
/**
 * Deletes a workflow's history through Temporal's API, as the namespace's retention does (a workflow
 * still running is ended first), and waits until the server no longer knows it. The server deletes
 * in a task of its own, which now and then drops the request: it is asked again every second.
 */
export async function deleteHistory(env: TestWorkflowEnvironment, workflowId: string, timeoutMs = 120_000): Promise<void> {
  const gone = () =>
    env.client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => false,
        (err: unknown) => (isNotFound(err) ? true : Promise.reject(err)),
      );
  await until(
    async () => {
      if (await gone()) return true;
      await env.client.workflowService.deleteWorkflowExecution({ namespace: env.namespace ?? 'default', workflowExecution: { workflowId } });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return (await gone()) || undefined;
    },
    `the history of ${workflowId} deleted`,
    timeoutMs,
  );
}

export const QUICK_DELETION = ['--dynamic-config-value', 'history.transferProcessorUpdateAckInterval="1s"'];

/** npm start's database (PGlite over the wire protocol, migrated), a dev server, a real SMTP server and a worker that writes the records. */
export async function startRecordsTestbed(options: { configs?: OrganisationConfig[]; webhooks?: WebhookOptions } = {}): Promise<RecordsTestbed> {
  const backend = await startEmbeddedBackend();
  const url = await backend.freshDatabase();
  const records = await openRecords(url);
  await migrateToLatest(records);
  quietRuntime();
  const [port] = await freePorts(1);
  const address = `127.0.0.1:${port}`;
  const [env, smtp] = await Promise.all([devServer({ port: port!, extraArgs: QUICK_DELETION }), startTestSmtpServer()]);
  // Its reports and their files in the database too, as every entry point with a DATABASE_URL keeps them.
  const tw = await createTestWorker(env, smtp.url, { ...(options.configs ? { configs: options.configs } : {}), ...(options.webhooks ? { webhooks: options.webhooks } : {}), records, archive: createRecordsArchive(records) });
  return {
    url,
    records,
    env,
    address,
    smtp,
    tw,
    close: async () => {
      await tw.stop();
      await smtp.close();
      await env.teardown();
      await records.destroy();
      await backend.stop();
    },
  };
}
