/**
 * Keeps a case's state on record: after each change the workflow writes the state as the case's
 * next version to the database of record (activities/case-records.ts), so that what was decided,
 * and by whom, outlives the workflow's history. Nothing is written when nothing changed.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';

// The record goes to the database however long it is away: tried until it is back.
const records = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });

/** Cases that write their state to the database of record; those from before replay as they ran. */
export const CASE_RECORD_PATCH = 'case-on-record';

type CaseKind = Parameters<Activities['recordCase']>[0]['kind'];

export interface CaseOnRecord {
  title: string;
  year?: number;
  state: object;
}

/**
 * A function to call after each change (and before the workflow ends): it writes the case when it
 * changed. Its versions count from 1 in each run; the activity keys them by the run that wrote them
 * (a case started again under its business key, or reset, keeps both runs' versions).
 */
export function keepOnRecord(kind: CaseKind, org: string, caseId: string, current: () => CaseOnRecord): () => Promise<void> {
  let version = 0;
  let written = '';
  return async () => {
    if (!wf.patched(CASE_RECORD_PATCH)) return;
    const { title, year, state } = current();
    const json = JSON.stringify([title, year, state]);
    if (json === written) return;
    written = json;
    version += 1;
    await records.recordCase({ org, kind, caseId, version, title, ...(year !== undefined ? { year } : {}), state: JSON.parse(JSON.stringify(state)) as Record<string, unknown>, at: new Date().toISOString() });
  };
}
