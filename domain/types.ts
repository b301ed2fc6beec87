/** Serializable shapes that cross the workflow/activity boundary. Dates are ISO-8601 strings. */
import type { CycleKey } from './ids';

export type Language = 'sv' | 'en';
export type Localized = { sv: string; en: string };

/**
 * scale: ordered options shown side by side (how far did you get: 1–5); confirm: a statement the
 * person must tick to answer ("external co-funding has been considered"); file: files attached to
 * the answer (a board's minute, a plan), whose value is the attachments' ids, never their bytes.
 */
export type FieldType = 'text' | 'textarea' | 'number' | 'boolean' | 'date' | 'choice' | 'scale' | 'confirm' | 'file';

/** The section a field belongs to, and for a repeated section the item it is asked about. */
export interface FieldGroup {
  id: string;
  title: Localized;
  help?: Partial<Localized>;
  item?: { id: string; label: Localized; help?: Partial<Localized> };
}

/**
 * One question as the answer holds it. A repeated section's fields are expanded once per item,
 * with ids "section.item.field", so validation, drafts and stored answers stay one flat record.
 */
export interface QuestionField {
  id: string;
  type: FieldType;
  label: Localized;
  help?: Partial<Localized>;
  required: boolean;
  maxLength?: number;
  /** A choice's or a scale's options; an option may carry help of its own (what "partly" means). */
  options?: { value: string; label: Localized; help?: Partial<Localized> }[];
  min?: number;
  max?: number;
  integer?: boolean;
  /** A file field's allowed kinds of file (domain/attachments.ts FILE_KINDS), largest file in megabytes and number of files. */
  accept?: string[];
  maxSize?: number;
  maxFiles?: number;
  /** Required when the field `field` (an expanded id) holds `equals`, or one of the values `in`. */
  requiredIf?: RequiredIf;
  /**
   * Rules between number fields this field's error is shown beside: the sum of `sum` (expanded
   * ids, this field among them) must not exceed the field `max`. Carried on the field, so the
   * flat questionnaire a workflow holds keeps them without a shape of its own.
   */
  atMost?: AtMostRule[];
  group?: FieldGroup;
  /** The field's id within its section: the same question across a repeated section's items. */
  question?: string;
}

export type RequiredIf = { field: string; equals: AnswerValue } | { field: string; in: AnswerValue[] };
export interface AtMostRule {
  sum: string[];
  max: string;
  message?: Localized;
}

export type Questionnaire = QuestionField[];
export type AnswerValue = string | number | boolean;
export type AnswerValues = Record<string, AnswerValue>;

/** When each thing happens for one unit; recomputed by an activity when the deadline moves. */
export interface UnitPlan {
  opensAt: string;
  /** The last day to answer, as the person reads it (YYYY-MM-DD, a working day). */
  deadlineDate: string;
  /** The instant the deadline passes: the end of deadlineDate in the organisation's zone. */
  deadlineAt: string;
  reminderTimes: string[];
  escalationAt: string;
  /**
   * Until when each reminder (in the order of reminderTimes) and the escalation are spread: each
   * unit's goes out at a moment of its own from the time above until this one (domain/spread.ts),
   * so that thousands of units' mails do not come at once. Absent in plans made before, where
   * every unit's went at the time itself.
   */
  spreadUntil?: { reminders: string[]; escalation: string };
  /**
   * The escalation ladder's steps (domain/escalation.ts), in order: each step's time and the end of
   * its window. Absent without a ladder in the config: the single escalation above.
   */
  escalationSteps?: EscalationStepPlan[];
}

/** One step of the ladder in a plan: when it goes, and until when its units' mails are spread. */
export interface EscalationStepPlan {
  at: string;
  until?: string;
}

export interface CyclePlan extends UnitPlan {
  closesAt: string;
}

export interface CycleSetup {
  language: Language;
  unitIds: string[];
  questionnaire: Questionnaire;
  plan: CyclePlan;
  /** The obligation's title and the period, in the organisation's language: the cycle's title on record (absent in cycles planned before). */
  title?: string;
  /** The organisation's zone, in which its units take "today" (absent in cycles planned before). */
  timeZone?: string;
}

export type MailKind = 'request' | 'reminder' | 'escalation' | 'receipt' | 'deadline-moved';

/**
 * What became of one mail to one person: delivered; refused for good by the server (5xx, with its
 * words); failed before it could be sent (a template that does not render); or waiting to be tried
 * again (the server asked us to come back, or could not be reached).
 */
export type DeliveryState = 'delivered' | 'refused' | 'failed' | 'retrying';

export interface RecipientOutcome {
  address: string;
  state: DeliveryState;
  messageId: string;
  at: string;
  detail?: string;
}

