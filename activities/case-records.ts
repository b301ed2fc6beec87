/** The activity every case's workflow writes its state with, after each change, to the database of record. */
import { Context } from '@temporalio/activity';
import { recordCase, type CaseVersion } from '../records/cases';
import type { ActivityDeps } from './index';

export type CaseRecordInput = Omit<CaseVersion, 'at' | 'runId'> & { at: string };

/**
 * The run of the workflow that called: each run numbers its versions from 1, so a case whose
 * workflow runs again (started anew after its history was deleted, or reset) keeps both runs'.
 */
function callingRun(): string {
  try {
    return Context.current().info.workflowExecution?.runId ?? '';
  } catch {
    // Called outside an activity (a test calling it directly): no run to tell apart.
    return '';
  }
}

export function createCaseRecordActivities(deps: ActivityDeps) {
  return {
    /** A case's state after a change, as its run's version; whether there is a database to write it to. */
    async recordCase(input: CaseRecordInput): Promise<boolean> {
      if (!deps.records) return false;
      await recordCase(deps.records, { ...input, runId: callingRun() });
      return true;
    },
  };
}
