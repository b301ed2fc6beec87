/**
 * Every signal, query and update, defined once and imported by the workflows, the CLI and the web
 * server alike, so names and payloads cannot drift apart.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CycleKey } from '../domain/ids';
import type {
  AgreementDecision,
  AgreementRegistration,
  AgreementSummary,
  EventChange,
  EventRegistration,
  EventSummary,
  GoalsDecision,
  GoalsSummary,
  ProjectChange,
  ProjectRegistration,
  ProjectStatus,
  ProjectSummary,
  RegisterContents,
  RevisionDecision,
  RevisionSummary,
  SeminarChange,
  SeminarRecord,
  SeminarRegistration,
} from '../domain/registers';
import type { AnswerValues, CycleInfo, Draft, Questionnaire, SubmittedAnswer, UnitPlan, UnitStatus } from '../domain/types';

export interface CycleInput extends CycleKey {
  /** Who started it, for the audit trail ("schedule", "cli", "web"); never personal data. */
  startedBy?: string;
}

export interface UnitInput {
  key: CycleKey;
  unitId: string;
  language: 'sv' | 'en';
  questionnaire: Questionnaire;
  plan: UnitPlan;
  closesAt: string;
  /**
   * Set by cycles that start their units with their row in the visibility store from the first
   * task on: the unit asks no patch and writes its row once per task, with that task's last state.
   * Absent in units started before, which replay as they ran: asking the patch, and writing at once
   * where they had it. (Workers of the release before this one do not know the flag: stop them
   * before starting this release's, or a unit they take first would not replay here. README,
   * "Changing workflow code".)
   */
  rowFromStart?: true;
  /**
   * Set by cycles that start their units with their line (memo and search attributes) already in
   * the visibility store, and always with rowFromStart: the unit writes its line only when it differs
   * from that, and leaves "closed" out of it (the store marks an ended workflow closed), so that
   * neither its first task nor its end writes a line only to repeat or say so. Absent in units
   * started before, which replay as they ran.
   */
  startedWithRow?: true;
  /**
   * Set by cycles whose code spreads reminders: the unit sends each reminder and the escalation at
   * its own moment in the plan's window (domain/spread.ts) without asking the patch
   * 'spread-reminders', whose marker would cost every unit an event. Units without it ask the patch
   * (a plan with windows may come from a newer worker's activity while an older cycle runs).
   */
  spreadFromStart?: true;
  /** The organisation's zone, in which the unit takes "today"; absent in units started before, which take it in UTC. */
  timeZone?: string;
}

export interface AnswerInput {
  values: AnswerValues;
  by: 'contact' | 'secretariat';
  /** Who in the secretariat recorded it, for the unit's history. */
  actor?: string;
}

/** Who does it: kept in the workflow's history of the cycle or unit. */
export interface ActorInput {
  by?: string;
}

export interface DraftInput {
  values: Record<string, string>;
}

export interface ExtendInput extends ActorInput {
  /** The new last day to answer, YYYY-MM-DD in the organisation's zone. */
  until: string;
}

export interface ExemptInput extends ActorInput {
  reason: string;
}

export interface CloseInput extends ActorInput {
  reason?: string;
}

// What Temporal's visibility store holds about cycles and units, so that lists and status pages are
// one listing however many units there are, and a cycle finished long ago is read without a replay.
// Registered on the server by the worker (workers/search-attributes.ts), set by the workflows.
export const SEARCH_ATTRIBUTES = {
  organisation: defineSearchAttributeKey('FollowupOrg', SearchAttributeType.KEYWORD),
  obligation: defineSearchAttributeKey('FollowupObligation', SearchAttributeType.KEYWORD),
  period: defineSearchAttributeKey('FollowupPeriod', SearchAttributeType.KEYWORD),
  /** On a unit: its cycle's workflow id. */
  cycle: defineSearchAttributeKey('FollowupCycle', SearchAttributeType.KEYWORD),
  unit: defineSearchAttributeKey('FollowupUnit', SearchAttributeType.KEYWORD),
  /** A unit's state as the secretariat reads it (domain/unit-states displayState); a cycle's phase. */
  state: defineSearchAttributeKey('FollowupState', SearchAttributeType.KEYWORD),
} as const;
/** Memo fields: a unit's StoredUnitRow (or, in units started before, its UnitRow), a cycle's CycleOverview. */
export const UNIT_ROW_MEMO = 'unitRow';
export const CYCLE_OVERVIEW_MEMO = 'cycleOverview';

