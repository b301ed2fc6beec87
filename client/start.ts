/**
 * Starting a workflow once under its business key, shared by every kind: a second start finds
 * the first (running, or closed: one workflow per key, ever) instead of starting another.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';

export interface Started {
  workflowId: string;
  runId: string;
  outcome: 'started' | 'running' | 'closed';
}

export async function startOnce(
  client: Client,
  taskQueue: string,
  workflowType: string,
  workflowId: string,
  args: unknown[],
  options: Pick<WorkflowStartOptions, 'workflowTaskTimeout'> = {},
): Promise<Started> {
  try {
    const handle = await client.workflow.start(workflowType, { ...options, taskQueue, workflowId, args, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return { workflowId, runId: handle.firstExecutionRunId, outcome: 'started' };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const existing = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: existing.runId, outcome: existing.status.name === 'RUNNING' ? 'running' : 'closed' };
  }
}
