/**
 * What a Temporal Schedule starts. Schedules add a timestamp to the ids of the workflows they
 * start; this small workflow instead has the obligation's own workflow started under its business
 * key (cycle/solna/annual-follow-up/2026), so a schedule, the CLI and the web never start twins.
 * The start is an activity, not a child: the started workflow runs for months on its own.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ScheduledStartInput } from './definitions';
import { planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });

export async function scheduledStartWorkflow(input: ScheduledStartInput): Promise<{ workflowId: string; outcome: 'started' | 'already-started' }> {
  return planning.startScheduledRun({ ...input, now: new Date().toISOString() });
}
