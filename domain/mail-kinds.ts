/**
 * The mails each obligation kind sends. Each is also the name of its default template in
 * templates/mail/<language>/; an obligation may name another template for any of them.
 */
export const PROJECT_MAIL_KINDS = ['goals-request', 'goals-reminder', 'goals-review', 'goals-approved', 'goals-returned', 'start-without-approval'] as const;
export const AGREEMENT_MAIL_KINDS = ['agreement-review', 'agreement-expired'] as const;
export const REVISION_MAIL_KINDS = ['revision-request', 'revision-reminder', 'revision-overdue', 'revision-recorded'] as const;
export const OCCURRENCE_MAIL_KINDS = ['occurrences-warning', 'occurrences-result'] as const;
export const EVENT_MAIL_KINDS = ['event-notice', 'event-changed', 'event-cancelled'] as const;
export const GOALS_MAIL_KINDS = ['goals-missing', 'goals-recorded'] as const;

/** The template an obligation sends for a mail: its own choice, or the mail's default. */
export function templateFor(obligation: { templates?: Partial<Record<string, string>> }, kind: string): string {
  return obligation.templates?.[kind] ?? kind;
}
