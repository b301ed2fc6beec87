/// <reference lib="dom" />
/**
 * The annual wheel as the secretariat meets it in Chromium: the year of Solna's and of Falun's
 * policies on the wheel and in the list on the days the schedules and workflows plan (computed
 * here by the calendar functions they call, not by the wheel's own), a seminar registered through
 * the register moving onto both and into the calendar feed Outlook subscribes to (read back with
 * Mozilla's iCalendar parser), and the year as an A4 PDF that veraPDF finds PDF/UA-1 and PDF/A-2a.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { registerAgreement } from '../../client/agreements';
import { registerEvent } from '../../client/events';
import { registerProject } from '../../client/projects';
import { readRegister } from '../../client/registers';
import { desiredSchedules } from '../../client/schedules';
import { registerSeminar } from '../../client/seminars';
import { loadConfigFile } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { planCycle, planEventNotices, planExpiryReminders, planOccurrences } from '../../domain/calendar';
import { ensureVeraPdf, VERAPDF_CLASSPATH } from '../../scripts/ensure-verapdf';
import { pageChecks, startBrowserTestbed, type BrowserTestbed, signInAsSecretariat } from '../helpers/browser';
import { PROJECT_ROOT, SOLNA_CONFIG, until } from '../helpers/environment';
import { readPdf } from '../helpers/pdf';

jest.setTimeout(240_000);

const solna = loadConfigFile(SOLNA_CONFIG);
const falun = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/falun.yaml'));
const PASSWORD = 'sekretariatets långa lösenord 2026';
const ZONE = 'Europe/Stockholm';
// The web's today: the wheel opens on 2026, the feed carries 2026 and 2027.
const NOW = new Date('2026-12-07T10:00:00Z');
const { checkPage, summary } = pageChecks('year-');

/** A date the schedules or a workflow plan, as the wheel should show it. */
interface Expected {
  obligation: string;
  kind: string;
  /** An instant (ISO) for a moment; YYYY-MM-DD for a whole day. */
  at: string;
  /** The last day of an event of several days. */
  endDate?: string;
}

