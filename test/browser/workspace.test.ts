/// <reference lib="dom" />
/**
 * The secretariat's workspace end to end in a real Chromium, each obligation kind as its users meet
 * it: a unit's contact registers a project from the standing link in the request mail, the owner
 * fills in the goals from the mailed link, the secretariat returns them with a comment, the owner
 * corrects them and a second secretariat member approves them; a seminar is registered and counted
 * on the overview; an agreement's owner renews it from the reminder's link; the revision's decision
 * is recorded; events and the council's goals have their pages. Then single sign-on through a real
 * OpenID Provider (node-oidc-provider, OpenID Certified, standing in for Entra ID): a reader sees
 * and gets 403 on every action route, a secretariat member exempts a unit and the history names her.
 * axe-core checks every page; screenshots land in test-output/screenshots.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { startCycle } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { accountsFile, createAccountStore } from '../../web/accounts';
import { pageChecks, screenshot, startBrowserTestbed, type BrowserTestbed } from '../helpers/browser';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { readPdf } from '../helpers/pdf';
import type { TestSmtpServer } from '../helpers/smtp';
import { startTestProvider, type TestProvider } from '../oidc/provider';

jest.setTimeout(300_000);

const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const { checkPage, summary } = pageChecks('workspace-');
const ANNA = { name: 'anna.berg', displayName: 'Anna Berg', password: 'annas långa lösenord 2026' };
const BERTIL = { name: 'bertil.ek', displayName: 'Bertil Ek', password: 'bertils långa lösenord 2026' };

let testbed: BrowserTestbed;
let provider: TestProvider;
let smtp: TestSmtpServer;
let baseUrl: string;
let browser: Browser;


async function signIn(who: { name: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Användarnamn').fill(who.name);
  await page.getByLabel('Lösenord').fill(who.password);
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
  await page.waitForURL(`${baseUrl}/dashboard`);
  return page;
}

/** The overview's entry of one obligation, as text. */
async function overviewOf(page: Page, title: string): Promise<string> {
  await page.goto(`${baseUrl}/dashboard`);
  return (await page.locator('section.obligation', { has: page.getByRole('heading', { name: title }) }).textContent()) ?? '';
}

const linkIn = (text: string | undefined, kind: 'goals' | 'agreement' | 'unit') => {
  const match = new RegExp(`(https?://\\S+/${kind}/[A-Za-z0-9_.-]+)`).exec(text ?? '');
  if (!match) throw new Error(`No ${kind} link in: ${text}`);
  return match[1]!;
};

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'followup-workspace-'));
  const accounts = createAccountStore(accountsFile(dataDir));
  await accounts.add({ name: ANNA.name, displayName: ANNA.displayName, email: 'anna.berg@solna.example', role: 'secretariat' }, ANNA.password);
  await accounts.add({ name: BERTIL.name, displayName: BERTIL.displayName, role: 'secretariat' }, BERTIL.password);
  testbed = await startBrowserTestbed(config, 'ett delat lösenord som ingen använder här', async (url) => {
    provider = await startTestProvider(
      {
        eva: { name: 'Eva Lind', username: 'eva.lind@solna.example', roles: ['Followup.Secretariat'] },
        olof: { name: 'Olof Revisor', username: 'olof.revisor@solna.example', roles: ['Followup.Reader'] },
        gast: { name: 'Gäst Utan Roll', username: 'gast@solna.example', roles: [] },
        // No role in the token, but an account with her verified address in the accounts file.
        anna: { name: 'Anna Berg', username: 'anna@solna.example', email: 'anna.berg@solna.example', emailVerified: true },
        // The same address, unverified, and her account's user name: no role.
        mallory: { name: 'Mallory', username: ANNA.name, email: 'anna.berg@solna.example', emailVerified: false },
      },
      [`${url}/login/sso/callback`],
    );
    return {
      accounts,
      singleSignOn: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, roleClaim: 'roles', secretariatValues: ['Followup.Secretariat'], readerValues: ['Followup.Reader'] },
    };
  });
  ({ smtp, browser, baseUrl } = testbed);
  // The year's follow-up, whose request mails carry each unit's standing link.
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await until(() => smtp.to('maria.johansson@solna.example').find((m) => m.subject.includes('2025')), 'the request mail');
});

