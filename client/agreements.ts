/** Time-limited agreements, each reviewed before it ends: register, renew or end, status. */
import type { Client } from '@temporalio/client';
import { obligationOf, type OrganisationConfig } from '../config/schema';
import { agreementWorkflowId, checkAgreement, type AgreementDecision, type AgreementRegistration } from '../domain/registers';
import { agreementStatusQuery, decideAgreementUpdate, resendMailUpdate, type AgreementStatus } from '../workflows/definitions';
import { assertUnit, assertValid, ensureRegister, explained, registrationObligation, startEntity } from './registers';

export async function registerAgreement(client: Client, taskQueue: string, config: OrganisationConfig, agreement: AgreementRegistration, obligationId?: string, by?: string) {
  assertValid(checkAgreement(agreement));
  assertUnit(config, agreement.unitId);
  const review = obligationOf(config, 'expiry-review', registrationObligation(config, 'expiry-review', obligationId));
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  return startEntity(client, taskQueue, 'agreementWorkflow', agreementWorkflowId(orgId, agreement.id), [{ orgId, obligationId: review.id, agreement, ...(by ? { by } : {}) }], `Agreement "${agreement.id}"`);
}

export async function agreementStatus(client: Client, orgId: string, agreementId: string): Promise<AgreementStatus> {
  return explained(`Agreement "${agreementId}"`, 'Register it with: followup agreement register', client.workflow.getHandle(agreementWorkflowId(orgId, agreementId)), (h) =>
    h.query(agreementStatusQuery));
}

export async function decideAgreement(client: Client, orgId: string, agreementId: string, decision: AgreementDecision) {
  return explained(`Agreement "${agreementId}"`, 'Register it with: followup agreement register', client.workflow.getHandle(agreementWorkflowId(orgId, agreementId)), (h) =>
    h.executeUpdate(decideAgreementUpdate, { args: [decision] }),
  );
}


/** The agreement's reminders that did not arrive, sent again (after an address or a template is corrected). */
export async function resendAgreementMail(client: Client, orgId: string, agreementId: string, by?: string) {
  return explained(`Agreement "${agreementId}"`, 'Register it with: followup agreement register', client.workflow.getHandle(agreementWorkflowId(orgId, agreementId)), (h) =>
    h.executeUpdate(resendMailUpdate, { args: [{ by }] }),
  );
}
