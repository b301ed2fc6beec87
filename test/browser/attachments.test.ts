/// <reference lib="dom" />
/**
 * Files attached to an answer, in a real Chromium against the real web, a real clamd (with its own
 * EICAR signature) and the database of record: a contact attaches a PDF and a spreadsheet and sees
 * them in the receipt; the EICAR file and a picture named .pdf are refused beside the field with
 * the rest of the form kept; the secretariat downloads the files as they were sent and finds them
 * listed in the compiled report. axe-core checks the form with its files and its error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { cycleInfo, startCycle } from '../../client/cycles';
import { parseConfigText } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp } from '../../web/app';
import { launchChromium, pageChecks } from '../helpers/browser';
import { EICAR, startTestClamd, type TestClamd } from '../helpers/clamav';
import { freePort, SOLNA_CONFIG, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { answerLinkIn, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'filer i webbläsaren prövas';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const { checkPage, summary } = pageChecks('attachments-');

function solnaWithAppendices() {
  const doc = parse(readFileSync(SOLNA_CONFIG, 'utf8')) as { obligations: { id: string; questionnaire: unknown[] }[] };
  doc.obligations
    .find((o) => o.id === 'annual-follow-up')!
    .questionnaire.push({
      id: 'appendices',
      type: 'file',
      label: { sv: 'Bilagor: nämndens protokoll och budget', en: "Appendices: the board's minutes and budget" },
      accept: ['pdf', 'docx', 'xlsx', 'odt'],
      maxFiles: 3,
    });
  return parseConfigText(stringify(doc), 'solna-with-appendices.yaml');
}
const config = solnaWithAppendices();

const minutes = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Omsorgsnämndens protokoll\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let testbed: RecordsTestbed;
let clamd: TestClamd;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let budget: Buffer;

beforeAll(async () => {
  [testbed, clamd, browser] = await Promise.all([startRecordsTestbed({ configs: [config] }), startTestClamd(), launchChromium()]);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), publicBaseUrl: baseUrl, records: testbed.records, scanner: clamd.scanner });
  await app.listen({ host: '127.0.0.1', port });
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Budget').addRows([['Post', 'Kronor'], ['Resor', 42_000]]);
  budget = Buffer.from(await book.xlsx.writeBuffer());
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await testbed.smtp.waitFor(7, 60_000);
});

afterAll(async () => {
  console.log(summary());
  await browser?.close();
  await app?.close();
  await testbed?.close();
  await clamd?.stop();
});

const linkOf = (address: string) => `${baseUrl}${new URL(answerLinkIn(testbed.smtp.to(address)[0]!.mail.text ?? '')).pathname}`;

test('a contact attaches a PDF and a spreadsheet; malware and a false name are refused beside the field; the secretariat downloads them and finds them in the report', async () => {
  const contact = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await contact.goto(linkOf('karin.sandberg@solna.example'));
  await contact.getByLabel('Pågående EU-projekt').fill('Inga EU-projekt i år');
  await contact.getByLabel('Övrigt internationellt arbete').fill('Vänort i Tartu');
  await contact.getByLabel('Konkreta effekter').fill('Nya kontakter');
  const files = contact.getByLabel('Bilagor: nämndens protokoll och budget');

  // The EICAR test file inside a PDF: clamd finds it; everything typed stays.
  await files.setInputFiles([{ name: 'protokoll.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([minutes, EICAR]) }]);
  await contact.getByRole('button', { name: 'Skicka svar' }).click();
  await contact.locator('#error-appendices', { hasText: '”protokoll.pdf” togs inte emot: virussökningen hittade skadlig kod i den.' }).waitFor();
  expect(await contact.getByLabel('Övrigt internationellt arbete').inputValue()).toBe('Vänort i Tartu');
  await checkPage(contact, 'malware-refused');

  // A picture named .pdf, where pictures are not taken.
  await files.setInputFiles([{ name: 'budget.pdf', mimeType: 'application/pdf', buffer: PNG }]);
  await contact.getByRole('button', { name: 'Skicka svar' }).click();
  await contact.locator('#error-appendices', { hasText: '”budget.pdf” är inte en fil av de slag som tas emot' }).waitFor();
  expect(await contact.getByLabel('Konkreta effekter').inputValue()).toBe('Nya kontakter');

  // The real files: both taken, and named in the receipt.
  await files.setInputFiles([
    { name: 'protokoll.pdf', mimeType: 'application/pdf', buffer: minutes },
    { name: 'budget 2025.xlsx', mimeType: XLSX, buffer: budget },
  ]);
  await contact.getByRole('button', { name: 'Skicka svar' }).click();
  await contact.waitForURL(/\/receipt\?lang=sv$/);
  await contact.getByText('protokoll.pdf (').waitFor();
  await contact.getByText('budget 2025.xlsx (').waitFor();
  await checkPage(contact, 'receipt');

  // Back in the form to correct the answer: the files are there, to keep or remove.
  await contact.getByRole('link', { name: 'Rätta svaret' }).click();
  expect(await contact.getByRole('checkbox', { name: /Behåll protokoll\.pdf/ }).isChecked()).toBe(true);
  await checkPage(contact, 'form-with-files');

  // The secretariat downloads each file as it was sent.
  const office = await (await browser.newContext({ locale: 'sv-SE', acceptDownloads: true })).newPage();
  await office.goto(`${baseUrl}/login`);
  await office.getByLabel('Användarnamn').fill('sekretariatet');
  await office.getByLabel('Lösenord').fill(PASSWORD);
  await office.getByRole('button', { name: 'Logga in' }).click();
  await office.waitForURL(`${baseUrl}/dashboard`);
  await office.goto(`${baseUrl}/cycles/annual-follow-up/2025/units/omsorg/versions`);
  for (const [name, bytes] of [['protokoll.pdf', minutes], ['budget 2025.xlsx', budget]] as const) {
    const [download] = await Promise.all([office.waitForEvent('download'), office.getByRole('link', { name: new RegExp(`^${name.replace('.', '\\.')} \\(`) }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    expect(Buffer.compare(readFileSync((await download.path())!), bytes)).toBe(0);
  }
  await checkPage(office, 'versions-with-files');

  // Closed, the report lists both by name, kind, size and SHA-256.
  await office.goto(`${baseUrl}/cycles/annual-follow-up/2025`);
  await office.getByLabel(/Jag förstår/).check();
  await office.getByRole('button', { name: 'Stäng uppföljningen nu' }).click();
  const report = await until(async () => (await cycleInfo(testbed.env.client, key)).report, 'the report compiled', 120_000);
  const markdown = await testbed.tw.archive.read(report.markdown);
  for (const [name, bytes] of [['protokoll.pdf', minutes], ['budget 2025.xlsx', budget]] as const) {
    expect(markdown).toContain(`${name} (`);
    expect(markdown).toContain(`SHA-256 ${createHash('sha256').update(bytes).digest('hex')}`);
  }
  expect(markdown).toContain('Excel (XLSX)');
});
