/**
 * Starts a workflow under its business key from an activity. A schedule's run uses it instead of a
 * child workflow: the started workflow runs for months and has no parent to outlive or report to.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';

export interface WorkflowStarter {
  start(workflowType: string, workflowId: string, args: unknown[], taskQueue: string): Promise<'started' | 'already-started'>;
}

export function createWorkflowStarter(client: Client): WorkflowStarter {
  return {
    async start(workflowType, workflowId, args, taskQueue) {
      try {
        await client.workflow.start(workflowType, { workflowId, args, taskQueue, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
        return 'started';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
        throw err;
      }
    },
  };
}
