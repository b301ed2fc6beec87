/** Real Temporal servers and a worker with the real activities, for tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../workers/bundle-options';
import { createRegisterReader } from '../../activities/register-reader';
import { createActivities } from '../../activities';
import { createFileArchive, type Archive } from '../../activities/archive';
import { createDirectory } from '../../activities/directory';
import { createSmtpMailer } from '../../activities/mailer';
import { createRenderer } from '../../activities/renderer';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { createAnswerLinks } from '../../domain/answer-links';
import { serverExecutable, TEMPORAL_CLI, TEMPORAL_TEST_SERVER, PROJECT_ROOT } from '../../workers/temporal-binaries';
import { createWorkflowStarter } from '../../activities/workflow-starter';
import type { Records } from '../../records/database';
import type { WebhookOptions } from '../../activities/webhooks';
import { mailLogIn } from '../../records/mail-log';
import { createUnitRowWriter } from '../../records/unit-rows';
import { unitRowSinks } from '../../workers/unit-row-sinks';
import { registerSearchAttributes } from '../../workers/search-attributes';
import { freePorts } from '../../scripts/cluster/ports';

export { PROJECT_ROOT };
export const TEST_LINK_SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const testAnswerLinks = createAnswerLinks(TEST_LINK_SECRET);
export const SOLNA_CONFIG = path.join(PROJECT_ROOT, 'config/examples/solna.yaml');

let runtimeInstalled = false;
export function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Retried activity failures are expected in the fault tests; only errors are worth printing.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export async function timeSkippingServer(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: serverExecutable(TEMPORAL_TEST_SERVER) } });
}

/**
 * The dev server, with every port it opens chosen here. Left to itself it takes its HTTP API and
 * metrics ports from the kernel as it starts, and the kernel hands out again the port just freed
 * for its gRPC: the server then fails "address already in use" (a CI run did, 2026-12-07).
 */
export async function devServer(options: { port?: number; dbFilename?: string; extraArgs?: string[] } = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const chosen = await freePorts(3);
  const [http, metrics] = chosen.filter((p) => p !== options.port);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: serverExecutable(TEMPORAL_CLI),
      ip: '127.0.0.1',
      port: options.port ?? chosen[2]!,
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      extraArgs: ['--http-port', String(http), '--metrics-port', String(metrics), ...(options.extraArgs ?? [])],
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds; a test file does it once. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode(workflowBundleOptions(require.resolve('../../workflows')));
  return bundle;
}

export interface TestWorker {
  worker: Worker;
  /** Stops the worker and waits until it has stopped. */
  stop(): Promise<void>;
  archive: Archive;
  archiveDir: string;
  taskQueue: string;
  configs: OrganisationConfig[];
}

export async function createTestWorker(
  env: TestWorkflowEnvironment,
  smtpUrl: string,
  options: { configs?: OrganisationConfig[]; archiveDir?: string; publicBaseUrl?: string; taskQueue?: string; templatesDir?: string; organisationPaths?: boolean; records?: Records; archive?: Archive; webhooks?: WebhookOptions } = {},
): Promise<TestWorker> {
  const archiveDir = options.archiveDir ?? mkdtempSync(path.join(tmpdir(), 'followup-archive-'));
  // The folder unless given one (the database of record's, say).
  const archive = options.archive ?? createFileArchive(archiveDir);
  const configs = options.configs ?? [loadConfigFile(SOLNA_CONFIG)];
  const taskQueue = options.taskQueue ?? `test-${Math.random().toString(36).slice(2)}`;
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const unitRows = options.records ? createUnitRowWriter(options.records) : undefined;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    sinks: unitRowSinks(unitRows),
    activities: createActivities({
      mailer: createSmtpMailer(smtpUrl, { pool: false }),
      renderer: createRenderer(options.templatesDir ?? path.join(PROJECT_ROOT, 'templates')),
      archive,
      directory: createDirectory(configs),
      clock: () => new Date(),
      publicBaseUrl: options.publicBaseUrl ?? 'http://localhost:3000',
      organisationPaths: options.organisationPaths,
      answerLinks: testAnswerLinks,
      registers: createRegisterReader(env.client),
      starter: createWorkflowStarter(env.client),
      ...(options.records ? { mailLog: mailLogIn(options.records), records: options.records } : {}),
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    }),
  });
  const running = worker.run();
  const stop = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    try {
      await running;
    } finally {
      await unitRows?.close();
    }
  };
  return { worker, stop, archive, archiveDir, taskQueue, configs };
}

/**
 * A free TCP port on loopback, for servers that must know their address before they start; below
 * the kernel's ephemeral range, so that no server asking the kernel for a port is given it too.
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Moves the time-skipping server's clock to `iso` (+ plusMs); does nothing if already past it. */
export async function skipTo(env: TestWorkflowEnvironment, iso: string, plusMs = 0): Promise<void> {
  const wait = Date.parse(iso) + plusMs - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait);
}
