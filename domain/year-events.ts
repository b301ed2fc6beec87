/**
 * The organisation's year in dates (its annual wheel, årshjul): every dated event the config and
 * the registers imply in one calendar year, computed by the same calendar functions the schedules
 * and workflows plan with, so the wheel shows the days the mails really go out. Pure.
 */
import { DateTime } from 'luxon';
import type { ObligationConfig, OrganisationConfig } from '../config/schema';
import {
  CalendarError,
  mandatePeriod,
  mandatePeriodOn,
  periodsEndingIn,
  planEventNotices,
  planExpiryReminders,
  planGoalsYear,
  planOccurrences,
  planRevision,
  revisionPeriodName,
  startOfDay,
} from './calendar';
import { planDataCall } from './escalation';
import type { RegisterContents } from './registers';
import type { Language, Localized } from './types';

export type YearEventKind =
  | 'opening'
  | 'reminder'
  | 'deadline'
  | 'escalation'
  | 'report'
  | 'checkpoint'
  | 'result'
  | 'seminar'
  | 'project-start'
  | 'agreement-reminder'
  | 'agreement-end'
  | 'event'
  | 'event-notice'
  | 'revision-ask'
  | 'revision-reminder'
  | 'revision-due'
  | 'goals-ask';

export interface YearEvent {
  /** Stable across recomputations of the same plan: a calendar feed's UID, so an update replaces the entry. */
  uid: string;
  obligationId: string;
  obligationTitle: Localized;
  kind: YearEventKind;
  /** The instant (ISO, UTC); for a whole day, the start of that local day. */
  at: string;
  /** A whole day (a deadline, an agreement's end, an event) rather than a moment. */
  allDay: boolean;
  /** YYYY-MM-DD in the organisation's zone. */
  localDate: string;
  /** HH:mm in the organisation's zone; absent for a whole day. */
  localTime?: string;
  /** The last day (YYYY-MM-DD) of an event of several days. */
  endDate?: string;
  label: Localized;
}

/** The parts of the registers that add dates: planned projects, agreements, events, seminars. */
export type YearRegisters = Pick<RegisterContents, 'projects' | 'seminars' | 'agreements'> & Partial<Pick<RegisterContents, 'events'>>;

export class YearError extends CalendarError {}

const KIND_ORDER: YearEventKind[] = [
  'goals-ask', 'revision-ask', 'revision-reminder', 'revision-due', 'opening', 'reminder', 'deadline', 'escalation', 'report',
  'checkpoint', 'result', 'seminar', 'project-start', 'agreement-reminder', 'agreement-end', 'event-notice', 'event',
];

