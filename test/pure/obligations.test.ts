/**
 * The pure rules behind the obligations other than the yearly data call: tertials, the election
 * calendar and mandate periods, revision, seminar and agreement plans, schedule runs, register
 * checks and the compliance summary.
 */
import { DateTime } from 'luxon';
import { buildCompliance } from '../../activities/compliance';
import { resolveRun } from '../../activities/schedules';
import { desiredSchedules } from '../../client/schedules';
import { obligationOf } from '../../config/schema';
import {
  dataCallOpenings,
  electionDay,
  latestEndedPeriod,
  mandatePeriodById,
  mandatePeriodOn,
  periodBounds,
  planExpiryReminders,
  planOccurrences,
  planRevision,
  revisionPeriodName,
  revisionPeriodIds,
} from '../../domain/calendar';
import { checkAgreement, checkAgreementDecision, checkProject, checkRevisionDecision, checkSeminar, countedSeminars, type RegisterContents, type SeminarRecord } from '../../domain/registers';
import { exampleConfig } from '../helpers/organisation-run';

const zone = 'Europe/Stockholm';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm');

describe('tertials', () => {
  test('T1 is January–April, T2 May–August, T3 September–December', () => {
    const bounds = (p: string) => {
      const b = periodBounds('tertial', p, zone);
      return [b.start.toISODate(), b.end.toISODate()];
    };
    expect(bounds('2027-T1')).toEqual(['2027-01-01', '2027-05-01']);
    expect(bounds('2027-T2')).toEqual(['2027-05-01', '2027-09-01']);
    expect(bounds('2027-T3')).toEqual(['2027-09-01', '2028-01-01']);
    expect(() => periodBounds('tertial', '2027-T4', zone)).toThrow(/2026-T1 \(January–April\)/);
    expect(() => periodBounds('annual', '2027-T1', zone)).toThrow(/a year such as 2026/);
  });

  test('the default period is the last tertial that has ended; in January that is last year’s T3', () => {
    expect(latestEndedPeriod('tertial', DateTime.fromISO('2027-01-10', { zone }))).toBe('2026-T3');
    expect(latestEndedPeriod('tertial', DateTime.fromISO('2027-05-02', { zone }))).toBe('2027-T1');
    expect(latestEndedPeriod('tertial', DateTime.fromISO('2027-12-31', { zone }))).toBe('2027-T2');
  });

  test("Kungälv's tertial calls open the first working day after each tertial, at 09:00 local time", () => {
    const call = obligationOf(exampleConfig('kungalv'), 'periodic-data-call');
    const openings = dataCallOpenings(call.calendar, 'tertial', zone, new Date('2027-06-01T00:00:00Z'), 1).map((o) => [o.period, local(o.opensAt)]);
    expect(openings).toEqual([
      ['2027-T2', '2027-09-02 09:00'],
      ['2027-T3', '2028-01-03 09:00'], // 2 January 2028 is a Sunday
      ['2028-T1', '2028-05-02 09:00'], // 1 May is a holiday, the opening is the day after it anyway
      ['2028-T2', '2028-09-04 09:00'], // 2 September 2028 is a Saturday
    ]);
  });
});

describe('the election calendar', () => {
  test('elections fall on the second Sunday of September every four years', () => {
    expect(electionDay(2022)).toBe('2022-09-11');
    expect(electionDay(2026)).toBe('2026-09-13');
    expect(electionDay(2030)).toBe('2030-09-08');
    expect(() => electionDay(2027)).toThrow(/not an election year/);
  });

  test('a mandate period runs from 15 October after the election to 14 October four years later', () => {
    expect(mandatePeriodOn('2026-10-14').id).toBe('2022-2026');
    expect(mandatePeriodOn('2026-10-15')).toEqual({ id: '2026-2030', electionDay: '2026-09-13', start: '2026-10-15', end: '2030-10-14' });
    expect(mandatePeriodOn('2029-02-01').id).toBe('2026-2030');
    expect(() => mandatePeriodById('2026-2029')).toThrow(/e\.g\. 2026-2030/);
    expect(revisionPeriodIds({ kind: 'mandate-period' }, new Date('2027-03-01'), 3, zone)).toEqual(['2026-2030', '2030-2034', '2034-2038']);
  });
});

