/**
 * The tables of the database of record, as Kysely sees them. Migrations create them; a table's
 * type here follows its newest migration. Who acted is always `actor`, in the words the workflows
 * and the audit log use ("Anna Berg (anna.berg)", "cli:anna", "the owner, from the link in the mail").
 */
import type { ColumnType, Generated } from 'kysely';

/** A timestamptz: read as a Date, written as a Date or an ISO 8601 string. */
export type Instant = ColumnType<Date, Date | string, Date | string>;
/** A jsonb column of an object: pg parses it on reading; written as its JSON text. */
export type JsonObject = ColumnType<Record<string, unknown>, string, string>;
/** A bigint identity: pg reads int8 as a string, since it may not fit a JS number. */
type Identity = Generated<string>;

/**
 * What became of one mail to one address: taken by the mail server, refused by it (with its
 * words), failed before it got there (a template, a rendering), or put off (a temporary refusal,
 * tried again later).
 */
export type MailOutcome = 'delivered' | 'refused' | 'failed' | 'put-off';
export const MAIL_OUTCOMES: readonly MailOutcome[] = ['delivered', 'refused', 'failed', 'put-off'];

export interface MailLogTable {
  id: Identity;
  /** The business key of what the mail is about: a unit's cycle, a project, an agreement, an event. */
  scope: string;
  /** request, reminder, escalation, receipt, report-delivery, goals-request … */
  kind: string;
  /** Which of its kind (the second reminder: 2); 0 for a mail of which there is one. */
  sequence: number;
  message_id: string;
  /** In lower case: one person is one row, however a config or a form spelled the address. */
  address: string;
  outcome: MailOutcome;
  /** The mail server's own words (its reply, or why the mail could not be made). */
  server_response: string | null;
  at: Instant;
}

/** api: an integration through the HTTP API, with its token or its identity provider's client credentials. */
export type ActedVia = 'web' | 'cli' | 'sso' | 'schedule' | 'api';
export const ACTED_VIA: readonly ActedVia[] = ['web', 'cli', 'sso', 'schedule', 'api'];

