/** A year's goals set by a body: record them (starting the year's workflow if its schedule has not), see them. */
import type { Client } from '@temporalio/client';
import { obligationOf, type OrganisationConfig } from '../config/schema';
import { goalsWorkflowId, type GoalsDecision, type GoalsSummary } from '../domain/registers';
import { goalsStatusQuery, recordGoalsUpdate, resendMailUpdate, type GoalsStatus } from '../workflows/definitions';
import { ensureRegister, explained } from './registers';
import { startOnce } from './start';

const hint = 'Record them with: followup goals record';

export async function recordGoals(client: Client, taskQueue: string, config: OrganisationConfig, obligationId: string | undefined, year: number, decision: GoalsDecision, by?: string): Promise<GoalsSummary> {
  const obligation = obligationOf(config, 'yearly-goals', obligationId);
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  const workflowId = goalsWorkflowId(orgId, obligation.id, year);
  // Recorded before its schedule asked (or for a year before the schedule existed).
  await startOnce(client, taskQueue, 'goalsWorkflow', workflowId, [{ orgId, obligationId: obligation.id, year }]);
  return explained(`The goals for ${year}`, hint, client.workflow.getHandle(workflowId), (h) => h.executeUpdate(recordGoalsUpdate, { args: [{ decision, by }] }));
}

export async function goalsStatus(client: Client, config: OrganisationConfig, obligationId: string | undefined, year: number): Promise<GoalsStatus> {
  const obligation = obligationOf(config, 'yearly-goals', obligationId);
  return explained(`The goals for ${year}`, hint, client.workflow.getHandle(goalsWorkflowId(config.organisation.id, obligation.id, year)), (h) => h.query(goalsStatusQuery));
}

/** A year's reminders or notice that did not arrive, sent again (after an address or a template is corrected). */
export async function resendGoalsMail(client: Client, config: OrganisationConfig, obligationId: string | undefined, year: number, by?: string) {
  const obligation = obligationOf(config, 'yearly-goals', obligationId);
  return explained(`The goals for ${year}`, hint, client.workflow.getHandle(goalsWorkflowId(config.organisation.id, obligation.id, year)), (h) => h.executeUpdate(resendMailUpdate, { args: [{ by }] }));
}
