/**
 * Notices before registered events, on the time-skipping server with Falun's "visits from twin
 * towns are told in good time to the politicians and officials concerned": a visit announced
 * three weeks and two days before; a visit moved after its first notice (everyone told at once,
 * the later notice at its new time); a visit cancelled after its notice (told) and one cancelled
 * before any notice (nobody bothered).
 */
import { cancelEvent, changeEvent, eventStatus, registerEvent } from '../../client/events';
import { readRegister } from '../../client/registers';
import { obligationOf } from '../../config/schema';
import { planEventNotices } from '../../domain/calendar';
import type { EventRegistration } from '../../domain/registers';
import { until } from '../helpers/environment';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('falun');
const board = 'ks@falun.example';
const secretariat = 'internationellt@falun.example';
const councillor = { name: 'Maja Holm', email: 'maja.holm@falun.example' };

test('an event is told of beforehand, moved, and cancelled, each told to those concerned', async () => {
  const run = organisation();
  const { config, client } = run;
  const tq = run.tw.taskQueue;
  const obligation = obligationOf(config, 'event-notices');
  const zone = config.organisation.timeZone;
  const year = (await run.now()).getUTCFullYear() + 1;
  const visit = (id: string, date: string): EventRegistration => ({
    id,
    title: `Besök från Rovaniemi (${id})`,
    date,
    place: 'Falu rådhus',
    unitId: 'kultur-och-fritid',
    concerned: [councillor],
    description: 'Kommunalrådet tar emot delegationen.',
  });
  const notices = (date: string) => planEventNotices(date, undefined, obligation.noticeBefore, obligation.sendTime, zone, new Date(0)).noticeTimes;
  const subjectsTo = (address: string, title: string) => run.smtp.to(address).filter((m) => m.subject.includes(title)).map((m) => `${m.date.toISOString()} ${m.subject.split(':')[0]}`);

  await registerEvent(client, tq, config, visit('held', `${year}-05-20`));
  await registerEvent(client, tq, config, visit('moved', `${year}-06-10`));
  await registerEvent(client, tq, config, visit('called-off', `${year}-06-17`));
  await registerEvent(client, tq, config, visit('early-cancel', `${year}-09-01`));
  await expect(registerEvent(client, tq, config, { ...visit('bad', 'next week'), concerned: [{ name: 'X', email: 'not-an-address' }] })).rejects.toThrow(/date: the first day as YYYY-MM-DD; concerned\[0\]\.email/);

  // The visit held as planned: three weeks and two working days before, to the board, the person concerned and the secretariat.
  const held = notices(`${year}-05-20`);
  expect(held).toHaveLength(2);
  await run.skipTo(held[1]!, 60_000);
  const expected = held.map((at) => `${at} Kommande`);
  for (const address of [board, councillor.email, secretariat]) expect(subjectsTo(address, '(held)')).toEqual(expected);
  const first = run.smtp.to(councillor.email).find((m) => m.subject.includes('(held)'))!;
  expect(first.mail.text).toContain('Vid besök från kommunens vänorter skall information om detta lämnas i god tid');
  expect(first.mail.text).toContain('Berörda: Maja Holm');

  // Moved after its first notice: told at once, and the two-day notice comes before the new day.
  const moved = notices(`${year}-06-10`);
  await run.skipTo(moved[0]!, 60_000);
  await until(() => subjectsTo(board, '(moved)').length === 1 || undefined, 'the first notice of the moved visit');
  const changed = await changeEvent(client, 'falun', 'moved', { date: `${year}-06-24`, place: 'Lugnet' }, 'test');
  expect(changed.date).toBe(`${year}-06-24`);
  await until(() => subjectsTo(board, '(moved)').length === 2 || undefined, 'the change notice');
  const change = run.smtp.to(board).find((m) => m.subject.startsWith('Ändrat') && m.subject.includes('(moved)'))!;
  expect(change.mail.text).toContain('Plats: Lugnet');
  expect(change.mail.text).toContain('24 juni');

  // Called off after its first notice: those told are told it is off; cancelled early: nobody is.
  const calledOff = notices(`${year}-06-17`);
  await run.skipTo(calledOff[0]!, 60_000);
  await until(() => subjectsTo(board, '(called-off)').length === 1 || undefined, 'the first notice of the called-off visit');
  await cancelEvent(client, 'falun', 'called-off', 'Delegationen kan inte resa.', 'test');
  await until(() => subjectsTo(councillor.email, '(called-off)').length === 2 || undefined, 'the cancellation notice');
  expect(run.smtp.to(councillor.email).find((m) => m.subject.startsWith('Inställt'))!.mail.text).toContain('Skäl: Delegationen kan inte resa.');
  await cancelEvent(client, 'falun', 'early-cancel', undefined, 'test');
  await expect(cancelEvent(client, 'falun', 'early-cancel')).rejects.toThrow(/has already ended/);

  const movedLater = notices(`${year}-06-24`);
  await run.skipTo(`${year}-09-05T00:00:00Z`, 60_000);
  expect(subjectsTo(board, '(moved)')).toEqual([`${moved[0]} Kommande`, expect.stringMatching(/ Ändrat$/), ...movedLater.filter((t) => t > moved[0]!).map((t) => `${t} Kommande`)]);
  expect(subjectsTo(board, '(early-cancel)')).toEqual([]);

  const history = await eventStatus(client, 'falun', 'moved');
  expect(history.history.map((h) => h.what)).toEqual(['registered', 'notice', 'changed', 'change-notice', 'notice', 'notice', 'held']);
  expect(history.history.find((h) => h.what === 'changed')?.by).toBe('test');
  const register = await until(async () => {
    const r = await readRegister(client, 'falun');
    return r.events?.every((e) => e.state === 'held' || e.state === 'cancelled') ? r : undefined;
  }, 'the register to show every event over');
  expect(Object.fromEntries(register.events!.map((e) => [e.id, [e.state, e.noticesSent]]))).toEqual({
    held: ['held', 2],
    moved: ['held', 4],
    'called-off': ['cancelled', 2],
    'early-cancel': ['cancelled', 0],
  });
});