// The cycle.
/**
 * Task queue priority of unit workflows (1 goes first, 3 is the default): below the default, so
 * with thousands of units busy the cycle's own tasks and other workflows do not queue behind theirs.
 * The benchmark's floor starts its units the same way.
 */
export const UNIT_TASK_PRIORITY = 4;

/**
 * Units a cycle starts per workflow task (since the patch 'paced-unit-starts'; 250 before). Waves
 * of 250 first tasks, request mails and answers put every answer behind a wave; 25 at a time make
 * a steady stream. At 1,000 units on the dev server (the benchmark, 2026-12-04) an answer's update
 * p99 was 422–482 ms in three runs instead of 484–594 ms, in the same cycle time. The benchmark's
 * floor starts its units the same way.
 */
export const UNIT_START_BATCH = 25;

/**
 * How long a worker may take over one workflow task of a cycle (Temporal's default is 10 s), given
 * when a cycle is started (client/start.ts). While its units wait for answers, their tasks push the
 * quiet cycle out of the worker's cache; when its closing time comes it replays its whole history.
 * At 5,800 units (13,500 events by then) that replay took longer than 10 s on two busy cores: the
 * server handed the task out again and the worker replayed the whole history a second time, which
 * is what raised the worker's peak memory (the benchmark on the dev server, 2026-12-04: 515 and
 * 560 MB in two runs; 490 MB with one replay, in a run that allowed two minutes). A minute, not
 * Temporal's maximum of two: a task held by a worker that dies is handed out again only after it.
 */
export const CYCLE_TASK_TIMEOUT = '1 minute';
export const cycleInfoQuery = defineQuery<CycleInfo>('cycleInfo');
export const closeCycleUpdate = defineUpdate<{ closingAt: string }, [CloseInput]>('closeCycle');
/** Compile the report again if it failed, and send it to whoever has not got it (after an address or template is fixed). */
export const redeliverReportUpdate = defineUpdate<{ queuedAt: string }, [ActorInput]>('redeliverReport');

// One unit of a cycle.
export const unitStatusQuery = defineQuery<UnitStatus>('unitStatus');
export const submitAnswerUpdate = defineUpdate<SubmittedAnswer, [AnswerInput]>('submitAnswer');
export const saveDraftUpdate = defineUpdate<Draft, [DraftInput]>('saveDraft');
export const extendDeadlineUpdate = defineUpdate<UnitPlan, [ExtendInput]>('extendDeadline');
export const exemptUnitUpdate = defineUpdate<{ exemptAt: string }, [ExemptInput]>('exemptUnit');
export const remindNowUpdate = defineUpdate<{ queuedAt: string }, [ActorInput]>('remindNow');
/** Sent by the cycle to its units when it closes; not for people. */
export const closeUnitSignal = defineSignal<[]>('closeUnit');

// --- The register of an organisation (projects, seminars, agreements, revisions) -------------

export interface RegisterInput {
  orgId: string;
  /** Carried over by continue-as-new. */
  contents?: RegisterContents;
  /** Carried over by continue-as-new: the versions of each seminar on record so far. */
  seminarVersions?: Record<string, number>;
}

export type RegisterEntry =
  | { kind: 'project'; summary: ProjectSummary }
  | { kind: 'agreement'; summary: AgreementSummary }
  | { kind: 'revision'; summary: RevisionSummary }
  | { kind: 'event'; summary: EventSummary }
  | { kind: 'goals'; summary: GoalsSummary };

export const registerContentsQuery = defineQuery<RegisterContents>('registerContents');
export const registerSeminarUpdate = defineUpdate<SeminarRecord, [SeminarRegistration]>('registerSeminar');
/** A seminar registered wrong (a date, a place) corrected by the secretariat. */
export const editSeminarUpdate = defineUpdate<SeminarRecord, [{ id: string; change: SeminarChange; by?: string }]>('editSeminar');
/** Sent by project, agreement and revision workflows when their state changes; not for people. */
export const registerEntrySignal = defineSignal<[RegisterEntry]>('registerEntry');

// --- A project and its gate before start ------------------------------------------------------
export interface ProjectInput {
  orgId: string;
  /** The gate-before-start obligation; none where the policy only keeps an inventory. */
  obligationId?: string;
  project: ProjectRegistration;
  /** Who registered it. */
  by?: string;
  /** Its owner is outside the organisation's mail domains and came from a standing link: the secretariat approves them before any mail. */
  ownerToConfirm?: boolean;
}

export const projectStatusQuery = defineQuery<ProjectStatus>('projectStatus');
/** The secretariat approves an owner outside the organisation's mail domains: the goals request goes out. */
export const approveOwnerUpdate = defineUpdate<{ approvedAt: string }, [{ by?: string }]>('approveOwner');
/**
 * The mails of a project, an agreement or an event that did not reach their people, sent again
 * (after the cause is fixed: a title corrected, an address corrected, a template mended).
 */
