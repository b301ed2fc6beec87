/** The activity every case's workflow writes its state with, after each change, to the database of record. */
import { recordCase, type CaseVersion } from '../records/cases';
import type { ActivityDeps } from './index';

export type CaseRecordInput = Omit<CaseVersion, 'at'> & { at: string };

export function createCaseRecordActivities(deps: ActivityDeps) {
  return {
    /** A case's state after a change, as its version; whether there is a database to write it to. */
    async recordCase(input: CaseRecordInput): Promise<boolean> {
      if (!deps.records) return false;
      await recordCase(deps.records, input);
      return true;
    },
  };
}
