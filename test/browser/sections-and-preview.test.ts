/// <reference lib="dom" />
/**
 * Borås in a real Chromium: the secretariat previews the mails of a period before starting it; a
 * contact answers a questionnaire with a section repeated for each activity type (a rule that
 * makes a field required shows its error beside it); a year later the form shows the unit its
 * previous answer, and the report reads question by question with last year's answers beside.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadConfigFile } from '../../config/load';
import { pageChecks, startBrowserTestbed, type BrowserTestbed } from '../helpers/browser';
import { PROJECT_ROOT, until } from '../helpers/environment';
import type { TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'borås sekretariat lösenord';
const config = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/boras.yaml'));
const contact = 'elin.gustafsson@boras.example';

let testbed: BrowserTestbed;
let smtp: TestSmtpServer;
let browser: Browser;
let baseUrl: string;

const { checkPage } = pageChecks();

beforeAll(async () => {
  testbed = await startBrowserTestbed(config, PASSWORD);
  ({ smtp, browser, baseUrl } = testbed);
});

afterAll(async () => testbed?.close());

/** Starts a past period from the dashboard (it opens at once), answers for Förskoleförvaltningen, closes it. */
async function runYear(office: Page, period: string, answer: (form: Page) => Promise<void>) {
  await office.goto(`${baseUrl}/dashboard`);
  await office.getByLabel('Period').fill(period);
  await office.getByRole('button', { name: 'Starta' }).click();
  await office.getByText('Uppföljningen är startad.').waitFor();
  const request = await until(() => smtp.to(contact).find((m) => m.subject.includes(` ${period} – `)), `the ${period} request`, 60_000);
  const form = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await form.goto(answerLinkIn(request.mail.text ?? ''));
  await answer(form);
  await form.getByRole('heading', { name: 'Tack, svaret är mottaget' }).waitFor();
  await office.goto(`${baseUrl}/cycles/international-activities/${period}`);
  await office.getByLabel(/Jag förstår att rapporten sammanställs/).check();
  await office.getByRole('button', { name: 'Stäng uppföljningen nu' }).click();
  // The close's own navigation first: a reload while it is under way detaches the page.
  await office.getByText('Uppföljningen stängs och rapporten sammanställs.').waitFor();
  await until(async () => {
    await office.reload();
    return (await office.getByRole('link', { name: 'Öppna rapporten' }).count()) > 0 ? true : undefined;
  }, `the ${period} report`);
  return form;
}

const section = (form: Page, type: RegExp) => form.getByRole('group', { name: type });

