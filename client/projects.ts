/** Projects and the gate before they start: register, goals submitted, approved or returned, closed. */
import type { Client } from '@temporalio/client';
import type { OrganisationConfig } from '../config/schema';
import { checkProject, projectWorkflowId, type ProjectChange, type ProjectRegistration, type ProjectStatus } from '../domain/registers';
import type { AnswerValues } from '../domain/types';
import { approveGoalsUpdate, approveOwnerUpdate, closeProjectUpdate, editProjectUpdate, projectStatusQuery, resendMailUpdate, returnGoalsUpdate, saveGoalsDraftUpdate, submitGoalsUpdate } from '../workflows/definitions';
import { assertUnit, assertValid, ensureRegister, explained, registrationObligation, startEntity } from './registers';

/** `ownerToConfirm`: nothing is mailed to the owner until the secretariat approves them (an owner outside the organisation, from a standing link). */
export async function registerProject(client: Client, taskQueue: string, config: OrganisationConfig, project: ProjectRegistration, obligationId?: string, by?: string, options: { ownerToConfirm?: boolean } = {}) {
  assertValid(checkProject(project));
  assertUnit(config, project.unitId);
  const gate = { id: registrationObligation(config, 'gate-before-start', obligationId) };
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  return startEntity(client, taskQueue, 'projectWorkflow', projectWorkflowId(orgId, project.id), [{ orgId, obligationId: gate?.id, project, ...(by ? { by } : {}), ...(options.ownerToConfirm ? { ownerToConfirm: true } : {}) }], `Project "${project.id}"`);
}

const projectHandle = (client: Client, orgId: string, projectId: string) => client.workflow.getHandle(projectWorkflowId(orgId, projectId));
const projectHint = 'Register it with: followup project register';

export async function projectStatus(client: Client, orgId: string, projectId: string): Promise<ProjectStatus> {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.query(projectStatusQuery));
}

/** `by`: who submits, when it is not the owner from their own link. */
export async function submitGoals(client: Client, orgId: string, projectId: string, values: AnswerValues, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(submitGoalsUpdate, { args: [{ values, ...(by ? { by } : {}) }] }));
}

/** The owner's goals form, saved to go on later. */
export async function saveGoalsDraft(client: Client, orgId: string, projectId: string, values: Record<string, string>) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(saveGoalsDraftUpdate, { args: [{ values }] }));
}

export async function approveGoals(client: Client, orgId: string, projectId: string, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(approveGoalsUpdate, { args: [{ by }] }));
}

export async function returnGoals(client: Client, orgId: string, projectId: string, comment: string, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(returnGoalsUpdate, { args: [{ comment, ...(by ? { by } : {}) }] }));
}

/** The secretariat approves an owner outside the organisation's mail domains: the goals request goes out. */
export async function approveOwner(client: Client, orgId: string, projectId: string, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(approveOwnerUpdate, { args: [{ by }] }));
}

/** The project's mails that did not arrive, sent again (after the title or an address is corrected). */
export async function resendProjectMail(client: Client, orgId: string, projectId: string, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(resendMailUpdate, { args: [{ by }] }));
}

export async function closeProject(client: Client, orgId: string, projectId: string, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(closeProjectUpdate, { args: [{ by }] }));
}


/** Corrects a registration: title, owner, dates, partners, EU funding, stage. */
export async function editProject(client: Client, orgId: string, projectId: string, change: ProjectChange, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(editProjectUpdate, { args: [{ change, ...(by ? { by } : {}) }] }));
}
