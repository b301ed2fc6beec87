/**
 * Workflow ids are business keys: readable in the Temporal UI, stable across restarts, and never
 * personal data. A second start with the same key finds the running workflow instead of a twin.
 */
export interface CycleKey {
  orgId: string;
  obligationId: string;
  period: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PERIOD = /^[0-9]{4}(-[A-Z0-9]{1,8})?$/;

export class InvalidKeyError extends Error {
  override name = 'InvalidKeyError';
}

export function assertSlug(kind: string, value: string): void {
  if (!SLUG.test(value)) {
    throw new InvalidKeyError(`${kind} "${value}" must be lower-case letters, digits and dashes (e.g. "annual-follow-up").`);
  }
}

export function assertPeriod(value: string): void {
  if (!PERIOD.test(value)) {
    throw new InvalidKeyError(`period "${value}" must be a year such as 2026, or a year with a suffix such as 2026-T1.`);
  }
}

export function cycleWorkflowId(key: CycleKey): string {
  assertSlug('organisation', key.orgId);
  assertSlug('obligation', key.obligationId);
  assertPeriod(key.period);
  return `cycle/${key.orgId}/${key.obligationId}/${key.period}`;
}

export function unitWorkflowId(key: CycleKey, unitId: string): string {
  assertSlug('unit', unitId);
  return `${cycleWorkflowId(key)}/unit/${unitId}`;
}

/** The business key of one mail; retries of the same mail carry the same Message-ID. */
export function mailMessageId(key: CycleKey, subject: string, kind: string, sequence: number, domain: string): string {
  return scopedMessageId(messageIdScope(key), subject, kind, sequence, domain);
}

export function messageIdScope(key: CycleKey): string {
  return `${key.orgId}.${key.obligationId}.${key.period}`;
}

/** scope: the business key of what the mail is about, e.g. "solna.project-goals.interreg-2027". */
export function scopedMessageId(scope: string, subject: string, kind: string, sequence: number, domain: string): string {
  return `<${scope}.${subject}.${kind}.${sequence}@${domain}>`;
}

/** The mail to a colleague a unit's answer was handed to (workflows/delegation.ts): one per delegation. */
export function delegationWorkflowId(key: CycleKey, unitId: string, delegationId: string): string {
  return `delegation/${key.orgId}/${key.obligationId}/${key.period}/${unitId}/${delegationId}`;
}
