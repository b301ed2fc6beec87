/**
 * Starting a workflow once under its business key, shared by every kind: a second start finds
 * the first (running, or closed: one workflow per key, ever) instead of starting another.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { CYCLE_TASK_TIMEOUT } from '../workflows/definitions';

/**
 * What a kind of workflow is started with besides its key, the same from the CLI, the web and a
 * schedule. (A workflow keeps what it was started with: cycles already running keep Temporal's 10 s.)
 */
const START_OPTIONS: Partial<Record<string, Pick<WorkflowStartOptions, 'workflowTaskTimeout'>>> = {
  cycleWorkflow: { workflowTaskTimeout: CYCLE_TASK_TIMEOUT },
};

export interface Started {
  workflowId: string;
  runId: string;
  outcome: 'started' | 'running' | 'closed';
}

export async function startOnce(client: Client, taskQueue: string, workflowType: string, workflowId: string, args: unknown[]): Promise<Started> {
  try {
    const handle = await client.workflow.start(workflowType, { ...START_OPTIONS[workflowType], taskQueue, workflowId, args, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return { workflowId, runId: handle.firstExecutionRunId, outcome: 'started' };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const existing = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: existing.runId, outcome: existing.status.name === 'RUNNING' ? 'running' : 'closed' };
  }
}
