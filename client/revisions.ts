/** The revision of the policy per period: started by its schedule or by hand, its decision recorded. */
import type { Client } from '@temporalio/client';
import { obligationOf, type OrganisationConfig } from '../config/schema';
import { revisionPeriodIds } from '../domain/calendar';
import { revisionWorkflowId, type RevisionDecision, type RevisionSummary } from '../domain/registers';
import { recordRevisionUpdate, resendMailUpdate, revisionStatusQuery, type RevisionStatus } from '../workflows/definitions';
import { ensureRegister, explained } from './registers';
import { startOnce } from './start';

/** The revision period running now (or the one given), of the organisation's revision obligation. */
export function revisionPeriodOf(config: OrganisationConfig, obligationId: string | undefined, periodId: string | undefined, now: Date) {
  const obligation = obligationOf(config, 'revision', obligationId);
  return { obligation, periodId: periodId ?? revisionPeriodIds(obligation.rule, now, 1, config.organisation.timeZone)[0]! };
}

export async function startRevision(client: Client, taskQueue: string, orgId: string, obligationId: string, periodId: string, by?: string): Promise<'started' | 'running' | 'closed'> {
  await ensureRegister(client, taskQueue, orgId);
  return (await startOnce(client, taskQueue, 'revisionWorkflow', revisionWorkflowId(orgId, obligationId, periodId), [{ orgId, obligationId, periodId, ...(by ? { by } : {}) }])).outcome;
}

export async function recordRevision(client: Client, orgId: string, obligationId: string, periodId: string, decision: RevisionDecision): Promise<RevisionSummary> {
  return explained(`The revision ${periodId}`, 'It starts with its schedule; start it now with: followup revision start', client.workflow.getHandle(revisionWorkflowId(orgId, obligationId, periodId)), (h) =>
    h.executeUpdate(recordRevisionUpdate, { args: [decision] }),
  );
}

export async function revisionStatus(client: Client, orgId: string, obligationId: string, periodId: string): Promise<RevisionStatus> {
  return explained(`The revision ${periodId}`, 'It starts with its schedule; start it now with: followup revision start', client.workflow.getHandle(revisionWorkflowId(orgId, obligationId, periodId)), (h) =>
    h.query(revisionStatusQuery),
  );
}

/** The revision's mails that did not arrive, sent again (after an address or a template is corrected). */
export async function resendRevisionMail(client: Client, orgId: string, obligationId: string, periodId: string, by?: string) {
  return explained(`The revision ${periodId}`, 'It starts with its schedule; start it now with: followup revision start', client.workflow.getHandle(revisionWorkflowId(orgId, obligationId, periodId)), (h) =>
    h.executeUpdate(resendMailUpdate, { args: [{ by }] }),
  );
}
