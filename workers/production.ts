/** The worker with the real dependencies: SMTP, templates, the archive (the database of record's, or a folder) and the loaded configs. */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createRegisterReader } from '../activities/register-reader';
import { createActivities } from '../activities';
import { openRecords } from '../records/database';
import { mailLogIn } from '../records/mail-log';
import { archiveOf } from '../records/files';
import { createUnitRowWriter } from '../records/unit-rows';
import { createDirectory } from '../activities/directory';
import { createSmtpMailer } from '../activities/mailer';
import { createRenderer } from '../activities/renderer';
import { PROJECT_ROOT, requireSetting, type Environment } from '../config/environment';
import { createAnswerLinks } from '../domain/answer-links';
import type { OrganisationConfig } from '../config/schema';
import { createWorkflowStarter } from '../activities/workflow-starter';
import { syncSchedules } from '../client/schedules';
import { workflowBundle } from './workflow-bundle';
import { registerSearchAttributes } from './search-attributes';
import { unitRowSinks } from './unit-row-sinks';

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    throw new TemporalUnreachableError(
      `Cannot reach the Temporal server at ${address} (${(err as Error).message}). Start one with "npm start", or set TEMPORAL_ADDRESS.`,
    );
  }
}

/**
 * Brings every organisation's schedules in line with its config when a worker starts, so a changed
 * config takes effect and the schedules' five years of runs move on. A failure is reported, not
 * fatal: the worker still serves the workflows that are running.
 */
export async function syncSchedulesAtStart(env: Environment, configs: readonly OrganisationConfig[], client: Client, log: (text: string) => void): Promise<void> {
  if (env.FOLLOWUP_SYNC_SCHEDULES === 'off') return;
  for (const config of configs) {
    try {
      const results = await syncSchedules(client, env.TEMPORAL_TASK_QUEUE, config);
      const changed = results.filter((r) => r.change !== 'unchanged');
      log(`Schedules of ${config.organisation.id}: ${results.length - changed.length} unchanged${changed.map((r) => `, ${r.change} ${r.scheduleId}`).join('')}.`);
    } catch (err) {
      log(`Could not sync the schedules of ${config.organisation.id} (${(err as Error).message}); run "followup schedules sync" once Temporal answers.`);
    }
  }
}

export async function createProductionWorker(env: Environment, configs: readonly OrganisationConfig[], connection: NativeConnection): Promise<{ worker: Worker; client: Client; addedSearchAttributes: string[]; close(): Promise<void> }> {
  const mailer = createSmtpMailer(env.SMTP_URL, { pool: true, perMinute: env.FOLLOWUP_MAIL_PER_MINUTE });
  // Activities that compile reports read the registers, which live in workflows.
  const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
  const addedSearchAttributes = await registerSearchAttributes(clientConnection, env.TEMPORAL_NAMESPACE);
  // The database of record, where one is named (npm start names its embedded one).
  const records = env.DATABASE_URL ? await openRecords(env.DATABASE_URL) : undefined;
  // The units' lines beside the visibility store, for a status of thousands in one query.
  const unitRows = records ? createUnitRowWriter(records, { onError: (err) => console.error(`Could not write units' lines to the database of record (tried again shortly): ${(err as Error).message}`) }) : undefined;
  const bundle = await workflowBundle(require.resolve('../workflows'));
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: bundle.codePath },
    // The SDK sizes the cache from the machine's memory (thousands here); a unit workflow replays in
    // milliseconds, so a small cache costs little and keeps the worker's memory flat as N grows.
    maxCachedWorkflows: env.FOLLOWUP_WORKER_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: env.FOLLOWUP_WORKER_WORKFLOW_TASKS,
    workflowThreadPoolSize: env.FOLLOWUP_WORKER_WORKFLOW_THREADS,
    maxConcurrentActivityTaskExecutions: env.FOLLOWUP_WORKER_ACTIVITIES,
    sinks: unitRowSinks(unitRows),
    activities: createActivities({
      mailer,
      renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
      // Reports and their files in the database of record where there is one, else in the folder.
      archive: archiveOf(env.FOLLOWUP_ARCHIVE_DIR, records),
      directory: createDirectory(configs),
      clock: () => new Date(),
      publicBaseUrl: env.PUBLIC_BASE_URL,
      // The web serves several organisations each under its own path (web/app.ts), and links say so.
      organisationPaths: configs.length > 1,
      answerLinks: createAnswerLinks(requireSetting(env, 'FOLLOWUP_LINK_SECRET')),
      registers: createRegisterReader(client),
      starter: createWorkflowStarter(client),
      ...(records ? { mailLog: mailLogIn(records), records } : {}),
    }),
  });
  bundle.remove();
  return {
    worker,
    client,
    addedSearchAttributes,
    close: async () => {
      mailer.close();
      void clientConnection.close();
      // What the last activations wrote reaches the database before it is closed.
      await unitRows?.close();
      await records?.destroy();
    },
  };
}
