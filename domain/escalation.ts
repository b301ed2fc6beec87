/**
 * The escalation ladder of a data call: after the deadline, step by step up to whom the config
 * names (the contact, the unit head, a role of the organisation such as the director, the
 * secretariat), each step at its own offset from the deadline, until the unit answers or the cycle
 * closes. Without a ladder in the config the plan is today's single step (the head, the secretariat
 * in copy, at `escalationAfterDeadline`) and carries no steps, so cycles plan and run as before.
 *
 * Pure: the plan is computed by activities (and the preview) from the config; the unit workflow
 * only reads its instants, and each unit's own moment in a step's window (domain/spread.ts).
 */
import { DateTime } from 'luxon';
import { atLocalTime, latestEndedPeriod, nextWorkingDay, parseIsoDuration, planCycle, replanDeadline, toIso, type CycleCalendar, type PeriodRule } from './calendar';
import type { CyclePlan, EscalationStepPlan, UnitPlan } from './types';

/** Who a step's mail goes to: the unit's contacts, its head, the secretariat or a role in the organisation's `roles`. */
export type LadderRecipient = 'contact' | 'head' | 'secretariat' | `role:${string}`;

/** One step as the config gives it (config/schema.ts `escalation`). */
export interface LadderStep {
  /** ISO-8601 duration after the deadline, like `calendar.escalationAfterDeadline`. */
  after: string;
  to: readonly string[];
  cc?: readonly string[];
  template?: string;
}

/** What of a data call's config the plan needs. */
export interface LadderObligation {
  calendar: CycleCalendar;
  period: PeriodRule;
  escalation?: readonly LadderStep[];
}

/**
 * Durations in the order they come, measured from one fixed day: "P1M" and "P30D" are compared as a
 * calendar counts them from 31 January, where a month is shortest, so a check that passes here
 * cannot be out of order on any other day by more than the month's spare days.
 */
const REFERENCE = DateTime.fromISO('2026-01-31T00:00:00', { zone: 'UTC' });
export function durationMillis(duration: string): number {
  return REFERENCE.plus(parseIsoDuration(duration)).toMillis() - REFERENCE.toMillis();
}

/**
 * The steps that come no later than the one before them, as the config check reports them: each
 * must be later than the one before, or the ladder would run in another order than it reads.
 */
