/**
 * What every register-based kind shares on the client side: starting an entity's workflow once
 * under its business key, the organisation's register, refusals said the way a person can act on,
 * and which obligation a registration comes under. Each kind's own calls are in client/<kind>.ts.
 */
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { obligationOf, type OrganisationConfig } from '../config/schema';
import { describeProblems, registerWorkflowId, type RegisterContents } from '../domain/registers';
import { registerContentsQuery } from '../workflows/definitions';
import { isNotFound, rejectionOf, RejectedError } from './temporal';
import { startOnce } from './start';

export class NotRegisteredError extends Error {
  override name = 'NotRegisteredError';
}

/**
 * A refused update or a missing workflow, said the way a person can act on. An update on a
 * workflow that has finished fails as "not found" too; describing it tells the two apart.
 */
export async function explained<T>(what: string, hint: string, handle: WorkflowHandle, call: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
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

export function assertUnit(config: OrganisationConfig, unitId: string): void {
  if (!config.units.some((u) => u.id === unitId)) {
    throw RejectedError.of('InvalidRegistration', 'en', { problems: `unitId: no unit "${unitId}" in ${config.organisation.id}; known: ${config.units.map((u) => u.id).join(', ')}` });
  }
}

export function assertValid(problems: { field: string; message: string }[]): void {
  if (problems.length) throw RejectedError.of('InvalidRegistration', 'en', { problems: describeProblems(problems) });
}

/** The organisation's register workflow, started on first use; it then runs for as long as the organisation does. */
export async function ensureRegister(client: Client, taskQueue: string, orgId: string): Promise<void> {
  try {
    // Not once per key: a register continues as new, and one closed by hand may be started again.
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

/** An entity (project, agreement, event) is registered once: a second registration under its id is refused. */
export async function startEntity(client: Client, taskQueue: string, workflowType: string, workflowId: string, args: unknown[], what: string): Promise<{ workflowId: string }> {
  const started = await startOnce(client, taskQueue, workflowType, workflowId, args);
  if (started.outcome !== 'started') throw RejectedError.of('AlreadyRegistered', 'en', { what });
  return { workflowId };
}

/**
 * The obligation a registration comes under: the one named, or the organisation's only one of the
 * kind. With several, the registration must name one.
 */
export function registrationObligation(config: OrganisationConfig, kind: 'gate-before-start' | 'expiry-review' | 'event-notices', given?: string): string | undefined {
  const candidates = config.obligations.filter((o) => o.kind === kind);
  if (given !== undefined) return obligationOf(config, kind, given).id;
  if (candidates.length > 1) throw RejectedError.of('SeveralObligations', config.organisation.language, { choices: candidates.map((o) => o.id).join(', ') });
  return candidates[0]?.id;
}

