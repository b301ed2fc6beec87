/**
 * The registers units keep current (projects, seminars, agreements) and the records of revisions:
 * serializable shapes, their ids, and the pure checks of what people register. The same checks
 * run in the workflows' update validators and in the CLI, so both refuse alike.
 */
import { isSingleLine } from './text';
import type { AnswerValues, Language } from './types';

export interface Person {
  name: string;
  email: string;
  language?: Language;
}

/** registered: kept in the inventory where the policy sets no gate before start. */
export type ProjectState = 'registered' | 'awaiting-goals' | 'goals-submitted' | 'returned' | 'approved' | 'ongoing' | 'closed';

export interface ProjectRegistration {
  id: string;
  title: string;
  unitId: string;
  owner: Person;
  /** YYYY-MM-DD */
  plannedStart: string;
  plannedEnd?: string;
  partners: string[];
  euFunded: boolean;
  /** "application" while funding is applied for; "project" once decided. */
  stage?: 'application' | 'project';
}

/**
 * A mail of a registered entity (a project, an agreement, an event) that reached nobody or not
 * everyone: it could not be rendered (failed), or the server refused it for good (refused, with the
 * server's words). Kept until it is sent again; the mail is not counted as sent meanwhile.
 */
export interface EntityMailProblem {
  kind: string;
  sequence: number;
  /** What the mail said beyond the entity (a return's comment, a cancellation's reason), to say it again. */
  note?: string;
  at: string;
  error: string;
  /** Whose mail it was; absent when the whole mailing failed before reaching anyone. */
  address?: string;
  state: 'failed' | 'refused';
}

export interface ProjectSummary {
  id: string;
  /** The gate the project is under, when the policy sets one (an organisation may have several). */
  obligationId?: string;
  title: string;
  unitId: string;
  plannedStart: string;
  plannedEnd?: string;
  partners: string[];
  euFunded: boolean;
  stage: 'application' | 'project';
  state: ProjectState;
  /** The planned start came before the goals were approved. */
  startedWithoutApproval: boolean;
  registeredAt: string;
  approvedAt?: string;
  /** Mails that did not reach their people (absent when there are none). */
  mailProblems?: EntityMailProblem[];
  /**
   * Registered from a unit's standing link with an owner outside the organisation's mail domains:
   * nothing is mailed to the owner until the secretariat approves them (absent otherwise).
   */
  ownerApproval?: 'awaited' | 'approved';
}

/** One step in an entity's life as its page shows it: who did what, when (read from the workflow). */
export interface RecordEntry {
  at: string;
  what:
    | 'registered'
    | 'goals-submitted'
    | 'goals-approved'
    | 'goals-returned'
    | 'closed'
    | 'renewed'
    | 'ended'
    | 'revision-started'
    | 'revision-recorded'
    | 'event-notice'
    | 'event-changed'
    | 'event-cancelled'
    | 'event-held'
    | 'goals-recorded'
    | 'edited'
    | 'mail-failed'
    | 'mail-resent'
    | 'owner-approved';
  /** The signed-in person ("Anna Berg (anna.berg)"), "cli:<user>", the owner's own link ("owner"), or none for the schedule. */
  by?: string;
  detail?: string;
}

export interface ProjectStatus extends ProjectSummary {
  owner: Person;
  history?: RecordEntry[];
  goals?: { values: AnswerValues; submittedAt: string; revision: number };
  /** What the owner saved in the goals form without sending it yet. */
  goalsDraft?: { values: Record<string, string>; savedAt: string };
  returned?: { comment: string; at: string }[];
  remindersSentAt: string[];
  closedAt?: string;
}

export type SeminarRole = 'organiser' | 'co-organiser' | 'participant';

export interface SeminarRegistration {
  /** YYYY-MM-DD */
  date: string;
  title: string;
  place: string;
  /** ISO 3166 country code of the place (SE, BE, …). */
  country: string;
  role: SeminarRole;
  unitId: string;
  /** Who registered it: an account, "cli:<user>", or a unit's contact from its standing link. */
  registeredBy?: string;
}