export interface MailingResult {
  messageIds: string[];
  rejected: string[];
  /** Per person; absent in histories recorded before mail went person by person. */
  outcomes?: RecipientOutcome[];
  /** Everyone the mail is for now, tried this time or not: an address no longer here was corrected. */
  recipients?: string[];
  /** The answer's version the mail carried is on record (or there is no database to keep it in). */
  answerOnRecord?: boolean;
}

export interface MailProblem {
  kind: MailKind;
  sequence: number;
  at: string;
  error: string;
  /** Whose mail it was; absent when the whole mailing failed before reaching anyone. */
  address?: string;
  state?: Exclude<DeliveryState, 'delivered'>;
}

export interface SubmittedAnswer {
  values: AnswerValues;
  answeredAt: string;
  by: 'contact' | 'secretariat';
  revision: number;
}

export type UnitState = 'scheduled' | 'requested' | 'draft' | 'late' | 'escalated' | 'answered' | 'exempt';

/** Work in progress as typed, field by field; kept in the workflow so nothing is lost. */
export interface Draft {
  values: Record<string, string>;
  savedAt: string;
}

/**
 * One thing a person did, as a workflow keeps it: when, what, who (an account's name as the web
 * shows it, or "cli:<user>", "schedule"), and a detail such as a reason or a new date.
 */
export interface HistoryEntry {
  at: string;
  what: 'started' | 'closed' | 'redelivery' | 'reminded' | 'deadline-extended' | 'exempted' | 'answered-for-unit' | 'escalated';
  by?: string;
  detail?: string;
}

/**
 * A unit's line in the cycle's lists, as read from Temporal's visibility store (the unit's memo, a
 * StoredUnitRow, completed from the cycle and the execution's status): what the status and the cycle page show, without the answer's text. Read for thousands
 * of units in one listing, where asking each unit would replay each one.
 */
export interface UnitRow {
  unitId: string;
  state: UnitState;
  closed: boolean;
  plan: UnitPlan;
  requestSentAt?: string;
  remindersSentAt: string[];
  escalatedAt?: string;
  /** The ladder's step the unit is on (1 for the first), once one was sent; absent without a ladder. */
  escalationStep?: number;
  answer?: Pick<SubmittedAnswer, 'answeredAt' | 'by' | 'revision'>;
  exempt?: { reason: string; at: string };
  mailProblems: MailProblem[];
  /** Who did what to the unit (absent in units from before it was kept). */
  history?: HistoryEntry[];
}

/**
 * A UnitRow as the unit writes it to its memo: units started with their row (workflows/unit-row.ts)
 * leave "closed" to the store, which knows when the workflow ended, and their plan to the cycle's
 * overview while it is the cycle's.
 */
export type StoredUnitRow = Omit<UnitRow, 'closed' | 'plan'> & { closed?: boolean; plan?: UnitPlan };

/** Everything a unit holds, as the unit workflow answers when asked: its row, the answer's text and the draft. */
export interface UnitStatus extends Omit<UnitRow, 'answer'> {
  answer?: SubmittedAnswer;
  draft?: Draft;
}

/** A cycle as its lists and pages show it, kept in its memo: everything but the questionnaire and the list of unit ids. */
export interface CycleOverview {
  key: CycleKey;
  phase: CycleInfo['phase'];
  language?: Language;
  plan?: CyclePlan;
  /** How many units the cycle asks; their rows appear as each unit workflow starts. */
  unitCount?: number;
  /** How many of them the cycle has started so far (in batches): fewer while it is still starting them. */
  unitsStarted?: number;
  closedAt?: string;
  report?: ArchivedReport;
  reportProblem?: string;
  delivery?: RecipientOutcome[];
  /** The units' parts to their boards: how many recipients got theirs, and those who did not (the memo stays small at any N). */
  boardDelivered?: number;
  boardDelivery?: RecipientOutcome[];
  history?: HistoryEntry[];
}

export interface CycleInfo {
  key: CycleKey;
  phase: 'open' | 'closing' | 'closed';
  setup?: CycleSetup;
  closedAt?: string;
  report?: ArchivedReport;
  /** Why the report is not compiled yet (a template or the archive); retried, and by `cycle redeliver`. */
  reportProblem?: string;
  /** The report's delivery, person by person. */
  delivery?: RecipientOutcome[];
  /** Each unit's part sent to its own board, person by person (when the obligation says so). */
  boardDelivery?: RecipientOutcome[];
  /** Who started, closed and asked for redelivery, and when. */
  history?: HistoryEntry[];
}

export interface ArchivedReport {
  html: string;
  markdown: string;
  /** The tagged PDF and the Word document; reports compiled before these existed have none. */
  pdf?: string;
  docx?: string;
  asked: number;
  answered: number;
  exempt: number;
}

export interface CycleResult {
  key: CycleKey;
  closedAt: string;
  report: ArchivedReport;
  delivery?: RecipientOutcome[];
}