describe('revision plans', () => {
  test("Kungälv: asked a month into the period, reminded every six months on working days, due after three years", () => {
    const revision = obligationOf(exampleConfig('kungalv'), 'revision');
    const plan = planRevision(revision.rule, '2026-2030', revision.remindEvery, revision.sendTime, zone);
    expect(local(plan.askAt)).toBe('2026-11-16 09:00'); // 15 November 2026 is a Sunday
    expect(plan.dueDate).toBe('2029-10-15');
    expect(plan.reminderTimes.map(local)).toEqual([
      '2027-05-14 09:00', // 15 May 2027 is a Saturday: the reminder comes before, not after
      '2027-11-15 09:00',
      '2028-05-15 09:00',
      '2028-11-15 09:00',
      '2029-05-15 09:00',
    ]);
    expect(plan.endsAt).toBe(new Date('2030-10-14T22:00:00Z').toISOString());
  });

  test('Borås: by a set date, and a period id that is not that date is refused', () => {
    const revision = obligationOf(exampleConfig('boras'), 'revision');
    const plan = planRevision(revision.rule, 'by-2027-12-31', revision.remindEvery, revision.sendTime, zone);
    expect(local(plan.askAt)).toBe('2027-01-15 09:00');
    // "No later than 31 December": New Year's Eve is off work, so the revision is due the working day before it.
    expect(plan.dueDate).toBe('2027-12-30');
    expect(plan.reminderTimes.map(local)).toEqual(['2027-04-15 09:00', '2027-07-15 09:00', '2027-10-15 09:00']);
    expect(() => planRevision(revision.rule, '2026-2030', revision.remindEvery, revision.sendTime, zone)).toThrow(/its period is "by-2027-12-31"/);
  });

  test('the council reads a revision period in words, not by its id', () => {
    expect(revisionPeriodName('by-2027-12-31', 'sv')).toBe('senast 30 december 2027');
    expect(revisionPeriodName('by-2027-12-31', 'en')).toBe('by 30 December 2027');
    expect(revisionPeriodName('2026-2030', 'sv')).toBe('2026-2030');
  });
});

test('seminar checkpoints fall on working days; the result goes out on the first working day of the next year', () => {
  const plan = planOccurrences(['12-01', '09-01'], 2027, '09:00', zone);
  expect(plan.checkpoints.map(local)).toEqual(['2027-09-01 09:00', '2027-12-01 09:00']);
  expect(local(plan.resultAt)).toBe('2028-01-03 09:00');
  expect(planOccurrences(['06-06'], 2027, '09:00', zone).checkpoints.map(local)).toEqual(['2027-06-07 09:00']); // National Day
});

test('agreement reminders come before the end on working days, only those still ahead', () => {
  const reminders = planExpiryReminders('2027-06-30', ['P6M', 'P3M', 'P1M'], '09:00', zone, new Date('2027-01-01T00:00:00Z'));
  expect(reminders.map(local)).toEqual(['2027-03-30 09:00', '2027-05-28 09:00']); // 30 May is a Sunday
  expect(() => planExpiryReminders('30/6', ['P1M'], '09:00', zone, new Date())).toThrow(/write YYYY-MM-DD/);
  // Registered inside its review window: the owner is asked at once, then at the reminders still ahead.
  const late = new Date('2027-05-01T10:00:00Z');
  expect(planExpiryReminders('2027-06-30', ['P6M', 'P3M', 'P1M'], '09:00', zone, late, true).map(local)).toEqual(['2027-05-01 12:00', '2027-05-28 09:00']);
  expect(planExpiryReminders('2027-06-30', ['P6M', 'P3M', 'P1M'], '09:00', zone, late)).toHaveLength(1);
});