test('preview, a repeated section with its rules, the previous answer in the form and the report by question', async () => {
  const office = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await office.goto(`${baseUrl}/login`);
  await office.getByLabel('Användarnamn').fill('sekretariatet');
  await office.getByLabel('Lösenord').fill(PASSWORD);
  await office.getByRole('button', { name: 'Logga in' }).click();
  await office.waitForURL(`${baseUrl}/dashboard`);

  // The preview, before anything is started: every mail of the period, nothing sent.
  await office.getByRole('link', { name: 'Förhandsvisa utskicken' }).first().click();
  await office.getByLabel('Period').fill('2025');
  await office.getByRole('button', { name: 'Visa utskicken' }).click();
  await office.getByText(/^\d+ e-postmeddelanden\.$/).waitFor();
  expect(await office.getByRole('row', { name: /Förfrågan elin\.gustafsson@boras\.example/ }).count()).toBe(1);
  // Each reminder's window, each unit's mail at its own moment in it (on its row).
  expect(await office.getByRole('listitem').filter({ hasText: /^Påminnelse 1 sprids över \d{1,2} \S+ \d{4} \d\d:\d\d–\d\d:\d\d: varje enhet får sin vid en egen tidpunkt/ }).count()).toBe(1);
  await office.getByText('Uppföljning av internationella aktiviteter 2025 – Förskoleförvaltningen').first().click();
  expect(await office.locator('pre.mail').first().textContent()).toContain('== Aktiviteter: Transnationella projekt ==');
  await checkPage(office, 'preview');
  expect(smtp.received).toHaveLength(0);

  // 2024: the contact answers per activity type; a "yes" without what it led to is refused beside the field.
  await runYear(office, '2024', async (form) => {
    await checkPage(form, 'answer-form-sections');
    const projects = section(form, /Aktiviteter: Transnationella projekt/);
    await projects.getByRole('group', { name: /deltagit i sådana aktiviteter/ }).getByRole('radio', { name: 'Ja' }).check();
    await projects.getByLabel(/Vilka, och vilka mål/).fill('Erasmus+ KA1 med Tammerfors');
    for (const other of [/Europeiska och globala nätverk/, /Konferenser/, /Benchmarking/]) {
      await section(form, other).getByRole('group', { name: /deltagit i sådana aktiviteter/ }).getByRole('radio', { name: 'Nej' }).check();
    }
    await form.getByRole('radio', { name: 'Delvis' }).check();
    await form.getByRole('button', { name: 'Skicka svar' }).click();
    const error = form.locator('[id="error-activities.projects.results"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('Aktiviteter: Transnationella projekt – Vad har de lett fram till?: måste fyllas i.');
    expect(await projects.getByLabel(/Vilka, och vilka mål/).inputValue()).toBe('Erasmus+ KA1 med Tammerfors');
    await checkPage(form, 'answer-form-sections-error');
    await projects.getByLabel(/Vad har de lett fram till/).fill('Ny metod för språkstöd');
    await form.getByRole('button', { name: 'Skicka svar' }).click();
  });

  // 2025: the form shows last year's answer under each question.
  await runYear(office, '2025', async (form) => {
    const projects = section(form, /Aktiviteter: Transnationella projekt/);
    expect(await projects.locator('p.previous').allTextContents()).toEqual(['Ert svar för 2024: Ja', 'Ert svar för 2024: Erasmus+ KA1 med Tammerfors', 'Ert svar för 2024: Ny metod för språkstöd']);
    await checkPage(form, 'answer-form-previous-answer');
    await projects.getByRole('group', { name: /deltagit i sådana aktiviteter/ }).getByRole('radio', { name: 'Ja' }).check();
    await projects.getByLabel(/Vilka, och vilka mål/).fill('Erasmus+ KA2');
    await projects.getByLabel(/Vad har de lett fram till/).fill('Två nya partnerskolor');
    for (const other of [/Europeiska och globala nätverk/, /Konferenser/, /Benchmarking/]) {
      await section(form, other).getByRole('group', { name: /deltagit i sådana aktiviteter/ }).getByRole('radio', { name: 'Nej' }).check();
    }
    await form.getByRole('radio', { name: 'Till stor del' }).check();
    await form.getByRole('button', { name: 'Skicka svar' }).click();
  });

  // The report: question by question, tallied, with 2024 beside 2025.
  await office.getByRole('link', { name: 'Öppna rapporten' }).click();
  await office.getByRole('heading', { level: 2, name: 'Svar per fråga' }).waitFor();
  expect(await office.locator('body').textContent()).toContain('Föregående period 2024: 1 / 4 (25 %)');
  const results = office.getByRole('region', { name: 'Aktiviteter: Transnationella projekt' });
  expect(await results.getByRole('row', { name: /Förskoleförvaltningen/ }).last().textContent()).toMatch(/Förskoleförvaltningen\s*Två nya partnerskolor\s*Ny metod för språkstöd/);
  const tally = office.getByRole('region', { name: /I vilken grad har aktiviteterna nått sina mål/ });
  expect(await tally.getByRole('row', { name: /^Till stor del/ }).textContent()).toMatch(/Till stor del\s*1\s*100 %\s*0 \(0 %\)/);
  expect(await tally.getByRole('row', { name: /^Delvis/ }).textContent()).toMatch(/Delvis\s*0\s*0 %\s*1 \(100 %\)/);
  await checkPage(office, 'report-by-question');
});