export interface SeminarRecord extends SeminarRegistration {
  id: string;
  registeredAt: string;
  /** The last correction, and who made it. */
  editedAt?: string;
  editedBy?: string;
}

export type AgreementState = 'active' | 'review-due' | 'renewed' | 'ended' | 'expired';

export interface AgreementRegistration {
  id: string;
  title: string;
  partner: string;
  unitId: string;
  owner: Person;
  startsOn?: string;
  /** YYYY-MM-DD: every agreement is limited in time. */
  endsOn: string;
}

export interface AgreementSummary {
  id: string;
  /** The review obligation the agreement is under. */
  obligationId?: string;
  title: string;
  partner: string;
  unitId: string;
  endsOn: string;
  state: AgreementState;
  remindersSent: number;
  decidedAt?: string;
  /** Mails that did not reach their people (absent when there are none). */
  mailProblems?: EntityMailProblem[];
}

export type AgreementDecision = ({ decision: 'renew'; newEndsOn: string; note?: string } | { decision: 'end'; note?: string }) & { by?: string };

export type RevisionState = 'scheduled' | 'requested' | 'overdue' | 'decided' | 'not-decided';

export interface RevisionDecision {
  /** YYYY-MM-DD of the meeting. */
  decidedOn: string;
  /** The body that decided, e.g. "Kommunfullmäktige". */
  body: string;
  /** The paragraph of the minutes, e.g. "§ 311/2019". */
  paragraph: string;
  outcome: 'revised' | 'confirmed';
  /** Who recorded it. */
  by?: string;
}

export interface RevisionSummary {
  obligationId: string;
  periodId: string;
  state: RevisionState;
  dueDate: string;
  decision?: RevisionDecision;
  /** Mails that did not reach their people (absent when there are none). */
  mailProblems?: EntityMailProblem[];
}

/** A registered event (a twin-town visit, a delegation, a conference hosted) that people are told of beforehand. */
export interface EventRegistration {
  id: string;
  title: string;
  /** YYYY-MM-DD, the first day. */
  date: string;
  /** YYYY-MM-DD, the last day of an event of several days. */
  endDate?: string;
  place: string;
  unitId: string;
  /** The politicians and officials concerned: told together with the obligation's bodies and people. */
  concerned: Person[];
  description?: string;
}

/** What a change may move: the date, the place, the title, who is concerned, the description. */
export type EventChange = Partial<Pick<EventRegistration, 'title' | 'date' | 'endDate' | 'place' | 'concerned' | 'description'>>;

export type EventState = 'planned' | 'noticed' | 'held' | 'cancelled';

export interface EventSummary {
  id: string;
  obligationId: string;
  title: string;
  date: string;
  endDate?: string;
  place: string;
  unitId: string;
  state: EventState;
  /** Notices sent (before the event, of a change, of the cancellation). */
  noticesSent: number;
  registeredAt: string;
  cancelledAt?: string;
  /** Mails that did not reach their people (absent when there are none). */
  mailProblems?: EntityMailProblem[];
}

/** The goals a body (the council, in its budget) sets for a year, that the next follow-up asks units about. */
export interface GoalsDecision {
  /** YYYY-MM-DD of the meeting. */
  decidedOn: string;
  body: string;
  paragraph: string;
  goals: { id: string; label: string }[];
}

export type GoalsState = 'awaited' | 'overdue' | 'recorded' | 'not-recorded';

export interface GoalsSummary {
  obligationId: string;
  year: number;
  state: GoalsState;
  decision?: GoalsDecision;
  /** Mails that did not reach their people (absent when there are none). */
  mailProblems?: EntityMailProblem[];
}

export interface RegisterContents {
  orgId: string;
  projects: ProjectSummary[];
  seminars: SeminarRecord[];
  agreements: AgreementSummary[];
  revisions: RevisionSummary[];
  /** Absent in registers kept before events could be registered. */
  events?: EventSummary[];
  /** The yearly goals recorded (absent in registers kept before they could be). */
  goals?: GoalsSummary[];
}