describe('schedules', () => {
  test('each scheduled obligation of the five organisations gets a schedule; gates and agreements do not', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    const ids = ['solna', 'sodertalje', 'boras', 'falun', 'kungalv'].flatMap((n) => desiredSchedules(exampleConfig(n), now).map((d) => d.scheduleId));
    expect(ids).toEqual([
      'followup/solna/annual-follow-up',
      'followup/solna/international-seminar',
      'followup/sodertalje/work-plan',
      'followup/sodertalje/eu-reporting',
      'followup/sodertalje/council-goals',
      'followup/boras/international-activities',
      'followup/boras/policy-revision',
      'followup/falun/network-report',
      'followup/kungalv/tertial-report',
      'followup/kungalv/policy-revision',
    ]);
  });

  test('a period already under way is started by sync; a data call already opened is not', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    const running = (n: string) => Object.fromEntries(desiredSchedules(exampleConfig(n), now).map((d) => [d.obligationId, d.running]));
    expect(running('kungalv')).toEqual({ 'tertial-report': undefined, 'policy-revision': '2026-2030' });
    expect(running('solna')).toEqual({ 'annual-follow-up': undefined, 'international-seminar': '2026' });
    // Borås asks from 15 January 2027: nothing runs yet, one run is scheduled.
    const boras = desiredSchedules(exampleConfig('boras'), now).find((d) => d.obligationId === 'policy-revision')!;
    expect([boras.running, boras.runs.map((r) => r.label)]).toEqual([undefined, ['by-2027-12-31']]);
  });

  test('the same config and day give the same schedules (sync can compare fingerprints)', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(desiredSchedules(exampleConfig('kungalv'), now)).toEqual(desiredSchedules(exampleConfig('kungalv'), now));
  });

  test('a schedule run starts the period whose opening came last', () => {
    const kungalv = exampleConfig('kungalv');
    expect(resolveRun(kungalv, 'tertial-report', new Date('2027-05-03T07:00:00Z')).workflowId).toBe('cycle/kungalv/tertial-report/2027-T1');
    expect(resolveRun(kungalv, 'tertial-report', new Date('2027-04-20T07:00:00Z')).workflowId).toBe('cycle/kungalv/tertial-report/2026-T3');
    expect(resolveRun(kungalv, 'policy-revision', new Date('2026-11-16T08:00:00Z')).workflowId).toBe('revision/kungalv/policy-revision/2026-2030');
    expect(resolveRun(exampleConfig('solna'), 'international-seminar', new Date('2026-12-31T23:05:00Z')).workflowId).toBe('occurrences/solna/international-seminar/2027');
    expect(() => resolveRun(exampleConfig('solna'), 'project-goals', new Date())).toThrow(/run when something is registered/);
    expect(() => resolveRun(kungalv, 'gone', new Date())).toThrow(/run "followup schedules sync"/);
  });
});

describe('register checks', () => {
  const owner = { name: 'Anna', email: 'anna@solna.example' };
  test('a project needs its fields; each problem is named', () => {
    expect(checkProject({ id: 'p1', title: 'P', unitId: 'omsorg', owner, plannedStart: '2027-01-01', partners: [], euFunded: false })).toEqual([]);
    expect(checkProject({ id: 'P 1', title: '', unitId: 'omsorg', owner: { name: 'A', email: 'nej' }, plannedStart: '2027-01-01', plannedEnd: '2026-01-01', partners: 'Riga', euFunded: 'ja' }).map((p) => p.field)).toEqual([
      'id',
      'title',
      'owner.email',
      'plannedEnd',
      'partners',
      'euFunded',
    ]);
  });
  test('seminars, agreements and decisions', () => {
    expect(checkSeminar({ date: '2027-05-01', title: 'S', place: 'Bryssel', country: 'be', role: 'host', unitId: 'omsorg' }).map((p) => p.field)).toEqual(['country', 'role']);
    expect(checkAgreement({ id: 'a', title: 'A', partner: 'B', unitId: 'omsorg', owner, endsOn: '2027-01-01', startsOn: '2028-01-01' }).map((p) => p.field)).toEqual(['startsOn']);
    expect(checkAgreementDecision({ decision: 'renew', newEndsOn: '2026-01-01' }, '2027-01-01')).toEqual([{ field: 'newEndsOn', message: 'a renewal needs a new end date after 2027-01-01' }]);
    expect(checkAgreementDecision({ decision: 'end' }, '2027-01-01')).toEqual([]);
    expect(checkRevisionDecision({ decidedOn: '2027-06-15', body: 'KF', paragraph: '§ 1', outcome: 'kept' }).map((p) => p.field)).toEqual(['outcome']);
  });
});