export const resendMailUpdate = defineUpdate<{ sent: number; problems: number }, [{ by?: string }]>('resendMail');
export const submitGoalsUpdate = defineUpdate<{ revision: number }, [{ values: AnswerValues; by?: string }]>('submitGoals');
/** The owner's goals form, saved to go on later; not checked until it is sent. */
/** The secretariat corrects a registration (title, owner, dates, partners …); the dates are planned again. */
export const editProjectUpdate = defineUpdate<ProjectSummary, [{ change: ProjectChange; by?: string }]>('editProject');
export const saveGoalsDraftUpdate = defineUpdate<{ savedAt: string }, [DraftInput]>('saveGoalsDraft');
export const approveGoalsUpdate = defineUpdate<{ approvedAt: string }, [ActorInput]>('approveGoals');
export const returnGoalsUpdate = defineUpdate<{ returnedAt: string }, [{ comment: string; by?: string }]>('returnGoals');
export const closeProjectUpdate = defineUpdate<{ closedAt: string }, [ActorInput]>('closeProject');

// --- An agreement and its review before expiry ------------------------------------------------
export interface AgreementInput {
  orgId: string;
  obligationId: string;
  agreement: AgreementRegistration;
  /** Who registered it. */
  by?: string;
}

export interface AgreementStatus extends AgreementSummary {
  owner: AgreementRegistration['owner'];
  registeredAt?: string;
  registeredBy?: string;
  decisions: (AgreementDecision & { at: string })[];
}

export const agreementStatusQuery = defineQuery<AgreementStatus>('agreementStatus');
export const decideAgreementUpdate = defineUpdate<{ state: string }, [AgreementDecision]>('decideAgreement');

// --- An event people are told of beforehand ------------------------------------------------------
export interface EventInput {
  orgId: string;
  obligationId: string;
  event: EventRegistration;
  /** Who registered it. */
  by?: string;
}

export interface EventStatus extends EventSummary {
  concerned: EventRegistration['concerned'];
  description?: string;
  /** What happened to it, in order: registered, each notice, each change, the cancellation. */
  history: { at: string; what: 'registered' | 'notice' | 'changed' | 'change-notice' | 'cancelled' | 'cancel-notice' | 'held' | 'mail-failed' | 'mail-resent'; by?: string; detail?: string }[];
}

export const eventStatusQuery = defineQuery<EventStatus>('eventStatus');
export const changeEventUpdate = defineUpdate<EventStatus, [{ change: EventChange; by?: string }]>('changeEvent');
export const cancelEventUpdate = defineUpdate<EventStatus, [{ reason?: string; by?: string }]>('cancelEvent');

// --- Yearly goals set by a body ---------------------------------------------------------------------
export interface GoalsInput {
  orgId: string;
  obligationId: string;
  year: number;
}

export interface GoalsStatus extends GoalsSummary {
  remindersSentAt: string[];
  recordedBy?: string;
}

export const goalsStatusQuery = defineQuery<GoalsStatus>('goalsStatus');
export const recordGoalsUpdate = defineUpdate<GoalsSummary, [{ decision: GoalsDecision; by?: string }]>('recordGoals');

// --- Revision of the policy once per period ---------------------------------------------------
export interface RevisionInput {
  orgId: string;
  obligationId: string;
  periodId: string;
  /** Who started it by hand; none when its schedule did. */
  by?: string;
}

export interface RevisionStatus extends RevisionSummary {
  startedAt?: string;
  startedBy?: string;
  recordedAt?: string;
  askedAt?: string;
  remindersSentAt: string[];
  escalatedAt?: string;
}

export const revisionStatusQuery = defineQuery<RevisionStatus>('revisionStatus');
export const recordRevisionUpdate = defineUpdate<RevisionSummary, [RevisionDecision]>('recordRevision');

// --- Minimum occurrences in a year -----------------------------------------------------------
export interface OccurrencesInput {
  orgId: string;
  obligationId: string;
  year: number;
}

export interface OccurrencesResult {
  orgId: string;
  obligationId: string;
  year: number;
  counted: number;
  minimum: number;
  met: boolean;
  warningsSent: number;
  report?: { html: string; markdown: string };
}

export const occurrencesStatusQuery = defineQuery<OccurrencesResult>('occurrencesStatus');

// --- Started by a schedule -------------------------------------------------------------------
export interface ScheduledStartInput {
  orgId: string;
  obligationId: string;
}
