/**
 * What a Temporal Schedule starts. Schedules add a timestamp to the ids of the workflows they
 * start; this small workflow instead starts the obligation's own workflow under its business key
 * (cycle/solna/annual-follow-up/2026), so a schedule, the CLI and the web never start twins.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import { ParentClosePolicy, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { registerWorkflowId } from '../domain/registers';
import type { ScheduledStartInput } from './definitions';
import { planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });

async function startOnce(workflowType: string, workflowId: string, args: unknown[]): Promise<'started' | 'already-started'> {
  try {
    await wf.startChild(workflowType, {
      workflowId,
      args,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
    throw err;
  }
}

export async function scheduledStartWorkflow(input: ScheduledStartInput): Promise<{ workflowId: string; outcome: 'started' | 'already-started' }> {
  const run = await planning.resolveScheduledRun({ ...input, now: new Date().toISOString() });
  await startOnce('registerWorkflow', registerWorkflowId(input.orgId), [{ orgId: input.orgId }]);
  return { workflowId: run.workflowId, outcome: await startOnce(run.workflowType, run.workflowId, run.args) };
}
