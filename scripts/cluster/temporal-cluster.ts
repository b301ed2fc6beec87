/**
 * Temporal's own server on PostgreSQL, on this machine: PostgreSQL (default and visibility
 * databases, each with the release's schema set up and updated by temporal-sql-tool), and the
 * server started from a config file with all four services in one process. The server can be
 * stopped and started again on the same data, as an operator restarts it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findTemporalBinary, TEMPORAL_CLI } from '../../workers/temporal-binaries';
import { freePorts } from './ports';
import { ended, startPostgres, stopChild, type PostgresServer } from './postgres';
import { ensureTemporalServer, type TemporalServerBuild } from './temporal-server';

const run = promisify(execFile);

export class ClusterError extends Error {
  override name = 'ClusterError';
}

export interface TemporalCluster {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  postgres: PostgresServer;
  build: TemporalServerBuild;
  /** The Temporal server's process while one was started: drills kill it. */
  readonly server: ChildProcess | undefined;
  /** Stops the Temporal server (SIGTERM), leaving PostgreSQL and the data. */
  stopServer(): Promise<void>;
  /** Starts the Temporal server again on the same data and waits until it answers. */
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

const DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
];

export async function setUpSchemas(build: TemporalServerBuild, postgres: PostgresServer, log: (line: string) => void): Promise<void> {
  for (const db of DATABASES) {
    const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(postgres.port), '-u', postgres.user, '--db', db.name];
    try {
      await run(build.sqlTool, [...base, 'create-database'], { maxBuffer: 8 * 1024 * 1024 });
      await run(build.sqlTool, [...base, 'setup-schema', '-v', '0.0'], { maxBuffer: 8 * 1024 * 1024 });
      log(`Created database ${db.name}.`);
    } catch (err) {
      if (!/already exists/.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
    }
    // Brings an existing database up to this release's schema; a no-op when it is.
    await run(build.sqlTool, [...base, 'update-schema', '-d', path.join(build.schemaDir, db.schema, 'versioned')], { maxBuffer: 8 * 1024 * 1024 });
  }
}

function serverConfig(ports: { frontend: number; frontendHttp: number; history: number; matching: number; worker: number; membership: number[] }, postgres: PostgresServer, dynamicConfig: string): string {
  const store = (database: string, conns: number) => `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${postgres.port}"
        connectProtocol: tcp
        user: ${postgres.user}
        password: ""
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http ? `\n      httpPort: ${http}` : ''}`;
  return `# Written by scripts/cluster/temporal-cluster.ts: Temporal on PostgreSQL, one process, loopback.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
${store('temporal', 20)}
    postgres-visibility:
${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:
${service(ports.frontend, ports.membership[0]!, ports.frontendHttp)}
  history:
${service(ports.history, ports.membership[1]!)}
  matching:
${service(ports.matching, ports.membership[2]!)}
  worker:
${service(ports.worker, ports.membership[3]!)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: 10s
`;
}

/** `frontendPort`: where clients reach it (TEMPORAL_ADDRESS's port); a free one when not given. */
export async function startTemporalCluster(options: { dir: string; frontendPort?: number; log?: (line: string) => void; pendingChildrenLimit?: number }): Promise<TemporalCluster> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.dir, { recursive: true });
  const build = await ensureTemporalServer(log);
  const [pgPort, freeFrontend, frontendHttp, history, matching, worker, ...membership] = await freePorts(10);
  const frontend = options.frontendPort ?? freeFrontend;
  const postgres = await startPostgres({ dataDir: path.join(options.dir, 'postgres'), port: pgPort!, log });
  try {
    await setUpSchemas(build, postgres, log);
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  const dynamicConfig = path.join(options.dir, 'dynamicconfig.yaml');
  // Search attributes of the SQL visibility store are added per namespace; keep the defaults otherwise.
  writeFileSync(
    dynamicConfig,
    'frontend.enableUpdateWorkflowExecution:\n  - value: true\nfrontend.enableUpdateWorkflowExecutionAsyncAccepted:\n  - value: true\n' +
      // A cycle has a child per unit; the server allows 2,000 pending children per workflow unless told otherwise.
      // Visibility calls per second and frontend (default 10): a cycle's page makes about ten (a count per
      // state, the page's listing), so a few people at once would be slowed by the server's own limit.
      'frontend.namespaceRPS.visibility:\n  - value: 200\n' +
      (options.pendingChildrenLimit ? `limit.numPendingChildExecutions.error:\n  - value: ${options.pendingChildrenLimit}\n` : ''),
  );
  const configFile = path.join(options.dir, 'temporal-server.yaml');
  writeFileSync(configFile, serverConfig({ frontend: frontend!, frontendHttp: frontendHttp!, history: history!, matching: matching!, worker: worker!, membership }, postgres, dynamicConfig));
  const address = `127.0.0.1:${frontend}`;
  const logFile = path.join(options.dir, 'temporal-server.log');
  let server: ChildProcess | undefined;
  const temporalCli = findTemporalBinary(TEMPORAL_CLI);
  if (!temporalCli) throw new ClusterError('The temporal CLI is not installed: run npm run ensure-temporal.');

  const startServer = async () => {
    const out = openSync(logFile, 'a');
    server = spawn(build.server, ['--config-file', configFile, '--allow-no-auth', 'start'], { stdio: ['ignore', out, out] });
    const deadline = Date.now() + 120_000;
    // Ready when the namespace exists (created on the first start; a no-op later).
    for (;;) {
      if (ended(server)) throw new ClusterError(`Temporal's server stopped at start (${server.exitCode ?? server.signalCode}); see ${logFile}`);
      try {
        await run(temporalCli, ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', address], { timeout: 10_000 });
        return;
      } catch {
        try {
          await run(temporalCli, ['operator', 'namespace', 'create', '--namespace', 'default', '--retention', '72h', '--address', address], { timeout: 10_000 });
          return;
        } catch {
          if (Date.now() > deadline) throw new ClusterError(`Temporal's server did not answer on ${address} within two minutes; see ${logFile}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  };
  const stopServer = async () => {
    if (server) await stopChild(server, 'SIGTERM');
  };
  try {
    await startServer();
  } catch (err) {
    await stopServer();
    await postgres.stop();
    throw err;
  }
  log(`Temporal's server ${address} on PostgreSQL :${postgres.port} (log: ${logFile}).`);
  return {
    address,
    postgres,
    build,
    get server() {
      return server;
    },
    stopServer,
    startServer,
    stop: async () => {
      await stopServer();
      await postgres.stop();
    },
  };
}
