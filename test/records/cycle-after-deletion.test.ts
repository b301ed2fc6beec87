/**
 * A cycle's record outlives its workflows (issue 31): on the real dev server and npm start's
 * database (PGlite over the wire protocol), Solna's annual follow-up asks its units; one answers and
 * then corrects its answer; the secretariat closes the cycle early and the report is compiled and
 * mailed. Then every workflow of the cycle (the cycle's and each unit's) is deleted through
 * Temporal's API, as the namespace's retention does. Signed in as the secretariat, the cycle's page
 * still lists every unit with its state, the report downloads with the bytes that were mailed (and
 * the SHA-256 on record), the answers export as CSV and XLSX shows the answers and every version,
 * the unit's page shows both versions with who sent each, and the cycle's mail log shows the
 * requests and the report's delivery: all read from the database of record.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { reportBase } from '../../activities/archive';
import { cycleWorkflowId, unitWorkflowId, type CycleKey } from '../../domain/ids';
import { caseOnRecord } from '../../records/cases';
import { recordFile } from '../../records/files';
import type { CycleOverview } from '../../domain/types';
import { obligationOf } from '../../config/schema';
import { buildWebApp } from '../../web/app';
import { until } from '../helpers/environment';
import { deleteHistory, startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(120_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const base = `/cycles/${key.obligationId}/${key.period}`;
const first = { eu_projects: 'Inga', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };
const corrected = { ...first, effects: 'Nya kontakter och ett gemensamt projekt med Tartu' };

let testbed: RecordsTestbed;
let app: FastifyInstance;

beforeAll(async () => {
  testbed = await startRecordsTestbed();
  app = await buildWebApp({ ...(await testWebDeps(testbed.tw.configs[0]!, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

/** The page's text without its markup, its spaces made one. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test("after every workflow of a closed cycle is deleted, its page, report, answers (every version) and mail log are read from the record", async () => {
  const { client } = testbed.env;
  const config = testbed.tw.configs[0]!;
  const asked = obligationOf(config, 'periodic-data-call', key.obligationId).units;
  const unitIds = config.units.map((u) => u.id).filter((id) => !asked || asked.includes(id));

  await startCycle(client, testbed.tw.taskQueue, key, 'test');
  await until(() => (testbed.smtp.received.filter((m) => m.messageId.includes('.request.')).length >= unitIds.length ? true : undefined), 'the requests', 60_000);
  await submitAnswer(client, key, 'omsorg', first, 'contact', 'form-1');
  await submitAnswer(client, key, 'omsorg', corrected, 'contact', 'form-2');
  await closeCycle(client, key, 'closed early in the test', 'Anna Berg (anna.berg)');
  await client.workflow.getHandle(cycleWorkflowId(key)).result();

  // The report as it was mailed to the council.
  const reportMail = await until(() => testbed.smtp.received.find((m) => m.messageId.includes('.report.')), 'the report mailed');
  const mailedPdf = reportMail.mail.attachments.find((a) => a.filename?.endsWith('.pdf'));
  expect(mailedPdf).toBeDefined();
  const kept = await caseOnRecord<CycleOverview>(testbed.records, 'solna', 'cycle', 'annual-follow-up/2025');
  expect(kept).toMatchObject({ year: 2025, title: expect.stringContaining('2025'), state: { phase: 'closed', report: { pdf: `${reportBase(key)}.pdf` } } });
  expect(kept!.state.history?.map((h) => h.what)).toEqual(['started', 'closed']);

  // As the namespace's retention does once the workflows have closed: the units', then the cycle's.
  // The server deletes in the background, once the workflow's closing is through; asked again until it is gone.
  for (const workflowId of [...unitIds.map((u) => unitWorkflowId(key, u)), cycleWorkflowId(key)]) await deleteHistory(testbed.env, workflowId, 60_000);

  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);

  // The overview still leads to the cycle.
  expect((await secretariat.get('/dashboard')).body).toContain(`href="${base}"`);

  // The cycle's page: every unit with its state as the cycle closed, from the record.
  const page = await secretariat.get(base);
  expect(page.statusCode).toBe(200);
  const shown = textOf(page.body);
  expect(shown).toContain('Cykelns arbetsflöden finns inte längre i Temporal');
  for (const id of unitIds) expect(shown).toContain(config.units.find((u) => u.id === id)!.name.sv);
  const omsorgRow = textOf(/<tr>\s*<th scope="row">Omsorgsförvaltningen<\/th>[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '');
  expect(omsorgRow).toContain('besvarad');
  expect(shown.match(/har inte svarat/g)?.length).toBeGreaterThanOrEqual(unitIds.length - 1);
  expect(shown).toContain('Anna Berg (anna.berg)');
  expect(page.body).toContain(`href="${base}/report.pdf?download=1"`);
  expect(page.body).toContain(`href="${base}/units/omsorg/versions"`);
  expect(page.body).toContain(`href="${base}/mail-log"`);

  // The report: the bytes that were mailed, with the checksum on record.
  const pdf = await secretariat.get(`${base}/report.pdf?download=1`);
  expect(pdf.statusCode).toBe(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect(sha256(pdf.rawPayload)).toBe(sha256(mailedPdf!.content));
  expect((await recordFile(testbed.records, `${reportBase(key)}.pdf`))?.sha256).toBe(sha256(pdf.rawPayload));
  expect(textOf((await secretariat.get(`${base}/report.html`)).body)).toContain('Omsorgsförvaltningen');

  // The answers as CSV and XLSX: the corrected answer, and in the workbook every version.
  const csv = await secretariat.get(`${base}/answers.csv`);
  expect(csv.statusCode).toBe(200);
  const rows = parse(csv.body.replace(/^\uFEFF/, ''), { delimiter: ';', relax_column_count: true }) as string[][];
  const omsorgCsv = rows.find((r) => r[0] === 'omsorg');
  expect(omsorgCsv).toEqual(expect.arrayContaining(['Svarat', corrected.effects]));
  const xlsx = await secretariat.get(`${base}/answers.xlsx`);
  expect(xlsx.statusCode).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  const answersSheet = book.getWorksheet('Svar')!;
  const sheetValues = (sheet: ExcelJS.Worksheet) => sheet.getSheetValues().filter(Boolean).map((r) => (r as ExcelJS.CellValue[]).slice(1).map((c) => (c instanceof Date ? c.toISOString() : String(c ?? ''))));
  expect(sheetValues(answersSheet).find((r) => r[0] === 'omsorg')).toEqual(expect.arrayContaining([corrected.effects]));
  const versions = sheetValues(book.getWorksheet('Alla versioner')!).filter((r) => r[0] === 'omsorg');
  expect(versions.map((r) => [r[2], r[4], r[5]])).toEqual([
    ['1', 'kontaktpersonen', 'form-1'],
    ['2', 'kontaktpersonen', 'form-2'],
  ]);
  expect(versions[0]).toContain(first.effects);
  expect(versions[1]).toContain(corrected.effects);

  // The unit's answers, every version, who sent each.
  const unitPage = textOf((await secretariat.get(`${base}/units/omsorg/versions`)).body);
  expect(unitPage).toContain('Svar från Omsorgsförvaltningen, alla versioner');
  expect(unitPage).toMatch(/Version 2: .+, av kontaktpersonen/);
  expect(unitPage).toMatch(/Version 1: .+, av kontaktpersonen/);
  expect(unitPage).toContain(first.effects);
  expect(unitPage).toContain(corrected.effects);
  expect(unitPage.indexOf('Version 2')).toBeLessThan(unitPage.indexOf('Version 1'));

  // The form for recording an answer leads there once the unit's workflow is gone; in English too.
  expect((await secretariat.get(`${base}/units/omsorg/answer`)).headers.location).toBe(`${base}/units/omsorg/versions`);
  const inEnglish = textOf((await secretariat.get(`${base}/units/omsorg/versions?lang=en`)).body);
  expect(inEnglish).toContain('Answers from Omsorgsförvaltningen, every version'.replace('Omsorgsförvaltningen', config.units.find((u) => u.id === 'omsorg')!.name.en));
  expect(inEnglish).toMatch(/Version 2: .+, by the contact person/);
  expect(textOf((await secretariat.get(`${base}?lang=en`)).body)).toContain("The cycle's workflows are no longer in Temporal");

  // The cycle's mail log: every request and the report's delivery, with their outcomes.
  const mailLog = textOf((await secretariat.get(`${base}/mail-log?lang=sv`)).body);
  expect(mailLog).toContain('E-postlogg: ');
  expect(mailLog.match(/Förfrågan/g)?.length).toBeGreaterThanOrEqual(unitIds.length);
  expect(mailLog).toContain('Rapporten');
  expect(mailLog).toContain('Kvitto');
  for (const address of reportMail.envelopeTo) expect(mailLog).toContain(address.toLowerCase());
  expect(mailLog).toContain('levererat');
  expect(textOf((await secretariat.get(`${base}/mail-log?lang=en`)).body)).toContain('The report');
});