export const EU_COUNTRIES = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE']);

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;

/** A register entry the workflow refused; the message says what to change. */
export interface RegistrationProblem {
  field: string;
  message: string;
}

function need(problems: RegistrationProblem[], ok: boolean, field: string, message: string): void {
  if (!ok) problems.push({ field, message });
}

/** A single-line field: some text, within its bound, on one line with no control characters. */
function boundedText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= max && isSingleLine(value);
}

function checkPerson(problems: RegistrationProblem[], value: unknown, field: string): void {
  const p = (value ?? {}) as Record<string, unknown>;
  need(problems, boundedText(p.name, 120), `${field}.name`, 'a name of at most 120 characters on one line is needed');
  need(problems, typeof p.email === 'string' && p.email.length <= 254 && EMAIL.test(p.email) && isSingleLine(p.email), `${field}.email`, 'must be an e-mail address such as namn@kommun.se');
}

export function checkProject(input: unknown): RegistrationProblem[] {
  const p = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, typeof p.id === 'string' && SLUG.test(p.id), 'id', 'use lower-case letters, digits and dashes, e.g. "interreg-smart-cities-2027"');
  need(problems, boundedText(p.title, 200), 'title', 'a title of at most 200 characters on one line is needed');
  need(problems, typeof p.unitId === 'string' && SLUG.test(p.unitId), 'unitId', 'the id of the unit that runs the project');
  checkPerson(problems, p.owner, 'owner');
  need(problems, typeof p.plannedStart === 'string' && DAY.test(p.plannedStart), 'plannedStart', 'must be a date as YYYY-MM-DD');
  need(problems, p.plannedEnd === undefined || (typeof p.plannedEnd === 'string' && DAY.test(p.plannedEnd) && p.plannedEnd > String(p.plannedStart)), 'plannedEnd', 'must be a date as YYYY-MM-DD after the planned start');
  need(problems, Array.isArray(p.partners) && p.partners.length <= 50 && p.partners.every((x) => boundedText(x, 200)), 'partners', 'a list of at most 50 partner names, each on one line');
  need(problems, typeof p.euFunded === 'boolean', 'euFunded', 'say whether the project is EU-funded (true or false)');
  need(problems, p.stage === undefined || p.stage === 'application' || p.stage === 'project', 'stage', 'either "application" or "project"');
  return problems;
}

/** What an edit of a project may change: everything but its id and unit. */
export type ProjectChange = Partial<Pick<ProjectRegistration, 'title' | 'owner' | 'plannedStart' | 'plannedEnd' | 'partners' | 'euFunded' | 'stage'>>;

const PROJECT_CHANGE_FIELDS = ['title', 'owner', 'plannedStart', 'plannedEnd', 'partners', 'euFunded', 'stage'];

/** An edit is checked as the registration it makes. */
export function checkProjectChange(current: ProjectRegistration, change: unknown): RegistrationProblem[] {
  const c = (change ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, Object.keys(c).length > 0 && Object.keys(c).every((k) => PROJECT_CHANGE_FIELDS.includes(k)), 'change', `say what changes: ${PROJECT_CHANGE_FIELDS.join(', ')}`);
  return problems.length ? problems : checkProject({ ...current, ...c });
}

export function checkSeminar(input: unknown): RegistrationProblem[] {
  const s = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, typeof s.date === 'string' && DAY.test(s.date), 'date', 'must be a date as YYYY-MM-DD');
  need(problems, boundedText(s.title, 200), 'title', 'a title of at most 200 characters on one line is needed');
  need(problems, boundedText(s.place, 200), 'place', 'the place (city, venue) is needed, on one line');
  need(problems, typeof s.country === 'string' && /^[A-Z]{2}$/.test(s.country), 'country', 'a two-letter country code such as SE or BE');
  need(problems, s.role === 'organiser' || s.role === 'co-organiser' || s.role === 'participant', 'role', 'one of organiser, co-organiser, participant');
  need(problems, typeof s.unitId === 'string' && SLUG.test(s.unitId), 'unitId', 'the id of the unit that holds the seminar');
  return problems;
}

