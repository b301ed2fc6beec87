/**
 * Reads an organisation's register through the Temporal client; an organisation without one has an empty register.
 *
 * The register is a workflow, answered by whichever worker last ran it: when that worker has died,
 * Temporal waits for it (up to the sticky queue's schedule-to-start timeout, 10 s) before another
 * worker answers. A mail activity reading it must not fall silent meanwhile, or it is taken for
 * dead and retried while it mails: so each query has a short deadline and is asked again, with a
 * sign of life between, until an overall deadline.
 */
import { isGrpcDeadlineError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { registerWorkflowId, type RegisterContents } from '../domain/registers';
import { registerContentsQuery } from '../workflows/definitions';
import { heartbeatKeepingProgress } from './send';

export interface RegisterReader {
  read(orgId: string): Promise<RegisterContents>;
}

/** No worker answered for the register within the overall deadline; a retry of the activity asks again (nothing was mailed yet). */
export class RegisterUnavailableError extends Error {
  override name = 'RegisterUnavailableError';
}

export interface RegisterReadDeadlines {
  /** One query: shorter than the heartbeat timeout (10 s) of the mail activities that read it. */
  queryMs: number;
  /** All queries together: longer than Temporal takes to give up a dead worker's sticky queue. */
  totalMs: number;
}

export const REGISTER_READ_DEADLINES: RegisterReadDeadlines = { queryMs: 5_000, totalMs: 40_000 };

export function emptyRegister(orgId: string): RegisterContents {
  return { orgId, projects: [], seminars: [], agreements: [], revisions: [] };
}

export function createRegisterReader(client: Client, deadlines: RegisterReadDeadlines = REGISTER_READ_DEADLINES): RegisterReader {
  return {
    async read(orgId) {
      const giveUpAt = Date.now() + deadlines.totalMs;
      const alive = setInterval(heartbeatKeepingProgress, 2_000);
      try {
        for (;;) {
          heartbeatKeepingProgress();
          try {
            return await client.withDeadline(Date.now() + deadlines.queryMs, () => client.workflow.getHandle(registerWorkflowId(orgId)).query(registerContentsQuery));
          } catch (err) {
            if (err instanceof WorkflowNotFoundError || (err as Error)?.name === 'WorkflowNotFoundError') return emptyRegister(orgId);
            if (!isGrpcDeadlineError(err)) throw err;
            if (Date.now() >= giveUpAt) {
              throw new RegisterUnavailableError(`The register of ${orgId} did not answer within ${deadlines.totalMs / 1000} s: no worker runs it (all stopped, or Temporal unreachable).`);
            }
          }
        }
      } finally {
        clearInterval(alive);
      }
    },
  };
}
