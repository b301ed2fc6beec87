/// <reference lib="dom" />
/**
 * New Year's night in Chromium: at 23:30 UTC on 31 December 2026 it is already 00:30 on 1 January
 * 2027 in Stockholm. The secretariat extends a running cycle's deadline (1 and 2 January are not
 * in the past any more, 31 December is), and the schedules page reads the organisation's clock:
 * the year is 2027 and every time is local.
 *
 * The deadline part runs on the time-skipping server, whose clock the workflows read; it has no
 * schedules, so the schedules part runs on a dev server with the web's clock at the same moment.
 */
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { closeCycle, startCycle, unitStatus } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { replanDeadline } from '../../domain/calendar';
import type { CycleKey } from '../../domain/ids';
import { pageChecks, startBrowserTestbed, type BrowserTestbed, signInAsSecretariat } from '../helpers/browser';
import { SOLNA_CONFIG, skipTo, timeSkippingServer, until } from '../helpers/environment';

jest.setTimeout(240_000);

const config = loadConfigFile(SOLNA_CONFIG);
const PASSWORD = 'sekretariatets långa lösenord 2026';
// 00:30 on 1 January 2027 in Stockholm (winter time, UTC+1).
const NEW_YEARS_NIGHT = '2026-12-31T23:30:00Z';
const { checkPage, summary } = pageChecks('new-years-eve-');


afterAll(() => {
  console.log(summary());
});

describe("a deadline extended at 00:30 on New Year's Day, Stockholm time", () => {
  let testbed: BrowserTestbed;
  let page: Page;
  // Last year's follow-up, started late on New Year's night: it opens at once and runs into 2027.
  const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };

  beforeAll(async () => {
    testbed = await startBrowserTestbed(config, PASSWORD, async () => ({ now: () => new Date(NEW_YEARS_NIGHT) }), { server: timeSkippingServer });
    await skipTo(testbed.env, NEW_YEARS_NIGHT);
    await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
    await until(async () => ((await unitStatus(testbed.env.client, key, 'kultur-fritid').catch(() => undefined))?.requestSentAt ? true : undefined), 'the request to Kultur och fritid');
    await until(async () => ((await unitStatus(testbed.env.client, key, 'omsorg').catch(() => undefined))?.requestSentAt ? true : undefined), 'the request to Omsorg');
    page = await signInAsSecretariat(testbed, PASSWORD, 'Europe/Stockholm');
  });

  afterAll(async () => {
    if (testbed) await closeCycle(testbed.env.client, key).catch(() => undefined);
    await testbed?.close();
  });

  test('31 December is refused as past; 1 and 2 January are accepted and land on the first working day of 2027', async () => {
    expect(new Date(await testbed.env.currentTimeMs()).toISOString()).toMatch(/^2026-12-31T23:3/);
    const followUp = obligationOf(config, 'periodic-data-call');
    const before = await unitStatus(testbed.env.client, key, 'kultur-fritid');
    // 1 January is a holiday and 2–3 January a weekend: a deadline on any of them is Monday 4 January.
    const expected = replanDeadline(followUp.calendar, '2027-01-02', before.plan.opensAt, 'Europe/Stockholm').deadlineDate;
    expect(expected).toBe('2027-01-04');
    expect(replanDeadline(followUp.calendar, '2027-01-01', before.plan.opensAt, 'Europe/Stockholm').deadlineDate).toBe(expected);

    await page.goto(`${testbed.baseUrl}/cycles/${key.obligationId}/${key.period}`);
    const row = () => page.getByRole('row', { name: /Kultur- och fritidsförvaltningen/ });
    await row().getByText('Förläng eller undanta').click();
    // UTC is still in 31 December; the organisation is not.
    await row().getByLabel('Ny sista dag').fill('2026-12-31');
    await row().getByRole('button', { name: /Förläng/ }).click();
    await page.getByText('2026-12-31 har redan passerat.').waitFor();
    expect((await unitStatus(testbed.env.client, key, 'kultur-fritid')).plan.deadlineDate).toBe(before.plan.deadlineDate);

    await row().getByText('Förläng eller undanta').click();
    await row().getByLabel('Ny sista dag').fill('2027-01-02');
    await row().getByRole('button', { name: /Förläng/ }).click();
    await page.getByText('Ny sista dag för Kultur- och fritidsförvaltningen.').waitFor();
    expect(await row().locator('td').nth(1).textContent()).toBe('4 januari 2027');
    expect((await unitStatus(testbed.env.client, key, 'kultur-fritid')).plan.deadlineDate).toBe(expected);
    const history = (await page.locator('section[aria-labelledby="history-title"]').textContent()) ?? '';
    expect(history).toContain('Flyttade sista svarsdagen');
    await checkPage(page, 'cycle-extended');

    // New Year's Day itself, on another unit.
    await page.getByRole('row', { name: /Omsorgsförvaltningen/ }).getByText('Förläng eller undanta').click();
    await page.getByRole('row', { name: /Omsorgsförvaltningen/ }).getByLabel('Ny sista dag').fill('2027-01-01');
    await page.getByRole('row', { name: /Omsorgsförvaltningen/ }).getByRole('button', { name: /Förläng/ }).click();
    await page.getByText('Ny sista dag för Omsorgsförvaltningen.').waitFor();
    expect(await page.getByRole('row', { name: /Omsorgsförvaltningen/ }).locator('td').nth(1).textContent()).toBe('4 januari 2027');
  });
});

