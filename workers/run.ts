/** `followup worker`: the production worker, until SIGINT or SIGTERM. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Environment } from '../config/environment';
import type { OrganisationConfig } from '../config/schema';
import { connectWorker, createProductionWorker, syncSchedulesAtStart } from './production';

export async function runWorker(env: Environment, configs: readonly OrganisationConfig[], io: { out: (text: string) => void }): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await connectWorker(env.TEMPORAL_ADDRESS);
  const { worker, client, close } = await createProductionWorker(env, configs, connection);
  await syncSchedulesAtStart(env, configs, client, io.out);
  io.out(`Worker on ${env.TEMPORAL_ADDRESS}, task queue "${env.TEMPORAL_TASK_QUEUE}", mail via ${new URL(env.SMTP_URL).host}, organisations: ${configs.map((c) => c.organisation.id).join(', ')}. Stop with Ctrl-C.`);
  try {
    await worker.run();
  } finally {
    close();
    await connection.close();
  }
}
