/** The run of a schedule: which workflow it starts now, under which business key. */
import { Context } from '@temporalio/activity';
import { registerWorkflowId } from '../domain/registers';
import type { OrganisationConfig } from '../config/schema';
import type { ActivityDeps } from './index';
import { kindOf, type ScheduledRun } from './kinds';

export type { ScheduledRun };

export function createScheduleActivities(deps: ActivityDeps) {
  const { directory } = deps;
  return {
    /** Which workflow a schedule's run starts now: its type, business key and input. */
    async startScheduledRun({ orgId, obligationId, now }: { orgId: string; obligationId: string; now: string }) {
      const run = resolveRun(directory.organisation(orgId), obligationId, new Date(now));
      const taskQueue = Context.current().info.taskQueue;
      await deps.starter.start('registerWorkflow', registerWorkflowId(orgId), [{ orgId }], taskQueue);
      return { workflowId: run.workflowId, outcome: await deps.starter.start(run.workflowType, run.workflowId, run.args, taskQueue) };
    },
  };
}

/** The run a schedule starts at `now`: the period whose opening has come most recently. */
export function resolveRun(org: OrganisationConfig, obligationId: string, now: Date): ScheduledRun {
  const obligation = org.obligations.find((o) => o.id === obligationId);
  if (!obligation) throw new Error(`${org.organisation.id} has no obligation "${obligationId}" (was it removed? run "followup schedules sync").`);
  const schedule = kindOf(obligation).schedule as { run(org: OrganisationConfig, o: typeof obligation, now: Date): ScheduledRun } | undefined;
  if (!schedule) throw new Error(`"${obligationId}" has no schedule: it is run when something is registered.`);
  // A schedule fires a little before or after its minute; a minute's slack keeps it in its own period.
  return schedule.run(org, obligation, new Date(now.getTime() + 60_000));
}