describe("the schedules page on New Year's night", () => {
  let testbed: BrowserTestbed;
  let page: Page;

  beforeAll(async () => {
    testbed = await startBrowserTestbed(config, PASSWORD, async () => ({ now: () => new Date(NEW_YEARS_NIGHT) }));
    page = await signInAsSecretariat(testbed, PASSWORD, 'Europe/Stockholm');
  });

  afterAll(async () => {
    await testbed?.close();
  });

  test("reads the organisation's clock: the year is 2027, and the runs are in local time, the new year's in the new year", async () => {
    await page.goto(`${testbed.baseUrl}/schedules`);
    const intro = (await page.locator('main p').first().textContent()) ?? '';
    // Winter time: "CET" or "GMT+1", as the runtime's time zone names have it.
    expect(intro).toMatch(/Klockan hos organisationen är nu 2027-01-01 00:30 (CET|GMT\+1); året är 2027\. Alla tider i lokal tid \(Europe\/Stockholm\)\./);
    expect(intro).not.toContain('2026-12-31');

    // The schedules are made by the worker's clock (the dev server's is today's): the run that
    // begins the seminar year 2027 is still ahead, at 23:05 UTC on 31 December.
    await page.getByRole('button', { name: 'Uppdatera' }).click();
    await page.getByText('Schemana stämmer nu med organisationens fil.').waitFor();
    const rows = Object.fromEntries(
      await page.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((c) => c.textContent?.trim() ?? '')).map((cells) => [cells[0], cells[1]])),
    ) as Record<string, string>;
    // The follow-up of 2026 opens on 15 January at 09:00 in Stockholm (08:00 UTC).
    expect(rows['Årlig uppföljning av internationell policy']).toMatch(/^2027-01-15 09:00 (CET|GMT\+1) \(2026\)/);
    // The seminar year 2027 begins at 00:05 on 1 January in Stockholm, which is still 31 December in UTC.
    expect(rows['Internationellt seminarium varje år']).toMatch(/^2027-01-01 00:05 (CET|GMT\+1) \(2027\)/);
    expect(Object.values(rows).join(' ')).not.toMatch(/UTC|2026-12-31/);

    // A run started now is listed among the last runs in Stockholm's time too (the dev server's clock is today's).
    await page.locator('form[action^="/schedules/international-seminar/run"] button[type="submit"]').click();
    await page.waitForURL(/done=schedule-run/);
    const today = DateTime.now().setZone('Europe/Stockholm').toISODate()!;
    const lastRuns = await until(async () => {
      await page.goto(`${testbed.baseUrl}/schedules`);
      const cell = (await page.getByRole('row', { name: /Internationellt seminarium varje år/ }).locator('td').last().textContent())?.trim();
      return cell ? cell : undefined;
    }, 'the run among the last runs');
    expect(lastRuns).toMatch(new RegExp(`^${today} \\d\\d:\\d\\d (CET|GMT\\+1)`));
    await checkPage(page, 'schedules');

    await page.goto(`${testbed.baseUrl}/schedules?lang=en`);
    expect((await page.locator('main p').first().textContent()) ?? '').toMatch(/The organisation's clock now reads 2027-01-01 00:30 (CET|GMT\+1); the year is 2027\./);
  });
});
