/** A worker for the floor workflows, in a process of its own like ours, so their RSS compare. */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-floor',
    workflowsPath: require.resolve('./floor-workflows'),
    maxCachedWorkflows: Number(process.env.FOLLOWUP_WORKER_CACHED_WORKFLOWS ?? 500),
    activities: { nothing: async () => undefined },
  });
  console.log('Worker on floor');
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
