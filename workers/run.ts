/** `followup worker`: the production worker, until SIGINT or SIGTERM. */
import path from 'node:path';
import { checkTemplates, OWN_TEMPLATES_KEY } from '../activities/template-check';
import { PROJECT_ROOT, type Environment } from '../config/environment';
import type { OrganisationConfig } from '../config/schema';
import { installRuntime } from './runtime';
import { connectWorker, createProductionWorker, syncSchedulesAtStart } from './production';
import { carryOverAtFirstStart } from '../records/import';

export async function runWorker(env: Environment, configs: readonly OrganisationConfig[], io: { out: (text: string) => void }): Promise<void> {
  installRuntime(env);
  // The worker still starts (other obligations run), but says at once what would fail later.
  // A problem of an organisation's own folder (a file that replaces nothing) says itself what to do.
  for (const c of configs) {
    for (const problem of checkTemplates(c, path.join(PROJECT_ROOT, 'templates'))) {
      const whose = configs.length > 1 ? `${c.organisation.id}: ` : '';
      io.out(`Warning: ${whose}${problem}${problem.startsWith(`${OWN_TEMPLATES_KEY}:`) ? '.' : ' (mail of this kind will show as failed until it is fixed).'}`);
    }
  }
  // The first start with a database of record: a data folder from the release before it is carried over.
  if (env.DATABASE_URL) await carryOverAtFirstStart(env.DATABASE_URL, { dataDir: env.FOLLOWUP_DATA_DIR, archiveDir: env.FOLLOWUP_ARCHIVE_DIR }, io.out);
  const connection = await connectWorker(env.TEMPORAL_ADDRESS);
  const { worker, client, close, addedSearchAttributes } = await createProductionWorker(env, configs, connection);
  if (addedSearchAttributes.length > 0)
    io.out(
      `Registered the search attributes ${addedSearchAttributes.join(', ')} in namespace ${env.TEMPORAL_NAMESPACE}. On a cluster its services learn them within a minute: a cycle started before that begins its units up to a minute late (nothing is lost).`,
    );
  await syncSchedulesAtStart(env, configs, client, io.out);
  io.out(`Worker on ${env.TEMPORAL_ADDRESS}, task queue "${env.TEMPORAL_TASK_QUEUE}", mail via ${new URL(env.SMTP_URL).host}, organisations: ${configs.map((c) => c.organisation.id).join(', ')}${env.FOLLOWUP_METRICS_ADDRESS ? `, metrics on http://${env.FOLLOWUP_METRICS_ADDRESS}/metrics` : ''}. Stop with Ctrl-C.`);
  try {
    await worker.run();
  } finally {
    await close();
    await connection.close();
  }
}
