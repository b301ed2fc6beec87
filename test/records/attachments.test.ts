/**
 * Files attached to an answer, through the real answer form posted as multipart, checked by their
 * content, scanned by a real clamd (its own signature database, with the EICAR test signature) and
 * kept in the database of record: a PDF is taken, shown in the receipt, downloadable by the
 * secretariat with the same bytes and listed in the compiled report with its SHA-256 (and so in the
 * export of the answers, and as an appendix in the year's archive package, which validates); the EICAR
 * file, a PNG named .pdf where pictures are not taken and a file too large are each refused beside
 * the field, everything else typed kept.
 */
import { createHash } from 'node:crypto';
import { Document, Packer, Paragraph } from 'docx';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { validateXML } from 'xmllint-wasm';
import { ERMS_FILE_NAME } from '../../records/archive-package';
import { exportYearPackage } from '../../records/year-package';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parse, stringify } from 'yaml';
import { closeCycle, cycleInfo, startCycle, unitStatus } from '../../client/cycles';
import { parseConfigText } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp } from '../../web/app';
import { createClamdScanner } from '../../web/clamd';
import { NoMalwareScannerError } from '../../web/uploads';
import { EICAR, startTestClamd, type TestClamd } from '../helpers/clamav';
import { PROJECT_ROOT, SOLNA_CONFIG, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { answerLinkIn, csrfOf, FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'bifogade filer prövas';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };

/** Solna's annual follow-up with a field for the board's minutes: documents, not pictures, at most 50 kB and two files. */
function solnaWithMinutes() {
  const doc = parse(readFileSync(SOLNA_CONFIG, 'utf8')) as { obligations: { id: string; questionnaire: unknown[] }[] };
  doc.obligations
    .find((o) => o.id === 'annual-follow-up')!
    .questionnaire.push({
      id: 'minutes',
      type: 'file',
      label: { sv: 'Nämndens protokoll', en: "The board's minutes" },
      accept: ['pdf', 'docx', 'xlsx', 'odt'],
      maxSize: 0.05,
      maxFiles: 2,
    });
  return parseConfigText(stringify(doc), 'solna-with-minutes.yaml');
}
const config = solnaWithMinutes();

/** A small PDF, with a line of its own so that each is another file. */
const pdf = (line: string) => Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${line}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const typed = { eu_projects: 'Inga EU-projekt i år', other_work: 'Vänort i Tartu', effects: 'Nya kontakter' };

let testbed: RecordsTestbed;
let clamd: TestClamd;
let app: FastifyInstance;

beforeAll(async () => {
  [testbed, clamd] = await Promise.all([startRecordsTestbed({ configs: [config] }), startTestClamd()]);
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records, scanner: clamd.scanner });
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await testbed.smtp.waitFor(7, 60_000);
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
  await clamd?.stop();
});

const linkOf = (address: string) => new URL(answerLinkIn(testbed.smtp.to(address)[0]!.mail.text ?? '')).pathname;

