/** Reads an organisation's register through the Temporal client; an organisation without one has an empty register. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { registerWorkflowId, type RegisterContents } from '../domain/registers';
import { registerContentsQuery } from '../workflows/definitions';

export interface RegisterReader {
  read(orgId: string): Promise<RegisterContents>;
}

export function emptyRegister(orgId: string): RegisterContents {
  return { orgId, projects: [], seminars: [], agreements: [], revisions: [] };
}

export function createRegisterReader(client: Client): RegisterReader {
  return {
    async read(orgId) {
      try {
        return await client.workflow.getHandle(registerWorkflowId(orgId)).query(registerContentsQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || (err as Error)?.name === 'WorkflowNotFoundError') return emptyRegister(orgId);
        throw err;
      }
    },
  };
}