afterAll(async () => {
  console.log(summary());
  await testbed?.close();
  await provider?.stop();
});

test('a project from the standing link to approved goals, through a return with a comment', async () => {
  const anna = await signIn(ANNA);
  await checkPage(anna, 'overview-before');
  expect(await overviewOf(anna, 'Mål fastställda innan projekt startar')).toContain('0 projekt har godkända mål');

  // The unit's contact opens the standing link in the request mail and registers a project.
  const request = smtp.to('maria.johansson@solna.example').find((m) => m.subject.includes('2025'))!;
  const unitLink = linkIn(request.mail.text, 'unit');
  const contact = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await contact.goto(unitLink);
  await contact.getByRole('heading', { name: 'Seminarier och projekt: Barn- och utbildningsförvaltningen' }).waitFor();
  await checkPage(contact, 'unit-standing-link');
  const form = contact.locator('form[action$="/projects"]');
  await form.getByLabel(/^Namn/).fill('Erasmus+ Skolutbyte Tartu');
  await form.getByLabel('Ägare (namn)').fill('Pia Lund');
  await form.getByLabel('Ägarens e-post').fill('pia.lund@solna.example');
  await form.getByLabel('Planerad start').fill('2027-03-01');
  await form.getByLabel('Partner').fill('Tartu linn\nTallinna Ülikool');
  await form.getByLabel('EU-finansierat').check();
  await form.getByRole('button', { name: 'Registrera' }).click();
  await contact.getByText('Projektet är registrerat.').waitFor();
  await until(async () => {
    await contact.reload();
    return (await contact.locator('table').getByText('Erasmus+ Skolutbyte Tartu').count()) > 0 || undefined;
  }, "the project in the unit's list");

  // The owner gets the goals request with a link, saves a draft, then sends with a field missing.
  const asked = await until(() => smtp.to('pia.lund@solna.example').find((m) => m.subject.startsWith('Mål före start')), 'the goals request');
  const goalsLink = linkIn(asked.mail.text, 'goals');
  const owner = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await owner.goto(goalsLink);
  await owner.getByRole('heading', { name: 'Mål före start: Erasmus+ Skolutbyte Tartu' }).waitFor();
  await checkPage(owner, 'goals-form');
  await owner.getByLabel('Syfte').fill('Elevutbyte för språk och demokrati');
  await owner.getByRole('button', { name: 'Spara utkast' }).click();
  await owner.getByText('Utkastet är sparat').waitFor();
  await owner.reload();
  expect(await owner.getByLabel('Syfte').inputValue()).toBe('Elevutbyte för språk och demokrati');
  await owner.locator('#field-goals').fill('60 elever deltar i utbyte under 2027');
  await owner.getByLabel('Aktiviteter').fill('Två utbytesveckor, digitala lektioner');
  await owner.getByLabel('Parternas åtaganden').fill('Tartu tar emot 30 elever; Solna tar emot 30');
  await owner.getByLabel('Utvärderingsmetoder').fill('Enkät till elever och lärare');
  await owner.getByRole('button', { name: 'Skicka svar' }).click();
  await owner.locator('#error-timetable').waitFor();
  expect(await owner.getByLabel('Syfte').inputValue()).toBe('Elevutbyte för språk och demokrati');
  await checkPage(owner, 'goals-form-with-error');
  await owner.getByLabel('Tidplan').fill('Våren 2027');
  await owner.getByRole('button', { name: 'Skicka svar' }).click();
  await owner.getByText(/väntar på sekretariatets granskning/).waitFor();
  await checkPage(owner, 'goals-received');

  // The overview says in bold that goals await approval; Anna returns them with a comment.
  const entry = anna.locator('section.obligation', { has: anna.getByRole('heading', { name: 'Mål fastställda innan projekt startar' }) });
  await anna.goto(`${baseUrl}/dashboard`);
  expect(await entry.locator('strong').allTextContents()).toContain('1 projekt har mål som väntar på godkännande');
  await anna.getByRole('link', { name: 'Projekt', exact: true }).first().click();
  await anna.waitForURL(`${baseUrl}/projects`);
  await checkPage(anna, 'projects');
  await anna.getByRole('link', { name: 'Erasmus+ Skolutbyte Tartu' }).click();
  await anna.getByRole('heading', { name: 'Erasmus+ Skolutbyte Tartu' }).waitFor();
  await checkPage(anna, 'project-submitted');
  await anna.getByRole('textbox', { name: /^Kommentar/ }).fill('Ange tidplanen med datum för båda utbytesveckorna.');
  await anna.getByRole('button', { name: 'Skicka tillbaka' }).click();
  await anna.getByText('Målen är tillbakaskickade med din kommentar').waitFor();

  // The owner sees the comment in the form, with what was sent before, and corrects the timetable.
  const returned = await until(() => smtp.to('pia.lund@solna.example').find((m) => m.subject.startsWith('Komplettera')), 'the returned mail');
  expect(returned.mail.text).toContain('Ange tidplanen med datum för båda utbytesveckorna.');
  await owner.goto(linkIn(returned.mail.text, 'goals'));
  await owner.getByText('Ange tidplanen med datum för båda utbytesveckorna.').waitFor();
  expect(await owner.getByLabel('Aktiviteter').inputValue()).toBe('Två utbytesveckor, digitala lektioner');
  await checkPage(owner, 'goals-returned');
  await owner.getByLabel('Tidplan').fill('Vecka 12 och vecka 40, 2027');
  await owner.getByRole('button', { name: 'Skicka svar' }).click();
  await owner.getByText(/väntar på sekretariatets granskning/).waitFor();

  // A second member of the secretariat approves; the history names each person.
  const bertil = await signIn(BERTIL);
  await bertil.goto(`${baseUrl}/projects`);
  await bertil.getByRole('link', { name: 'Erasmus+ Skolutbyte Tartu' }).click();
  await bertil.getByText('Vecka 12 och vecka 40, 2027').waitFor();
  await bertil.getByRole('button', { name: 'Godkänn' }).click();
  await bertil.getByText('Målen är godkända').waitFor();
  const history = (await bertil.locator('#history-title + .table-wrap').textContent()) ?? '';
  expect(history).toContain('Bertil Ek (bertil.ek)Godkände målen');
  expect(history).toContain('Anna Berg (anna.berg)Skickade tillbaka målen');
  expect(history).toContain('ägaren, via länken i mejletSkickade in målen (#2)');
  expect(history).toContain('Barn- och utbildningsförvaltningen (enhetens länk)Registrerade');
  await checkPage(bertil, 'project-approved');
  await until(() => smtp.to('pia.lund@solna.example').find((m) => /godkän|approved/i.test(m.subject)), 'the approval mail');
  await owner.goto(goalsLink);
  await owner.getByText(/Målen godkändes/).waitFor();
  expect(await overviewOf(anna, 'Mål fastställda innan projekt startar')).toContain('1 projekt har godkända mål');

  // The start moves a month: corrected on the project's page, and the history says who did it.
  await anna.goto(`${baseUrl}/projects/erasmus-skolutbyte-tartu-2027`);
  const edit = anna.locator('form[action$="/edit"]');
  expect(await edit.getByLabel(/^Planerad start/).inputValue()).toBe('2027-03-01');
  await edit.getByLabel(/^Planerad start/).fill('2027-04-01');
  await edit.getByRole('button', { name: 'Spara ändringarna' }).click();
  await anna.getByText('Ändringen är sparad.').waitFor();
  expect(await anna.locator('dl.facts').textContent()).toContain('1 april 2027');
  expect(await anna.locator('#history-title + .table-wrap').textContent()).toContain('Anna Berg (anna.berg)Ändrade (plannedStart)');

  // A new owner takes over: the link mailed to the former one opens nothing any more.
  await edit.getByLabel('Ägare (namn)').fill('Olle Holm');
  await edit.getByLabel('Ägarens e-post').fill('olle.holm@solna.example');
  await edit.getByRole('button', { name: 'Spara ändringarna' }).click();
  await anna.getByText('Ändringen är sparad.').waitFor();
  expect((await owner.goto(goalsLink))?.status()).toBe(410);

  // The list filters by unit and exports to CSV that Swedish Excel opens.
  await anna.goto(`${baseUrl}/projects?unit=omsorg`);
  await anna.getByText('Inget registrerat än.').waitFor();
  const csv = await anna.request.get(`${baseUrl}/projects?format=csv`);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const body = await csv.text();
  expect(body.charCodeAt(0)).toBe(0xfeff);
  expect(body).toContain('erasmus-skolutbyte-tartu-2027;Erasmus+ Skolutbyte Tartu;Barn- och utbildningsförvaltningen;2027-04-01;;mål godkända;Nej;Tartu linn, Tallinna Ülikool;Ja');
  // And to Excel itself, from the list's button: the planned start a date Excel can sort and filter by.
  await anna.goto(`${baseUrl}/projects`);
  const [download] = await Promise.all([anna.waitForEvent('download'), anna.getByRole('link', { name: 'Exportera till Excel (XLSX)' }).click()]);
  expect(download.suggestedFilename()).toBe('solna-projects.xlsx');
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await download.path())!);
  const sheet = book.getWorksheet('Projekt')!;
  const tartu = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === 'erasmus-skolutbyte-tartu-2027')!;
  expect(tartu.getCell(2).value).toBe('Erasmus+ Skolutbyte Tartu');
  expect(tartu.getCell(4).value).toEqual(new Date(Date.UTC(2027, 3, 1)));
});

