/**
 * Reminders and escalations spread over a window, each unit at a moment of its own: inside the
 * window and the working day, the same moment every time, and the units spread over all of it.
 */
import { DateTime } from 'luxon';
import { planCycle, replanDeadline, type CycleCalendar } from '../../domain/calendar';
import { momentInWindow, spreadHash, unitMoment, unitTimes } from '../../domain/spread';
import { organisationConfigSchema } from '../../config/schema';

const zone = 'Europe/Stockholm';
const calendar: CycleCalendar = {
  sendTime: '09:00',
  opensAfterPeriodEnd: 'P14D',
  deadlineAfterPeriodEnd: 'P45D',
  closesAfterPeriodEnd: 'P2M',
  remindersBeforeDeadline: ['P14D', 'P7D', 'P2D'],
  escalationAfterDeadline: 'P3D',
  spreadOver: 'PT6H',
  workdayEnds: '16:00',
};
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const units = Array.from({ length: 200 }, (_, i) => `enhet-${String(i + 1).padStart(3, '0')}`);
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm');

describe('the windows of a plan', () => {
  test('each reminder and the escalation are spread from the send time over the window, in local time', () => {
    const plan = planCycle(calendar, 'annual', '2026', zone);
    expect(plan.reminderTimes.map(local)).toEqual(['2027-02-01 09:00', '2027-02-08 09:00', '2027-02-12 09:00']);
    expect(plan.spreadUntil?.reminders.map(local)).toEqual(['2027-02-01 15:00', '2027-02-08 15:00', '2027-02-12 15:00']);
    expect(local(plan.spreadUntil!.escalation)).toBe('2027-02-18 15:00');
  });

  test('a window never runs past the end of the working day', () => {
    const plan = planCycle({ ...calendar, sendTime: '13:00' }, 'annual', '2026', zone);
    expect(plan.spreadUntil?.reminders.map(local)).toEqual(['2027-02-01 16:00', '2027-02-08 16:00', '2027-02-12 16:00']);
    expect(local(plan.spreadUntil!.escalation)).toBe('2027-02-18 16:00');
    // A send time after the working day's end spreads nothing.
    const late = planCycle({ ...calendar, sendTime: '17:00' }, 'annual', '2026', zone);
    expect(late.spreadUntil?.reminders).toEqual(late.reminderTimes);
  });

  test('on both sides of the change to summer time the window is 09:00–15:00 local', () => {
    // Summer time starts Sunday 28 March 2027 (Easter Day): the reminder on Thursday (Good Friday is a holiday) is in winter time, Monday's escalation in summer time.
    const plan = planCycle({ ...calendar, deadlineAfterPeriodEnd: 'P3M', closesAfterPeriodEnd: 'P4M', remindersBeforeDeadline: ['P6D'], escalationAfterDeadline: 'P4D' }, 'annual', '2026', zone);
    expect(plan.reminderTimes).toEqual(['2027-03-25T08:00:00.000Z']);
    expect(plan.spreadUntil?.reminders).toEqual(['2027-03-25T14:00:00.000Z']);
    expect(plan.escalationAt).toBe('2027-04-05T07:00:00.000Z');
    expect(plan.spreadUntil?.escalation).toBe('2027-04-05T13:00:00.000Z');
    for (const unitId of units) {
      const own = unitTimes(plan, key, unitId);
      expect(local(own.reminderTimes[0]!) >= '2027-03-25 09:00' && local(own.reminderTimes[0]!) < '2027-03-25 15:00').toBe(true);
      expect(local(own.escalationAt) >= '2027-04-05 09:00' && local(own.escalationAt) < '2027-04-05 15:00').toBe(true);
    }
  });

  test('in compressed time a window across the night the clocks change is as long in real time, and stops before the next reminder and the close', () => {
    const exact: CycleCalendar = {
      ...calendar,
      opensAfterPeriodEnd: 'PT0S',
      deadlineAfterPeriodEnd: 'PT10H',
      closesAfterPeriodEnd: 'PT20H',
      remindersBeforeDeadline: ['PT9H', 'PT8H30M'],
      escalationAfterDeadline: 'PT9H',
      workingDays: false,
    };
    // Started at 00:30 on 28 March 2027: the first reminder at 01:30, across 02:00 → 03:00.
    const plan = planCycle(exact, 'annual', '2025', zone, new Date('2027-03-27T23:30:00.000Z'));
    expect(plan.reminderTimes).toEqual(['2027-03-28T00:30:00.000Z', '2027-03-28T01:00:00.000Z']);
    // The first stops at the second; the second runs its six hours to 07:00Z (09:00 summer time), before the deadline.
    expect(plan.spreadUntil?.reminders).toEqual(['2027-03-28T01:00:00.000Z', '2027-03-28T07:00:00.000Z']);
    // The escalation stops just before the close, six hours not being left.
    expect(plan.escalationAt).toBe('2027-03-28T18:30:00.000Z');
    expect(plan.spreadUntil?.escalation).toBe('2027-03-28T19:29:59.999Z');
    for (const unitId of units) {
      const own = unitTimes(plan, key, unitId);
      expect(own.reminderTimes[0]! < own.reminderTimes[1]!).toBe(true);
      expect(own.escalationAt < plan.closesAt).toBe(true);
    }
  });

  test('an extended deadline spreads its re-planned reminders the same way', () => {
    const plan = replanDeadline(calendar, '2027-02-26', '2027-01-15T08:00:00.000Z', zone);
    expect(plan.spreadUntil?.reminders.map(local)).toEqual(['2027-02-12 15:00', '2027-02-19 15:00', '2027-02-24 15:00']);
  });

  test('a calendar without a spread plans as before, and every unit goes at the plan time', () => {
    const { spreadOver: _over, workdayEnds: _ends, ...before } = calendar;
    const plan = planCycle(before, 'annual', '2026', zone);
    expect(plan.spreadUntil).toBeUndefined();
    expect(unitTimes(plan, key, 'omsorg')).toEqual({ reminderTimes: plan.reminderTimes, escalationAt: plan.escalationAt });
  });

  test('the config spreads over six hours and ends the working day at 16:00 unless it says otherwise, and refuses a window over a day', () => {
    const obligation = { id: 'annual-follow-up', kind: 'periodic-data-call', title: { sv: 'Uppföljning', en: 'Follow-up' }, source: 'Policyn.', period: 'annual', calendar: { opensAfterPeriodEnd: 'P14D', deadlineAfterPeriodEnd: 'P45D', closesAfterPeriodEnd: 'P2M', escalationAfterDeadline: 'P3D' }, questionnaire: [{ id: 'effects', type: 'text', label: { sv: 'Effekter', en: 'Effects' } }], report: { recipients: ['kf'] } };
    const config = (calendarChange: object) => ({
      organisation: { id: 'solna', name: 'Solna stad' },
      secretariat: { name: 'Sekretariatet', email: 'sekretariatet@solna.example' },
      bodies: [{ id: 'kf', kind: 'council', name: { sv: 'Kommunfullmäktige', en: 'The council' }, recipients: [{ name: 'KF', email: 'kf@solna.example' }] }],
      units: [{ id: 'omsorg', kind: 'department', name: { sv: 'Omsorg', en: 'Care' }, contacts: [{ name: 'A', email: 'a@solna.example' }], head: { name: 'B', email: 'b@solna.example' } }],
      obligations: [{ ...obligation, calendar: { ...obligation.calendar, ...calendarChange } }],
    });
    const parsed = organisationConfigSchema.safeParse(config({}));
    if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
    expect(parsed.data.obligations[0]).toMatchObject({ calendar: { spreadOver: 'PT6H', workdayEnds: '16:00' } });
    const tooLong = organisationConfigSchema.safeParse(config({ spreadOver: 'P2D' }));
    expect(tooLong.success).toBe(false);
    expect(JSON.stringify(tooLong.error?.issues)).toContain('between PT0S and P1D');
    expect(organisationConfigSchema.safeParse(config({ workdayEnds: '25:00' })).success).toBe(false);
    // A working day that ends before the mails start would spread nothing: said, not silently done.
    const noWindow = organisationConfigSchema.safeParse(config({ sendTime: '16:30' }));
    expect(noWindow.success).toBe(false);
    expect(JSON.stringify(noWindow.error?.issues)).toContain('must be later than sendTime (16:30)');
    expect(organisationConfigSchema.safeParse(config({ sendTime: '16:30', spreadOver: 'PT0S' })).success).toBe(true);
  });
});

