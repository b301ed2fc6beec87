/** A year's goals set by a body: record them (starting the year's workflow if its schedule has not), see them. */
import type { Client } from '@temporalio/client';
import { obligationOf, type OrganisationConfig } from '../config/schema';
import { goalsWorkflowId, type GoalsDecision, type GoalsSummary } from '../domain/registers';
import { goalsStatusQuery, recordGoalsUpdate, resendMailUpdate, type GoalsStatus } from '../workflows/definitions';
import { ensureRegister, explained } from './registers';
import { startOnce } from './start';
import { isNotFound } from './temporal';
import { caseOnRecord } from '../records/cases';
import type { Records } from '../records/database';

const hint = 'Record them with: followup goals record';

/**
 * A year's goals that have run their course and are archived: the year's workflow is gone (its
 * history deleted after the namespace's retention) and its case is in the database of record. A
 * second run for the year would stand beside it as another record of the same year's goals.
 */
export class GoalsArchivedError extends Error {
  override name = 'GoalsArchivedError';
  constructor(
    readonly obligationId: string,
    readonly year: number,
  ) {
    super(
      `The goals for ${year} (${obligationId}) have already been handled and are archived in the database of record; nothing was recorded. See them, as they stood last, on the page /yearly-goals/${obligationId} or in the archive package of ${year}.`,
    );
  }
}

/**
 * Records a year's goals as decided, starting the year's workflow where its schedule has not. With
 * the database of record (`records`), a year whose workflow is gone but whose case is on record is
 * refused (GoalsArchivedError) rather than started a second time.
 */
export async function recordGoals(client: Client, taskQueue: string, config: OrganisationConfig, obligationId: string | undefined, year: number, decision: GoalsDecision, by?: string, options: { records?: Records } = {}): Promise<GoalsSummary> {
  const obligation = obligationOf(config, 'yearly-goals', obligationId);
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  const workflowId = goalsWorkflowId(orgId, obligation.id, year);
  if (options.records && (await caseOnRecord(options.records, orgId, 'goals', `${obligation.id}/${year}`))) {
    const gone = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => false,
        (err: unknown) => (isNotFound(err) ? true : Promise.reject(err)),
      );
    if (gone) throw new GoalsArchivedError(obligation.id, year);
  }
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