test('a seminar registered and counted on the overview', async () => {
  const anna = await signIn(ANNA);
  const title = 'Internationellt seminarium varje år';
  await anna.goto(`${baseUrl}/dashboard`);
  const entry = anna.locator('section.obligation', { has: anna.getByRole('heading', { name: title }) });
  expect(await entry.locator('strong').allTextContents()).toContain('0 av minst 1 seminarium 2026');
  await anna.goto(`${baseUrl}/seminars`);
  await checkPage(anna, 'seminars');
  const form = anna.locator('form[method="post"][action="/seminars"]');
  await form.getByLabel(/^Namn/).fill('=HYPERLINK("http://x") Smarta städer; Bryssel');
  await form.getByLabel(/^Datum/).fill('2026-11-20');
  await form.getByLabel(/^Plats/).fill('Solnas EU-kontor, Bryssel');
  await form.getByLabel(/^Land/).fill('BE');
  await form.getByRole('radio', { name: 'arrangör', exact: true }).check();
  await form.getByLabel(/^Enhet/).selectOption('kultur-fritid');
  await form.getByRole('button', { name: 'Registrera' }).click();
  await anna.getByText('Seminariet är registrerat.').waitFor();
  await checkPage(anna, 'seminars-registered');
  const after = await overviewOf(anna, title);
  expect(after).toContain('1 av minst 1 seminarium 2026');
  expect(await entry.locator('strong').count()).toBe(0);
  await screenshot(anna, 'workspace-overview-seminar-counted');

  // A place typed wrong is corrected on the seminar's own page.
  await anna.goto(`${baseUrl}/seminars?year=2026`);
  await anna.getByRole('link', { name: /Smarta städer/ }).click();
  await anna.locator('form[action$="/edit"]').getByLabel(/^Plats/).fill('Solnas EU-kontor, Rue du Luxembourg, Bryssel');
  await anna.getByRole('button', { name: 'Spara ändringarna' }).click();
  await anna.getByText('Ändringen är sparad.').waitFor();
  expect(await anna.locator('dl.facts').textContent()).toContain('Rue du Luxembourg');
  await checkPage(anna, 'seminar');
  const csv = await (await anna.request.get(`${baseUrl}/seminars?year=2026&format=csv`)).text();
  expect(csv).toContain(`"'=HYPERLINK(""http://x"") Smarta städer; Bryssel";2026-11-20`);
});

