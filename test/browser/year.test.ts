/// <reference lib="dom" />
/**
 * The annual wheel as the secretariat meets it in Chromium: Solna's 2027 on the wheel and in the
 * list on the days the schedules plan, a seminar registered through the register moving onto both
 * and into the calendar feed Outlook subscribes to, and the year as an A4 PDF.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { registerSeminar } from '../../client/seminars';
import { loadConfigFile } from '../../config/load';
import { pageChecks, startBrowserTestbed, type BrowserTestbed } from '../helpers/browser';
import { SOLNA_CONFIG } from '../helpers/environment';
import { readPdf } from '../helpers/pdf';

jest.setTimeout(240_000);

const config = loadConfigFile(SOLNA_CONFIG);
const PASSWORD = 'sekretariatets långa lösenord 2026';
const { checkPage, summary } = pageChecks('year-');
let testbed: BrowserTestbed;
let page: Page;

/** The VEVENTs of an iCalendar text, each as its properties (folded lines joined). */
function vevents(ics: string): Record<string, string>[] {
  const lines = ics.replace(/\r\n[ \t]/g, '').split(/\r\n/);
  const out: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT' && current) {
      out.push(current);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon).split(';')[0]!] = `${line.slice(0, colon)}|${line.slice(colon + 1)}`;
    }
  }
  return out;
}

beforeAll(async () => {
  // The web's today: the wheel opens on 2026, the feed carries 2026 and 2027.
  testbed = await startBrowserTestbed(config, PASSWORD, async () => ({ now: () => new Date('2026-12-07T10:00:00Z') }));
  page = await (await testbed.browser.newContext({ locale: 'sv-SE' })).newPage();
  await page.goto(`${testbed.baseUrl}/login`);
  await page.getByLabel('Användarnamn').fill('sekretariatet');
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
  await page.waitForURL(`${testbed.baseUrl}/dashboard`);
});

afterAll(async () => {
  console.log(summary());
  await testbed?.close();
});

test("Solna's 2027: the annual follow-up's opening and deadline on the wheel and in the list, in local time", async () => {
  await page.getByRole('link', { name: 'Årshjul', exact: true }).click();
  await page.waitForURL(`${testbed.baseUrl}/year`);
  await page.getByRole('link', { name: '2027 →' }).click();
  await page.waitForURL(`${testbed.baseUrl}/year/2027`);
  expect(await page.locator('h1').textContent()).toBe('Årshjul 2027');
  const wheel = page.getByRole('img', { name: /Årshjul för 2027/ });
  expect(await wheel.count()).toBe(1);
  const dots = await page.locator('svg circle.event title').allTextContents();
  expect(dots).toContain('15 januari 09:00: Årlig uppföljning av internationell policy – Förfrågan för 2026 skickas till enheterna');
  expect(dots).toContain('15 februari: Årlig uppföljning av internationell policy – Sista dag att svara för 2026');
  expect(await page.locator('svg text.month').allTextContents()).toHaveLength(12);
  const opening = page.locator('.year-list li[data-kind="opening"]');
  expect(await opening.getAttribute('data-date')).toBe('2027-01-15');
  expect(await opening.textContent()).toContain('15 januari 09:00');
  const deadline = page.locator('.year-list li[data-kind="deadline"]');
  expect(await deadline.textContent()).toContain('15 februari Sista dag att svara för 2026');
  // The list is in the wheel's order: as many entries as dots.
  expect(await page.locator('.year-list li').count()).toBe(dots.length);
  await checkPage(page, 'solna-2027');

  await page.goto(`${testbed.baseUrl}/year/2027?lang=en`);
  expect(await page.locator('.year-list li[data-kind="opening"]').textContent()).toContain('15 January 09:00 Request for 2026 sent to the units');
  await page.goto(`${testbed.baseUrl}/year/2027?lang=sv`);
});

test('a seminar registered through the register moves onto the wheel, into the list and into the calendar feed', async () => {
  const feedUrl = await page.locator('#year-feed-url').inputValue();
  expect(feedUrl).toContain('/year.ics?');
  const before = vevents(await (await fetch(feedUrl)).text());
  expect(before.some((e) => e.SUMMARY?.includes('EU-dagen'))).toBe(false);
  const opening = before.find((e) => e.UID?.endsWith('|solna/annual-follow-up/opening/2026@policy-followup'));
  // 09:00 in Stockholm in winter.
  expect(opening?.DTSTART).toBe('DTSTART|20270115T080000Z');

  await registerSeminar(testbed.env.client, testbed.tw.taskQueue, config, { date: '2027-05-20', title: 'EU-dagen i Bryssel', place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'kultur-fritid' });
  await page.goto(`${testbed.baseUrl}/year/2027`);
  const seminar = page.locator('.year-list li[data-kind="seminar"]');
  expect(await seminar.getAttribute('data-date')).toBe('2027-05-20');
  expect(await seminar.textContent()).toContain('20 maj Seminarium: EU-dagen i Bryssel, Bryssel');
  expect(await page.locator('svg circle.event title').allTextContents()).toContain('20 maj: Internationellt seminarium varje år – Seminarium: EU-dagen i Bryssel, Bryssel');

  const after = vevents(await (await fetch(feedUrl)).text());
  const entry = after.find((e) => e.SUMMARY?.includes('EU-dagen i Bryssel'));
  expect(entry?.DTSTART).toBe('DTSTART;VALUE=DATE|20270520');
  expect(after.length).toBe(before.length + 1);
  // The same UIDs as before for everything else: Outlook replaces, it does not duplicate.
  expect(after.map((e) => e.UID).filter((uid) => !uid?.includes('/seminar/'))).toEqual(before.map((e) => e.UID));

  const forged = await fetch(feedUrl.replace(/token=[^&]+/, 'token=AAAA'));
  expect(forged.status).toBe(403);
});

test('the year as an A4 PDF', async () => {
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
});
