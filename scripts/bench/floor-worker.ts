/** A worker for the floor workflows, in a process of its own like ours, so their RSS compare. */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { bundleInChildProcess } from '../../workers/workflow-bundle';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  // Bundled in a child process, as our worker's code is, so the two peaks compare.
  const bundle = await bundleInChildProcess(require.resolve('./floor-workflows'));
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-floor',
    workflowBundle: { codePath: bundle.codePath },
    maxCachedWorkflows: Number(process.env.FOLLOWUP_WORKER_CACHED_WORKFLOWS ?? 500),
    activities: { nothing: async () => undefined },
  });
  bundle.remove();
  console.log('Worker on floor');
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
