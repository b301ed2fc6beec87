/// <reference lib="dom" />
/**
 * End to end in a real Chromium: a contact person goes from the request mail to a submitted
 * answer, and the secretariat from login to a compiled report. axe-core checks every page, and
 * screenshots land in test-output/screenshots for a person to look at.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { startCycle } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { pageChecks, startBrowserTestbed, type BrowserTestbed } from '../helpers/browser';
import { SOLNA_CONFIG, testAnswerLinks, until } from '../helpers/environment';
import type { TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'sekretariatets långa lösenord';
const hostile = '<script>alert("x")</script> {{secretariat.email}}';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const { checkPage, summary } = pageChecks();

let testbed: BrowserTestbed;
let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let baseUrl: string;
let browser: Browser;


beforeAll(async () => {
  testbed = await startBrowserTestbed(loadConfigFile(SOLNA_CONFIG), PASSWORD);
  ({ env, smtp, browser, baseUrl } = testbed);
});

afterAll(async () => {
  console.log(summary());
  await testbed?.close();
});

test('from the mail to a submitted answer, and from login to the compiled report', async () => {
  // The secretariat logs in and opens the new cycle: nobody has answered yet.
  const office = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await office.goto(`${baseUrl}/login`);
  await checkPage(office, 'login');
  await office.getByLabel('Användarnamn').fill('sekretariatet');
  await office.getByLabel('Lösenord').fill(PASSWORD);
  await office.getByRole('button', { name: 'Logga in' }).click();
  await office.waitForURL(`${baseUrl}/dashboard`);
  await office.getByLabel('Period').fill(key.period);
  await office.getByRole('button', { name: 'Starta' }).click();
  await office.waitForURL(/\/cycles\/annual-follow-up\/2025\?done=started/);
  await office.getByText('Uppföljningen är startad.').waitFor();
  await smtp.waitFor(7, 60_000);
  await office.reload();
  await office.locator('p.big', { hasText: '0 av 6 enheter har svarat (0 %).' }).waitFor();
  const chartBefore = await office.locator('svg.chart rect').evaluateAll((rects) => rects.map((r) => r.getAttribute('fill')));
  await checkPage(office, 'cycle-before-answers');

  // The contact person opens the link from the request mail.
  const mail = smtp.to('karin.sandberg@solna.example')[0]!;
  const link = answerLinkIn(mail.mail.text ?? '');
  expect(link.startsWith(`${baseUrl}/answer/`)).toBe(true);
  const contact = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await contact.goto(link);
  await checkPage(contact, 'answer-form');

  // One required field left empty: the error shows beside it and nothing typed is lost.
  await contact.getByLabel(/Pågående EU-projekt/).fill(hostile);
  await contact.getByLabel(/Konkreta effekter/).fill('Nya rutiner för mottagande av delegationer');
  await contact.getByRole('button', { name: 'Skicka svar' }).click();
  await contact.locator('#error-other_work').waitFor();
  expect(await contact.locator('#error-other_work').textContent()).toBe('Övrigt internationellt arbete som genomförts under året: måste fyllas i.');
  expect(await contact.getByLabel(/Pågående EU-projekt/).inputValue()).toBe(hostile);
  expect(await contact.locator('#field-other_work').getAttribute('aria-invalid')).toBe('true');
  await checkPage(contact, 'answer-form-with-error');

  // Corrected, by keyboard, and submitted.
  await contact.locator('#field-other_work').focus();
  await contact.keyboard.type('Studiebesök i Vilnius');
  await contact.getByRole('radio', { name: 'Ja' }).check();
  await contact.getByRole('button', { name: 'Skicka svar' }).click();
  await contact.getByRole('heading', { name: 'Tack, svaret är mottaget' }).waitFor();
  expect(await contact.locator('dl.answer').textContent()).toContain(hostile);
  await checkPage(contact, 'receipt');
  await until(() => smtp.to('karin.sandberg@solna.example').find((m) => m.subject.startsWith('Kvitto')), 'the receipt mail');

  // The English version of the form.
  await contact.goto(`${link}?lang=en`);
  await contact.getByText('You answered on').waitFor();
  await checkPage(contact, 'answer-form-english');

  // The accessibility statement, one link away from every page, without an account.
  await contact.goto(link);
  await contact.getByRole('contentinfo').getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click();
  await contact.getByRole('heading', { level: 1, name: 'Tillgänglighetsredogörelse' }).waitFor();
  const statement = (await contact.locator('main').textContent()) ?? '';
  expect(statement).toContain('Solna stad står bakom tjänsten Uppföljning av policyer.');
  expect(statement).toContain('Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig service');
  expect(statement).toContain('Rapporter som sammanställdes före december 2026');
  expect(statement).toContain('Bedömningen gjordes 3 december 2026.');
  expect(statement).toContain('Vi svarar normalt inom 5 arbetsdagar.');
  expect(await contact.getByRole('link', { name: 'Anmäl bristande tillgänglighet till Digg' }).getAttribute('href')).toBe('https://www.digg.se/tdosanmalan');
  expect(await contact.getByRole('link', { name: 'internationella.sekretariatet@solna.example' }).getAttribute('href')).toBe('mailto:internationella.sekretariatet@solna.example');
  await checkPage(contact, 'accessibility-statement');
  await contact.getByRole('link', { name: 'In English' }).click();
  await contact.getByRole('heading', { level: 1, name: 'Accessibility statement' }).waitFor();
  await checkPage(contact, 'accessibility-statement-english');

  // The secretariat sees the unit answered and the chart changed.
  await office.reload();
  await office.locator('p.big', { hasText: '1 av 6 enheter har svarat (17 %).' }).waitFor();
  const row = office.getByRole('row', { name: /Omsorgsförvaltningen/ });
  expect(await row.locator('.state').textContent()).toBe('besvarad');
  const chartAfter = await office.locator('svg.chart rect').evaluateAll((rects) => rects.map((r) => [r.getAttribute('fill'), Number(r.getAttribute('width'))] as const));
  expect(chartAfter.map(([fill]) => fill)).not.toEqual(chartBefore);
  expect(chartAfter[0]).toEqual(['#1a6b32', 100]);
  await checkPage(office, 'dashboard-cycle');

  // Close early and read the report.
  await office.getByLabel(/Jag förstår att rapporten sammanställs/).check();
  await office.getByRole('button', { name: 'Stäng uppföljningen nu' }).click();
  await office.getByText('Uppföljningen stängs och rapporten sammanställs.').waitFor();
  await until(async () => {
    await office.reload();
    return (await office.getByRole('link', { name: 'Öppna rapporten' }).count()) > 0 ? true : undefined;
  }, 'the report link');
  await checkPage(office, 'cycle-closed');
  await office.getByRole('link', { name: 'Öppna rapporten' }).click();
  await office.getByRole('heading', { level: 1, name: /Uppföljning av Solna stads internationella policy 2025/ }).waitFor();
  expect(await office.locator('body').textContent()).toContain(hostile);
  expect(await office.locator('script').count()).toBe(0);
  await checkPage(office, 'report');

  await office.goto(`${baseUrl}/dashboard`);
  await checkPage(office, 'dashboard');

  // The contact person's link now says plainly that the cycle is closed.
  const closed = await contact.goto(link);
  expect(closed?.status()).toBe(410);
  await contact.getByRole('heading', { name: 'Uppföljningen är stängd' }).waitFor();
  await checkPage(contact, 'closed');
});

test('a phone-sized screen shows the form without sideways scrolling', async () => {
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'sv-SE' })).newPage();
  const token = testAnswerLinks.token({ key: { ...key, period: '2024' }, unitId: 'omsorg', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  await phone.goto(`${baseUrl}/answer/${token}`);
  await phone.getByRole('heading', { name: 'Länken fungerar inte' }).waitFor();
  await phone.goto(`${baseUrl}/login`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await checkPage(phone, 'link-invalid-phone');
});

test('the mailed link opened twice, from the mail each time, works in both tabs', async () => {
  const twice: CycleKey = { ...key, period: '2023' };
  await startCycle(env.client, testbed.tw.taskQueue, twice, 'test');
  const request = await until(() => smtp.to('erik.andersson@solna.example').find((m) => m.subject.includes('2023')), 'the request of 2023');
  const link = answerLinkIn(request.mail.text ?? '');
  // The mail as Outlook on the web shows it: a page of another site, whose link leads to ours.
  const mailbox = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Inkorg</title><a href="${link}">Svara här</a>`));
  await new Promise<void>((resolve) => mailbox.listen(0, '127.0.0.2', resolve));
  const mailUrl = `http://127.0.0.2:${(mailbox.address() as AddressInfo).port}/`;
  try {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const openFromMail = async () => {
      const tab = await context.newPage();
      await tab.goto(mailUrl);
      await tab.getByRole('link', { name: 'Svara här' }).click();
      await tab.getByLabel(/Pågående EU-projekt/).waitFor();
      return tab;
    };
    const first = await openFromMail();
    await first.getByLabel(/Pågående EU-projekt/).fill('Skrivet i första fliken');
    await first.getByLabel(/Övrigt internationellt arbete/).fill('Nätverk');
    await first.getByLabel(/Konkreta effekter/).fill('Kunskap');
    const second = await openFromMail();
    await second.getByLabel(/Pågående EU-projekt/).fill('Skrivet i andra fliken');

    await first.getByRole('button', { name: 'Skicka svar' }).click();
    await first.getByRole('heading', { name: 'Tack, svaret är mottaget' }).waitFor();
    expect(await first.locator('dl.answer').textContent()).toContain('Skrivet i första fliken');

    await second.getByLabel(/Övrigt internationellt arbete/).fill('Nätverk');
    await second.getByLabel(/Konkreta effekter/).fill('Kunskap');
    await second.getByRole('button', { name: 'Skicka svar' }).click();
    await second.getByRole('heading', { name: 'Tack, svaret är mottaget' }).waitFor();
    expect(await second.locator('dl.answer').textContent()).toContain('Skrivet i andra fliken');
    await checkPage(second, 'receipt-second-tab');
  } finally {
    await new Promise<void>((resolve) => mailbox.close(() => resolve()));
  }
});
