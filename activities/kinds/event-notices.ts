/**
 * Notices before registered events: a configured time before each event its bodies and people
 * are told, and told again when it changes or is cancelled. The year's events go in the report.
 */
import { periodBounds, planEventNotices } from '../../domain/calendar';
import type { EventRegistration } from '../../domain/registers';
import { EVENT_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import type { ActivityDeps } from '../index';
import { bodyPeople, day, secretariatPerson, unitName, type SendNotice } from '../notices';
import { lineLabel, type KindModule } from './kind-module';

export type EventMailKind = (typeof EVENT_MAIL_KINDS)[number];

export function createEventNoticesActivities(deps: ActivityDeps, sendNotice: SendNotice) {
  const { directory } = deps;
  return {
    async planEventNotices({ orgId, obligationId, date, endDate, now }: { orgId: string; obligationId: string; date: string; endDate?: string; now: string }) {
      const { org, obligation } = directory.ofKind(orgId, 'event-notices', obligationId);
      return planEventNotices(date, endDate, obligation.noticeBefore, obligation.sendTime, org.organisation.timeZone, new Date(now));
    },

    async sendEventMail(input: { orgId: string; obligationId: string; event: EventRegistration; kind: EventMailKind; sequence: number; at: string; reason?: string; skip?: string[] }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'event-notices', input.obligationId);
      const { event } = input;
      // Everyone once, whichever list names them.
      const seen = new Set<string>();
      const people = [...bodyPeople(org, obligation.notify), ...obligation.people, ...event.concerned].filter((p) => {
        const key = p.email.toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return sendNotice({
        org,
        people,
        template: templateFor(obligation, input.kind),
        subjects: obligation.subjects,
        scope: `${input.orgId}.${input.obligationId}.${event.id}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        cc: [secretariatPerson(org)],
        skip: input.skip,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          event: {
            title: event.title,
            date: day(event.date, org, language),
            endDate: event.endDate && event.endDate !== event.date ? day(event.endDate, org, language) : undefined,
            place: event.place,
            unit: unitName(org, event.unitId, language),
            description: event.description,
            concerned: event.concerned.map((p) => p.name).join(', '),
          },
          reason: input.reason,
        }),
      });
    },
  };
}

const WORDS = {
  sv: { events: 'Registrerade händelser', none: 'inga', cancelled: 'inställt', notNoticed: 'inget meddelande skickat' },
  en: { events: 'Registered events', none: 'none', cancelled: 'cancelled', notNoticed: 'no notice sent' },
};

export const eventNotices: KindModule<'event-notices'> = {
  templates: (o) => ({ mails: EVENT_MAIL_KINDS.map((k) => templateFor(o, k)), reports: [] }),
  complianceLines({ org, obligation, register, bounds, language }) {
    const words = WORDS[language];
    const year = String(bounds.start.year);
    const first = bounds.start.toISODate() ?? '';
    const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
    const events = (register.events ?? []).filter((e) => e.obligationId === obligation.id && e.date >= first && e.date <= last).sort((a, b) => a.date.localeCompare(b.date));
    // An event that was held without anyone told beforehand is what the council should see.
    const untold = events.filter((e) => e.state === 'held' && e.noticesSent === 0);
    const listed = events.map((e) => `${e.title} (${day(e.date, org, language)}${e.state === 'cancelled' ? `, ${words.cancelled}` : e.state === 'held' && e.noticesSent === 0 ? `, ${words.notNoticed}` : ''})`);
    return [{ label: `${lineLabel(obligation, language, words.events)} ${year}`, value: events.length ? `${events.length}: ${listed.join('; ')}` : words.none, attention: untold.length > 0 }];
  },
  async preview({ org, obligation, period, now, activities, registers, record }) {
    // The notices of the events registered so far, as they will go out (the register keeps no
    // personal data, so the people each registration names are not among the recipients shown).
    // Only the period's events, by the same year the report lists them under.
    const bounds = periodBounds('annual', period, org.organisation.timeZone);
    const first = bounds.start.toISODate() ?? '';
    const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
    const register = await registers.read(org.organisation.id);
    for (const e of (register.events ?? []).filter((x) => x.obligationId === obligation.id && (x.state === 'planned' || x.state === 'noticed') && x.date >= first && x.date <= last)) {
      const plan = planEventNotices(e.date, e.endDate, obligation.noticeBefore, obligation.sendTime, org.organisation.timeZone, now);
      const event: EventRegistration = { id: e.id, title: e.title, date: e.date, endDate: e.endDate, place: e.place, unitId: e.unitId, concerned: [] };
      let sequence = e.noticesSent;
      for (const at of plan.noticeTimes) await record('event-notice', () => activities.sendEventMail({ orgId: org.organisation.id, obligationId: obligation.id, event, kind: 'event-notice', sequence: ++sequence, at }));
    }
    return ['eventBased'];
  },
};
