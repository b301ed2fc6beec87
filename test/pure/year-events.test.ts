import path from 'node:path';
import { desiredSchedules } from '../../client/schedules';
import { loadConfigFile } from '../../config/load';
import type { YearRegisters } from '../../domain/year-events';
import { eventsByMonth, localWhen, yearEvents } from '../../domain/year-events';
import { PROJECT_ROOT } from '../../config/environment';

const solna = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/solna.yaml'));
const falun = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/falun.yaml'));
const seen = (events: ReturnType<typeof yearEvents>) => events.map((e) => `${e.localDate}${e.localTime ? ` ${e.localTime}` : ''} ${e.obligationId} ${e.kind}`);

describe("Solna's year 2027", () => {
  const events = yearEvents(solna, 2027);

  test("the annual follow-up's opening, reminders, deadline, escalation and report, on working days in local time", () => {
    expect(seen(events.filter((e) => e.obligationId === 'annual-follow-up'))).toEqual([
      '2027-01-15 09:00 annual-follow-up opening',
      '2027-02-01 09:00 annual-follow-up reminder',
      '2027-02-08 09:00 annual-follow-up reminder',
      // 13 February is a Saturday: the reminder comes the Friday before.
      '2027-02-12 09:00 annual-follow-up reminder',
      '2027-02-15 annual-follow-up deadline',
      '2027-02-18 09:00 annual-follow-up escalation',
      '2027-03-01 09:00 annual-follow-up report',
    ]);
    expect(events.find((e) => e.kind === 'deadline')!.label).toEqual({ sv: 'Sista dag att svara för 2026', en: 'Last day to answer for 2026' });
  });

  test('the opening is the instant the Temporal schedule fires', () => {
    const schedule = desiredSchedules(solna, new Date('2026-12-01T00:00:00Z')).find((s) => s.obligationId === 'annual-follow-up')!;
    const run = schedule.runs.find((r) => r.label === '2026')!;
    expect(events.find((e) => e.kind === 'opening')!.at).toBe(run.at);
  });

  test("the seminar's checkpoints and last year's result; a registered seminar and a planned project are on the year too", () => {
    expect(seen(events.filter((e) => e.obligationId === 'international-seminar'))).toEqual([
      // 1 January is a holiday and 2–3 January a weekend.
      '2027-01-04 09:00 international-seminar result',
      '2027-09-01 09:00 international-seminar checkpoint',
      '2027-12-01 09:00 international-seminar checkpoint',
    ]);
    const registers: YearRegisters = {
      seminars: [{ id: 's1', date: '2027-05-20', title: 'EU-dagen', place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'kultur-fritid', registeredAt: '2026-12-01T00:00:00Z' }],
      projects: [{ id: 'p1', obligationId: 'project-goals', title: 'Gröna städer', unitId: 'tekniska', plannedStart: '2027-04-01', partners: [], euFunded: true, stage: 'project', state: 'awaiting-goals', startedWithoutApproval: false, registeredAt: '2026-12-01T00:00:00Z' }],
      agreements: [],
    };
    const withRegisters = seen(yearEvents(solna, 2027, registers));
    expect(withRegisters).toContain('2027-05-20 international-seminar seminar');
    expect(withRegisters).toContain('2027-04-01 project-goals project-start');
  });

  test('the list by month names the months in each language and the days as people read them', () => {
    const months = eventsByMonth(events, 2027, 'sv');
    expect(months.map((m) => m.name)).toHaveLength(12);
    expect(months[1]!.name).toBe('februari');
    expect(eventsByMonth(events, 2027, 'en')[1]!.name).toBe('February');
    expect(localWhen(events.find((e) => e.kind === 'deadline')!, 'sv')).toBe('15 februari');
    expect(localWhen(events.find((e) => e.kind === 'opening')!, 'en')).toBe('15 January 09:00');
  });
});