/** Every dated event of `year` (a calendar year in the organisation's zone), in time order. */
export function yearEvents(config: OrganisationConfig, year: number, registers?: YearRegisters): YearEvent[] {
  if (!Number.isInteger(year) || year < 2000 || year > 2200) throw new YearError(`${year} is not a year the wheel can show; give a year such as 2027.`);
  const out: YearEvent[] = [];
  for (const obligation of config.obligations) out.push(...eventsOf(obligation, config, year, registers));
  const inYear = out.filter((e) => e.localDate.startsWith(`${year}-`));
  const unique = [...new Map(inYear.map((e) => [e.uid, e])).values()];
  const obligationOrder = new Map(config.obligations.map((o, i) => [o.id, i]));
  return unique.sort(
    (a, b) =>
      a.localDate.localeCompare(b.localDate) ||
      Number(!a.allDay) - Number(!b.allDay) ||
      a.at.localeCompare(b.at) ||
      (obligationOrder.get(a.obligationId) ?? 0) - (obligationOrder.get(b.obligationId) ?? 0) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
}

function eventsOf(o: ObligationConfig, config: OrganisationConfig, year: number, registers?: YearRegisters): YearEvent[] {
  const zone = config.organisation.timeZone;
  const orgId = config.organisation.id;
  const make = (kind: YearEventKind, key: string, at: string, allDay: boolean, label: Localized, endDate?: string): YearEvent => {
    const local = DateTime.fromISO(at, { zone });
    return {
      uid: `${orgId}/${o.id}/${kind}/${key}`,
      obligationId: o.id,
      obligationTitle: o.title,
      kind,
      at,
      allDay,
      localDate: local.toISODate() ?? '',
      ...(allDay ? {} : { localTime: local.toFormat('HH:mm') }),
      ...(endDate && endDate !== local.toISODate() ? { endDate } : {}),
      label,
    };
  };
  const day = (date: string) => startOfDay(date, zone);
  const out: YearEvent[] = [];
  switch (o.kind) {
    case 'periodic-data-call': {
      const periods = new Set([year - 1, year, year + 1].flatMap((y) => periodsEndingIn(o.period, y)));
      for (const period of periods) {
        const plan = planDataCall(o, period, zone);
        out.push(make('opening', period, plan.opensAt, false, { sv: `Förfrågan för ${period} skickas till enheterna`, en: `Request for ${period} sent to the units` }));
        plan.reminderTimes.forEach((at, i) => out.push(make('reminder', `${period}/${i + 1}`, at, false, { sv: `Påminnelse ${i + 1} om ${period}`, en: `Reminder ${i + 1} for ${period}` })));
        out.push(make('deadline', period, day(plan.deadlineDate), true, { sv: `Sista dag att svara för ${period}`, en: `Last day to answer for ${period}` }));
        if (!plan.escalationSteps) out.push(make('escalation', period, plan.escalationAt, false, { sv: `Förvaltningschefen får veta om enheter som inte svarat för ${period}`, en: `Unit heads told of units that have not answered for ${period}` }));
        // Each step of the ladder the cycle reaches before it closes (the first keeps the single escalation's uid).
        const steps = (plan.escalationSteps ?? []).filter((step) => step.at < plan.closesAt);
        steps.forEach((step, i) => out.push(make('escalation', i === 0 ? period : `${period}/step-${i + 1}`, step.at, false, { sv: `Eskaleringssteg ${i + 1} av ${steps.length} för ${period}: enheter som inte svarat`, en: `Escalation step ${i + 1} of ${steps.length} for ${period}: units that have not answered` })));
        out.push(make('report', period, plan.closesAt, false, { sv: `Rapporten för ${period} sammanställs och lämnas`, en: `The report for ${period} compiled and delivered` }));
      }
      break;
    }
    case 'minimum-occurrences': {
      const plan = planOccurrences(o.checkpoints, year, o.sendTime, zone);
      plan.checkpoints.forEach((at, i) => out.push(make('checkpoint', `${year}/${i + 1}`, at, false, { sv: `Kontrollpunkt ${i + 1}: varning om färre än ${o.minimum} för ${year}`, en: `Checkpoint ${i + 1}: warning if fewer than ${o.minimum} for ${year}` })));
      const previous = planOccurrences(o.checkpoints, year - 1, o.sendTime, zone);
      out.push(make('result', String(year - 1), previous.resultAt, false, { sv: `Resultatet för ${year - 1} lämnas`, en: `The result for ${year - 1} delivered` }));
      for (const s of registers?.seminars ?? []) {
        out.push(make('seminar', s.id, day(s.date), true, { sv: `Seminarium: ${s.title}, ${s.place}`, en: `Seminar: ${s.title}, ${s.place}` }));
      }
      break;
    }
    case 'gate-before-start': {
      for (const p of registers?.projects ?? []) {
        if (p.obligationId !== undefined && p.obligationId !== o.id) continue;
        if (p.state === 'closed') continue;
        out.push(make('project-start', p.id, day(p.plannedStart), true, { sv: `Projektet ${p.title} startar; målen ska vara godkända`, en: `Project ${p.title} starts; its goals must be approved` }));
      }
      break;
    }
    case 'expiry-review': {
      for (const a of registers?.agreements ?? []) {
        if (a.obligationId !== undefined && a.obligationId !== o.id) continue;
        if (a.state === 'ended' || a.state === 'renewed') continue;
        planExpiryReminders(a.endsOn, o.remindersBeforeEnd, o.sendTime, zone, new Date(0)).forEach((at, i) =>
          out.push(make('agreement-reminder', `${a.id}/${a.endsOn}/${i + 1}`, at, false, { sv: `Översyn av avtalet ${a.title}: påminnelse ${i + 1}`, en: `Review of the agreement ${a.title}: reminder ${i + 1}` })),
        );
        out.push(make('agreement-end', `${a.id}/${a.endsOn}`, day(a.endsOn), true, { sv: `Avtalet ${a.title} med ${a.partner} löper ut`, en: `The agreement ${a.title} with ${a.partner} ends` }));
      }
      break;
    }
    case 'event-notices': {
      for (const e of registers?.events ?? []) {
        if (e.obligationId !== o.id || e.state === 'cancelled') continue;
        const plan = planEventNotices(e.date, e.endDate, o.noticeBefore, o.sendTime, zone, new Date(0));
        plan.noticeTimes.forEach((at, i) => out.push(make('event-notice', `${e.id}/${i + 1}`, at, false, { sv: `Information om ${e.title} skickas (${i + 1})`, en: `Notice of ${e.title} sent (${i + 1})` })));
        out.push(make('event', e.id, day(e.date), true, { sv: `${e.title}, ${e.place}`, en: `${e.title}, ${e.place}` }, e.endDate));
      }
      break;
    }
    case 'revision': {
      const periodIds =
        o.rule.kind === 'by-date'
          ? [`by-${o.rule.due}`]
          : [...new Set([mandatePeriodOn(`${year}-01-01`).id, ...((year - 2022) % 4 === 0 ? [mandatePeriod(year).id] : [])])];
      for (const periodId of periodIds) {
        const plan = planRevision(o.rule, periodId, o.remindEvery, o.sendTime, zone);
        // In words, as the mails and the report name it ("senast 30 december 2027"), never the id "by-2027-12-31".
        const sv = revisionPeriodName(periodId, 'sv');
        const en = revisionPeriodName(periodId, 'en');
        out.push(make('revision-ask', periodId, plan.askAt, false, { sv: `Dokumentansvarig ombeds revidera policyn (${sv})`, en: `The document owner asked to revise the policy (${en})` }));
        plan.reminderTimes.forEach((at, i) => out.push(make('revision-reminder', `${periodId}/${i + 1}`, at, false, { sv: `Påminnelse om revideringen (${sv})`, en: `Reminder of the revision (${en})` })));
        out.push(make('revision-due', periodId, day(plan.dueDate), true, { sv: `Revideringen ska vara beslutad (${sv})`, en: `The revision must be decided (${en})` }));
      }
      break;
    }
    case 'yearly-goals': {
      for (const goalsYear of [year, year + 1]) {
        const plan = planGoalsYear(o.recordBy, goalsYear, o.remindEvery, o.sendTime, zone);
        out.push(make('goals-ask', String(goalsYear), plan.askAt, false, { sv: `Målen för ${goalsYear} ska vara beslutade och registreras`, en: `The goals for ${goalsYear} should be decided and recorded` }));
      }
      break;
    }
  }
  return out;
}

/** The events of each month, January first: the list beside the wheel and the PDF's table. */
export function eventsByMonth(events: YearEvent[], year: number, language: Language): { month: number; name: string; events: YearEvent[] }[] {
  return Array.from({ length: 12 }, (_, i) => ({
    month: i + 1,
    name: monthName(year, i + 1, language),
    events: events.filter((e) => Number(e.localDate.slice(5, 7)) === i + 1),
  }));
}

export function monthName(year: number, month: number, language: Language): string {
  return DateTime.fromObject({ year, month, day: 1 }).setLocale(language === 'sv' ? 'sv-SE' : 'en-GB').toFormat('LLLL');
}

/** "15 januari", with the time where the event has one: how the list and the PDF name a day. */
export function localWhen(event: YearEvent, language: Language): string {
  const date = DateTime.fromISO(event.localDate).setLocale(language === 'sv' ? 'sv-SE' : 'en-GB');
  const first = date.toFormat('d LLLL');
  const last = event.endDate ? `–${DateTime.fromISO(event.endDate).setLocale(language === 'sv' ? 'sv-SE' : 'en-GB').toFormat('d LLLL')}` : '';
  return event.localTime ? `${first} ${event.localTime}` : `${first}${last}`;
}
