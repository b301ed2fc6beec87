/** The activity every case's workflow writes its state with, after each change, to the database of record. */
import { Context } from '@temporalio/activity';
import { recordCase, type CaseVersion } from '../records/cases';
import type { ActivityDeps } from './index';
import type { EmitWebhookEvent } from './webhooks';

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

/** An agreement's decisions as the workflow keeps them in its state. */
interface AgreementOnRecord {
  title?: string;
  partner?: string;
  decisions?: { decision: string; newEndsOn?: string; note?: string; by?: string; at: string }[];
}

/** A revision's decision as the workflow keeps it in its state. */
interface RevisionOnRecord {
  decision?: { decidedOn: string; body: string; paragraph: string; outcome: string; by?: string };
  recordedAt?: string;
}

/**
 * The decisions in a case's state, told to the webhooks. Each state written carries every decision
 * so far; each decision is an event of its own id, so one told again is not delivered again.
 */
async function tellDecisions(emit: EmitWebhookEvent, input: CaseRecordInput): Promise<void> {
  if (input.kind === 'agreement') {
    const state = input.state as AgreementOnRecord;
    for (const d of state.decisions ?? []) {
      await emit({
        org: input.org,
        type: 'agreement.decided',
        key: `${input.org}/${input.caseId}/${d.at}`,
        at: d.at,
        data: { agreement: input.caseId, title: state.title ?? input.title, partner: state.partner, decision: d.decision, ...(d.newEndsOn ? { newEndsOn: d.newEndsOn } : {}), ...(d.note ? { note: d.note } : {}), ...(d.by ? { by: d.by } : {}), decidedAt: d.at },
      });
    }
  }
  if (input.kind === 'revision') {
    const state = input.state as RevisionOnRecord;
    if (!state.decision || !state.recordedAt) return;
    const [obligation, period] = input.caseId.split('/');
    await emit({ org: input.org, type: 'revision.recorded', key: `${input.org}/${input.caseId}`, at: state.recordedAt, data: { obligation, period, ...state.decision, recordedAt: state.recordedAt } });
  }
}

export function createCaseRecordActivities(deps: ActivityDeps, emit: EmitWebhookEvent) {
  return {
    /** A case's state after a change, as its run's version; whether there is a database to write it to. */
    async recordCase(input: CaseRecordInput): Promise<boolean> {
      if (!deps.records) return false;
      await recordCase(deps.records, { ...input, runId: callingRun() });
      await tellDecisions(emit, input);
      return true;
    },
  };
}