export type SeminarChange = Partial<Pick<SeminarRegistration, 'title' | 'date' | 'place' | 'country' | 'role' | 'unitId'>>;

export function checkSeminarChange(current: SeminarRegistration, change: unknown): RegistrationProblem[] {
  const c = (change ?? {}) as Record<string, unknown>;
  const fields = ['title', 'date', 'place', 'country', 'role', 'unitId'];
  if (!Object.keys(c).length || !Object.keys(c).every((k) => fields.includes(k))) return [{ field: 'change', message: `say what changes: ${fields.join(', ')}` }];
  return checkSeminar({ ...current, ...c });
}

export function checkAgreement(input: unknown): RegistrationProblem[] {
  const a = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, typeof a.id === 'string' && SLUG.test(a.id), 'id', 'use lower-case letters, digits and dashes, e.g. "vanort-jyvaskyla"');
  need(problems, boundedText(a.title, 200), 'title', 'a title of at most 200 characters on one line is needed');
  need(problems, boundedText(a.partner, 200), 'partner', 'the partner (city, organisation) is needed, on one line');
  need(problems, typeof a.unitId === 'string' && SLUG.test(a.unitId), 'unitId', 'the id of the unit that owns the agreement');
  checkPerson(problems, a.owner, 'owner');
  need(problems, typeof a.endsOn === 'string' && DAY.test(a.endsOn), 'endsOn', 'every agreement ends: a date as YYYY-MM-DD');
  need(problems, a.startsOn === undefined || (typeof a.startsOn === 'string' && DAY.test(a.startsOn) && a.startsOn < String(a.endsOn)), 'startsOn', 'a date as YYYY-MM-DD before the end');
  return problems;
}

export function checkAgreementDecision(input: unknown, currentEnd: string): RegistrationProblem[] {
  const d = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, d.decision === 'renew' || d.decision === 'end', 'decision', 'either "renew" or "end"');
  if (d.decision === 'renew') need(problems, typeof d.newEndsOn === 'string' && DAY.test(d.newEndsOn) && d.newEndsOn > currentEnd, 'newEndsOn', `a renewal needs a new end date after ${currentEnd}`);
  need(problems, d.note === undefined || (typeof d.note === 'string' && d.note.length <= 2000), 'note', 'at most 2,000 characters');
  return problems;
}

export function checkRevisionDecision(input: unknown): RegistrationProblem[] {
  const d = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, typeof d.decidedOn === 'string' && DAY.test(d.decidedOn), 'decidedOn', 'the date of the decision as YYYY-MM-DD');
  need(problems, boundedText(d.body, 160), 'body', 'the body that decided, e.g. Kommunfullmäktige');
  need(problems, boundedText(d.paragraph, 40), 'paragraph', 'the paragraph of the minutes, e.g. "§ 311/2019"');
  need(problems, d.outcome === 'revised' || d.outcome === 'confirmed', 'outcome', 'either "revised" or "confirmed"');
  return problems;
}

export function checkEvent(input: unknown): RegistrationProblem[] {
  const e = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, typeof e.id === 'string' && SLUG.test(e.id), 'id', 'use lower-case letters, digits and dashes, e.g. "besok-jyvaskyla-2027"');
  problems.push(...checkEventChange(e, true));
  need(problems, typeof e.unitId === 'string' && SLUG.test(e.unitId), 'unitId', 'the id of the unit that hosts or arranges the event');
  return problems;
}

