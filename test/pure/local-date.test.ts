import { localDate } from '../../domain/local-date';
import { localRunTime } from '../../client/schedules';

test("a unit's today is the organisation's date, in UTC only for units started without a zone", () => {
  const newYearsNight = new Date('2027-12-31T23:30:00Z'); // 00:30 on 1 January in Stockholm
  expect(localDate(newYearsNight, 'Europe/Stockholm')).toBe('2028-01-01');
  expect(localDate(newYearsNight, undefined)).toBe('2027-12-31');
  expect(localDate(new Date('2027-06-30T22:30:00Z'), 'Europe/Stockholm')).toBe('2027-07-01'); // summer time: two hours ahead
  expect(localDate(new Date('2027-06-30T21:30:00Z'), 'Europe/Stockholm')).toBe('2027-06-30');
});

test("the schedules page reads a run at 23:30 UTC on 31 December in the organisation's new year", () => {
  expect(localRunTime(new Date('2027-12-31T23:30:00Z'), 'Europe/Stockholm')).toMatch(/^2028-01-01 00:30 \S+/);
});
