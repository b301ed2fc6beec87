/**
 * `npm run cluster`: the production topology on this machine, each part a process of its own —
 * PostgreSQL, Temporal's server on it, two workers, two web processes and a mail catcher — so that
 * a worker or a web can be killed or restarted alone, as in production. The database of record is
 * a database and role of its own on the same PostgreSQL (scripts/cluster/records-database.ts),
 * shared by every worker and web: a person signed in through one web is signed in on the other.
 * Data under .data/cluster/, kept between starts; the environment every process gets is written
 * to .data/cluster/cluster.env for the CLI. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, readEnvironment } from '../../config/environment';
import { openRecords } from '../../records/database';
import { firstStartLines, importAtFirstStart } from '../../records/import';
import { accountStoreIn } from '../../web/accounts';
import { firstAccount, localLinkSecret } from '../../workers/local-secrets';
import { startOutboxSmtpServer } from '../../workers/outbox-smtp-server';
import { envFileText } from './env-file';
import { freePorts } from './ports';
import { keptPassword, prepareClusterRecords } from './records-database';
import { startTemporalCluster } from './temporal-cluster';

async function main(): Promise<void> {
  const given = readEnvironment();
  const dataDir = path.join(given.FOLLOWUP_DATA_DIR, 'cluster');
  mkdirSync(dataDir, { recursive: true });
  const linkSecret = localLinkSecret(given.FOLLOWUP_DATA_DIR, { linkSecret: given.FOLLOWUP_LINK_SECRET });
  const archiveDir = path.join(dataDir, 'archive');
  const cluster = await startTemporalCluster({ dir: path.join(dataDir, 'temporal'), frontendPort: Number(given.TEMPORAL_ADDRESS.split(':')[1] ?? 7233), log: (line) => console.log(line) });
  const smtpUrl = new URL(given.SMTP_URL);
  const outboxDir = path.join(dataDir, 'outbox');
  const outbox = await startOutboxSmtpServer(outboxDir, Number(smtpUrl.port) || 2525, smtpUrl.hostname);
  // The database of record: a database and role of its own on Temporal's PostgreSQL, migrated now,
  // before any worker or web starts.
  const records = await prepareClusterRecords(cluster.postgres, { password: keptPassword(path.join(dataDir, 'records-password')) }).catch(async (err: unknown) => {
    await outbox.close();
    await cluster.stop();
    throw err;
  });
  if (records.applied.length) console.log(`Records database ${records.database}: applied migration${records.applied.length === 1 ? '' : 's'} ${records.applied.join(', ')}.`);
  // As npm start does: a data folder from the release before the database carried over at the
  // first start, then the first account where there is none, both in the database; its password in
  // a file of the cluster's own, beside its data (npm start keeps its own in .data/).
  const secrets = await (async () => {
    const db = await openRecords(records.url, { poolSize: 1 });
    try {
      const folders = { dataDir: given.FOLLOWUP_DATA_DIR, archiveDir };
      const carried = await importAtFirstStart(db, folders);
      if (carried) for (const line of firstStartLines(carried, folders)) console.log(line);
      return await firstAccount(dataDir, accountStoreIn(db), { passwordHash: given.FOLLOWUP_SECRETARIAT_PASSWORD_HASH });
    } finally {
      await db.destroy();
    }
  })().catch(async (err: unknown) => {
    await outbox.close();
    await cluster.stop();
    throw err;
  });
  // What every process of the cluster is given beyond the caller's environment; the CLI sources it.
  const shared = {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_TASK_QUEUE: given.TEMPORAL_TASK_QUEUE,
    SMTP_URL: given.SMTP_URL,
    FOLLOWUP_CONFIG: given.FOLLOWUP_CONFIG,
    FOLLOWUP_DATA_DIR: given.FOLLOWUP_DATA_DIR,
    FOLLOWUP_LINK_SECRET: linkSecret,
    FOLLOWUP_ARCHIVE_DIR: archiveDir,
    DATABASE_URL: records.url,
  };
  const envFile = path.join(dataDir, 'cluster.env');
  writeFileSync(envFile, envFileText(shared), { mode: 0o600 });
  const env = { ...process.env, ...shared };
  // Two webs behind what would be one proxy: FOLLOWUP_WEB_PORT and the port after it.
  const webPorts = given.FOLLOWUP_WEB_PORT === 0 ? await freePorts(2) : [given.FOLLOWUP_WEB_PORT, given.FOLLOWUP_WEB_PORT + 1];
  const processes: ChildProcess[] = [];
  const start = (name: string, args: string[], extra: Record<string, string> = {}) => {
    const out = openSync(path.join(dataDir, `${name}.log`), 'a');
    // The executable itself, so that its first line's heap bound and malloc settings apply, as in a deployment.
    const child = spawn(path.join(PROJECT_ROOT, 'bin/followup.js'), args, { env: { ...env, ...extra }, stdio: ['ignore', out, out] });
    processes.push(child);
    child.on('exit', (code, signal) => console.log(`${name} stopped (${signal ?? code}); its log: ${path.join(dataDir, `${name}.log`)}`));
    return child;
  };
  const workers = [start('worker-1', ['worker']), start('worker-2', ['worker'])];
  const webs = webPorts.map((port, i) => ({ port, process: start(`web-${i + 1}`, ['web'], { FOLLOWUP_WEB_PORT: String(port) }) }));
  const webUrl = (port: number) => `http://${given.FOLLOWUP_WEB_HOST.includes(':') ? `[${given.FOLLOWUP_WEB_HOST}]` : given.FOLLOWUP_WEB_HOST}:${port}`;
  console.log(`
policy-followup runs as a cluster (${given.FOLLOWUP_CONFIG})

  PostgreSQL        127.0.0.1:${cluster.postgres.port}   (data: ${path.join(dataDir, 'temporal', 'postgres')})
  Temporal server   ${cluster.address}   (config and log in ${path.join(dataDir, 'temporal')})
  Records           database ${records.database}, role ${records.role}, on the same PostgreSQL (password in ${path.join(dataDir, 'records-password')})
  Workers           pids ${workers.map((w) => w.pid).join(' and ')}, task queue "${given.TEMPORAL_TASK_QUEUE}" (logs: ${dataDir}/worker-*.log)
${webs.map((w, i) => `  Web ${i + 1}             ${webUrl(w.port)}/login   pid ${w.process.pid} (log: ${dataDir}/web-${i + 1}.log)`).join('\n')}
                    one sign-in for both (sessions in the records); ${secrets.firstAccountFile ? `user name and password in ${secrets.firstAccountFile}` : 'your accounts'}; links in mails: ${given.PUBLIC_BASE_URL}
  Mail (SMTP)       ${given.SMTP_URL} → .eml files in ${outboxDir}

The command line needs the cluster's environment (its records database's URL among it):
  set -a; . ${envFile}; set +a
Try: npx followup cycle start annual-follow-up, then kill -9 ${workers[0]!.pid} (the other worker carries on) and npx followup cycle status annual-follow-up
Stop with Ctrl-C.
`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  for (const p of processes) p.kill('SIGTERM');
  await Promise.all(processes.map((p) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())))));
  await outbox.close();
  await cluster.stop();
  console.log('The cluster is stopped; data kept in', dataDir);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error && err.name !== 'Error' ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
