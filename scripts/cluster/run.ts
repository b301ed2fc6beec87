/**
 * `npm run cluster`: the production topology on this machine, each part a process of its own —
 * PostgreSQL, Temporal's server on it, two workers, the web and a mail catcher — so that a worker
 * can be killed or restarted alone, as in production. Data under .data/cluster/, kept between
 * starts. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, readEnvironment } from '../../config/environment';
import { localSecrets } from '../../workers/local-secrets';
import { startOutboxSmtpServer } from '../../workers/outbox-smtp-server';
import { startTemporalCluster } from './temporal-cluster';

async function main(): Promise<void> {
  const given = readEnvironment();
  const dataDir = path.join(given.FOLLOWUP_DATA_DIR, 'cluster');
  mkdirSync(dataDir, { recursive: true });
  const secrets = await localSecrets(given.FOLLOWUP_DATA_DIR, { linkSecret: given.FOLLOWUP_LINK_SECRET, passwordHash: given.FOLLOWUP_SECRETARIAT_PASSWORD_HASH });
  const cluster = await startTemporalCluster({ dir: path.join(dataDir, 'temporal'), frontendPort: Number(given.TEMPORAL_ADDRESS.split(':')[1] ?? 7233), log: (line) => console.log(line) });
  const smtpUrl = new URL(given.SMTP_URL);
  const outboxDir = path.join(dataDir, 'outbox');
  const outbox = await startOutboxSmtpServer(outboxDir, Number(smtpUrl.port) || 2525, smtpUrl.hostname);
  const env = { ...process.env, TEMPORAL_ADDRESS: cluster.address, FOLLOWUP_LINK_SECRET: secrets.linkSecret, FOLLOWUP_ARCHIVE_DIR: path.join(dataDir, 'archive') };
  const processes: ChildProcess[] = [];
  const start = (name: string, args: string[]) => {
    const out = openSync(path.join(dataDir, `${name}.log`), 'a');
    // The executable itself, so that its first line's heap bound and malloc settings apply, as in a deployment.
    const child = spawn(path.join(PROJECT_ROOT, 'bin/followup.js'), args, { env, stdio: ['ignore', out, out] });
    processes.push(child);
    child.on('exit', (code, signal) => console.log(`${name} stopped (${signal ?? code}); its log: ${path.join(dataDir, `${name}.log`)}`));
    return child;
  };
  const workers = [start('worker-1', ['worker']), start('worker-2', ['worker'])];
  start('web', ['web']);
  console.log(`
policy-followup runs as a cluster (${given.FOLLOWUP_CONFIG})

  PostgreSQL        127.0.0.1:${cluster.postgres.port}   (data: ${path.join(dataDir, 'temporal', 'postgres')})
  Temporal server   ${cluster.address}   (config and log in ${path.join(dataDir, 'temporal')})
  Workers           pids ${workers.map((w) => w.pid).join(' and ')}, task queue "${given.TEMPORAL_TASK_QUEUE}" (logs: ${dataDir}/worker-*.log)
  Web               ${given.PUBLIC_BASE_URL}/login   (${secrets.firstAccountFile ? `user name and password in ${secrets.firstAccountFile}` : 'your accounts'})
  Mail (SMTP)       ${given.SMTP_URL} → .eml files in ${outboxDir}

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