/** "15 januari 09:00" for a moment in Stockholm, "15 februari" for a whole day: as a person reads it. */
function when(e: Expected): string {
  const day = (date: string) => DateTime.fromISO(date).setLocale('sv-SE').toFormat('d LLLL');
  if (/^\d{4}-\d{2}-\d{2}$/.test(e.at)) return `${day(e.at)}${e.endDate ? `–${day(e.endDate)}` : ''}`;
  return DateTime.fromISO(e.at, { zone: ZONE }).setLocale('sv-SE').toFormat('d LLLL HH:mm');
}
/** Where the feed, read in Stockholm, starts the entry: the day, or the day and the local time. */
const feedStart = (e: Expected) => (/^\d{4}-\d{2}-\d{2}$/.test(e.at) ? e.at : DateTime.fromISO(e.at, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm"));
const localDay = (e: Expected) => (/^\d{4}-\d{2}-\d{2}$/.test(e.at) ? e.at : DateTime.fromISO(e.at, { zone: ZONE }).toISODate()!);

/** The list beside the wheel as data: each entry's kind, day, time as shown and obligation. */
async function listed(page: Page): Promise<{ kind: string; date: string; when: string; obligation: string }[]> {
  return page.locator('.year-list li').evaluateAll((items) =>
    items.map((li) => ({
      kind: li.getAttribute('data-kind') ?? '',
      date: li.getAttribute('data-date') ?? '',
      when: li.querySelector('strong')?.textContent ?? '',
      obligation: (li.querySelector('.quiet')?.textContent ?? '').replace(/^\(|\)$/g, ''),
    })),
  );
}

/** Every date of `expected` on the wheel and in the list, and nothing else in the list. */
async function expectOnWheelAndList(page: Page, config: OrganisationConfig, expected: Expected[]) {
  const title = (id: string) => config.obligations.find((o) => o.id === id)!.title.sv;
  const key = (x: { kind: string; date: string; when: string; obligation: string }) => `${x.date} ${x.when} | ${x.obligation} | ${x.kind}`;
  const wanted = expected.map((e) => key({ kind: e.kind, date: localDay(e), when: when(e), obligation: title(e.obligation) })).sort();
  expect((await listed(page)).map(key).sort()).toEqual(wanted);
  const dots = await page.locator('svg circle.event title').allTextContents();
  expect(dots).toHaveLength(expected.length);
  for (const e of expected) expect(dots.some((d) => d.startsWith(`${when(e)}: ${title(e.obligation)} – `))).toBe(true);
  // Every obligation with a date has its ring.
  expect((await page.locator('svg circle.ring').evaluateAll((rings) => rings.map((r) => r.getAttribute('data-obligation')))).sort()).toEqual([...new Set(expected.map((e) => e.obligation))].sort());
}

/** The feed read with Mozilla's iCalendar parser: each VEVENT's UID, SUMMARY and DTSTART. */
function feedEvents(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v);
    const start = event.startDate;
    return {
      uid: event.uid,
      summary: event.summary,
      allDay: start.isDate,
      // A whole day as its date; a moment as Stockholm's clock shows it, whatever zone the feed wrote it in.
      start: start.isDate ? start.toString() : DateTime.fromJSDate(start.toJSDate(), { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm"),
    };
  });
}

/** veraPDF's verdict per flavour, as the report's tests take it. */
function veraPdf(file: string): { flavour: string; compliant: boolean; failures: unknown[] }[] {
  const out = execFileSync('java', ['-XX:TieredStopAtLevel=1', '-cp', VERAPDF_CLASSPATH, 'Validate', file, 'ua1,2a'], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => JSON.parse(line));
}


afterAll(() => {
  console.log(summary());
});

describe("Solna's year", () => {
  const config = solna;
  let testbed: BrowserTestbed;
  let page: Page;
  const followUp = obligationOf(config, 'periodic-data-call');
  const seminar = obligationOf(config, 'minimum-occurrences');
  // The follow-up of 2026 as the cycle workflow plans it; the 2027 seminar year as the occurrences workflow does.
  const cycle = planCycle(followUp.calendar, followUp.period, '2026', ZONE);
  const occurrences = planOccurrences(seminar.checkpoints, 2027, seminar.sendTime, ZONE);
  const lastYear = planOccurrences(seminar.checkpoints, 2026, seminar.sendTime, ZONE);
  const expected: Expected[] = [
    { obligation: followUp.id, kind: 'opening', at: cycle.opensAt },
    ...cycle.reminderTimes.map((at) => ({ obligation: followUp.id, kind: 'reminder', at })),
    { obligation: followUp.id, kind: 'deadline', at: cycle.deadlineDate },
    { obligation: followUp.id, kind: 'escalation', at: cycle.escalationAt },
    { obligation: followUp.id, kind: 'report', at: cycle.closesAt },
    ...occurrences.checkpoints.map((at) => ({ obligation: seminar.id, kind: 'checkpoint', at })),
    { obligation: seminar.id, kind: 'result', at: lastYear.resultAt },
    { obligation: 'project-goals', kind: 'project-start', at: '2027-04-01' },
  ];

  beforeAll(async () => {
    testbed = await startBrowserTestbed(config, PASSWORD, async () => ({ now: () => NOW }));
    page = await signInAsSecretariat(testbed, PASSWORD);
    // A project planned to start in April: the gate's date is its start.
    await registerProject(testbed.env.client, testbed.tw.taskQueue, config, { id: 'grona-stader', title: 'Gröna städer', unitId: 'tekniska', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart: '2027-04-01', partners: ['Tartu'], euFunded: true });
    await until(async () => ((await readRegister(testbed.env.client, 'solna')).projects.some((p) => p.id === 'grona-stader') ? true : undefined), 'the project in the register');
  });

  afterAll(async () => {
    await testbed?.close();
  });

  test("2027: every obligation's dates on the wheel and in the list, on the days and local times the schedules and workflows plan", async () => {
    // The opening is the instant the Temporal schedule fires.
    expect(schedulesOpening(config, followUp.id, '2026')).toBe(cycle.opensAt);
    expect(when({ obligation: followUp.id, kind: 'opening', at: cycle.opensAt })).toBe('15 januari 09:00');

    await page.getByRole('link', { name: 'Årshjul', exact: true }).click();
    await page.waitForURL(`${testbed.baseUrl}/year`);
    expect(await page.locator('h1').textContent()).toBe('Årshjul 2026');
    await page.getByRole('link', { name: '2027 →' }).click();
    await page.waitForURL(`${testbed.baseUrl}/year/2027`);
    expect(await page.locator('h1').textContent()).toBe('Årshjul 2027');
    expect(await page.getByRole('img', { name: /Årshjul för 2027/ }).count()).toBe(1);
    expect(await page.locator('svg text.month').allTextContents()).toHaveLength(12);
    await expectOnWheelAndList(page, config, expected);
    const dots = await page.locator('svg circle.event title').allTextContents();
    expect(dots).toContain('15 januari 09:00: Årlig uppföljning av internationell policy – Förfrågan för 2026 skickas till enheterna');
    expect(dots).toContain('15 februari: Årlig uppföljning av internationell policy – Sista dag att svara för 2026');
    expect(await page.locator('.year-list li[data-kind="deadline"]').textContent()).toContain('15 februari Sista dag att svara för 2026');
    await checkPage(page, 'solna-2027');

    await page.goto(`${testbed.baseUrl}/year/2027?lang=en`);
    expect(await page.locator('.year-list li[data-kind="opening"]').textContent()).toContain('15 January 09:00 Request for 2026 sent to the units');
    await page.goto(`${testbed.baseUrl}/year/2027?lang=sv`);
  });

  test('a seminar registered through the register moves onto the wheel, into the list and into the calendar feed', async () => {
    const feedUrl = await page.locator('#year-feed-url').inputValue();
    expect(feedUrl).toContain('/year.ics?');
    const before = feedEvents(await (await fetch(feedUrl)).text());
    expect(before.some((e) => e.summary.includes('EU-dagen'))).toBe(false);
    // Every date of 2027 on the wheel is in the feed, at the same local time, under its obligation.
    const inFeed = new Set(before.map((e) => `${e.start} ${e.summary.split(' – ').at(-1)}`));
    for (const e of expected) expect(inFeed).toContain(`${feedStart(e)} ${config.obligations.find((o) => o.id === e.obligation)!.title.sv}`);
    const opening = before.find((e) => e.uid === 'solna/annual-follow-up/opening/2026@policy-followup');
    expect(opening).toMatchObject({ summary: 'Förfrågan för 2026 skickas till enheterna – Årlig uppföljning av internationell policy', allDay: false, start: '2027-01-15T09:00' });
    const deadline = before.find((e) => e.uid === 'solna/annual-follow-up/deadline/2026@policy-followup');
    expect(deadline).toMatchObject({ allDay: true, start: cycle.deadlineDate });
    // The feed is read twice: the same UIDs in the same order, so Outlook replaces and does not duplicate.
    expect(feedEvents(await (await fetch(feedUrl)).text()).map((e) => e.uid)).toEqual(before.map((e) => e.uid));

    await registerSeminar(testbed.env.client, testbed.tw.taskQueue, config, { date: '2027-05-20', title: 'EU-dagen i Bryssel', place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'kultur-fritid' });
    await page.goto(`${testbed.baseUrl}/year/2027`);
    const seminarItem = page.locator('.year-list li[data-kind="seminar"]');
    expect(await seminarItem.getAttribute('data-date')).toBe('2027-05-20');
    expect(await seminarItem.textContent()).toContain('20 maj Seminarium: EU-dagen i Bryssel, Bryssel');
    expect(await page.locator('svg circle.event title').allTextContents()).toContain('20 maj: Internationellt seminarium varje år – Seminarium: EU-dagen i Bryssel, Bryssel');

    const after = feedEvents(await (await fetch(feedUrl)).text());
    const entry = after.find((e) => e.summary.includes('EU-dagen i Bryssel'));
    expect(entry).toMatchObject({ allDay: true, start: '2027-05-20', summary: 'Seminarium: EU-dagen i Bryssel, Bryssel – Internationellt seminarium varje år' });
    expect(entry!.uid).toMatch(/^solna\/international-seminar\/seminar\/.+@policy-followup$/);
    expect(after.length).toBe(before.length + 1);
    // The same UIDs as before for everything else.
    expect(after.map((e) => e.uid).filter((uid) => !uid.includes('/seminar/'))).toEqual(before.map((e) => e.uid));

    const forged = await fetch(feedUrl.replace(/token=[^&]+/, 'token=AAAA'));
    expect(forged.status).toBe(403);
  });

  test('the year as an A4 PDF, conformant to PDF/UA-1 and PDF/A-2a as the report is', async () => {
    const response = await page.request.get(`${testbed.baseUrl}/year/2027.pdf`);
    expect(response.status()).toBe(200);
    const bytes = await response.body();
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'followup-year-')), 'arshjul-2027.pdf');
    writeFileSync(file, bytes);
    const pdf = readPdf(file);
    expect(pdf.info.Title).toBe('Årshjul 2027 – Solna stad');
    const textOf = pdf.pages.map((p) => p.text).join('\n');
    expect(textOf).toContain('februari 2027');
    expect(textOf).toContain('Sista dag att svara för 2026');
    expect(textOf).toContain('EU-dagen i Bryssel');
    expect(textOf).toContain('Projektet Gröna städer startar');
    // veraPDF is built from Maven Central once (scripts/ensure-verapdf.ts); without Maven and a JDK the report's tests skip it too.
    if (!ensureVeraPdf()) return;
    expect(veraPdf(file).map((v) => ({ flavour: v.flavour, compliant: v.compliant, failures: v.failures }))).toEqual([
      { flavour: 'ua1', compliant: true, failures: [] },
      { flavour: '2a', compliant: true, failures: [] },
    ]);
  });
});