const seminar = (date: string, country: string, role: SeminarRecord['role']): SeminarRecord => ({ id: date + country, date, title: `Seminar ${date}`, place: 'x', country, role, unitId: 'omsorg', registeredAt: '2027-01-01T00:00:00Z' });

test('only seminars of the year, in a counted role and (if asked) in the EU count', () => {
  const all = [seminar('2027-03-01', 'SE', 'organiser'), seminar('2027-04-01', 'NO', 'organiser'), seminar('2027-05-01', 'BE', 'participant'), seminar('2026-12-01', 'BE', 'organiser'), seminar('2027-10-01', 'BE', 'co-organiser')];
  expect(countedSeminars(all, 2027, ['organiser', 'co-organiser'], true).map((s) => s.date)).toEqual(['2027-03-01', '2027-10-01']);
  expect(countedSeminars(all, 2027, ['organiser', 'co-organiser'], true, '2027-09-01').map((s) => s.date)).toEqual(['2027-03-01']);
});

test('the compliance summary names what the council must look at', () => {
  const solna = exampleConfig('solna');
  const register: RegisterContents = {
    orgId: 'solna',
    seminars: [seminar('2027-05-01', 'BE', 'participant')],
    projects: [
      { id: 'a', title: 'Utan mål', unitId: 'omsorg', plannedStart: '2027-02-01', partners: [], euFunded: true, stage: 'project', state: 'awaiting-goals', startedWithoutApproval: true, registeredAt: '2027-01-01T00:00:00Z' },
      { id: 'b', title: 'Ansökan', unitId: 'omsorg', plannedStart: '2027-09-01', partners: ['Gent'], euFunded: true, stage: 'application', state: 'registered', startedWithoutApproval: false, registeredAt: '2027-01-01T00:00:00Z' },
      { id: 'c', title: 'Förra året', unitId: 'omsorg', plannedStart: '2025-01-01', plannedEnd: '2025-12-31', partners: [], euFunded: false, stage: 'project', state: 'closed', startedWithoutApproval: false, registeredAt: '2025-01-01T00:00:00Z' },
    ],
    agreements: [],
    revisions: [],
  };
  const c = buildCompliance({ org: solna, rule: 'annual', period: '2027', register, language: 'sv' });
  expect(c.lines).toEqual([
    { label: 'Internationella seminarier 2027', value: '0 av 1 (kravet inte uppfyllt)', attention: true },
    { label: 'Projekt som startat utan godkända mål', value: '1: Utan mål', attention: true },
  ]);
  expect(c.projects.eu.map((p) => [p.title, p.state])).toEqual([['Utan mål', 'väntar på mål']]);
  expect(c.projects.applications.map((p) => p.title)).toEqual(['Ansökan']);
  expect(c.projects.other).toEqual([]);
  // Before the year is over the requirement is only not yet met; with the year's last tertial it is met or not.
  const inTertial = (period: string) => buildCompliance({ org: solna, rule: 'tertial', period, register, language: 'en' }).lines[0]!.value;
  expect(inTertial('2027-T2')).toBe('0 of 1 (requirement not yet met)');
  expect(inTertial('2027-T3')).toBe('0 of 1 (requirement not met)');

  const kungalv = buildCompliance({ org: exampleConfig('kungalv'), rule: 'tertial', period: '2029-T3', register: { ...register, projects: [], revisions: [{ obligationId: 'policy-revision', periodId: '2026-2030', state: 'overdue', dueDate: '2029-10-15' }] }, language: 'en' });
  expect(kungalv.lines).toEqual([{ label: 'Revision of the policy', value: '2026-2030: overdue, due 15 October 2029', attention: true }]);
});
