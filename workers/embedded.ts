/**
 * `npm start`: the whole system on one machine. A Temporal dev server (SQLite under .data/, Web UI
 * on), the database of record (PGlite in this process, under .data/records, served on loopback;
 * DATABASE_URL names a PostgreSQL server instead), a local SMTP server that keeps every mail as an
 * .eml file, and the worker. Data survives a restart; Ctrl-C stops everything cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { readEnvironment } from '../config/environment';
import { installRuntime } from './runtime';
import { loadConfigFile } from '../config/load';
import { obligationOf } from '../config/schema';
import { findTemporalBinary, TEMPORAL_CLI } from './temporal-binaries';
import { startOutboxSmtpServer } from './outbox-smtp-server';
import { startWebServer } from '../web/server';
import { firstAccount, localLinkSecret, type LocalSecrets } from './local-secrets';
import { connectWorker, createProductionWorker, syncSchedulesAtStart } from './production';
import { embeddedRecordsDir, startEmbeddedRecords, type EmbeddedRecordsServer } from '../records/embedded';
import { describeDatabaseUrl, openRecords } from '../records/database';
import { firstStartLines, importAtFirstStart } from '../records/import';
import { accountStoreIn } from '../web/accounts';
import { prepareRecords } from '../records/startup';

export class StartupError extends Error {
  override name = 'StartupError';
}

async function reachable(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

async function waitUntilReachable(address: string, server: ChildProcess, logFile: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new StartupError(`The Temporal dev server stopped at start (exit ${server.exitCode}). See ${logFile}.`);
    if (await reachable(address)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new StartupError(`The Temporal dev server did not answer on ${address} within ${timeoutMs / 1000} s. See ${logFile}.`);
}

async function main(): Promise<void> {
  const given = readEnvironment();
  installRuntime(given);
  const dataDir = given.FOLLOWUP_DATA_DIR;
  mkdirSync(dataDir, { recursive: true });
  const env = Object.freeze({ ...given, FOLLOWUP_LINK_SECRET: localLinkSecret(dataDir, { linkSecret: given.FOLLOWUP_LINK_SECRET }) });
  const config = loadConfigFile(env.FOLLOWUP_CONFIG);
  const outboxDir = path.join(dataDir, 'outbox');

  const temporal = findTemporalBinary(TEMPORAL_CLI);
  if (!temporal) throw new StartupError('The temporal CLI is missing. Run "npm run ensure-temporal" or set TEMPORAL_CLI_PATH.');
  const [host = '127.0.0.1', portText = '7233'] = env.TEMPORAL_ADDRESS.split(':');
  const port = Number(portText);
  const uiPort = port + 1000;
  if (await reachable(env.TEMPORAL_ADDRESS)) {
    throw new StartupError(`Something already answers on ${env.TEMPORAL_ADDRESS}: is policy-followup running in another terminal? Stop it, or set TEMPORAL_ADDRESS to a free port.`);
  }

  const logFile = path.join(dataDir, 'temporal-server.log');
  const log = openSync(logFile, 'a');
  const server = spawn(
    temporal,
    ['server', 'start-dev', '--db-filename', path.join(dataDir, 'temporal.sqlite'), '--ip', host === 'localhost' ? '127.0.0.1' : host, '--port', String(port), '--ui-port', String(uiPort), '--namespace', env.TEMPORAL_NAMESPACE, '--log-level', 'warn', '--ui-disable-news-fetch'],
    { stdio: ['ignore', log, log], detached: false },
  );
  const stopServer = () => {
    if (server.exitCode === null) server.kill('SIGTERM');
  };
  process.once('exit', stopServer);
  // The worker shuts down on these signals by itself; the server must follow even if the worker is not up yet.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => setTimeout(stopServer, 10_000).unref());

  let embeddedRecords: EmbeddedRecordsServer | undefined;
  try {
    // PGlite starts in this process while the Temporal server starts in its own.
    embeddedRecords = given.DATABASE_URL ? undefined : await startEmbeddedRecords({ dataDir: embeddedRecordsDir(dataDir), port: env.FOLLOWUP_RECORDS_PORT });
    const recordsUrl = given.DATABASE_URL ?? embeddedRecords!.url;
    const appliedMigrations = await prepareRecords(recordsUrl, { migrate: true });
    if (appliedMigrations.length) console.log(`Records database: applied migration${appliedMigrations.length === 1 ? '' : 's'} ${appliedMigrations.join(', ')}.`);
    // A data folder from the release before the database: its accounts and archive carried over at
    // the first start; then the first account where there is none. Both in the database.
    let secrets: Omit<LocalSecrets, 'linkSecret'>;
    const startRecords = await openRecords(recordsUrl, { poolSize: 1 });
    try {
      const folders = { dataDir, archiveDir: env.FOLLOWUP_ARCHIVE_DIR };
      const carried = await importAtFirstStart(startRecords, folders);
      if (carried) for (const line of firstStartLines(carried, folders)) console.log(line);
      secrets = await firstAccount(dataDir, accountStoreIn(startRecords), { passwordHash: given.FOLLOWUP_SECRETARIAT_PASSWORD_HASH });
    } finally {
      await startRecords.destroy();
    }
    await waitUntilReachable(env.TEMPORAL_ADDRESS, server, logFile);
    const smtpUrl = new URL(env.SMTP_URL);
    const outbox = await startOutboxSmtpServer(outboxDir, Number(smtpUrl.port) || 2525, smtpUrl.hostname).catch((err: Error) => {
      throw new StartupError(`Cannot start the local mail server on ${env.SMTP_URL} (${err.message}). Set SMTP_URL to a free port.`);
    });
    const connection = await connectWorker(env.TEMPORAL_ADDRESS);
    // The worker and the web keep their records in this database, the embedded one unless named.
    const withRecords = Object.freeze({ ...env, DATABASE_URL: recordsUrl });
    const { worker, client, close } = await createProductionWorker(withRecords, [config], connection);
    await syncSchedulesAtStart(env, [config], client, console.log);
    const web = await startWebServer(withRecords, [config], { logger: false }).catch((err: Error) => {
      throw new StartupError(`Cannot start the web interface on ${env.FOLLOWUP_WEB_HOST}:${env.FOLLOWUP_WEB_PORT} (${err.message}). Set FOLLOWUP_WEB_PORT to a free port.`);
    });
    const obligation = obligationOf(config, 'periodic-data-call');
    const login = secrets.firstAccountFile
      ? `user name and password in ${secrets.firstAccountFile}`
      : `${secrets.accounts} account${secrets.accounts === 1 ? '' : 's'}; add one with: npm run followup -- users add NAME --role secretariat`;

    console.log(`
policy-followup is running for ${config.organisation.name} (${env.FOLLOWUP_CONFIG})

  Temporal server   ${env.TEMPORAL_ADDRESS}   (data: ${path.join(dataDir, 'temporal.sqlite')})
  Temporal Web UI   http://${host}:${uiPort}
  Mail (SMTP)       ${env.SMTP_URL} → every mail lands as .eml in ${outboxDir}
  Records database  ${describeDatabaseUrl(recordsUrl)}${embeddedRecords ? `   (data: ${embeddedRecords.dataDir})` : ''}
  Reports           in the records database (earlier ones still read from ${env.FOLLOWUP_ARCHIVE_DIR})
  Worker            task queue "${env.TEMPORAL_TASK_QUEUE}"
  Web (secretariat) ${env.PUBLIC_BASE_URL}/login   (${login})

Next, in another terminal:
  npx followup cycle start ${obligation.id}          start this year's follow-up
  npx followup cycle status ${obligation.id}         see who has answered
  npx followup schedules list                      when every obligation runs next
  npx followup --help                              everything else

Stop with Ctrl-C.
`);
    try {
      await worker.run();
    } finally {
      // The units' last lines and the records' pool, however the worker stopped.
      await web.close();
      await close();
      await outbox.close();
      await connection.close();
    }
  } finally {
    stopServer();
    await new Promise<void>((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', () => resolve())));
    await embeddedRecords?.stop();
    console.log('policy-followup stopped; data kept in', dataDir);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error && err.name !== 'Error' ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
