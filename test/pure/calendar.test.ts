import { DateTime } from 'luxon';
import { isWorkingDay, latestEndedPeriod, nextWorkingDay, planCycle, replanDeadline, type CycleCalendar } from '../../domain/calendar';

const zone = 'Europe/Stockholm';
const calendar: CycleCalendar = {
  sendTime: '09:00',
  opensAfterPeriodEnd: 'P14D',
  deadlineAfterPeriodEnd: 'P45D',
  closesAfterPeriodEnd: 'P2M',
  remindersBeforeDeadline: ['P14D', 'P7D', 'P2D'],
  escalationAfterDeadline: 'P3D',
};
const day = (iso: string) => DateTime.fromISO(iso, { zone });

describe('working days', () => {
  test('weekends, public holidays and the eves Swedish workplaces close on are not working days', () => {
    expect(isWorkingDay(day('2027-01-06'))).toBe(false); // trettondedag jul
    expect(isWorkingDay(day('2027-06-25'))).toBe(false); // midsommarafton
    expect(isWorkingDay(day('2027-12-24'))).toBe(false); // julafton
    expect(isWorkingDay(day('2027-01-16'))).toBe(false); // Saturday
    expect(isWorkingDay(day('2027-01-05'))).toBe(true); // trettondagsafton is a working day
  });

  test('a deadline on a holiday weekend moves to the next working day', () => {
    // Good Friday 2027-03-26, Easter Monday 2027-03-29.
    expect(nextWorkingDay(day('2027-03-26')).toISODate()).toBe('2027-03-30');
    expect(nextWorkingDay(day('2027-12-24')).toISODate()).toBe('2027-12-27');
  });
});

describe('the plan of an annual cycle', () => {
  test("Solna's follow-up of 2026 opens mid-January and closes in time for the annual accounts", () => {
    expect(planCycle(calendar, 'annual', '2026', zone)).toEqual({
      opensAt: '2027-01-15T08:00:00.000Z',
      deadlineDate: '2027-02-15',
      deadlineAt: '2027-02-15T23:00:00.000Z',
      reminderTimes: ['2027-02-01T08:00:00.000Z', '2027-02-08T08:00:00.000Z', '2027-02-12T08:00:00.000Z'],
      escalationAt: '2027-02-18T08:00:00.000Z',
      closesAt: '2027-03-01T08:00:00.000Z',
    });
  });

  test('a deadline on a Sunday moves to Monday; the opening on Saturday moves to Monday', () => {
    // 2025: 1 Jan + 14 days = Wed 15 Jan; + 45 days = Sat 15 Feb → Mon 17 Feb.
    const plan = planCycle(calendar, 'annual', '2024', zone);
    expect(plan.deadlineDate).toBe('2025-02-17');
    const weekendOpening = planCycle({ ...calendar, opensAfterPeriodEnd: 'P17D' }, 'annual', '2025', zone);
    expect(weekendOpening.opensAt).toBe('2026-01-19T08:00:00.000Z'); // Sat 17 Jan → Mon 19 Jan
  });

  test('times stay at 09:00 local across the change to summer time', () => {
    const plan = planCycle({ ...calendar, deadlineAfterPeriodEnd: 'P3M', closesAfterPeriodEnd: 'P4M', remindersBeforeDeadline: ['P7D'] }, 'annual', '2026', zone);
    // Summer time starts 28 March 2027: the reminder before it is 08:00Z, the escalation after it 07:00Z.
    expect(plan.reminderTimes).toEqual(['2027-03-25T08:00:00.000Z']);
    expect(plan.deadlineDate).toBe('2027-04-01');
    expect(plan.escalationAt).toBe('2027-04-05T07:00:00.000Z');
    expect(plan.deadlineAt).toBe('2027-04-01T22:00:00.000Z');
  });

  test('a cycle started after its opening day keeps the whole answer window', () => {
    const plan = planCycle(calendar, 'annual', '2025', zone, new Date('2026-11-23T10:15:00Z'));
    expect(plan.opensAt).toBe('2026-11-23T10:15:00.000Z');
    expect(Date.parse(plan.deadlineAt) - Date.parse(plan.opensAt)).toBeGreaterThan(30 * 86_400_000);
    expect(plan.reminderTimes).toHaveLength(3);
    expect(Date.parse(plan.closesAt)).toBeGreaterThan(Date.parse(plan.escalationAt));
  });

  test('a cycle that would close before its escalation is refused with the fix', () => {
    expect(() => planCycle({ ...calendar, closesAfterPeriodEnd: 'P46D' }, 'annual', '2026', zone)).toThrow(/closesAfterPeriodEnd/);
  });

  test('an extended deadline re-plans reminders and escalation around it', () => {
    const plan = replanDeadline(calendar, '2027-02-26', '2027-01-15T08:00:00.000Z', zone);
    expect(plan.deadlineDate).toBe('2027-02-26');
    expect(plan.reminderTimes).toEqual(['2027-02-12T08:00:00.000Z', '2027-02-19T08:00:00.000Z', '2027-02-24T08:00:00.000Z']);
    expect(plan.escalationAt).toBe('2027-03-01T08:00:00.000Z'); // Friday 26 February + 3 days: Monday 1 March
    expect(() => replanDeadline(calendar, '26/2', '2027-01-15T08:00:00.000Z', zone)).toThrow(/YYYY-MM-DD/);
  });

  test('the default period is the last one that has ended', () => {
    expect(latestEndedPeriod('annual', DateTime.fromISO('2026-11-23', { zone }))).toBe('2025');
  });
});

test('in exact mode (compressed time) the offsets hold to the second, shifted as a whole when started late', () => {
  const exact: CycleCalendar = {
    sendTime: '09:00',
    opensAfterPeriodEnd: 'PT0S',
    deadlineAfterPeriodEnd: 'PT40S',
    closesAfterPeriodEnd: 'PT60S',
    remindersBeforeDeadline: ['PT30S', 'PT20S', 'PT10S'],
    escalationAfterDeadline: 'PT5S',
    workingDays: false,
  };
  const plan = planCycle(exact, 'annual', '2025', zone, new Date('2026-11-23T10:00:00.000Z'));
  expect(plan).toEqual({
    opensAt: '2026-11-23T10:00:00.000Z',
    deadlineDate: '2026-11-23',
    deadlineAt: '2026-11-23T10:00:40.000Z',
    reminderTimes: ['2026-11-23T10:00:10.000Z', '2026-11-23T10:00:20.000Z', '2026-11-23T10:00:30.000Z'],
    escalationAt: '2026-11-23T10:00:45.000Z',
    closesAt: '2026-11-23T10:01:00.000Z',
  });
});
