/**
 * The compiled report as the council and the archive get it: a tagged PDF read back with Mozilla's
 * pdf.js, a Word document read back with mammoth, both from the same report as the HTML.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { buildReportContext } from '../../activities/report';
import { renderDocuments } from '../../activities/documents/render-elsewhere';
import { renderReportPdf } from '../../activities/documents/pdf';
import { reportDocument } from '../../activities/documents/report-document';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { UnitStatus } from '../../domain/types';
import { SOLNA_CONFIG } from '../helpers/environment';
import { readPdf, type PdfReading, type StructureNode } from '../helpers/pdf';
import { activitiesFor } from '../helpers/activities';
import { emptyRegister } from '../../activities/register-reader';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { VERAPDF_CLASSPATH, ensureVeraPdf } from '../../scripts/ensure-verapdf';

const solna = loadConfigFile(SOLNA_CONFIG);
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const plan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');

/** Answers as people write them: Swedish letters, quotes, semicolons, line breaks, a leading "=". */
export const AWKWARD = {
  eu_projects: 'Interreg Östersjö "Grön hamn"; partner i Åbo och Tallinn\nAnsökan till Erasmus+ för vuxenutbildning',
  other_work: '=SUMMA(A1:A3) skrevs av misstag; ändå kvar',
  effects: 'Två medarbetare har lärt sig nya arbetssätt; "kompetensväxling"\nRad två med ÅÄÖ åäö',
};

const roles = (node: StructureNode | null): string[] => (node ? [node.role, ...node.children.flatMap(roles)] : []);
const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

let smtp: TestSmtpServer;
let archiveDir: string;
let activities: ReturnType<typeof activitiesFor>;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-documents-'));
  activities = activitiesFor([solna], archiveDir, { smtpUrl: smtp.url, clock: () => new Date('2027-03-01T08:00:00Z') });
});
afterAll(() => smtp.close());

const outcome = (unitId: string, overrides: Partial<UnitStatus>): UnitStatus => ({ unitId, state: 'requested', closed: true, plan, remindersSentAt: [], mailProblems: [], ...overrides });

async function compiled() {
  const outcomes = [
    outcome('omsorg', { state: 'answered', answer: { values: AWKWARD, answeredAt: plan.opensAt, by: 'contact', revision: 1 } }),
    outcome('tekniska', { state: 'escalated', remindersSentAt: plan.reminderTimes, escalatedAt: plan.escalationAt }),
    // Typed in a browser (its text area sends "\r\n") and pasted from Word (a soft return).
    outcome('kultur-fritid', { state: 'answered', answer: { values: { ...AWKWARD, effects: 'Bibliotekets utbyte\r\nmed Tartu\voch Åbo' }, answeredAt: plan.opensAt, by: 'contact', revision: 1 } }),
  ];
  const parts = [await activities.stageOutcomes({ key, part: 0, outcomes })];
  return activities.compileReport({ key, closedAt: plan.closesAt, parts, at: '2027-03-02T10:00:00Z' });
}

describe('the report as a PDF', () => {
  let pdf: PdfReading;
  let bytes: Buffer;
  beforeAll(async () => {
    const report = await compiled();
    bytes = readFileSync(path.join(archiveDir, report.pdf!));
    pdf = readPdf(path.join(archiveDir, report.pdf!));
  });

  test('has its title, language and author, shown as the title in the viewer', () => {
    expect(pdf.info.Title).toBe('Uppföljning av Solna stads internationella policy 2026');
    expect(pdf.xmp.title).toBe(pdf.info.Title);
    expect(pdf.info.Language).toBe('sv-SE');
    expect(pdf.info.Author).toBe('Solna stad');
    expect(bytes.toString('latin1')).toMatch(/\/DisplayDocTitle true/);
  });

  test('is tagged: headings, lists and tables with header cells, in reading order', () => {
    expect(pdf.markInfo.Marked).toBe(true);
    const tree = roles(pdf.pages[0]!.structure);
    expect(tree.slice(0, 3)).toEqual(['Root', 'Document', 'H1']);
    for (const role of ['H2', 'H3', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'TR', 'TH', 'TD']) expect(tree).toContain(role);
    // The summary comes before the answers, as in the HTML.
    expect(tree.indexOf('H2')).toBeLessThan(tree.indexOf('Table'));
    expect(pdf.outline).toEqual(expect.arrayContaining(['Uppföljning av Solna stads internationella policy 2026', 'Efterlevnad i korthet', 'Svar per fråga', 'Svar per enhet']));
  });

  test('holds every answer as text that can be copied and searched', () => {
    const text = squeeze(pdf.pages.map((p) => p.text).join(' '));
    for (const value of Object.values(AWKWARD)) for (const line of value.split('\n')) expect(text).toContain(squeeze(line));
    expect(text).toContain('Har inte svarat: Tekniska förvaltningen');
    // The unit's own section says it as the summary, the status and the cycle page do.
    expect(text).toContain('Har inte svarat. Sista svarsdag');
    // Each line of what was typed with other line breaks is a line of its own.
    const lines = pdf.pages.flatMap((p) => p.text.split('\n'));
    expect(lines.some((l) => l.includes('med Tartu') && !l.includes('utbyte') && !l.includes('Åbo'))).toBe(true);
    expect(lines.join('')).not.toMatch(/[\r\v]/);
  });

  test('embeds its fonts and claims PDF/A-2a and PDF/UA-1', () => {
    const raw = bytes.toString('latin1');
    expect(raw).toContain('/FontFile2');
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
    expect(pdf.xmp.raw).toMatch(/<pdfaid:part>2<\/pdfaid:part>\s*<pdfaid:conformance>A<\/pdfaid:conformance>/);
    expect(pdf.xmp.raw).toMatch(/<pdfuaid:part>1<\/pdfuaid:part>/);
    // Page numbers are artifacts, outside the structure a screen reader follows.
    expect(pdf.pages[0]!.artifacts).toEqual(['Sida 1']);
    expect(pdf.pages.at(-1)!.artifacts).toEqual([`Sida ${pdf.numPages}`]);
  });
});