test("an agreement renewed by its owner from the reminder's link", async () => {
  const anna = await signIn(ANNA);
  await anna.goto(`${baseUrl}/agreements`);
  const form = anna.locator('form[method="post"][action="/agreements"]');
  await form.getByLabel(/^Namn/).fill('Vänortsavtal Tartu');
  await form.getByLabel('Kort id').fill('vanort-tartu');
  await form.getByLabel(/^Partner/).fill('Tartu linn');
  await form.getByLabel(/^Enhet/).selectOption('kultur-fritid');
  await form.getByLabel('Ägare (namn)').fill('Sofia Bergström');
  await form.getByLabel('Ägarens e-post').fill('sofia.bergstrom@solna.example');
  await form.getByLabel('Löper ut').fill('2027-01-29');
  await form.getByRole('button', { name: 'Registrera' }).click();
  await anna.getByText('Avtalet är registrerat').waitFor();
  await checkPage(anna, 'agreement-registered');

  // Registered inside its review window: the owner is asked at once, with a link.
  const reminder = await until(() => smtp.to('sofia.bergstrom@solna.example').find((m) => m.subject.startsWith('Avtal löper ut')), 'the review reminder');
  const owner = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await owner.goto(linkIn(reminder.mail.text, 'agreement'));
  await owner.getByRole('heading', { name: 'Vänortsavtal Tartu' }).waitFor();
  await checkPage(owner, 'agreement-owner');
  await owner.getByRole('radio', { name: 'Förnya' }).check();
  await owner.getByRole('button', { name: 'Registrera beslutet' }).click();
  await owner.locator('.has-error').first().waitFor();
  await owner.getByLabel('Nytt slutdatum').fill('2030-12-31');
  await owner.getByLabel('Anteckning').fill('Kultur- och fritidsnämnden beslutade att förnya, KFN § 41/2026.');
  await owner.getByRole('button', { name: 'Registrera beslutet' }).click();
  await owner.getByText(/Tack! Avtalet är förnyat till/).waitFor();
  await checkPage(owner, 'agreement-owner-done');

  await anna.goto(`${baseUrl}/agreements/vanort-tartu`);
  expect(await anna.locator('dl.facts').textContent()).toContain('förnyat');
  const history = (await anna.locator('#history-title + .table-wrap').textContent()) ?? '';
  expect(history).toContain('Sofia Bergström (ägaren, via länken i mejlet)Förnyade avtalet till (2030-12-31)');
  expect(history).toContain('Anna Berg (anna.berg)Registrerade');
  await checkPage(anna, 'agreement');
  expect(await overviewOf(anna, 'Översyn av samarbetsavtal innan de löper ut')).toContain('1 avtal gäller');
});

