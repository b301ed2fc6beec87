/**
 * Starts a workflow under its business key from an activity. A schedule's run uses it instead of a
 * child workflow: the started workflow runs for months and has no parent to outlive or report to.
 * It starts as the CLI and the web start it (client/start.ts), with the same options per kind.
 */
import type { Client } from '@temporalio/client';
import { startOnce } from '../client/start';

export interface WorkflowStarter {
  start(workflowType: string, workflowId: string, args: unknown[], taskQueue: string): Promise<'started' | 'already-started'>;
  /** Signals the workflow under its key, starting it with `args` when none runs (a webhook endpoint's deliveries). */
  signalWithStart?(workflowType: string, workflowId: string, args: unknown[], signal: string, signalArgs: unknown[], taskQueue: string): Promise<void>;
}

export function createWorkflowStarter(client: Client): WorkflowStarter {
  return {
    async start(workflowType, workflowId, args, taskQueue) {
      const { outcome } = await startOnce(client, taskQueue, workflowType, workflowId, args);
      return outcome === 'started' ? 'started' : 'already-started';
    },
    async signalWithStart(workflowType, workflowId, args, signal, signalArgs, taskQueue) {
      await client.workflow.signalWithStart(workflowType, { workflowId, taskQueue, args, signal, signalArgs });
    },
  };
}