export function ladderOrderProblems(steps: readonly Pick<LadderStep, 'after'>[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  for (let i = 1; i < steps.length; i++) {
    let before: number;
    let here: number;
    try {
      before = durationMillis(steps[i - 1]!.after);
      here = durationMillis(steps[i]!.after);
    } catch {
      continue; // the duration itself is reported by its own rule
    }
    if (here <= before) {
      problems.push({
        index: i,
        message: `step ${i + 1} (after ${steps[i]!.after}) must come later than step ${i} (after ${steps[i - 1]!.after}): list the steps in the order they are sent, each with a longer time after the deadline`,
      });
    }
  }
  return problems;
}

/**
 * Each step's instant and spread window from a deadline. With working days a step goes at the send
 * time of the first working day on or after deadline + offset (as the single escalation does);
 * without, to the second. A step's window is `spreadOver` long, but never into the next step, past
 * `workdayEnds` of its day, or past the cycle's closing (when known).
 */
export function planSteps(cal: CycleCalendar, steps: readonly Pick<LadderStep, 'after'>[], deadline: Pick<UnitPlan, 'deadlineDate' | 'deadlineAt'>, zone: string, closesAt?: string): EscalationStepPlan[] {
  const exact = cal.workingDays === false;
  const times = steps.map((step) => {
    if (exact) return DateTime.fromISO(deadline.deadlineAt, { zone }).plus(parseIsoDuration(step.after));
    return atLocalTime(nextWorkingDay(DateTime.fromISO(deadline.deadlineDate, { zone }).plus(parseIsoDuration(step.after))), cal.sendTime);
  });
  const over = cal.spreadOver === undefined ? undefined : parseIsoDuration(cal.spreadOver);
  const closing = closesAt === undefined ? undefined : DateTime.fromISO(closesAt, { zone }).minus({ milliseconds: 1 });
  return times.map((at, i) => {
    if (!over) return { at: toIso(at) };
    let until = at.plus(over);
    const next = times[i + 1];
    if (next && until > next) until = next;
    if (closing && until > closing) until = closing;
    if (!exact && cal.workdayEnds) {
      const dayEnds = atLocalTime(at, cal.workdayEnds);
      if (until > dayEnds) until = dayEnds;
    }
    return { at: toIso(at), until: toIso(until < at ? at : until) };
  });
}

/**
 * The plan with its ladder: the steps, and the first step as the plan's escalation (its time and
 * window), which the rest of the product (the year, the state "escalated") reads. No ladder: the
 * plan as it is.
 */
export function withLadder(plan: UnitPlan, obligation: LadderObligation, zone: string, closesAt?: string): UnitPlan {
  const steps = obligation.escalation;
  if (!steps || steps.length === 0) return plan;
  const planned = planSteps(obligation.calendar, steps, plan, zone, closesAt);
  const first = planned[0]!;
  const spreadUntil = plan.spreadUntil ? { ...plan.spreadUntil, escalation: first.until ?? first.at } : undefined;
  return { ...plan, escalationAt: first.at, ...(spreadUntil ? { spreadUntil } : {}), escalationSteps: planned };
}

/** The calendar a data call plans with: with a ladder, its first step is the escalation (the cycle must close after it). */
function calendarOf(obligation: LadderObligation): CycleCalendar {
  const first = obligation.escalation?.[0];
  return first ? { ...obligation.calendar, escalationAfterDeadline: first.after } : obligation.calendar;
}

/** A data call's cycle plan, with its ladder when the config has one: what the planCycle activity and the preview use. */
export function planDataCall(obligation: LadderObligation, period: string, zone: string, now?: Date): CyclePlan {
  const plan = planCycle(calendarOf(obligation), obligation.period, period, zone, now);
  return { ...(withLadder(plan, obligation, zone, plan.closesAt) as CyclePlan), closesAt: plan.closesAt };
}

/** A unit's plan after its deadline moved, with its ladder counted from the new deadline. */
export function replanDataCall(obligation: LadderObligation, untilDate: string, opensAt: string, zone: string, closesAt?: string): UnitPlan {
  return withLadder(replanDeadline(calendarOf(obligation), untilDate, opensAt, zone), obligation, zone, closesAt);
}

/** People of one step, in order and once each, from who the config names. */
export function stepPeople<P extends { email: string }>(names: readonly string[], parties: { contacts: readonly P[]; head: P; secretariat: P; role: (id: string) => P | undefined }): P[] {
  const people: P[] = [];
  for (const name of names) {
    const found = name === 'contact' ? parties.contacts : name === 'head' ? [parties.head] : name === 'secretariat' ? [parties.secretariat] : name.startsWith('role:') ? [parties.role(name.slice(5))] : [];
    for (const person of found) {
      if (person && !people.some((p) => p.email.toLowerCase() === person.email.toLowerCase())) people.push(person);
    }
  }
  return people;
}

/** Who a step goes to, as people read it in the preview: "kontaktpersonen, förvaltningschefen". */
export function describeRecipients(names: readonly string[], language: 'sv' | 'en', roleName: (id: string) => string | undefined): string {
  const words = {
    sv: { contact: 'kontaktpersonen', head: 'förvaltningschefen', secretariat: 'sekretariatet' },
    en: { contact: 'the contact person', head: 'the unit head', secretariat: 'the secretariat' },
  }[language];
  return names.map((n) => (n === 'contact' || n === 'head' || n === 'secretariat' ? words[n] : (roleName(n.slice(5)) ?? n.slice(5)))).join(', ');
}

/**
 * The steps (0-based) that a period's cycle would reach only at or after it closes: never sent. The
 * config check names them, for the period a start now would follow up (working days can move a
 * step onto the closing day in one year and not in another, so it is a note, not an error).
 */
export function stepsAfterClosing(obligation: LadderObligation, zone: string, now: Date): { period: string; steps: number[] } {
  const period = latestEndedPeriod(obligation.period, DateTime.fromJSDate(now, { zone }));
  if (!obligation.escalation?.length) return { period, steps: [] };
  const closes = planCycle({ ...obligation.calendar, escalationAfterDeadline: 'PT0S' }, obligation.period, period, zone);
  const steps = planSteps(obligation.calendar, obligation.escalation, closes, zone);
  return { period, steps: steps.flatMap((step, i) => (Date.parse(step.at) >= Date.parse(closes.closesAt) ? [i] : [])) };
}
