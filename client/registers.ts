/**
 * What units and the secretariat do with the registers and the workflows behind them: register a
 * project, seminar or agreement, move a project through its gate, record a revision. Shared by the
 * CLI (and any later web page), so all behave alike. Registrations are checked against the
 * organisation's config here (unit ids) and against their shape in the workflows' validators.
 */
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { obligationOf, type OrganisationConfig } from '../config/schema';
import { revisionPeriodIds } from '../domain/calendar';
import {
  agreementWorkflowId,
  checkAgreement,
  checkProject,
  checkSeminar,
  describeProblems,
  projectWorkflowId,
  registerWorkflowId,
  revisionWorkflowId,
  type AgreementDecision,
  type AgreementRegistration,
  type ProjectRegistration,
  type ProjectStatus,
  type RegisterContents,
  type RevisionDecision,
  type RevisionSummary,
  type SeminarRecord,
  type SeminarRegistration,
} from '../domain/registers';
import type { AnswerValues } from '../domain/types';
import {
  agreementStatusQuery,
  approveGoalsUpdate,
  closeProjectUpdate,
  decideAgreementUpdate,
  projectStatusQuery,
  recordRevisionUpdate,
  registerContentsQuery,
  registerSeminarUpdate,
  returnGoalsUpdate,
  revisionStatusQuery,
  submitGoalsUpdate,
  type AgreementStatus,
  type RevisionStatus,
} from '../workflows/definitions';
import { isNotFound, rejectionOf, RejectedError } from './temporal';

export class NotRegisteredError extends Error {
  override name = 'NotRegisteredError';
}

/**
 * A refused update or a missing workflow, said the way a person can act on. An update on a
 * workflow that has finished fails as "not found" too; describing it tells the two apart.
 */
async function explained<T>(what: string, hint: string, handle: WorkflowHandle, call: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
  try {
    return await call(handle);
  } catch (err) {
    const rejected = rejectionOf(err);
    if (rejected) throw rejected;
    if (isNotFound(err)) {
      const closed = await handle.describe().catch(() => undefined);
      if (closed) throw RejectedError.of('AlreadyEnded', 'en', { what, when: `${closed.status.name.toLowerCase()} ${closed.closeTime?.toISOString().slice(0, 10) ?? ''}`.trim() });
      throw new NotRegisteredError(`${what} is not registered. ${hint}`);
    }
    throw err;
  }
}

function assertUnit(config: OrganisationConfig, unitId: string): void {
  if (!config.units.some((u) => u.id === unitId)) {
    throw RejectedError.of('InvalidRegistration', 'en', { problems: `unitId: no unit "${unitId}" in ${config.organisation.id}; known: ${config.units.map((u) => u.id).join(', ')}` });
  }
}

function assertValid(problems: { field: string; message: string }[]): void {
  if (problems.length) throw RejectedError.of('InvalidRegistration', 'en', { problems: describeProblems(problems) });
}

/** The organisation's register workflow, started on first use; it then runs for as long as the organisation does. */
export async function ensureRegister(client: Client, taskQueue: string, orgId: string): Promise<void> {
  try {
    await client.workflow.start('registerWorkflow', { taskQueue, workflowId: registerWorkflowId(orgId), args: [{ orgId }] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export async function readRegister(client: Client, orgId: string): Promise<RegisterContents> {
  try {
    return await client.workflow.getHandle(registerWorkflowId(orgId)).query(registerContentsQuery);
  } catch (err) {
    if (isNotFound(err)) return { orgId, projects: [], seminars: [], agreements: [], revisions: [] };
    throw err;
  }
}

async function startEntity(client: Client, taskQueue: string, workflowType: string, workflowId: string, args: unknown[], what: string): Promise<{ workflowId: string }> {
  try {
    await client.workflow.start(workflowType, { taskQueue, workflowId, args, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return { workflowId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw RejectedError.of('AlreadyRegistered', 'en', { what });
    throw err;
  }
}

// --- Projects ----------------------------------------------------------------------------------

export async function registerProject(client: Client, taskQueue: string, config: OrganisationConfig, project: ProjectRegistration) {
  assertValid(checkProject(project));
  assertUnit(config, project.unitId);
  const gate = config.obligations.find((o) => o.kind === 'gate-before-start');
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  return startEntity(client, taskQueue, 'projectWorkflow', projectWorkflowId(orgId, project.id), [{ orgId, obligationId: gate?.id, project }], `Project "${project.id}"`);
}

const projectHandle = (client: Client, orgId: string, projectId: string) => client.workflow.getHandle(projectWorkflowId(orgId, projectId));
const projectHint = 'Register it with: followup project register';

export async function projectStatus(client: Client, orgId: string, projectId: string): Promise<ProjectStatus> {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.query(projectStatusQuery));
}

export async function submitGoals(client: Client, orgId: string, projectId: string, values: AnswerValues) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(submitGoalsUpdate, { args: [{ values }] }));
}

export async function approveGoals(client: Client, orgId: string, projectId: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(approveGoalsUpdate));
}

export async function returnGoals(client: Client, orgId: string, projectId: string, comment: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(returnGoalsUpdate, { args: [{ comment }] }));
}

export async function closeProject(client: Client, orgId: string, projectId: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(closeProjectUpdate));
}

// --- Seminars ----------------------------------------------------------------------------------

export async function registerSeminar(client: Client, taskQueue: string, config: OrganisationConfig, seminar: SeminarRegistration): Promise<SeminarRecord> {
  assertValid(checkSeminar(seminar));
  assertUnit(config, seminar.unitId);
  await ensureRegister(client, taskQueue, config.organisation.id);
  return explained('The register', '', client.workflow.getHandle(registerWorkflowId(config.organisation.id)), (h) => h.executeUpdate(registerSeminarUpdate, { args: [seminar] }));
}

// --- Agreements --------------------------------------------------------------------------------

export async function registerAgreement(client: Client, taskQueue: string, config: OrganisationConfig, agreement: AgreementRegistration) {
  assertValid(checkAgreement(agreement));
  assertUnit(config, agreement.unitId);
  const review = obligationOf(config, 'expiry-review');
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  return startEntity(client, taskQueue, 'agreementWorkflow', agreementWorkflowId(orgId, agreement.id), [{ orgId, obligationId: review.id, agreement }], `Agreement "${agreement.id}"`);
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

// --- Revisions ---------------------------------------------------------------------------------

/** The revision period running now (or the one given), of the organisation's revision obligation. */
export function revisionPeriodOf(config: OrganisationConfig, obligationId: string | undefined, periodId: string | undefined, now: Date) {
  const obligation = obligationOf(config, 'revision', obligationId);
  return { obligation, periodId: periodId ?? revisionPeriodIds(obligation.rule, now, 1, config.organisation.timeZone)[0]! };
}

export async function startRevision(client: Client, taskQueue: string, orgId: string, obligationId: string, periodId: string): Promise<'started' | 'running' | 'closed'> {
  await ensureRegister(client, taskQueue, orgId);
  const workflowId = revisionWorkflowId(orgId, obligationId, periodId);
  try {
    await client.workflow.start('revisionWorkflow', { taskQueue, workflowId, args: [{ orgId, obligationId, periodId }], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return 'started';
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING' ? 'running' : 'closed';
  }
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
