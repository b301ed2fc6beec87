import { buildCompliance } from '../../activities/compliance';
import { planEventNotices, planGoalsYear } from '../../domain/calendar';
import { emptyRegister } from '../../activities/register-reader';
import { exampleConfig } from '../helpers/organisation-run';

const zone = 'Europe/Stockholm';

test('notices go out on the working day before each offset, at the send time; one whose time has passed is told at once', () => {
  // 2027-05-20 is a Thursday: three weeks before is Thursday 29 April; two days before is Tuesday 18 May.
  const plan = planEventNotices('2027-05-20', undefined, ['P21D', 'P2D'], '09:00', zone, new Date('2027-01-01T00:00:00Z'));
  expect(plan.noticeTimes).toEqual(['2027-04-29T07:00:00.000Z', '2027-05-18T07:00:00.000Z']);
  expect(plan.late).toBe(false);
  expect(plan.endsAt).toBe('2027-05-20T22:00:00.000Z');
  // 2027-06-06 is the National Day (a Sunday): two days before is Friday 4 June, a working day.
  expect(planEventNotices('2027-06-08', undefined, ['P2D'], '09:00', zone, new Date(0)).noticeTimes).toEqual(['2027-06-04T07:00:00.000Z']);
  const late = planEventNotices('2027-05-20', '2027-05-22', ['P21D', 'P2D'], '09:00', zone, new Date('2027-05-10T00:00:00Z'));
  expect(late).toMatchObject({ noticeTimes: ['2027-05-18T07:00:00.000Z'], late: true, endsAt: '2027-05-22T22:00:00.000Z' });
  expect(planEventNotices('2027-05-20', undefined, ['P21D'], '09:00', zone, new Date('2027-05-21T00:00:00Z')).late).toBe(false);
});

test("the period's events are a line of the report in the policy's words; one held without a notice needs attention", () => {
  const falun = exampleConfig('falun');
  const event = (id: string, date: string, state: 'held' | 'cancelled', noticesSent: number) => ({ id, obligationId: 'twin-town-visits', title: id, date, place: 'Falun', unitId: 'kultur-och-fritid', state, noticesSent, registeredAt: '2027-01-01T00:00:00Z' });
  const register = { ...emptyRegister('falun'), events: [event('Rovaniemi', '2027-05-20', 'held', 2), event('Gjøvik', '2027-09-01', 'cancelled', 0), event('Tartu', '2027-10-10', 'held', 0), event('Next year', '2028-01-10', 'held', 2)] };
  const compliance = buildCompliance({ org: falun, rule: 'annual', period: '2027', register, language: 'sv' });
  expect(compliance.lines.find((l) => l.label.startsWith('Besök från vänorter'))).toEqual({
    label: 'Besök från vänorter 2027',
    value: '3: Rovaniemi (20 maj 2027); Gjøvik (1 september 2027, inställt); Tartu (10 oktober 2027, inget meddelande skickat)',
    attention: true,
  });
  // The same line in English, in the words the obligation gives.
  const english = buildCompliance({ org: falun, rule: 'annual', period: '2027', register, language: 'en' });
  expect(english.lines.find((l) => l.label.startsWith('Visits from twin towns'))?.label).toBe('Visits from twin towns 2027');
});

test("a year's goals are asked for from the day they should be decided, every fortnight on working days, until the year ends", () => {
  const plan = planGoalsYear('11-30', 2027, 'P14D', '09:00', zone);
  // 30 November 2026 is a Monday.
  expect(plan.askAt).toBe('2026-11-30T08:00:00.000Z');
  expect(plan.reminderTimes[1]).toBe('2026-12-14T08:00:00.000Z');
  expect(plan.endsAt).toBe('2027-12-31T23:00:00.000Z');
  expect(plan.reminderTimes.every((t) => t < plan.endsAt)).toBe(true);
  expect(plan.reminderTimes).toHaveLength(29);
});

test('recorded goals are a line of the report; goals not recorded need attention', () => {
  const sodertalje = exampleConfig('sodertalje');
  const line = (goals?: object[]) =>
    buildCompliance({ org: sodertalje, rule: 'annual', period: '2027', register: { ...emptyRegister('sodertalje'), goals: goals as never }, language: 'sv' }).lines.find((l) => l.label.startsWith('Kommunfullmäktiges internationella mål'));
  expect(line()).toEqual({ label: 'Kommunfullmäktiges internationella mål 2027', value: 'inte registrerade', attention: true });
  expect(line([{ obligationId: 'council-goals', year: 2027, state: 'recorded', decision: { decidedOn: '2026-11-24', body: 'Kommunfullmäktige', paragraph: '§ 140', goals: [{ id: 'a', label: 'A' }] } }])).toEqual({
    label: 'Kommunfullmäktiges internationella mål 2027',
    value: '1 mål (Kommunfullmäktige 2026-11-24 § 140)',
    attention: false,
  });
});
