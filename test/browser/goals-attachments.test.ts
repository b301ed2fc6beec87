/// <reference lib="dom" />
/**
 * Files attached to a project's goals, in a real Chromium against the real web, a real clamd (with
 * its own EICAR signature) and the database of record: the owner attaches the EICAR file in the
 * goals form and it is refused beside the field with everything typed kept; a PDF is taken and
 * named when the goals are in; the secretariat sees it in the goals' version on the project's
 * page and downloads it as it was sent; the project's record (CSV) names it with its SHA-256, and
 * the year's archive package holds it beside the goals version (and still validates against
 * ERMS_v3.xsd). axe-core checks the pages.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { validateXML } from 'xmllint-wasm';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { projectStatus, registerProject } from '../../client/projects';
import { ERMS_FILE_NAME } from '../../records/archive-package';
import { exportYearPackage } from '../../records/year-package';
import { buildWebApp } from '../../web/app';
import { launchChromium, pageChecks } from '../helpers/browser';
import { configWithFileField, EICAR, pdfWith, startTestClamd, type TestClamd } from '../helpers/clamav';
import { freePort, PROJECT_ROOT, SOLNA_CONFIG, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'målens filer prövas i webbläsaren';
const PROJECT = 'erasmus-tartu-2027';
const config = configWithFileField(SOLNA_CONFIG, 'project-goals', {
  id: 'plan',
  label: { sv: 'Projektets ansökan eller plan', en: "The project's application or plan" },
  accept: ['pdf', 'docx'],
  maxFiles: 2,
});
const { checkPage, summary } = pageChecks('goals-attachments-');
const application = pdfWith('Ansökan till Erasmus+ 2027');

let testbed: RecordsTestbed;
let clamd: TestClamd;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  [testbed, clamd, browser] = await Promise.all([startRecordsTestbed({ configs: [config] }), startTestClamd(), launchChromium()]);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), publicBaseUrl: baseUrl, records: testbed.records, scanner: clamd.scanner });
  await app.listen({ host: '127.0.0.1', port });
  await registerProject(
    testbed.env.client,
    testbed.tw.taskQueue,
    config,
    { id: PROJECT, title: 'Erasmus+ Skolutbyte Tartu', unitId: 'barn-utbildning', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart: '2027-03-01', partners: ['Tartu linn'], euFunded: true, stage: 'project' },
    'project-goals',
    'test',
  );
});

afterAll(async () => {
  console.log(summary());
  await browser?.close();
  await app?.close();
  await testbed?.close();
  await clamd?.stop();
});

const goalsLink = async () => {
  const asked = await until(() => testbed.smtp.to('pia.lund@solna.example')[0], 'the goals request');
  const link = /(https?:\/\/\S+\/goals\/[A-Za-z0-9_.-]+)/.exec(asked.mail.text ?? '')?.[1];
  if (!link) throw new Error(`No goals link in: ${asked.mail.text}`);
  return `${baseUrl}${new URL(link).pathname}`;
};

test("the owner attaches the project's application to the goals; malware is refused beside the field; the secretariat downloads the file and finds it in the record and the archive package", async () => {
  const owner = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await owner.goto(await goalsLink());
  await owner.getByRole('heading', { name: /Erasmus\+ Skolutbyte Tartu/ }).waitFor();
  const typed: [string, string][] = [
    ['#field-purpose', 'Elevutbyte för språk och demokrati'],
    ['#field-goals', '60 elever deltar i utbyte under 2027'],
    ['#field-activities', 'Två utbytesveckor, digitala lektioner'],
    ['#field-partner_commitments', 'Tartu tar emot 30 elever; Solna tar emot 30'],
    ['#field-timetable', 'Vecka 12 och vecka 40, 2027'],
    ['#field-evaluation', 'Enkät till elever och lärare'],
  ];
  for (const [field, value] of typed) await owner.locator(field).fill(value);
  const files = owner.getByLabel('Projektets ansökan eller plan');

  // The EICAR test file inside a PDF: clamd finds it; the error is beside the field and everything typed stays.
  await files.setInputFiles([{ name: 'ansokan.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([application, EICAR]) }]);
  await owner.getByRole('button', { name: 'Skicka svar' }).click();
  await owner.locator('#error-plan', { hasText: '”ansokan.pdf” togs inte emot: virussökningen hittade skadlig kod i den.' }).waitFor();
  for (const [field, value] of typed) expect(await owner.locator(field).inputValue()).toBe(value);
  await checkPage(owner, 'malware-refused');
  expect(await testbed.records.selectFrom('goals_attachments').select('name').execute()).toEqual([]);

  // The real application: taken, and named once the goals are in.
  await files.setInputFiles([{ name: 'ansokan.pdf', mimeType: 'application/pdf', buffer: application }]);
  await owner.getByRole('button', { name: 'Skicka svar' }).click();
  await owner.getByText(/väntar på sekretariatets granskning/).waitFor();
  await owner.getByText('ansokan.pdf (').waitFor();
  await checkPage(owner, 'goals-received');
  const held = await testbed.records.selectFrom('goals_attachments').select(['id', 'project', 'obligation', 'uploaded_by', 'sha256']).execute();
  expect(held).toEqual([{ id: expect.any(String), project: PROJECT, obligation: 'project-goals', uploaded_by: 'owner', sha256: createHash('sha256').update(application).digest('hex') }]);
  expect((await projectStatus(testbed.env.client, 'solna', PROJECT)).goals?.values.plan).toBe(held[0]!.id);

  // The secretariat sees the file in the goals' version on the project's page and downloads it as it was sent.
  const office = await (await browser.newContext({ locale: 'sv-SE', acceptDownloads: true })).newPage();
  await office.goto(`${baseUrl}/login`);
  await office.getByLabel('Användarnamn').fill('sekretariatet');
  await office.getByLabel('Lösenord').fill(PASSWORD);
  await office.getByRole('button', { name: 'Logga in' }).click();
  await office.waitForURL(`${baseUrl}/dashboard`);
  await office.goto(`${baseUrl}/projects/${PROJECT}`);
  await until(async () => {
    await office.reload();
    return (await office.getByText('Projektets ansökan eller plan').count()) > 0 || undefined;
  }, 'the goals on record');
  await office.locator('dd', { hasText: /^ansokan\.pdf \(/ }).first().waitFor();
  const [download] = await Promise.all([office.waitForEvent('download'), office.getByRole('link', { name: /^ansokan\.pdf \(PDF, / }).click()]);
  expect(download.suggestedFilename()).toBe('ansokan.pdf');
  expect(Buffer.compare(readFileSync((await download.path())!), application)).toBe(0);
  await checkPage(office, 'project-with-files');

  // The project's record names the file by its name, kind, size and SHA-256.
  const record = await office.request.get(`${baseUrl}/projects/${PROJECT}/record?format=csv`);
  expect(await record.text()).toContain(`ansokan.pdf (PDF, ${application.length} B, SHA-256 ${createHash('sha256').update(application).digest('hex')})`);

  // The year's archive package holds it beside the goals version, byte for byte.
  // The newest version of the project's case, with the goals in: the year it is on record under.
  const year = await until(
    async () => (await testbed.records.selectFrom('case_records').select('year').where('kind', '=', 'project').where('case_id', '=', PROJECT).orderBy('at', 'desc').executeTakeFirst())?.year ?? undefined,
    'the project on record',
  );
  const exported = await exportYearPackage({ records: testbed.records, archive: testbed.tw.archive, config, year, exportedAt: new Date() });
  const zip = await JSZip.loadAsync(exported.zip);
  const ermsXml = await zip.file(ERMS_FILE_NAME)!.async('string');
  const validation = await validateXML({ xml: [{ fileName: ERMS_FILE_NAME, contents: ermsXml }], schema: [{ fileName: 'ERMS_v3.xsd', contents: readFileSync(path.join(PROJECT_ROOT, '../shared/schemas/ERMS_v3.xsd'), 'utf8') }] });
  expect(validation.errors).toEqual([]);
  const appendix = Object.keys(zip.files).find((name) => name.includes(PROJECT) && name.endsWith('.pdf') && /ansokan/.test(name));
  expect(appendix).toBeDefined();
  expect(Buffer.compare(Buffer.from(await zip.file(appendix!)!.async('uint8array')), application)).toBe(0);
});
