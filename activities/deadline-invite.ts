/**
 * The deadline as an iCalendar event attached to request, reminder and moved-deadline mails, so
 * Outlook offers to put it in the calendar. One UID per unit and cycle: a moved deadline's event
 * replaces the earlier one (a higher SEQUENCE) instead of adding a second.
 */
import ical, { ICalCalendarMethod, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import type { CycleKey } from '../domain/ids';
import type { Language } from '../domain/types';

/** The business key, never a person: the UID stays the same whoever the contact is. */
export function deadlineUid(key: CycleKey, unitId: string): string {
  return `deadline.${key.orgId}.${key.obligationId}.${key.period}.${unitId}@policy-followup`;
}

// SEQUENCE must grow with each version; minutes since 2024 grow with the mail's time and fit an int.
const SEQUENCE_EPOCH = Date.parse('2024-01-01T00:00:00Z');

export function deadlineSequence(at: string): number {
  return Math.max(0, Math.floor((Date.parse(at) - SEQUENCE_EPOCH) / 60_000));
}

const WORDS: Record<Language, { summary: string; description: string }> = {
  sv: { summary: 'Sista svarsdag', description: 'Svara i formuläret via länken i mejlet från' },
  en: { summary: 'Deadline', description: 'Answer in the form through the link in the mail from' },
};

export interface DeadlineInvite {
  filename: string;
  content: string;
  contentType: string;
}

export function deadlineInvite(args: {
  key: CycleKey;
  unitId: string;
  /** YYYY-MM-DD, the last day to answer. */
  deadlineDate: string;
  title: string;
  unitName: string;
  secretariat: { name: string; email: string };
  organisation: string;
  zone: string;
  language: Language;
  /** The mail's time: the event's DTSTAMP and the source of its SEQUENCE. */
  at: string;
}): DeadlineInvite {
  const words = WORDS[args.language];
  const calendar = ical({
    prodId: { company: 'policy-followup', product: 'followup', language: args.language.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    name: args.organisation,
  });
  const day = DateTime.fromISO(args.deadlineDate, { zone: args.zone });
  calendar.createEvent({
    id: deadlineUid(args.key, args.unitId),
    sequence: deadlineSequence(args.at),
    stamp: new Date(args.at),
    start: day,
    end: day.plus({ days: 1 }),
    allDay: true,
    summary: `${words.summary}: ${args.title} ${args.key.period} – ${args.unitName}`,
    description: `${words.description} ${args.secretariat.name} (${args.secretariat.email}).`,
    // A deadline does not make anyone busy.
    transparency: ICalEventTransparency.TRANSPARENT,
  });
  return {
    filename: args.language === 'sv' ? 'sista-svarsdag.ics' : 'deadline.ics',
    content: calendar.toString(),
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
  };
}