describe("each unit's moment", () => {
  const plan = planCycle(calendar, 'annual', '2026', zone);

  test('falls inside its window, on a whole second, the same every time', () => {
    for (const unitId of units) {
      const own = unitTimes(plan, key, unitId);
      for (const [i, at] of own.reminderTimes.entries()) {
        expect(at >= plan.reminderTimes[i]! && at < plan.spreadUntil!.reminders[i]!).toBe(true);
        expect((Date.parse(at) - Date.parse(plan.reminderTimes[i]!)) % 1000).toBe(0);
      }
      expect(own.escalationAt >= plan.escalationAt && own.escalationAt < plan.spreadUntil!.escalation).toBe(true);
      expect(unitTimes(plan, key, unitId)).toEqual(own);
      expect(unitTimes(structuredClone(plan), { ...key }, unitId)).toEqual(own);
    }
  });

  test('differs from unit to unit, from reminder to reminder and from cycle to cycle', () => {
    const first = units.map((u) => unitMoment(plan, key, u, { reminder: 0 }));
    expect(new Set(first).size).toBeGreaterThanOrEqual(195);
    const second = units.map((u) => unitMoment(plan, key, u, { reminder: 1 }));
    // The same unit is not always early: its place in one window says nothing of the next.
    const offset = (at: string, from: string) => Date.parse(at) - Date.parse(from);
    const sameOrder = units.filter((_, i) => offset(first[i]!, plan.reminderTimes[0]!) === offset(second[i]!, plan.reminderTimes[1]!)).length;
    expect(sameOrder).toBeLessThan(5);
    const nextYear = units.map((u) => momentInWindow(plan.reminderTimes[0]!, plan.spreadUntil!.reminders[0]!, `${key.orgId}/${key.obligationId}/2027/${u}/reminder-0`));
    expect(nextYear.filter((at, i) => at === first[i]).length).toBeLessThan(5);
  });

  test('spreads 200 units over the whole window: each tenth of it gets some, none a crowd', () => {
    const from = Date.parse(plan.reminderTimes[0]!);
    const span = Date.parse(plan.spreadUntil!.reminders[0]!) - from;
    const tenths = Array.from({ length: 10 }, () => 0);
    for (const u of units) tenths[Math.floor(((Date.parse(unitMoment(plan, key, u, { reminder: 0 })) - from) / span) * 10)]!++;
    expect(Math.min(...tenths)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...tenths)).toBeLessThanOrEqual(34);
  });

  test('a window shorter than a second is its start; the hash is a 32-bit number', () => {
    expect(momentInWindow('2027-02-01T08:00:00.000Z', '2027-02-01T08:00:00.500Z', 'x')).toBe('2027-02-01T08:00:00.000Z');
    expect(momentInWindow('2027-02-01T08:00:00.000Z', '2027-02-01T08:00:00.000Z', 'x')).toBe('2027-02-01T08:00:00.000Z');
    for (const seed of ['', 'a', 'b', 'ä', key.orgId]) expect(Number.isInteger(spreadHash(seed)) && spreadHash(seed) >= 0 && spreadHash(seed) < 2 ** 32).toBe(true);
    expect(spreadHash('enhet-001')).not.toBe(spreadHash('enhet-002'));
  });
});