export interface AuditLogTable {
  id: Identity;
  at: Instant;
  actor: string;
  via: ActedVia;
  /** What was done: cycle.close, project.approve, users.add … */
  action: string;
  /** The business key it was done to. */
  subject: string;
  detail: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

/** Each version of a unit's answer, as submitted; a correction is the next revision. */
export interface AnswerVersionsTable {
  id: Identity;
  org: string;
  obligation: string;
  period: string;
  unit: string;
  revision: number;
  /** The form's or the command's submission id: the Workflow Update's id. */
  submission_id: string;
  actor: string;
  answers: JsonObject;
  at: Instant;
}

/** Each version of a project's goals, as its owner (or the secretariat) submitted them. */
export interface GoalsVersionsTable {
  id: Identity;
  org: string;
  project: string;
  revision: number;
  goals: JsonObject;
  submitted_at: Instant;
  actor: string;
}

export type ProjectStepKind = 'returned' | 'commented' | 'approved';
export const PROJECT_STEP_KINDS: readonly ProjectStepKind[] = ['returned', 'commented', 'approved'];

/** The secretariat's steps on a project's goals: returned with a comment, commented, approved. */
export interface ProjectStepsTable {
  id: Identity;
  org: string;
  project: string;
  step: ProjectStepKind;
  at: Instant;
  actor: string;
  comment: string | null;
}

/**
 * Where a session's role comes from on each request: the named account (or the shared password),
 * the provider's claim as it was at sign-in, or the accounts-file entry with a single sign-on
 * person's verified address.
 */
export type RoleSource = 'account' | 'claim' | 'accounts-file';
export const ROLE_SOURCES: readonly RoleSource[] = ['account', 'claim', 'accounts-file'];

/** A single sign-on person as the provider described them at sign-in. */
export interface SessionPerson {
  name: string;
  displayName: string;
  role: 'secretariat' | 'reader';
  email?: string;
}

/** The secretariat's sessions, for every web process alike (records/sessions.ts). */
export interface WebSessionsTable {
  /** The SHA-256 of the token in the cookie: whoever reads the table cannot sign in with it. */
  id: string;
  /** The account's name, or "sso:<subject>" for a person from single sign-on. */
  account: string;
  /** What it was made with (a password hash's fingerprint, a role): when that changes, it ends. */
  credential: string;
  role_from: RoleSource;
  person: ColumnType<SessionPerson | null, string | null, string | null>;
  created_at: Instant;
  last_seen_at: Instant;
  expires_at: Instant;
}

/**
 * rate-limiter-flexible's RateLimiterPostgres table (web/failure-limits.ts): failures per client
 * under each limit's prefix ("sign-in:10.0.0.7"). Its columns are the library's, in its order.
 */
export interface WebFailureCountsTable {
  key: string;
  points: ColumnType<number, number | undefined, number>;
  /** Milliseconds since the epoch; int8, so pg reads it as a string. */
  expire: ColumnType<string | null, number | null, number | null>;
}

/** Each case (project, agreement, revision, year's goals, event, seminar, cycle) after each change (records/cases.ts). */
export interface CaseRecordsTable {
  id: Identity;
  org: string;
  kind: string;
  case_id: string;
  /** The run of the workflow that wrote the version (its versions count from 1 in each run); 'import' for `followup records import`'s, '' for those written before 0007. */
  run_id: Generated<string>;
  version: number;
  title: string;
  year: number | null;
  state: JsonObject;
  at: Instant;
}

/** The archive's files: reports and their data, staged outcomes, the sender's record (records/files.ts). */
export interface RecordFilesTable {
  /** The archive's reference, a relative path: "solna/annual-follow-up/solna-annual-follow-up-2026.pdf". */
  ref: string;
  content: Buffer;
  /** Of the content, lower-case hex. */
  sha256: string;
  /** Bytes; int8, so pg reads it as a string. */
  size: ColumnType<string, number, number>;
  media_type: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A named account of the web (records/accounts.ts; web/accounts.ts keeps them in a file where there is no database). */
export interface AccountsTable {
  name: string;
  display_name: string;
  /** In lower case. */
  email: string | null;
  role: 'secretariat' | 'reader';
  /** The organisations they may enter where one deployment serves several. */
  organisations: ColumnType<string[] | null, string | null, string | null>;
  /** scrypt$…: never the password. */
  password_hash: string;
  created_at: Instant;
  updated_at: Instant;
}

/** What `followup records import` (or the first start) carried from a data folder made before the database (records/import.ts). */
export interface RecordImportsTable {
  source: string;
  first_at: Instant;
  last_at: Instant;
  summary: JsonObject;
}

/** Each removal by a retention decision (records/retention.ts); never removed itself. */
export interface RetentionLogTable {
  id: Identity;
  at: Instant;
  actor: string;
  /** The organisation whose rule it was; null for the audit log, which is the deployment's. */
  org: string | null;
  /** answers, goals, decisions, cycles, mailLog, auditLog, reports, delegations, substitutions, contactChanges (config/schema.ts RECORD_TYPES). */
  record_type: string;
  /** A business key, a file's reference or a row's key. */
  what: string;
  place: 'database' | 'folder';
  rows: number;
  record_at: Instant;
  rule: string;
  decision: string | null;
}

/** An endpoint the secretariat registered for events (records/webhooks.ts). */
export interface WebhookEndpointsTable {
  id: string;
  org: string;
  url: string;
  events: ColumnType<string[], string, string>;
  /** "whsec_" and base64: the signing key, shown once. */
  secret: string;
  created_by: string;
  created_at: Instant;
  disabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  disabled_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One event to one endpoint, and how its delivery stands (records/webhooks.ts). */
export interface WebhookDeliveriesTable {
  id: Identity;
  event_id: string;
  endpoint_id: string;
  org: string;
  type: string;
  /** The body as sent, the same on every try. */
  payload: string;
  created_at: Instant;
  attempts: Generated<number>;
  last_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_status: ColumnType<number | null, number | null | undefined, number | null>;
  last_response: ColumnType<string | null, string | null | undefined, string | null>;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  next_try_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  abandoned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Each try of a delivery, with the receiver's answer. */
export interface WebhookAttemptsTable {
  id: Identity;
  /** int8, so pg reads it as a string. */
  delivery_id: string;
  attempt: number;
  at: Instant;
  status: number | null;
  response: string | null;
  duration_ms: number;
}

/** A file attached to an answer, checked and scanned (records/attachments.ts). */
export interface AnswerAttachmentsTable {
  id: string;
  org: string;
  obligation: string;
  period: string;
  unit: string;
  field: string;
  name: string;
  media_type: string;
  /** bigint, read by pg as a string. */
  size: ColumnType<string, number, number>;
  sha256: string;
  content: Buffer;
  uploaded_by: string;
  uploaded_at: ColumnType<Date, Date | string | undefined, Date | string>;
  scanned_by: string;
}

/** A file attached to a project's goals (migration 0011): as an answer's, keyed to the project. */
export interface GoalsAttachmentsTable extends Omit<AnswerAttachmentsTable, 'period'> {
  project: string;
}

/** An integration's API token (records/api-tokens.ts): the SHA-256 of its secret, never the secret. */
export interface ApiTokensTable {
  /** The token's public part, "pf_<id>_…". */
  id: string;
  name: string;
  /** Lower-case hex. */
  secret_sha256: string;
  role: 'secretariat' | 'reader';
  /** The organisation whose records it reaches. */
  org: string;
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Instant;
  created_by: string;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoked_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A unit's answer handed by its contact to a colleague (records/people.ts). */
export interface UnitDelegationsTable {
  id: string;
  org: string;
  obligation: string;
  period: string;
  unit: string;
  name: string | null;
  email: string;
  delegated_by: string;
  delegated_at: Instant;
  /** Who withdrew it and when (migration 0013): the colleague's link stops working, the row stays on record. */
  withdrawn_by: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A person's substitute for a range of days in the organisation's calendar (records/people.ts). */
export interface SubstitutionsTable {
  id: string;
  org: string;
  person_email: string;
  substitute_name: string | null;
  substitute_email: string;
  from_date: string;
  until_date: string;
  copy_person: boolean;
  created_by: string;
  created_at: Instant;
  removed_by: ColumnType<string | null, string | null | undefined, string | null>;
  removed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A unit's contacts (and head) as the secretariat set them in the web, over the config's (records/people.ts). */
export interface UnitContactsTable {
  org: string;
  unit: string;
  contacts: ColumnType<unknown[], string, string>;
  head: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  changed_by: string;
  changed_at: Instant;
}

/** Every change of a unit's contacts in the web, the one back to the config's included (contacts null; migration 0013). */
export interface UnitContactChangesTable {
  id: Identity;
  org: string;
  unit: string;
  contacts: ColumnType<unknown[] | null, string | null, string | null>;
  head: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  changed_by: string;
  changed_at: Instant;
}

/** A running cycle's unit as the status lists it (migration 0014): a copy of its line in the visibility store, not a record. */
export interface UnitRowsTable {
  cycle: string;
  unit: string;
  row: JsonObject;
  run_id: string;
  history_length: number;
  written_at: Instant;
}

export interface RecordsDatabase {
  mail_log: MailLogTable;
  audit_log: AuditLogTable;
  answer_versions: AnswerVersionsTable;
  goals_versions: GoalsVersionsTable;
  project_steps: ProjectStepsTable;
  web_sessions: WebSessionsTable;
  web_failure_counts: WebFailureCountsTable;
  case_records: CaseRecordsTable;
  accounts: AccountsTable;
  record_imports: RecordImportsTable;
  record_files: RecordFilesTable;
  retention_log: RetentionLogTable;
  api_tokens: ApiTokensTable;
  answer_attachments: AnswerAttachmentsTable;
  goals_attachments: GoalsAttachmentsTable;
  unit_delegations: UnitDelegationsTable;
  substitutions: SubstitutionsTable;
  unit_contacts: UnitContactsTable;
  unit_contact_changes: UnitContactChangesTable;
  unit_rows: UnitRowsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
