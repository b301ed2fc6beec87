/** Projects and the gate before they start: register, goals submitted, approved or returned, closed. */
import type { Client } from '@temporalio/client';
import type { OrganisationConfig } from '../config/schema';
import { checkProject, projectWorkflowId, type ProjectChange, type ProjectRegistration, type ProjectStatus } from '../domain/registers';
import type { AnswerValues } from '../domain/types';
import { approveGoalsUpdate, closeProjectUpdate, editProjectUpdate, projectStatusQuery, returnGoalsUpdate, saveGoalsDraftUpdate, submitGoalsUpdate } from '../workflows/definitions';
import { assertUnit, assertValid, ensureRegister, explained, registrationObligation, startEntity } from './registers';

export async function registerProject(client: Client, taskQueue: string, config: OrganisationConfig, project: ProjectRegistration, obligationId?: string, by?: string) {
  assertValid(checkProject(project));
  assertUnit(config, project.unitId);
  const gate = { id: registrationObligation(config, 'gate-before-start', obligationId) };
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  return startEntity(client, taskQueue, 'projectWorkflow', projectWorkflowId(orgId, project.id), [{ orgId, obligationId: gate?.id, project, ...(by ? { by } : {}) }], `Project "${project.id}"`);
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

export async function closeProject(client: Client, orgId: string, projectId: string, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(closeProjectUpdate, { args: [{ by }] }));
}


/** Corrects a registration: title, owner, dates, partners, EU funding, stage. */
export async function editProject(client: Client, orgId: string, projectId: string, change: ProjectChange, by?: string) {
  return explained(`Project "${projectId}"`, projectHint, projectHandle(client, orgId, projectId), (h) => h.executeUpdate(editProjectUpdate, { args: [{ change, ...(by ? { by } : {}) }] }));
}