/** The answer form as a browser posts it with files: multipart/form-data, with the page's token and submission id. */
async function postWithFiles(browser: FormSession, url: string, fields: Record<string, string>, files: { name: string; content: Buffer }[], formUrl = url): Promise<LightMyRequestResponse> {
  const form = await browser.get(formUrl);
  expect(form.body).toContain('enctype="multipart/form-data"');
  const boundary = `----followup${Date.now()}`;
  const parts: Buffer[] = [];
  const submission = /name="submission" value="([0-9a-f-]{36})"/.exec(form.body)?.[1];
  const all = { _csrf: csrfOf(form.body), lang: 'sv', ...(submission ? { submission } : {}), action: 'submit', ...fields };
  for (const [name, value] of Object.entries(all)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const file of files) {
    // The browser's own guess at the type, from the name: the server reads the content instead.
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="minutes"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`), file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return app.inject({ method: 'POST', url, cookies: Object.fromEntries(browser.cookies), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) });
}

/** The error beside the file field, and what was typed into the other fields still in the form. */
function refusedBesideField(response: LightMyRequestResponse, message: RegExp) {
  expect(response.statusCode).toBe(400);
  const beside = /<p class="error" id="error-minutes">([^<]*)<\/p>/.exec(response.body);
  expect(beside?.[1]).toMatch(message);
  expect(response.body).toContain('>Inga EU-projekt i år</textarea>');
  expect(response.body).toContain('>Vänort i Tartu</textarea>');
}

test('the EICAR file, a PNG named .pdf and a file too large are refused beside the field, the rest of the form kept', async () => {
  const url = linkOf('mikael.oberg@solna.example');
  const contact = new FormSession(app);

  // The EICAR test signature in a file that is a PDF by its content: clamd finds it.
  const infected = await postWithFiles(contact, url, typed, [{ name: 'eicar.pdf', content: Buffer.concat([pdf('test'), EICAR]) }]);
  refusedBesideField(infected, /^Nämndens protokoll: ”eicar\.pdf” togs inte emot: virussökningen hittade skadlig kod i den\./);

  const falseName = await postWithFiles(contact, url, typed, [{ name: 'budget.pdf', content: PNG }]);
  refusedBesideField(falseName, /^Nämndens protokoll: ”budget\.pdf” är inte en fil av de slag som tas emot \(PDF, Word \(DOCX\), Excel \(XLSX\), OpenDocument text \(ODT\)\)\./);

  const large = await postWithFiles(contact, url, typed, [{ name: 'stor.pdf', content: Buffer.concat([pdf('stor'), Buffer.alloc(60 * 1024, 0x20)]) }]);
  refusedBesideField(large, /^Nämndens protokoll: ”stor\.pdf” är för stor; en fil får vara högst 51 kB\./);

  // Nothing was answered and nothing kept on record for the unit.
  expect((await unitStatus(testbed.env.client, key, 'tekniska')).answer).toBeUndefined();
  expect(await testbed.records.selectFrom('answer_attachments').select('name').where('unit', '=', 'tekniska').execute()).toEqual([]);
});

test('without clamd no file is taken: the web does not start without a scanner, and a scanner that does not answer means "try again later"', async () => {
  const deps = { ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records };
  await expect(buildWebApp(deps)).rejects.toThrow(NoMalwareScannerError);
  await expect(buildWebApp(deps)).rejects.toThrow(/set FOLLOWUP_CLAMD \(where clamd listens: \/run\/clamav\/clamd\.ctl or host:port\)/);
  const unreachable = await buildWebApp({ ...deps, scanner: createClamdScanner(`${clamd.address}.gone`), logger: false });
  try {
    const url = linkOf('mikael.oberg@solna.example');
    const contact = new FormSession(unreachable);
    const form = await contact.get(url);
    expect(form.statusCode).toBe(200);
    const boundary = 'followup-boundary';
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const payload = Buffer.concat([
      Buffer.from([field('_csrf', csrfOf(form.body)), field('lang', 'en'), field('action', 'submit'), ...Object.entries(typed).map(([n, v]) => field(n, v))].join('')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="minutes"; filename="plan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      pdf('plan'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const sent = await unreachable.inject({ method: 'POST', url, cookies: Object.fromEntries(contact.cookies), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(sent.statusCode).toBe(400);
    expect(/<p class="error" id="error-minutes">([^<]*)<\/p>/.exec(sent.body)?.[1]).toBe(
      'The board&#x27;s minutes: &quot;plan.pdf&quot; could not be scanned for malware just now and was not accepted. Try again in a while; what you typed is kept.',
    );
    expect(sent.body).toContain('>Vänort i Tartu</textarea>');
  } finally {
    await unreachable.close();
  }
});

test('the secretariat records a unit\'s answer with a Word document the unit mailed, and it is kept as Word, told apart from other zip files', async () => {
  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  const word = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Kultur- och fritidsnämndens protokoll')] }] }));
  const formUrl = '/cycles/annual-follow-up/2025/units/kultur-fritid/answer';
  const recorded = await postWithFiles(secretariat, formUrl, typed, [{ name: 'protokoll', content: word }]);
  expect(recorded.statusCode).toBe(303);
  const [kept] = await testbed.records.selectFrom('answer_attachments').select(['name', 'media_type', 'uploaded_by', 'id']).where('unit', '=', 'kultur-fritid').execute();
  expect(kept).toMatchObject({ name: 'protokoll.docx', media_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', uploaded_by: 'Sekretariatet (sekretariatet)' });
  expect((await unitStatus(testbed.env.client, key, 'kultur-fritid')).answer).toMatchObject({ by: 'secretariat', values: { minutes: kept!.id } });
});

test('a PDF is taken, shown in the receipt, downloaded by the secretariat as sent and listed in the report with its SHA-256', async () => {
  const url = linkOf('karin.sandberg@solna.example');
  const minutes = pdf('Omsorgsnämndens protokoll 2025-03-12');
  const contact = new FormSession(app);
  const sent = await postWithFiles(contact, url, typed, [{ name: 'Protokoll nämnd 2025.pdf', content: minutes }]);
  expect(sent.statusCode).toBe(303);
  const receipt = await contact.get(sent.headers.location as string);
  expect(receipt.body).toContain('Protokoll nämnd 2025.pdf');
  // The answer holds the attachment's id, not its bytes.
  const answer = (await unitStatus(testbed.env.client, key, 'omsorg')).answer!;
  expect(String(answer.values.minutes)).toMatch(/^[0-9a-f-]{36}$/);

  // The secretariat finds it on the unit's page of answers and downloads the very bytes.
  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  const versions = await secretariat.get('/cycles/annual-follow-up/2025/units/omsorg/versions');
  const link = /<a href="([^"]+\/attachments\/[0-9a-f-]{36})" download>Protokoll nämnd 2025\.pdf \(PDF, /.exec(versions.body);
  expect(link).not.toBeNull();
  const download = await secretariat.get(link![1]!);
  expect(download.statusCode).toBe(200);
  expect(download.headers['content-type']).toBe('application/pdf');
  expect(download.headers['content-disposition']).toBe(`attachment; filename="Protokoll namnd 2025.pdf"; filename*=UTF-8''Protokoll%20n%C3%A4mnd%202025.pdf`);
  expect(Buffer.compare(download.rawPayload, minutes)).toBe(0);
  // Not for whoever holds only the contact's link.
  expect((await contact.get(link![1]!)).statusCode).not.toBe(200);

  await closeCycle(testbed.env.client, key, 'test', 'test');
  const report = await until(async () => (await cycleInfo(testbed.env.client, key)).report, 'the report compiled', 120_000);
  const markdown = await testbed.tw.archive.read(report.markdown);
  const sha256 = createHash('sha256').update(minutes).digest('hex');
  expect(markdown).toContain(`Protokoll nämnd 2025.pdf (PDF, ${minutes.length} B, SHA-256 ${sha256})`);

  // The export of the answers names the file the same way, not by its id.
  const csv = await secretariat.get('/cycles/annual-follow-up/2025/answers.csv');
  expect(csv.statusCode).toBe(200);
  expect(csv.body).toContain(`Protokoll nämnd 2025.pdf (PDF, ${minutes.length} B, SHA-256 ${sha256})`);
  expect(csv.body).not.toContain(String(answer.values.minutes));

  // The year's archive package holds the file as sent, beside the answer's record, with its SHA-256; erms.xml still validates.
  const exported = await exportYearPackage({ records: testbed.records, archive: testbed.tw.archive, config, year: 2025, exportedAt: new Date('2026-01-20T09:00:00Z') });
  const zip = await JSZip.loadAsync(exported.zip);
  const ermsXml = await zip.file(ERMS_FILE_NAME)!.async('string');
  const validation = await validateXML({ xml: [{ fileName: ERMS_FILE_NAME, contents: ermsXml }], schema: [{ fileName: 'ERMS_v3.xsd', contents: readFileSync(path.join(PROJECT_ROOT, '../shared/schemas/ERMS_v3.xsd'), 'utf8') }] });
  expect(validation.errors).toEqual([]);
  const appendix = /<appendix name="Protokoll nämnd 2025\.pdf" path="file:\/\/\/([^"]+)" fileFormat="application\/pdf"/.exec(ermsXml);
  expect(appendix).not.toBeNull();
  expect(Buffer.compare(Buffer.from(await zip.file(appendix![1]!)!.async('uint8array')), minutes)).toBe(0);
  expect(ermsXml).toContain(`<value>${sha256}</value>`);
});
