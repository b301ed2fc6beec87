/** A worker for the floor workflows, in a process of its own like ours, so their RSS compare. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { readEnvironment } from '../../config/environment';
import { installRuntime } from '../../workers/runtime';
import { bundleInChildProcess } from '../../workers/workflow-bundle';

async function main(): Promise<void> {
  const env = readEnvironment();
  installRuntime(env);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  // Bundled in a child process, as our worker's code is, so the two peaks compare.
  const bundle = await bundleInChildProcess(require.resolve('./floor-workflows'));
  const worker = await Worker.create({
    connection,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: bundle.codePath },
    maxCachedWorkflows: env.FOLLOWUP_WORKER_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: env.FOLLOWUP_WORKER_WORKFLOW_TASKS,
    workflowThreadPoolSize: env.FOLLOWUP_WORKER_WORKFLOW_THREADS,
    maxConcurrentActivityTaskExecutions: env.FOLLOWUP_WORKER_ACTIVITIES,
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
