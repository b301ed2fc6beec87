/**
 * The organisation's calendar: periods, working days and the plan of one cycle. Pure functions of
 * their inputs (the holiday rules are data), called by activities so that workflows only ever see
 * the resulting ISO instants.
 */
import { FailureType } from './refusals';
import type HolidaysType from 'date-holidays';
import { DateTime, Duration } from 'luxon';
import type { CyclePlan, UnitPlan } from './types';

export class CalendarError extends Error {
  override name = FailureType.calendar;
}

export type PeriodRule = 'annual' | 'tertial';

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
  /**
   * ISO-8601 duration from each reminder's and the escalation's time over which the units' mails
   * are spread (domain/spread.ts). Left out: every unit's at the time itself.
   */
  spreadOver?: string;
  /** Local time "HH:MM" that no spread mail passes: the end of the working day (with working days). */
  workdayEnds?: string;
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
    // Loaded when a calendar first needs the holidays: its rules for every country take a tenth of
    // a second to load, which commands that plan nothing (followup --help) need not wait for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('date-holidays') as typeof HolidaysType & { default?: typeof HolidaysType };
    const Holidays = loaded.default ?? loaded;
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

/** An opening, a deadline counted from a period's end or an escalation on a weekend or holiday moves to the next working day. */
export function nextWorkingDay(day: DateTime, country = 'SE'): DateTime {
  let d = day.startOf('day');
  while (!isWorkingDay(d, country)) d = d.plus({ days: 1 });
  return d;
}

/** A reminder, or a date the policy gives as "no later than", on a weekend or holiday moves back, so it does not pass the date. */
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
  if (rule === 'tertial') {
    const match = /^(\d{4})-T([123])$/.exec(period);
    if (!match) throw new CalendarError(`A tertial obligation's period is a year and tertial such as 2026-T1 (January–April), 2026-T2 (May–August) or 2026-T3 (September–December, with the year-end accounts), not "${period}".`);
    const start = DateTime.fromObject({ year: Number(match[1]), month: 1 + 4 * (Number(match[2]) - 1), day: 1 }, { zone });
    return { start, end: start.plus({ months: 4 }) };
  }
  throw new CalendarError(`Unknown period rule "${rule as string}".`);
}

/**
 * Until when a unit's standing link, sent with a cycle's request, works: until the next cycle of
 * the obligation closes (this cycle's closing plus one period), by when a newer request has brought
 * a newer link. It does not outlive the period it serves, as a link of a fixed 400 days did.
 */
export function standingLinkExpiry(rule: PeriodRule, closesAt: string): string {
  const closing = DateTime.fromISO(closesAt, { setZone: true });
  return toIso(closing.plus(rule === 'annual' ? { years: 1 } : { months: 4 }));
}

/** Every period of the rule that ends in the given calendar year, in order. */
export function periodsEndingIn(rule: PeriodRule, year: number): string[] {
  if (rule === 'annual') return [String(year - 1)];
  return [`${year - 1}-T3`, `${year}-T1`, `${year}-T2`];
}

/**
 * The period a report compares with: the year before, or for a tertial the same tertial a year
 * before (tertials differ by season: T3 carries the year-end accounts).
 */
export function previousPeriod(rule: PeriodRule, period: string): string {
  if (rule === 'annual' && /^\d{4}$/.test(period)) return String(Number(period) - 1);
  const match = /^(\d{4})-(T[123])$/.exec(period);
  if (rule === 'tertial' && match) return `${Number(match[1]) - 1}-${match[2]}`;
  throw new CalendarError(`"${period}" is not a period of the rule "${rule as string}".`);
}