/** A change, or (with whole) a whole registration's details. */
export function checkEventChange(input: unknown, whole = false): RegistrationProblem[] {
  const e = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  const given = (field: string) => whole || e[field] !== undefined;
  if (given('title')) need(problems, boundedText(e.title, 200), 'title', 'a title of at most 200 characters on one line is needed');
  if (given('date')) need(problems, typeof e.date === 'string' && DAY.test(e.date), 'date', 'the first day as YYYY-MM-DD');
  if (e.endDate !== undefined) need(problems, typeof e.endDate === 'string' && DAY.test(e.endDate) && (e.date === undefined || e.endDate >= String(e.date)), 'endDate', 'the last day as YYYY-MM-DD, not before the first');
  if (given('place')) need(problems, boundedText(e.place, 200), 'place', 'the place (city, venue) is needed, on one line');
  if (given('concerned')) {
    need(problems, Array.isArray(e.concerned) && e.concerned.length <= 50, 'concerned', 'a list of at most 50 people');
    if (Array.isArray(e.concerned)) e.concerned.forEach((p, i) => checkPerson(problems, p, `concerned[${i}]`));
  }
  need(problems, e.description === undefined || (typeof e.description === 'string' && e.description.length <= 2000), 'description', 'at most 2,000 characters');
  if (!whole) need(problems, ['title', 'date', 'endDate', 'place', 'concerned', 'description'].some((f) => e[f] !== undefined), 'change', 'say what changes');
  return problems;
}

export function checkGoalsDecision(input: unknown): RegistrationProblem[] {
  const d = (input ?? {}) as Record<string, unknown>;
  const problems: RegistrationProblem[] = [];
  need(problems, typeof d.decidedOn === 'string' && DAY.test(d.decidedOn), 'decidedOn', 'the date of the decision as YYYY-MM-DD');
  need(problems, boundedText(d.body, 160), 'body', 'the body that decided, e.g. Kommunfullmäktige');
  need(problems, boundedText(d.paragraph, 40), 'paragraph', 'the paragraph of the minutes, e.g. "§ 140/2026"');
  const goals = d.goals;
  need(problems, Array.isArray(goals) && goals.length >= 1 && goals.length <= 30, 'goals', 'between 1 and 30 goals, each with an id and its wording');
  if (Array.isArray(goals)) {
    goals.forEach((g: unknown, i) => {
      const goal = (g ?? {}) as Record<string, unknown>;
      need(problems, typeof goal.id === 'string' && SLUG.test(goal.id), `goals[${i}].id`, 'a short id of lower-case letters, digits and dashes, e.g. "g1"');
      need(problems, boundedText(goal.label, 300), `goals[${i}].label`, "the goal's wording, at most 300 characters");
    });
    const ids = goals.map((g: unknown) => (g as Record<string, unknown>)?.id);
    need(problems, new Set(ids).size === ids.length, 'goals', 'each goal needs an id of its own');
  }
  return problems;
}

export function describeProblems(problems: RegistrationProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

/** The seminars that count towards the minimum in a year. */
export function countedSeminars(seminars: SeminarRecord[], year: number, roles: SeminarRole[], euOnly: boolean, onOrBefore?: string): SeminarRecord[] {
  return seminars
    .filter((s) => s.date.startsWith(`${year}-`) && roles.includes(s.role) && (!euOnly || EU_COUNTRIES.has(s.country)) && (!onOrBefore || s.date <= onOrBefore))
    .sort((a, b) => a.date.localeCompare(b.date));
}

// Workflow ids: business keys of the register and its entities.
export const registerWorkflowId = (orgId: string) => `register/${orgId}`;
export const projectWorkflowId = (orgId: string, projectId: string) => `project/${orgId}/${projectId}`;
export const agreementWorkflowId = (orgId: string, agreementId: string) => `agreement/${orgId}/${agreementId}`;
export const revisionWorkflowId = (orgId: string, obligationId: string, periodId: string) => `revision/${orgId}/${obligationId}/${periodId}`;
export const occurrencesWorkflowId = (orgId: string, obligationId: string, year: number) => `occurrences/${orgId}/${obligationId}/${year}`;
export const eventWorkflowId = (orgId: string, eventId: string) => `event/${orgId}/${eventId}`;
export const goalsWorkflowId = (orgId: string, obligationId: string, year: number) => `goals/${orgId}/${obligationId}/${year}`;
export const scheduleId = (orgId: string, obligationId: string) => `followup/${orgId}/${obligationId}`;