test("the revision started and its decision recorded; events and the council's goals have their pages", async () => {
  const anna = await signIn(ANNA);
  await anna.goto(`${baseUrl}/dashboard`);
  await anna.getByRole('link', { name: 'Revidering av den internationella policyn', exact: true }).click();
  await checkPage(anna, 'revision-not-started');
  await anna.getByRole('button', { name: 'Starta' }).click();
  await anna.getByText('Revideringen är startad').waitFor();
  await anna.getByLabel('Beslutsdatum').fill('2026-11-30');
  await anna.getByLabel('Paragraf').fill('§ 99/2026');
  await anna.getByRole('button', { name: 'Registrera beslutet' }).click();
  await anna.getByText('Beslutet är registrerat.').waitFor();
  expect(await anna.locator('dl.facts').textContent()).toContain('Kommunfullmäktige');
  const history = (await anna.locator('#history-title + .table-wrap').textContent()) ?? '';
  expect(history).toContain('Anna Berg (anna.berg)Registrerade beslutet');
  expect(history).toContain('Anna Berg (anna.berg)Startade revideringen');
  await checkPage(anna, 'revision-decided');
  expect(await overviewOf(anna, 'Revidering av den internationella policyn')).toContain('2026-2030: beslutad');

  await anna.goto(`${baseUrl}/events`);
  const form = anna.locator('form[method="post"][action="/events"]');
  await form.getByLabel(/^Namn/).fill('Besök från Tartu');
  await form.getByLabel('Kort id').fill('besok-tartu-2027');
  await form.getByLabel(/^Datum/).fill('2027-05-12');
  await form.getByLabel(/^Plats/).fill('Solna stadshus');
  await form.getByLabel(/^Enhet/).selectOption('kultur-fritid');
  await form.getByLabel('Berörda').fill('Kommunstyrelsens ordförande <ks.ordforande@solna.example>');
  await form.getByRole('button', { name: 'Registrera' }).click();
  await anna.getByText('Händelsen är registrerad').waitFor();
  await checkPage(anna, 'event');
  await anna.goto(`${baseUrl}/events`);
  await checkPage(anna, 'events');

  await anna.goto(`${baseUrl}/yearly-goals/council-goals`);
  await anna.getByLabel('Beslutsdatum').fill('2026-11-23');
  await anna.getByLabel('Paragraf').fill('§ 140/2026');
  await anna.getByLabel(/^Mål/).fill('Fler elever deltar i internationellt utbyte\nStaden söker minst två EU-projekt');
  await anna.getByRole('button', { name: 'Registrera beslutet' }).click();
  await anna.getByText('Målen är registrerade.').waitFor();
  await checkPage(anna, 'yearly-goals');

  // What the CLI does, the web does: a project registered by the secretariat, goals the owner mailed
  // recorded for them, an answer a unit mailed recorded for it, the schedules brought in line.
  await anna.goto(`${baseUrl}/projects`);
  const register = anna.locator('form[method="post"][action="/projects"]');
  await register.getByLabel(/^Namn/).fill('Nordplus Vuxen Åbo');
  await register.getByLabel(/^Enhet/).selectOption('omsorg');
  await register.getByLabel('Ägare (namn)').fill('Karin Sandberg');
  await register.getByLabel('Ägarens e-post').fill('karin.sandberg@solna.example');
  // A start ahead of today, so that the goals are awaited, not overdue, on whatever day the suite runs.
  await register.getByLabel('Planerad start').fill(new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10));
  await register.getByRole('button', { name: 'Registrera' }).click();
  await anna.getByText('Projektet är registrerat.').waitFor();
  await until(async () => {
    await anna.reload();
    return (await anna.getByRole('button', { name: 'Öppna målformuläret' }).count()) > 0 || undefined;
  }, 'the goals request to go out');
  await anna.getByRole('button', { name: 'Öppna målformuläret' }).click();
  for (const field of ['purpose', 'goals', 'activities', 'partner_commitments', 'timetable', 'evaluation']) await anna.locator(`#field-${field}`).fill(`${field} enligt mejl från Karin`);
  await checkPage(anna, 'goals-for-owner');
  await anna.getByRole('button', { name: 'Skicka svar' }).click();
  await anna.getByText('Målen är registrerade och väntar på godkännande.').waitFor();
  expect(await anna.locator('#history-title + .table-wrap').textContent()).toContain('Anna Berg (anna.berg)Skickade in målen (#1)');
  // Started before its goals were approved: the overview says so in bold.
  await anna.goto(`${baseUrl}/dashboard`);
  const gate = anna.locator('section.obligation', { has: anna.getByRole('heading', { name: 'Mål fastställda innan projekt startar' }) });
  expect(await gate.locator('strong').allTextContents()).toEqual(expect.arrayContaining(['1 projekt har mål som väntar på godkännande']));

  await anna.goto(`${baseUrl}/cycles/${key.obligationId}/${key.period}`);
  await anna.getByRole('link', { name: /Registrera svar åt enheten.*Tekniska förvaltningen/ }).click();
  await anna.getByLabel(/Pågående EU-projekt/).fill('Inga');
  await anna.getByLabel(/Övrigt internationellt arbete/).fill('Studiebesök i Tartu');
  await anna.getByLabel(/Konkreta effekter/).fill('Ny rutin för vinterväghållning');
  await checkPage(anna, 'answer-for-unit');
  await anna.getByRole('button', { name: 'Skicka svar' }).click();
  await anna.getByText('Svaret från Tekniska förvaltningen är registrerat.').waitFor();
  expect(await anna.locator('section[aria-labelledby="history-title"]').textContent()).toContain('Anna Berg (anna.berg)');

  await anna.goto(`${baseUrl}/schedules`);
  await anna.getByRole('button', { name: 'Uppdatera' }).click();
  await anna.getByText('Schemana stämmer nu med organisationens fil.').waitFor();
  expect(await anna.locator('table').textContent()).toContain('Årlig uppföljning av internationell policy');
  await checkPage(anna, 'schedules');

  await anna.goto(`${baseUrl}/dashboard`);
  await checkPage(anna, 'overview-after');
  // In English, as the language link gives it.
  await anna.getByRole('link', { name: 'In English' }).click();
  await anna.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  expect(await anna.locator('main').textContent()).toContain('1 of at least 1 seminar in 2026');
  await checkPage(anna, 'overview-english');
  await anna.goto(`${baseUrl}/projects/erasmus-skolutbyte-tartu-2027`);
  expect(await anna.locator('#history-title + .table-wrap').textContent()).toContain('the owner, from the link in the mailSubmitted the goals (#2)');
  await anna.goto(`${baseUrl}/dashboard?lang=sv`);
  await anna.setViewportSize({ width: 375, height: 740 });
  expect(await anna.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await screenshot(anna, 'workspace-overview-phone');
});

