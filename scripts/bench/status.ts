/**
 * `followup cycle status --json` of a cycle of N units as an operator runs it (a process of its
 * own, its start included), without the whole benchmark: a dev server, the benchmark's organisation
 * of N units (on a calendar of weeks, so that no timer fires meanwhile), our worker until every unit
 * has started and written its row, then the command timed three times. The worker is stopped
 * before the timing, so that the two CPUs are the command's and the server's.
 *
 *   node --import tsx scripts/bench/status.ts --units 1000,5800 [--closed] [--from source|release|both] [--records on|off] [--db FILE] [--cpu-prof DIR] [--bin PATH,…]
 *
 * --from release runs dist/ (npm run build first), source the TypeScript through tsx, as
 * bin/followup.js chooses with FOLLOWUP_FROM. --records on (the default) gives the command the
 * database of record (PGlite as `npm start` serves it), as the benchmark does, and waits until every
 * unit's line is there too (records/unit-rows.ts): the command then reads them in one query. --db
 * keeps the dev server's database in FILE and the database of record in FILE.records: a second run
 * finds its cycles there and starts no worker. --cpu-prof
 * writes a CPU profile of each timed run to DIR (scripts/bench/profiling/summarize-cpu-profile.cjs
 * reads it). --bin times other installations' releases (their bin/followup.js, comma-separated; the
 * worker and --from source are always this checkout's). --closed: the benchmark's compressed
 * calendar instead, the worker kept until the cycle has closed and its report is compiled, as the
 * benchmark times it. Each N's cycle is of period 2000 + its place in --units.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { stringify } from 'yaml';
import { startCycle } from '../../client/cycles';
import { cycleWorkflowId, type CycleKey } from '../../domain/ids';
import type { CycleOverview } from '../../domain/types';
import type { OrganisationConfig } from '../../config/schema';
import { CYCLE_OVERVIEW_MEMO, SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { PROJECT_ROOT, serverExecutable, TEMPORAL_CLI } from '../../workers/temporal-binaries';
import { prepareRecords } from '../../records/startup';
import { openRecords } from '../../records/database';
import { unitRowsOf } from '../../records/unit-rows';
import { freePorts } from '../cluster/ports';
import { benchConfig, startEmbeddedRecordsProcess } from './run';

const WORKER_BIN = path.join(PROJECT_ROOT, 'bin/followup.js');
const LINK_SECRET = 'benchmark-link-secret-benchmark-link-secret';
type From = 'source' | 'release';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

/** Runs bin/followup.js as an operator does; resolves with its output and its wall time in seconds. */
function timedCli(bin: string, args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<{ out: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const command = nodeFlags.length ? process.execPath : bin;
    const child = spawn(command, nodeFlags.length ? [...nodeFlags, bin, ...args] : args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve({ out, seconds: (performance.now() - started) / 1000 }) : reject(new Error(`followup ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(WORKER_BIN, ['worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const until = Date.now() + 120_000;
  while (!output.includes('Worker on')) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`The worker did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** Until every unit of the cycle has started and its row is in the visibility store. */
async function untilRowsListed(client: Client, key: CycleKey, n: number, log: (line: string) => void): Promise<void> {
  const query = `${SEARCH_ATTRIBUTES.cycle.name} = '${cycleWorkflowId(key)}'`;
  let last = -1;
  for (;;) {
    const overview = await client.workflow
      .getHandle(cycleWorkflowId(key))
      .describe()
      .then((d) => d.memo?.[CYCLE_OVERVIEW_MEMO] as CycleOverview | undefined);
    const { count } = await client.workflow.count(query);
    if (count !== last) log(`  ${count} of ${n} units listed (the cycle says ${overview?.unitsStarted ?? 0} started)`);
    last = count;
    if (count >= n && (overview?.unitsStarted ?? 0) >= n) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Until every unit has run its first task, and so has its line in the database of record too (records/unit-rows.ts). */
async function untilLinesOnRecord(url: string, key: CycleKey, n: number, log: (line: string) => void): Promise<void> {
  const db = await openRecords(url, { poolSize: 1 });
  try {
    for (let last = -1; ; ) {
      const lines = (await unitRowsOf(db, cycleWorkflowId(key))).length;
      if (lines !== last) log(`  ${lines} of ${n} units' lines in the database of record`);
      last = lines;
      if (lines >= n) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await db.destroy();
  }
}

function withCalendarOfWeeks(config: OrganisationConfig): OrganisationConfig {
  const calendar = { deadlineAfterPeriodEnd: 'P30D', remindersBeforeDeadline: ['P10D'], escalationAfterDeadline: 'P2D', closesAfterPeriodEnd: 'P40D' };
  return { ...config, obligations: config.obligations.map((o) => (o.kind === 'periodic-data-call' ? { ...o, calendar: { ...o.calendar, ...calendar } } : o)) };
}

async function main(): Promise<void> {
  const units = option('--units', '1000,5800').split(',').map(Number).filter((n) => n > 0);
  const fromChoice = option('--from', 'both');
  const froms: From[] = fromChoice === 'both' ? ['source', 'release'] : [fromChoice as From];
  const bins = option('--bin', WORKER_BIN).split(',').map((b) => path.resolve(b));
  const closed = process.argv.includes('--closed');
  if (froms.includes('release') && bins.some((bin) => !existsSync(path.join(path.dirname(bin), '../dist/cli/main.js')))) throw new Error('No release to time: run "npm run build" first, or give --from source.');
  const withRecords = option('--records', 'on') === 'on';
  const db = process.argv.includes('--db') ? path.resolve(option('--db', '')) : undefined;
  const profileDir = process.argv.includes('--cpu-prof') ? path.resolve(option('--cpu-prof', 'cpu-profiles')) : undefined;
  const log = (line: string) => console.log(line);
  Runtime.install({ logger: new DefaultLogger('ERROR') });

  const [grpc, http, metrics] = await freePorts(3);
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: serverExecutable(TEMPORAL_CLI),
      ip: '127.0.0.1',
      port: grpc!,
      ...(db ? { dbFilename: db } : {}),
      extraArgs: ['--http-port', String(http), '--metrics-port', String(metrics), '--dynamic-config-value', 'limit.numPendingChildExecutions.error=10000'],
    },
  });
  const address = `127.0.0.1:${grpc}`;
  const client = new Client({ connection: server.connection, namespace: server.namespace });
  // Kept beside the dev server's database when that is kept: a second run finds the cycle's lines there too.
  const records = withRecords ? await startEmbeddedRecordsProcess(db ? `${db}.records` : undefined) : undefined;
  if (records) await prepareRecords(records.url, { migrate: true });
  // The requests the worker sends go nowhere.
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (stream, _session, done) => stream.on('data', () => undefined).on('end', () => done()) });
  sink.on('error', () => undefined);
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as { port: number }).port}`;
  try {
    for (const n of units) {
      // The benchmark's organisation, on a calendar of weeks: no timer fires while the command is timed.
      const config = closed ? benchConfig(n) : withCalendarOfWeeks(benchConfig(n));
      const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'status-config-')), 'bench.yaml');
      writeFileSync(configFile, stringify(config));
      const key: CycleKey = { orgId: 'bench', obligationId: 'bench-call', period: String(2000 + units.indexOf(n)) };
      const taskQueue = `status-${n}`;
      const exists = await client.workflow.getHandle(cycleWorkflowId(key)).describe().then(() => true, () => false);
      if (!exists) {
        log(`N=${n}: starting a cycle of ${n} units and a worker`);
        const worker = await startWorker({
          TEMPORAL_ADDRESS: address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          SMTP_URL: smtpUrl,
          FOLLOWUP_CONFIG: configFile,
          FOLLOWUP_ARCHIVE_DIR: mkdtempSync(path.join(tmpdir(), 'status-archive-')),
          FOLLOWUP_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'status-data-')),
          FOLLOWUP_LINK_SECRET: LINK_SECRET,
          ...(records ? { DATABASE_URL: records.url } : {}),
        });
        try {
          await startCycle(client, taskQueue, key, 'bench');
          if (closed) await client.workflow.getHandle(cycleWorkflowId(key)).result();
          else {
            await untilRowsListed(client, key, n, log);
            if (records) await untilLinesOnRecord(records.url, key, n, log);
          }
        } finally {
          worker.kill('SIGTERM');
          await new Promise((r) => worker.once('exit', r));
        }
      }
      const runs = froms.flatMap((f): [From, string][] => (f === 'source' ? [[f, WORKER_BIN]] : bins.map((b): [From, string] => [f, b])));
      for (const [from, bin] of runs) {
        const times: number[] = [];
        let listed = 0;
        let fromRecords = false;
        for (let i = 0; i < 3; i++) {
          const flags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `status-${n}-${from}-${bins.indexOf(bin) + 1}-${i + 1}.cpuprofile`] : [];
          const { out, seconds } = await timedCli(
            bin,
            ['cycle', 'status', key.obligationId, '--period', key.period, '--json'],
            { TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, FOLLOWUP_CONFIG: configFile, ...(from === 'release' ? { FOLLOWUP_FROM: 'release' } : {}), ...(records ? { DATABASE_URL: records.url } : {}) },
            flags,
          );
          times.push(Math.round(seconds * 1000) / 1000);
          const status = JSON.parse(out) as { units: unknown[]; fromRecords?: boolean };
          listed = status.units.length;
          fromRecords = status.fromRecords === true;
        }
        const median = [...times].sort((a, b) => a - b)[1];
        log(`N=${n}${closed ? ' (closed)' : ''} from ${from === 'release' ? `the release ${path.dirname(path.dirname(bin))}` : 'source'}${records ? ' with DATABASE_URL' : ''}: cycle status --json ${times.join(', ')} s (median ${median} s), ${listed} units in it${fromRecords ? ', read from the database of record' : ', listed from the visibility store'}`);
      }
    }
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
    await records?.stop();
    await server.teardown();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