/** veraPDF's verdict per flavour: compliant, or the rules the file breaks. */
function veraPdf(file: string): { flavour: string; compliant: boolean; failures: { rule: string; description: string; count: number }[] }[] {
  const out = execFileSync('java', ['-XX:TieredStopAtLevel=1', '-cp', VERAPDF_CLASSPATH, 'Validate', file, 'ua1,2a'], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => JSON.parse(line));
}

describe('veraPDF', () => {
  const built = ensureVeraPdf();
  (built ? test : test.skip)('finds the report conformant to PDF/UA-1 and PDF/A-2a', async () => {
    const report = await compiled();
    const verdicts = veraPdf(path.join(archiveDir, report.pdf!));
    expect(verdicts).toEqual([
      { flavour: 'ua1', compliant: true, status: 'normal', failures: [] },
      { flavour: '2a', compliant: true, status: 'normal', failures: [] },
    ]);
  });
});

describe('page breaks inside a paragraph of several runs', () => {
  (ensureVeraPdf() ? test : test.skip)('number each page once, at its foot, and keep the file valid', async () => {
    const long = 'Svar som fortsätter över flera rader och ibland över en sidbrytning, med åäö; ';
    const blocks = Array.from({ length: 120 }, (_, i) => ({ kind: 'paragraph' as const, runs: [{ text: `Enhet ${i}: ` }, { text: long.repeat(3), strong: true }, { text: long.repeat(2) }] }));
    const bytes = await renderReportPdf({ language: 'sv', title: 'Sidbrytningar', author: 'Solna stad', subject: 'test', createdAt: new Date('2027-03-02T10:00:00Z'), blocks: [{ kind: 'heading', level: 1, text: 'Sidbrytningar' }, ...blocks] });
    const file = path.join(archiveDir, 'breaks.pdf');
    writeFileSync(file, bytes);
    const pdf = readPdf(file);
    expect(pdf.numPages).toBeGreaterThan(5);
    pdf.pages.forEach((page, i) => expect(page.artifacts).toEqual([`Sida ${i + 1}`]));
    // Every page carries text, none is left empty by a footer that started a page of its own.
    for (const page of pdf.pages) expect(page.text.replace(/Sida \d+/, '').trim().length).toBeGreaterThan(100);
    expect(veraPdf(file).map((v) => [v.flavour, v.compliant])).toEqual([['ua1', true], ['2a', true]]);
  });
});

describe('the seminars report', () => {
  (ensureVeraPdf() ? test : test.skip)('is a tagged PDF with its table of seminars, conformant to PDF/UA-1 and PDF/A-2a', async () => {
    const seminar = (id: string, date: string, title: string) => ({ id, date, title, place: 'Bryssel', country: 'BE', role: 'organiser' as const, unitId: 'omsorg', registeredAt: '2026-01-10T10:00:00Z' });
    const register = (orgId: string) => ({ ...emptyRegister(orgId), seminars: [seminar('s1', '2026-03-12', 'Cities for Europe; "Smarta städer"'), seminar('s2', '2026-10-01', '=Åbo-dagen')] });
    const withSeminars = activitiesFor([solna], archiveDir, { register });
    const obligationId = solna.obligations.find((o) => o.kind === 'minimum-occurrences')!.id;
    const report = await withSeminars.compileOccurrencesReport({ orgId: 'solna', obligationId, year: 2026, at: '2026-12-31T10:00:00Z' });
    const file = path.join(archiveDir, report.pdf);
    const pdf = readPdf(file);
    expect(roles(pdf.pages[0]!.structure)).toEqual(expect.arrayContaining(['H1', 'H2', 'Table', 'TH', 'TD']));
    expect(squeeze(pdf.pages.map((p) => p.text).join(' '))).toContain('=Åbo-dagen');
    expect(veraPdf(file).map((v) => [v.flavour, v.compliant])).toEqual([['ua1', true], ['2a', true]]);
  });
});