describe("Falun's year", () => {
  const config = falun;
  let testbed: BrowserTestbed;
  let page: Page;
  const report = obligationOf(config, 'periodic-data-call');
  const review = obligationOf(config, 'expiry-review');
  const visits = obligationOf(config, 'event-notices');
  // The network report of 2026 as its cycle plans it; the agreement's reminders and the visit's
  // notices as their workflows plan them from the registration on.
  const cycle = planCycle(report.calendar, report.period, '2026', ZONE);
  const reminders = planExpiryReminders('2027-10-31', review.remindersBeforeEnd, review.sendTime, ZONE, NOW);
  const notices = planEventNotices('2027-06-10', '2027-06-11', visits.noticeBefore, visits.sendTime, ZONE, NOW);
  const expected: Expected[] = [
    { obligation: report.id, kind: 'opening', at: cycle.opensAt },
    ...cycle.reminderTimes.map((at) => ({ obligation: report.id, kind: 'reminder', at })),
    { obligation: report.id, kind: 'deadline', at: cycle.deadlineDate },
    { obligation: report.id, kind: 'escalation', at: cycle.escalationAt },
    { obligation: report.id, kind: 'report', at: cycle.closesAt },
    ...reminders.map((at) => ({ obligation: review.id, kind: 'agreement-reminder', at })),
    { obligation: review.id, kind: 'agreement-end', at: '2027-10-31' },
    ...notices.noticeTimes.map((at) => ({ obligation: visits.id, kind: 'event-notice', at })),
    { obligation: visits.id, kind: 'event', at: '2027-06-10', endDate: '2027-06-11' },
  ];

  beforeAll(async () => {
    testbed = await startBrowserTestbed(config, PASSWORD, async () => ({ now: () => NOW }));
    page = await signInAsSecretariat(testbed, PASSWORD);
    const { client } = testbed.env;
    await registerAgreement(client, testbed.tw.taskQueue, config, { id: 'rovaniemi', title: 'Vänortsavtal Rovaniemi', partner: 'Rovaniemi stad', unitId: 'kultur-och-fritid', owner: { name: 'Ingrid Jonsson', email: 'ingrid.jonsson@falun.example' }, endsOn: '2027-10-31' });
    await registerEvent(client, testbed.tw.taskQueue, config, { id: 'besok-rovaniemi', title: 'Besök från Rovaniemi', date: '2027-06-10', endDate: '2027-06-11', place: 'Falu rådhus', unitId: 'kultur-och-fritid', concerned: [{ name: 'Maja Holm', email: 'maja.holm@falun.example' }] });
    await until(async () => {
      const register = await readRegister(client, 'falun');
      return register.agreements.some((a) => a.id === 'rovaniemi') && register.events?.some((e) => e.id === 'besok-rovaniemi') ? true : undefined;
    }, 'the agreement and the visit in the register');
  });

  afterAll(async () => {
    await testbed?.close();
  });

  test("2027: the network report's dates, the agreement's review and end, the visit and its notices, as the workflows plan them", async () => {
    // Each kind of obligation of Falun's policy has its dates in 2027.
    expect(new Set(expected.map((e) => e.obligation))).toEqual(new Set(config.obligations.map((o) => o.id)));
    expect(reminders).toHaveLength(3);
    expect(notices.noticeTimes).toHaveLength(2);
    expect(schedulesOpening(config, report.id, '2026')).toBe(cycle.opensAt);

    await page.getByRole('link', { name: 'Årshjul', exact: true }).click();
    await page.waitForURL(`${testbed.baseUrl}/year`);
    await page.getByRole('link', { name: '2027 →' }).click();
    await page.waitForURL(`${testbed.baseUrl}/year/2027`);
    expect(await page.locator('h1').textContent()).toBe('Årshjul 2027');
    await expectOnWheelAndList(page, config, expected);
    // A visit of two days is named by both.
    expect(await page.locator('.year-list li[data-kind="event"]').textContent()).toContain('10 juni–11 juni Besök från Rovaniemi, Falu rådhus');
    await checkPage(page, 'falun-2027');

    const feedUrl = await page.locator('#year-feed-url').inputValue();
    const feed = feedEvents(await (await fetch(feedUrl)).text());
    const inFeed = new Set(feed.map((e) => `${e.start} ${e.summary.split(' – ').at(-1)}`));
    for (const e of expected) expect(inFeed).toContain(`${feedStart(e)} ${config.obligations.find((o) => o.id === e.obligation)!.title.sv}`);
    expect(feed.find((e) => e.uid === 'falun/agreement-review/agreement-end/rovaniemi/2027-10-31@policy-followup')).toMatchObject({ allDay: true, start: '2027-10-31' });
  });

  test('the year as an A4 PDF, conformant to PDF/UA-1 and PDF/A-2a', async () => {
    const response = await page.request.get(`${testbed.baseUrl}/year/2027.pdf?lang=en`);
    expect(response.status()).toBe(200);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'followup-year-')), 'annual-wheel-falun-2027.pdf');
    writeFileSync(file, await response.body());
    const pdf = readPdf(file);
    expect(pdf.info.Title).toBe('Annual wheel 2027 – Falu kommun');
    expect(pdf.pages.map((p) => p.text).join(' ').replace(/\s+/g, ' ')).toContain('The agreement Vänortsavtal Rovaniemi with Rovaniemi stad ends');
    if (!ensureVeraPdf()) return;
    expect(veraPdf(file).map((v) => [v.flavour, v.compliant])).toEqual([['ua1', true], ['2a', true]]);
  });
});

/** The instant the Temporal schedule starts `period` of the obligation. */
function schedulesOpening(config: OrganisationConfig, obligationId: string, period: string): string | undefined {
  return desiredSchedules(config, NOW).find((s) => s.obligationId === obligationId)?.runs.find((r) => r.label === period)?.at;
}