describe("Falun's year 2027", () => {
  const registers: YearRegisters = {
    projects: [],
    seminars: [],
    agreements: [{ id: 'vanort', obligationId: 'agreement-review', title: 'Vänortsavtal', partner: 'Rovaniemi', unitId: falun.units[0]!.id, endsOn: '2027-10-31', state: 'active', remindersSent: 0 }],
    events: [{ id: 'besok', obligationId: 'twin-town-visits', title: 'Besök från Rovaniemi', date: '2027-06-10', endDate: '2027-06-11', place: 'Falun', unitId: falun.units[0]!.id, state: 'planned', noticesSent: 0, registeredAt: '2026-12-01T00:00:00Z' }],
  };
  const events = yearEvents(falun, 2027, registers);

  test("the network report's dates, an agreement's review window and end, and a visit with its notices", () => {
    expect(seen(events)).toEqual([
      '2027-01-15 09:00 network-report opening',
      '2027-02-01 09:00 network-report reminder',
      '2027-02-12 09:00 network-report reminder',
      '2027-02-15 network-report deadline',
      '2027-02-18 09:00 network-report escalation',
      '2027-03-01 09:00 network-report report',
      '2027-04-30 09:00 agreement-review agreement-reminder',
      '2027-05-20 09:00 twin-town-visits event-notice',
      '2027-06-08 09:00 twin-town-visits event-notice',
      '2027-06-10 twin-town-visits event',
      // 31 July is a Saturday.
      '2027-07-30 09:00 agreement-review agreement-reminder',
      '2027-09-30 09:00 agreement-review agreement-reminder',
      '2027-10-31 agreement-review agreement-end',
    ]);
    expect(localWhen(events.find((e) => e.kind === 'event')!, 'sv')).toBe('10 juni–11 juni');
  });

  test('a cancelled visit and an ended agreement leave the year; the UIDs stay the same when nothing moved', () => {
    const again = yearEvents(falun, 2027, registers);
    expect(again.map((e) => e.uid)).toEqual(events.map((e) => e.uid));
    const cancelled = yearEvents(falun, 2027, { ...registers, events: [{ ...registers.events![0]!, state: 'cancelled' }], agreements: [{ ...registers.agreements[0]!, state: 'ended' }] });
    expect(cancelled.every((e) => e.obligationId === 'network-report')).toBe(true);
  });
});

describe('every example policy', () => {
  test.each(['boras', 'kungalv', 'sodertalje', 'mjolby-miljo', 'vilhelmina-jamstalldhet'])('%s has a year of dates, each obligation with a schedule on it', (name) => {
    const config = loadConfigFile(path.join(PROJECT_ROOT, `config/examples/${name}.yaml`));
    for (const year of [2026, 2027, 2030]) {
      const events = yearEvents(config, year);
      expect(events.every((e) => e.localDate.startsWith(`${year}-`) && e.label.sv && e.label.en)).toBe(true);
      const withSchedule = config.obligations.filter((o) => ['periodic-data-call', 'minimum-occurrences', 'yearly-goals'].includes(o.kind));
      for (const o of withSchedule) expect(events.some((e) => e.obligationId === o.id)).toBe(true);
    }
  });
});

describe("Borås's revision by 31 December 2027", () => {
  const boras = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/boras.yaml'));
  const revision = yearEvents(boras, 2027).filter((e) => e.obligationId === 'policy-revision');

  test('is due the working day before New Year’s Eve, and the wheel names the period in words, not by its id', () => {
    expect(revision.find((e) => e.kind === 'revision-due')).toMatchObject({ localDate: '2027-12-30', allDay: true });
    expect(revision.find((e) => e.kind === 'revision-due')!.label).toEqual({ sv: 'Revideringen ska vara beslutad (senast 30 december 2027)', en: 'The revision must be decided (by 30 December 2027)' });
    expect(revision.find((e) => e.kind === 'revision-ask')!.label.sv).toBe('Dokumentansvarig ombeds revidera policyn (senast 30 december 2027)');
    expect(revision.every((e) => !e.label.sv.includes('by-2027') && !e.label.en.includes('by-2027'))).toBe(true);
    // The uid keeps the id: a calendar that subscribed before still replaces its entries.
    expect(revision.find((e) => e.kind === 'revision-due')!.uid).toBe('boras/policy-revision/revision-due/by-2027-12-31');
  });
});
