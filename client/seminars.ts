/** Seminars in the register, counted against a yearly minimum. */
import type { Client } from '@temporalio/client';
import type { OrganisationConfig } from '../config/schema';
import { checkSeminar, registerWorkflowId, type SeminarChange, type SeminarRecord, type SeminarRegistration } from '../domain/registers';
import { editSeminarUpdate, registerSeminarUpdate } from '../workflows/definitions';
import { assertUnit, assertValid, ensureRegister, explained } from './registers';

export async function registerSeminar(client: Client, taskQueue: string, config: OrganisationConfig, seminar: SeminarRegistration): Promise<SeminarRecord> {
  assertValid(checkSeminar(seminar));
  assertUnit(config, seminar.unitId);
  await ensureRegister(client, taskQueue, config.organisation.id);
  return explained('The register', '', client.workflow.getHandle(registerWorkflowId(config.organisation.id)), (h) => h.executeUpdate(registerSeminarUpdate, { args: [seminar] }));
}


export async function editSeminar(client: Client, config: OrganisationConfig, id: string, change: SeminarChange, by?: string): Promise<SeminarRecord> {
  if (change.unitId !== undefined) assertUnit(config, change.unitId);
  return explained('The register', '', client.workflow.getHandle(registerWorkflowId(config.organisation.id)), (h) => h.executeUpdate(editSeminarUpdate, { args: [{ id, change, ...(by ? { by } : {}) }] }));
}