test('single sign-on through a real OpenID Provider: a reader sees and cannot act, route by route; a secretariat member exempts and is named', async () => {
  const reader = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await reader.goto(`${baseUrl}/login`);
  await checkPage(reader, 'login-with-sso');
  await reader.getByRole('link', { name: 'Logga in med organisationens konto' }).click();
  // The provider's own sign-in page.
  await reader.locator('input[name="login"]').fill('olof');
  await reader.locator('input[name="password"]').fill('vad som helst');
  await reader.getByRole('button', { name: 'Sign-in' }).click();
  await reader.waitForURL(`${baseUrl}/dashboard`);
  expect(await reader.locator('.who').textContent()).toContain('Olof Revisor (läsbehörighet)');
  await reader.goto(`${baseUrl}/projects/erasmus-skolutbyte-tartu-2027`);
  expect(await reader.locator('form[action*="/projects/"]').count()).toBe(0);
  await checkPage(reader, 'project-as-reader');
  const report = await reader.request.get(`${baseUrl}/cycles/${key.obligationId}/${key.period}`);
  expect(report.status()).toBe(200);
  await reader.goto(`${baseUrl}/schedules`);
  expect(await reader.locator('form[method="post"][action^="/schedules"]').count()).toBe(0);

  const actionRoutes = [
    '/cycles',
    `/cycles/${key.obligationId}/${key.period}/remind`,
    `/cycles/${key.obligationId}/${key.period}/extend`,
    `/cycles/${key.obligationId}/${key.period}/exempt`,
    `/cycles/${key.obligationId}/${key.period}/close`,
    `/cycles/${key.obligationId}/${key.period}/redeliver`,
    '/projects',
    '/projects/erasmus-skolutbyte-tartu-2027/approve',
    '/projects/erasmus-skolutbyte-tartu-2027/return',
    '/projects/erasmus-skolutbyte-tartu-2027/close',
    '/seminars',
    '/agreements',
    '/agreements/vanort-tartu/decide',
    '/events',
    '/events/besok-tartu-2027/change',
    '/events/besok-tartu-2027/cancel',
    '/revisions/policy-revision/start',
    '/revisions/policy-revision/decide',
    '/yearly-goals/council-goals',
    `/cycles/${key.obligationId}/${key.period}/units/omsorg/answer`,
    '/projects/erasmus-skolutbyte-tartu-2027/goals',
    '/projects/erasmus-skolutbyte-tartu-2027/edit',
    '/seminars/2026-11-20-1/edit',
    '/schedules/annual-follow-up/run',
    '/schedules/sync',
  ];
  const statuses = await Promise.all(actionRoutes.map(async (route) => [route, (await reader.request.post(`${baseUrl}${route}`, { form: { unit: 'omsorg', reason: 'x' }, maxRedirects: 0 })).status()] as const));
  expect(statuses).toEqual(actionRoutes.map((route) => [route, 403]));

  // Someone the provider knows but with no role here is told so, and gets no session.
  const guest = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await guest.goto(`${baseUrl}/login/sso`);
  await guest.locator('input[name="login"]').fill('gast');
  await guest.locator('input[name="password"]').fill('x');
  await guest.getByRole('button', { name: 'Sign-in' }).click();
  await guest.getByRole('heading', { name: 'Du har ingen behörighet här' }).waitFor();
  expect((await guest.goto(`${baseUrl}/dashboard`))?.url()).toContain('/login');

  const mallory = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await mallory.goto(`${baseUrl}/login/sso`);
  await mallory.locator('input[name="login"]').fill('mallory');
  await mallory.locator('input[name="password"]').fill('x');
  await mallory.getByRole('button', { name: 'Sign-in' }).click();
  await mallory.getByRole('heading', { name: 'Du har ingen behörighet här' }).waitFor();

  // Anna's role comes from the accounts file when the provider sends none.
  const annaSso = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await annaSso.goto(`${baseUrl}/login/sso`);
  await annaSso.locator('input[name="login"]').fill('anna');
  await annaSso.locator('input[name="password"]').fill('x');
  await annaSso.getByRole('button', { name: 'Sign-in' }).click();
  await annaSso.waitForURL(`${baseUrl}/dashboard`);
  expect(await annaSso.locator('.who').textContent()).toBe('Inloggad som Anna Berg');
  expect(await annaSso.getByRole('button', { name: 'Starta' }).count()).toBe(1);

  // A member of the secretariat signs in the same way and exempts a unit; the history names her.
  const eva = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await eva.goto(`${baseUrl}/cycles/${key.obligationId}/${key.period}`);
  await eva.waitForURL(/\/login/);
  await eva.getByRole('link', { name: 'Logga in med organisationens konto' }).click();
  await eva.locator('input[name="login"]').fill('eva');
  await eva.locator('input[name="password"]').fill('vad som helst');
  await eva.getByRole('button', { name: 'Sign-in' }).click();
  await eva.waitForURL(`${baseUrl}/cycles/${key.obligationId}/${key.period}`);
  const row = eva.getByRole('row', { name: /Omsorgsförvaltningen/ });
  await row.getByText('Förläng eller undanta').click();
  await row.getByLabel('Skäl att undanta').fill('Omorganisation under året');
  await row.getByRole('button', { name: /Undanta/ }).click();
  await eva.getByText('Omsorgsförvaltningen är undantagen.').waitFor();
  const history = (await eva.locator('section[aria-labelledby="history-title"]').textContent()) ?? '';
  expect(history).toContain('Eva Lind (eva.lind@solna.example)');
  expect(history).toMatch(/Undantog: Omsorgsförvaltningen/);
  await checkPage(eva, 'cycle-exempted-by-sso');

  // Eva closes the cycle; the reader reads the compiled report.
  await eva.getByLabel(/Jag förstår att rapporten sammanställs/).check();
  await eva.getByRole('button', { name: 'Stäng uppföljningen nu' }).click();
  await eva.getByText('Uppföljningen stängs och rapporten sammanställs.').waitFor();
  await until(async () => ((await reader.request.get(`${baseUrl}/cycles/${key.obligationId}/${key.period}/report.html`)).status() === 200 ? true : undefined), 'the report');
  await reader.goto(`${baseUrl}/cycles/${key.obligationId}/${key.period}/report.html`);
  await reader.getByRole('heading', { level: 1, name: /Uppföljning av Solna stads internationella policy 2025/ }).waitFor();
  expect(await reader.locator('body').textContent()).toContain('Omsorgsförvaltningen');
  // The PDF for the register and the agenda, downloaded from the cycle's page as a reader does.
  await reader.goto(`${baseUrl}/cycles/${key.obligationId}/${key.period}`);
  const [download] = await Promise.all([reader.waitForEvent('download'), reader.getByRole('link', { name: 'Ladda ner för diariet och dagordningen (PDF)' }).click()]);
  expect(download.suggestedFilename()).toBe(`solna-annual-follow-up-${key.period}.pdf`);
  const saved = path.join(mkdtempSync(path.join(tmpdir(), 'followup-download-')), download.suggestedFilename());
  await download.saveAs(saved);
  const pdf = readPdf(saved);
  expect(pdf.info.Title).toBe(`Uppföljning av Solna stads internationella policy ${key.period}`);
  expect(pdf.pages.map((p) => p.text).join(' ')).toContain('Omsorgsförvaltningen');
});
