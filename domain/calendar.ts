/**
 * The organisation's calendar: periods, working days and the plan of one cycle. Pure functions of
 * their inputs (the holiday rules are data), called by activities so that workflows only ever see
 * the resulting ISO instants.
 */
import Holidays from 'date-holidays';
import { DateTime, Duration } from 'luxon';
import type { CyclePlan, UnitPlan } from './types';

export class CalendarError extends Error {
  override name = 'CalendarError';
}

export type PeriodRule = 'annual';

export interface CycleCalendar {
  /** Local time of day at which mails go out, "HH:MM". */
  sendTime: string;
  /** ISO-8601 durations counted from the end of the period. */
  opensAfterPeriodEnd: string;
  deadlineAfterPeriodEnd: string;
  closesAfterPeriodEnd: string;
  /** ISO-8601 durations before the deadline, e.g. ["P14D", "P7D", "P2D"]. */
  remindersBeforeDeadline: string[];
  /** ISO-8601 duration after the deadline at which the unit head is told. */
  escalationAfterDeadline: string;
  /** false: exact offsets, no working days and no send time (compressed time for benchmarks). */
  workingDays?: boolean;
}

export function parseIsoDuration(text: string): Duration {
  const d = Duration.fromISO(text);
  if (!d.isValid) throw new CalendarError(`"${text}" is not an ISO-8601 duration (write e.g. P14D for 14 days, P1M for a month).`);
  return d;
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

// Public holidays and the eves that Swedish workplaces treat as holidays (midsummer, Christmas, New Year's Eve).
const NON_WORKING_TYPES = new Set(['public', 'bank']);
const holidayCache = new Map<string, Set<string>>();

function holidaysOf(country: string, year: number): Set<string> {
  const cacheKey = `${country}:${year}`;
  let days = holidayCache.get(cacheKey);
  if (!days) {
    const rules = new Holidays(country);
    days = new Set(
      (rules.getHolidays(year) || []).filter((h) => NON_WORKING_TYPES.has(h.type)).map((h) => h.date.slice(0, 10)),
    );
    holidayCache.set(cacheKey, days);
  }
  return days;
}

export function isWorkingDay(day: DateTime, country = 'SE'): boolean {
  if (day.weekday >= 6) return false;
  return !holidaysOf(country, day.year).has(day.toISODate() ?? '');
}

/** A deadline on a weekend or holiday moves to the next working day. */
export function nextWorkingDay(day: DateTime, country = 'SE'): DateTime {
  let d = day.startOf('day');
  while (!isWorkingDay(d, country)) d = d.plus({ days: 1 });
  return d;
}

/** A reminder on a weekend or holiday moves back, so it still comes before the deadline. */
export function previousWorkingDay(day: DateTime, country = 'SE'): DateTime {
  let d = day.startOf('day');
  while (!isWorkingDay(d, country)) d = d.minus({ days: 1 });
  return d;
}

export interface PeriodBounds {
  start: DateTime;
  end: DateTime;
}

export function periodBounds(rule: PeriodRule, period: string, zone: string): PeriodBounds {
  if (rule === 'annual') {
    if (!/^\d{4}$/.test(period)) throw new CalendarError(`An annual obligation's period is a year such as 2026, not "${period}".`);
    const start = DateTime.fromObject({ year: Number(period), month: 1, day: 1 }, { zone });
    return { start, end: start.plus({ years: 1 }) };
  }
  throw new CalendarError(`Unknown period rule "${rule as string}".`);
}

/** The period that a cycle started today would follow up: the last one that has ended. */
export function latestEndedPeriod(rule: PeriodRule, now: DateTime): string {
  if (rule === 'annual') return String(now.year - 1);
  throw new CalendarError(`Unknown period rule "${rule as string}".`);
}

function atSendTime(day: DateTime, sendTime: string): DateTime {
  const [h, m] = sendTime.split(':').map(Number);
  return day.set({ hour: h ?? 9, minute: m ?? 0, second: 0, millisecond: 0 });
}

function iso(dt: DateTime): string {
  const s = dt.toUTC().toISO();
  if (!s) throw new CalendarError('Invalid date computed.');
  return s;
}

/** Plans the unit's part from a deadline day: reminders before it, escalation after it. */
export function planAroundDeadline(cal: CycleCalendar, deadlineDay: DateTime, opensAt: DateTime, zone: string): UnitPlan {
  const deadline = nextWorkingDay(deadlineDay.setZone(zone, { keepLocalTime: true }));
  const reminderTimes = cal.remindersBeforeDeadline
    .map((offset) => atSendTime(previousWorkingDay(deadline.minus(parseIsoDuration(offset))), cal.sendTime))
    .filter((t) => t > opensAt)
    .sort((a, b) => a.toMillis() - b.toMillis());
  const escalationAt = atSendTime(nextWorkingDay(deadline.plus(parseIsoDuration(cal.escalationAfterDeadline))), cal.sendTime);
  return {
    opensAt: iso(opensAt),
    deadlineDate: deadline.toISODate() ?? '',
    deadlineAt: iso(deadline.plus({ days: 1 })),
    reminderTimes: [...new Set(reminderTimes.map(iso))],
    escalationAt: iso(escalationAt),
  };
}

/**
 * The plan of one cycle. A cycle started after its opening day (the secretariat starts it late, or
 * runs a past period) keeps the whole answer window: its calendar is shifted to open now.
 */
export function planCycle(cal: CycleCalendar, rule: PeriodRule, period: string, zone: string, now?: Date): CyclePlan {
  if (cal.workingDays === false) return planExactly(cal, periodBounds(rule, period, zone).end, now);
  const bounds = periodBounds(rule, period, zone);
  let end = bounds.end;
  let opensAt = atSendTime(nextWorkingDay(end.plus(parseIsoDuration(cal.opensAfterPeriodEnd))), cal.sendTime);
  if (now && opensAt.toMillis() < now.getTime()) {
    const startedAt = DateTime.fromJSDate(now, { zone });
    end = end.plus({ days: Math.ceil(startedAt.diff(opensAt, 'days').days) });
    opensAt = startedAt;
  }
  const unit = planAroundDeadline(cal, end.plus(parseIsoDuration(cal.deadlineAfterPeriodEnd)), opensAt, zone);
  const closesAt = atSendTime(nextWorkingDay(end.plus(parseIsoDuration(cal.closesAfterPeriodEnd))), cal.sendTime);
  if (closesAt.toMillis() <= Date.parse(unit.escalationAt)) {
    throw new CalendarError('The cycle must close after the escalation: make closesAfterPeriodEnd later than the deadline plus escalationAfterDeadline.');
  }
  return { ...unit, closesAt: iso(closesAt) };
}

/** The plan to the second, shifted as a whole when started late. */
function planExactly(cal: CycleCalendar, periodEnd: DateTime, now?: Date): CyclePlan {
  let end = periodEnd;
  const nominalOpening = end.plus(parseIsoDuration(cal.opensAfterPeriodEnd));
  if (now && nominalOpening.toMillis() < now.getTime()) end = end.plus({ milliseconds: now.getTime() - nominalOpening.toMillis() });
  const opensAt = end.plus(parseIsoDuration(cal.opensAfterPeriodEnd));
  const deadline = end.plus(parseIsoDuration(cal.deadlineAfterPeriodEnd));
  const reminderTimes = cal.remindersBeforeDeadline
    .map((offset) => deadline.minus(parseIsoDuration(offset)))
    .filter((t) => t > opensAt)
    .sort((a, b) => a.toMillis() - b.toMillis());
  const escalationAt = deadline.plus(parseIsoDuration(cal.escalationAfterDeadline));
  const closesAt = end.plus(parseIsoDuration(cal.closesAfterPeriodEnd));
  if (closesAt <= escalationAt) throw new CalendarError('The cycle must close after the escalation: make closesAfterPeriodEnd later than the deadline plus escalationAfterDeadline.');
  return {
    opensAt: iso(opensAt),
    deadlineDate: deadline.toISODate() ?? '',
    deadlineAt: iso(deadline),
    reminderTimes: reminderTimes.map(iso),
    escalationAt: iso(escalationAt),
    closesAt: iso(closesAt),
  };
}

/** Re-plans a unit whose deadline the secretariat moved to `untilDate` (YYYY-MM-DD). */
export function replanDeadline(cal: CycleCalendar, untilDate: string, opensAt: string, zone: string): UnitPlan {
  const day = DateTime.fromISO(untilDate, { zone });
  if (!day.isValid) throw new CalendarError(`"${untilDate}" is not a date; write YYYY-MM-DD.`);
  return planAroundDeadline(cal, day, DateTime.fromISO(opensAt, { zone }), zone);
}

export function formatDate(isoInstant: string, zone: string, language: 'sv' | 'en', withTime = false): string {
  const dt = DateTime.fromISO(isoInstant, { zone }).setLocale(language === 'sv' ? 'sv-SE' : 'en-GB');
  return withTime ? dt.toFormat('d LLLL yyyy HH:mm') : dt.toFormat('d LLLL yyyy');
}