describe('the report as a Word document', () => {
  test('has real headings and tables with the same cells, and every answer', async () => {
    const report = await compiled();
    const file = path.join(archiveDir, report.docx!);
    const { value: html } = await mammoth.convertToHtml({ path: file });
    expect(html).toContain('<h1>Uppföljning av Solna stads internationella policy 2026</h1>');
    expect(html).toContain('<h2>Efterlevnad i korthet</h2>');
    expect(html).toContain('<h2>Svar per fråga</h2>');
    expect(html).toContain('<h3>Omsorgsförvaltningen</h3>');
    // The table of answers to a question: a header row, then the unit (a header cell) and its answer.
    expect(html).toMatch(/<table><thead><tr><th><p><strong>Enhet<\/strong><\/p><\/th><th><p><strong>Svar<\/strong><\/p><\/th><\/tr><\/thead>/);
    // Word has no row headers: the unit's name is bold in the first column.
    expect(html).toContain('<td><p><strong>Omsorgsförvaltningen</strong></p></td><td><p>=SUMMA(A1:A3) skrevs av misstag; ändå kvar</p></td>');
    const { value: text } = await mammoth.extractRawText({ path: file });
    for (const value of Object.values(AWKWARD)) for (const line of value.split('\n')) expect(text).toContain(line);
    expect(text).toContain('Har inte svarat: Tekniska förvaltningen');
    expect(text).toMatch(/Har inte svarat\.\s*Sista svarsdag/);
    // The language is set on the text, so Word checks the spelling in Swedish.
    const styles = await (await JSZip.loadAsync(readFileSync(file))).file('word/styles.xml')!.async('string');
    expect(styles).toContain('w:lang w:val="sv-SE"');
    // Questions and answers are styles the secretariat restyles in one place, named in Swedish.
    expect(styles).toMatch(/w:styleId="FieldLabel"[^]*?<w:name w:val="Fråga"\/>/);
    expect(styles).toMatch(/w:styleId="FieldValue"[^]*?<w:name w:val="Svar"\/>/);
    const body = await (await JSZip.loadAsync(readFileSync(file))).file('word/document.xml')!.async('string');
    expect(body).toMatch(/<w:pStyle w:val="FieldValue"\/><\/w:pPr><w:r><w:t xml:space="preserve">=SUMMA\(A1:A3\)/);
    writeFileSync(path.join(archiveDir, 'read.html'), html);
  });
});

describe('the delivery mail', () => {
  test('carries the formats the config asks for, the PDF first', async () => {
    smtp.received.length = 0;
    const report = await compiled();
    await activities.deliverReport({ key, closedAt: plan.closesAt, report });
    const attachments = smtp.received[0]!.mail.attachments;
    expect(attachments.map((a) => a.filename)).toEqual(['solna-annual-follow-up-2026.pdf', 'solna-annual-follow-up-2026.docx', 'solna-annual-follow-up-2026.html']);
    // The attached PDF is the archived one, byte for byte.
    expect(Buffer.compare(attachments[0]!.content, readFileSync(path.join(archiveDir, report.pdf!)))).toBe(0);
  });
});

describe('a large report', () => {
  test('renders in processes of its own, with the same result as in the worker', async () => {
    const outcomes = [outcome('omsorg', { state: 'answered', answer: { values: AWKWARD, answeredAt: plan.opensAt, by: 'contact', revision: 1 } })];
    const context = buildReportContext({ org: solna, obligation: obligationOf(solna, 'periodic-data-call'), period: '2026', closedAt: plan.closesAt, compiledAt: plan.closesAt, outcomes });
    const document = reportDocument(context, plan.closesAt);
    const elsewhere = await renderDocuments(document, async () => undefined, { ownProcess: true });
    const file = path.join(archiveDir, 'elsewhere.pdf');
    writeFileSync(file, elsewhere.pdf);
    const text = squeeze(readPdf(file).pages.map((p) => p.text).join(' '));
    expect(text).toContain(squeeze(AWKWARD.other_work));
    const { value } = await mammoth.extractRawText({ buffer: elsewhere.docx });
    expect(value).toContain(AWKWARD.other_work);
    // What fails beside the renderers (here the web page) is raised once the PDF's renderer has ended.
    await expect(renderDocuments(document, async () => Promise.reject(new Error('the web page could not be written')), { ownProcess: true })).rejects.toThrow('the web page could not be written');
  });
});