/** The period that a cycle started today would follow up: the last one that has ended. */
export function latestEndedPeriod(rule: PeriodRule, now: DateTime): string {
  if (rule === 'annual') return String(now.year - 1);
  if (rule === 'tertial') {
    const tertial = Math.floor((now.month - 1) / 4); // the running one, 0-based
    return tertial === 0 ? `${now.year - 1}-T3` : `${now.year}-T${tertial}`;
  }
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

/**
 * Until when each reminder and the escalation are spread: `spreadOver` from its time, but never
 * into the next reminder, past `limit` (the deadline for reminders), or, with working days, past
 * `workdayEnds` of its day. Hours are counted in real time, so a window on a day that changes
 * to or from summer time is as long as on any other.
 */
function spreadWindows(cal: CycleCalendar, reminders: DateTime[], escalation: DateTime, reminderLimit: DateTime, escalationLimit?: DateTime): UnitPlan['spreadUntil'] {
  if (cal.spreadOver === undefined) return undefined;
  const over = parseIsoDuration(cal.spreadOver);
  const until = (from: DateTime, limit: DateTime | undefined) => {
    let end = from.plus(over);
    if (limit && end > limit) end = limit;
    if (cal.workingDays !== false && cal.workdayEnds) {
      const dayEnds = atSendTime(from, cal.workdayEnds);
      if (end > dayEnds) end = dayEnds;
    }
    return iso(end < from ? from : end);
  };
  return {
    reminders: reminders.map((from, i) => until(from, reminders[i + 1] ?? reminderLimit)),
    escalation: until(escalation, escalationLimit),
  };
}

/** Plans the unit's part from a deadline day: reminders before it, escalation after it. */
export function planAroundDeadline(cal: CycleCalendar, deadlineDay: DateTime, opensAt: DateTime, zone: string): UnitPlan {
  const deadline = nextWorkingDay(deadlineDay.setZone(zone, { keepLocalTime: true }));
  const reminderTimes = cal.remindersBeforeDeadline
    .map((offset) => atSendTime(previousWorkingDay(deadline.minus(parseIsoDuration(offset))), cal.sendTime))
    .filter((t) => t > opensAt)
    .sort((a, b) => a.toMillis() - b.toMillis())
    .filter((t, i, all) => i === 0 || t.toMillis() !== all[i - 1]!.toMillis());
  const escalationAt = atSendTime(nextWorkingDay(deadline.plus(parseIsoDuration(cal.escalationAfterDeadline))), cal.sendTime);
  const spreadUntil = spreadWindows(cal, reminderTimes, escalationAt, deadline.plus({ days: 1 }));
  return {
    opensAt: iso(opensAt),
    deadlineDate: deadline.toISODate() ?? '',
    deadlineAt: iso(deadline.plus({ days: 1 })),
    reminderTimes: reminderTimes.map(iso),
    escalationAt: iso(escalationAt),
    ...(spreadUntil ? { spreadUntil } : {}),
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
  // Every escalation is out before the close.
  const lastEscalation = iso(closesAt.minus({ milliseconds: 1 }));
  if (unit.spreadUntil && unit.spreadUntil.escalation > lastEscalation) unit.spreadUntil.escalation = lastEscalation;
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
  // Every escalation is out before the close.
  const spreadUntil = spreadWindows(cal, reminderTimes, escalationAt, deadline, closesAt.minus({ milliseconds: 1 }));
  return {
    opensAt: iso(opensAt),
    deadlineDate: deadline.toISODate() ?? '',
    deadlineAt: iso(deadline),
    reminderTimes: reminderTimes.map(iso),
    escalationAt: iso(escalationAt),
    ...(spreadUntil ? { spreadUntil } : {}),
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

export function atLocalTime(day: DateTime, sendTime: string): DateTime {
  return atSendTime(day, sendTime);
}

export function toIso(dt: DateTime): string {
  return iso(dt);
}

/**
 * The openings of a periodic data call from `from` on, for `years` years: the instants at which
 * its schedule starts a cycle, one per period, on working days at the send time.
 */
export function dataCallOpenings(cal: CycleCalendar, rule: PeriodRule, zone: string, from: Date, years: number): { period: string; opensAt: string }[] {
  const first = DateTime.fromJSDate(from, { zone }).year;
  const out: { period: string; opensAt: string }[] = [];
  for (let year = first; year <= first + years; year++) {
    for (const period of periodsEndingIn(rule, year)) {
      const opensAt = planCycle(cal, rule, period, zone).opensAt;
      if (Date.parse(opensAt) >= from.getTime()) out.push({ period, opensAt });
    }
  }
  return out.sort((a, b) => a.opensAt.localeCompare(b.opensAt)).filter((o, i, all) => all.findIndex((x) => x.period === o.period) === i);
}

// --- Mandate periods -------------------------------------------------------------------------

/** Swedish general elections: the second Sunday of September every four years from 2022. */
export function electionDay(year: number): string {
  if ((year - 2022) % 4 !== 0) throw new CalendarError(`${year} is not an election year (2022, 2026, 2030, …).`);
  const first = DateTime.fromObject({ year, month: 9, day: 1 });
  const firstSunday = first.plus({ days: (7 - first.weekday) % 7 });
  return firstSunday.plus({ days: 7 }).toISODate() ?? '';
}

export interface MandatePeriod {
  /** "2026-2030": the years in which it starts and ends. */
  id: string;
  electionDay: string;
  /** The new council takes office on 15 October of the election year. */
  start: string;
  end: string;
}

export function mandatePeriod(electionYear: number): MandatePeriod {
  electionDay(electionYear);
  return {
    id: `${electionYear}-${electionYear + 4}`,
    electionDay: electionDay(electionYear),
    start: `${electionYear}-10-15`,
    end: `${electionYear + 4}-10-14`,
  };
}

/** The mandate period running on the given day (YYYY-MM-DD). */
export function mandatePeriodOn(day: string): MandatePeriod {
  const d = DateTime.fromISO(day);
  if (!d.isValid) throw new CalendarError(`"${day}" is not a date; write YYYY-MM-DD.`);
  let electionYear = d.year - ((((d.year - 2022) % 4) + 4) % 4);
  if (d.year === electionYear && (d.toISODate() ?? '') < `${electionYear}-10-15`) electionYear -= 4;
  return mandatePeriod(electionYear);
}

export function mandatePeriodById(id: string): MandatePeriod {
  const match = /^(\d{4})-(\d{4})$/.exec(id);
  if (!match || Number(match[2]) !== Number(match[1]) + 4) throw new CalendarError(`A mandate period is written as its election year and the next, e.g. 2026-2030, not "${id}".`);
  return mandatePeriod(Number(match[1]));
}

// --- Plans of the other obligation kinds -----------------------------------------------------

export interface RevisionRule {
  kind: 'mandate-period' | 'by-date';
  askAfterStart?: string;
  dueAfterStart?: string;
  askFrom?: string;
  due?: string;
}

export interface RevisionPlan {
  /** "2026-2030" for a mandate period, "by-2027-12-31" for a set date. */
  periodId: string;
  askAt: string;
  /** The last day (YYYY-MM-DD) by which the decision is due. */
  dueDate: string;
  dueAt: string;
  reminderTimes: string[];
  /** When the period ends and the workflow records the outcome, decided or not. */
  endsAt: string;
}

/**
 * A revision's period as the council reads it: a term of office by its years ("2026-2030"), a set
 * date as the working day it is due ("senast 30 december 2027" for "by-2027-12-31").
 */
export function revisionPeriodName(periodId: string, language: 'sv' | 'en'): string {
  const byDate = /^by-(\d{4}-\d{2}-\d{2})$/.exec(periodId);
  if (!byDate) return periodId;
  const due = previousWorkingDay(DateTime.fromISO(byDate[1]!)).setLocale(language === 'sv' ? 'sv-SE' : 'en-GB').toFormat('d LLLL yyyy');
  return language === 'sv' ? `senast ${due}` : `by ${due}`;
}

export function revisionPeriodIds(rule: RevisionRule, from: Date, count: number, zone: string): string[] {
  if (rule.kind === 'by-date') return [`by-${rule.due}`];
  const first = mandatePeriodOn(DateTime.fromJSDate(from, { zone }).toISODate() ?? '');
  const start = Number(first.id.slice(0, 4));
  return Array.from({ length: count }, (_, i) => mandatePeriod(start + 4 * i).id);
}

export function planRevision(rule: RevisionRule, periodId: string, remindEvery: string, sendTime: string, zone: string): RevisionPlan {
  let ask: DateTime;
  let due: DateTime;
  let end: DateTime;
  if (rule.kind === 'mandate-period') {
    const period = mandatePeriodById(periodId);
    const start = DateTime.fromISO(period.start, { zone });
    ask = start.plus(parseIsoDuration(rule.askAfterStart ?? 'P1M'));
    due = start.plus(parseIsoDuration(rule.dueAfterStart ?? 'P3Y'));
    end = DateTime.fromISO(period.end, { zone }).plus({ days: 1 });
  } else {
    if (periodId !== `by-${rule.due}`) throw new CalendarError(`This revision is due by ${rule.due}; its period is "by-${rule.due}", not "${periodId}".`);
    ask = DateTime.fromISO(rule.askFrom ?? '', { zone });
    due = DateTime.fromISO(rule.due ?? '', { zone });
    if (!ask.isValid || !due.isValid || ask >= due) throw new CalendarError('A revision by date needs askFrom before due, both as YYYY-MM-DD.');
    end = due.plus({ years: 1 });
  }
  const askAt = atSendTime(nextWorkingDay(ask), sendTime);
  // The policy says "no later than" (senast): a due day off work moves back, never past the policy's date.
  const dueDay = previousWorkingDay(due);
  const every = parseIsoDuration(remindEvery);
  if (every.as('days') < 1) throw new CalendarError('remindEvery must be at least a day.');
  const reminderTimes: string[] = [];
  for (let t = ask.plus(every); t < dueDay; t = t.plus(every)) reminderTimes.push(iso(atSendTime(previousWorkingDay(t), sendTime)));
  return { periodId, askAt: iso(askAt), dueDate: dueDay.toISODate() ?? '', dueAt: iso(dueDay.plus({ days: 1 })), reminderTimes, endsAt: iso(end) };
}

/** The checkpoints of a minimum-occurrences obligation in a year, and the year's end. */
export function planOccurrences(checkpoints: string[], year: number, sendTime: string, zone: string): { checkpoints: string[]; yearEndsAt: string; resultAt: string } {
  const times = checkpoints
    .map((md) => atSendTime(nextWorkingDay(DateTime.fromISO(`${year}-${md}`, { zone })), sendTime))
    .sort((a, b) => a.toMillis() - b.toMillis())
    .map(iso);
  const yearEnd = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone });
  return { checkpoints: times, yearEndsAt: iso(yearEnd), resultAt: iso(atSendTime(nextWorkingDay(yearEnd), sendTime)) };
}

/** The instant the year's occurrences workflow starts: the first minute of the year, local time. */
export function yearStarts(zone: string, from: Date, years: number): { year: number; at: string }[] {
  const first = DateTime.fromJSDate(from, { zone }).year;
  return Array.from({ length: years + 1 }, (_, i) => first + i)
    .map((year) => ({ year, at: iso(DateTime.fromObject({ year, month: 1, day: 1, minute: 5 }, { zone })) }))
    .filter((y) => Date.parse(y.at) >= from.getTime());
}

/** Reminders before an agreement's end day (YYYY-MM-DD), on working days, those still ahead of `now`. */
export function planExpiryReminders(endsOn: string, offsets: string[], sendTime: string, zone: string, now: Date, atOnceIfLate = false): string[] {
  const end = DateTime.fromISO(endsOn, { zone });
  if (!end.isValid) throw new CalendarError(`"${endsOn}" is not a date; write YYYY-MM-DD.`);
  const times = offsets.map((o) => atSendTime(previousWorkingDay(end.minus(parseIsoDuration(o))), sendTime)).sort((a, b) => a.toMillis() - b.toMillis());
  const ahead = times.filter((t) => t.toMillis() > now.getTime()).map(iso);
  // Registered after its first reminder was due, with the end still ahead: the owner is asked at once.
  const late = atOnceIfLate && times.length > 0 && times[0]!.toMillis() <= now.getTime() && end.endOf('day').toMillis() > now.getTime();
  return [...new Set([...(late ? [now.toISOString()] : []), ...ahead])];
}

/**
 * The notices before an event on `date`: each offset before it, on the working day before at the
 * send time. `late` when a notice's time has passed while the event is still ahead (registered or
 * moved late): that notice goes out at once.
 */
export function planEventNotices(date: string, endDate: string | undefined, offsets: string[], sendTime: string, zone: string, now: Date): { noticeTimes: string[]; late: boolean; startsAt: string; endsAt: string } {
  const day = DateTime.fromISO(date, { zone });
  if (!day.isValid) throw new CalendarError(`"${date}" is not a date; write YYYY-MM-DD.`);
  const times = [...new Set(offsets.map((o) => atSendTime(previousWorkingDay(day.minus(parseIsoDuration(o))), sendTime)).sort((a, b) => a.toMillis() - b.toMillis()).map(iso))];
  const startsAt = iso(day.startOf('day'));
  return {
    noticeTimes: times.filter((t) => Date.parse(t) > now.getTime()),
    late: times.some((t) => Date.parse(t) <= now.getTime()) && now.getTime() < Date.parse(startsAt),
    startsAt,
    endsAt: endOfDay(endDate ?? date, zone),
  };
}

/**
 * When the secretariat is reminded to record a year's goals: from the day (MM-DD) of the year
 * before by which they should be decided, on working days at the send time, every `remindEvery`,
 * until the year itself ends.
 */
export function planGoalsYear(recordBy: string, year: number, remindEvery: string, sendTime: string, zone: string): { reminderTimes: string[]; askAt: string; endsAt: string; lateUntil: string } {
  const [month, day] = recordBy.split('-').map(Number);
  const first = DateTime.fromObject({ year: year - 1, month, day }, { zone });
  if (!first.isValid) throw new CalendarError(`"${recordBy}" is not a day of the year; write MM-DD.`);
  const end = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone });
  const step = parseIsoDuration(remindEvery);
  const times: string[] = [];
  for (let at = first; at < end && times.length < 200; at = at.plus(step)) times.push(iso(atSendTime(nextWorkingDay(at), sendTime)));
  return { reminderTimes: [...new Set(times)], askAt: times[0]!, endsAt: iso(end), lateUntil: iso(end.plus({ years: 1 })) };
}

/** The end of a local day (YYYY-MM-DD) as an instant: the start of the next day. */
export function endOfDay(day: string, zone: string): string {
  const d = DateTime.fromISO(day, { zone });
  if (!d.isValid) throw new CalendarError(`"${day}" is not a date; write YYYY-MM-DD.`);
  return iso(d.plus({ days: 1 }).startOf('day'));
}

export function startOfDay(day: string, zone: string, sendTime?: string): string {
  const d = DateTime.fromISO(day, { zone });
  if (!d.isValid) throw new CalendarError(`"${day}" is not a date; write YYYY-MM-DD.`);
  return iso(sendTime ? atSendTime(d, sendTime) : d.startOf('day'));
}
