/**
 * An answer's line breaks, whichever kind it was typed or pasted with (a lone CR from an old Mac
 * program, CRLF from a browser, LF, and Unicode's NEL, line and paragraph separators), are one
 * break each wherever answers are formatted: the Markdown report (one table row per unit), the
 * HTML report, the PDF and Word documents, the plain-text mails and the answers exports.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { createFileArchive } from '../../activities/archive';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { UnitStatus } from '../../domain/types';
import { answersFlatSheet, answersWorkbook, loadCycleAnswers } from '../../exports/cycle-answers';
import { sheetToCsv, toXlsx } from '../../exports/workbook';
import { activitiesFor } from '../helpers/activities';
import { SOLNA_CONFIG } from '../helpers/environment';
import { readPdf } from '../helpers/pdf';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(120_000);

const solna = loadConfigFile(SOLNA_CONFIG);
const obligation = obligationOf(solna, 'periodic-data-call');
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const plan = planCycle(obligation.calendar, 'annual', '2026', 'Europe/Stockholm');

const LINES = ['Rad ett', 'Rad två', 'Rad tre', 'Rad fyra', 'Rad fem', 'Rad sex', 'Rad sju'];
/** The same seven lines, each break of another kind: CR, CRLF, LF, U+2028, U+2029, U+0085. */
const BROKEN = 'Rad ett\rRad två\r\nRad tre\nRad fyra\u2028Rad fem\u2029Rad sex\u0085Rad sju';
const OTHER_BREAKS = /[\r\u2028\u2029\u0085]/;
const values = { eu_projects: 'Inga', other_work: BROKEN, effects: 'Rad A\rRad B' };

let smtp: TestSmtpServer;
let archiveDir: string;
let activities: ReturnType<typeof activitiesFor>;
let report: Awaited<ReturnType<ReturnType<typeof activitiesFor>['compileReport']>>;

const outcome = (unitId: string, overrides: Partial<UnitStatus>): UnitStatus => ({ unitId, state: 'requested', closed: true, plan, remindersSentAt: [], mailProblems: [], ...overrides });

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-line-breaks-'));
  activities = activitiesFor([solna], archiveDir, { smtpUrl: smtp.url, clock: () => new Date('2027-03-01T08:00:00Z') });
  const outcomes = [
    outcome('omsorg', { state: 'answered', answer: { values, answeredAt: plan.opensAt, by: 'contact', revision: 1 } }),
    outcome('kultur-fritid', { state: 'answered', answer: { values: { ...values, other_work: 'En rad' }, answeredAt: plan.opensAt, by: 'contact', revision: 1 } }),
    outcome('tekniska', { state: 'escalated', remindersSentAt: plan.reminderTimes, escalatedAt: plan.escalationAt }),
  ];
  const parts = [await activities.stageOutcomes({ key, part: 0, outcomes })];
  report = await activities.compileReport({ key, closedAt: plan.closesAt, parts, at: '2027-03-02T10:00:00Z' });
});
afterAll(() => smtp.close());

test('the Markdown report has one table row per unit, the lines joined with <br>, and each line quoted', () => {
  const markdown = readFileSync(path.join(archiveDir, report.markdown), 'utf8');
  expect(markdown).not.toMatch(OTHER_BREAKS);
  const rows = markdown.split('\n').filter((l) => l.startsWith('| '));
  // Every row of every table is whole: it starts and ends with a pipe on one line.
  for (const row of rows) expect(row).toMatch(/^\|.*\|$/);
  const otherWork = rows.filter((r) => r.includes('Rad ett') || r.includes('En rad'));
  expect(otherWork).toEqual(['| Omsorgsförvaltningen | Rad ett<br>Rad två<br>Rad tre<br>Rad fyra<br>Rad fem<br>Rad sex<br>Rad sju |', '| Kultur- och fritidsförvaltningen | En rad |']);
  expect(rows).toContain('| Omsorgsförvaltningen | Rad A<br>Rad B |');
  expect(markdown).toContain(LINES.map((l) => `> ${l}`).join('\n'));
});

test('the HTML report and the documents have the same seven lines', async () => {
  const html = readFileSync(path.join(archiveDir, report.html), 'utf8');
  expect(html).not.toMatch(OTHER_BREAKS);
  expect(html).toContain(`<td class="text">${LINES.join('\n')}</td>`);

  // Word's breaks inside a paragraph, as mammoth reads them.
  const { value: word } = await mammoth.convertToHtml({ path: path.join(archiveDir, report.docx!) });
  expect(word).not.toMatch(OTHER_BREAKS);
  expect(word).toContain(`<td><p>${LINES.join('<br />')}</p></td>`);
  expect(word).toContain(`<p>${LINES.join('<br />')}</p>`);

  const pdfLines = readPdf(path.join(archiveDir, report.pdf!)).pages.flatMap((p) => p.text.split('\n'));
  expect(pdfLines.join('')).not.toMatch(OTHER_BREAKS);
  // Each line a line of its own, in the table by question and among the unit's answers.
  LINES.forEach((line, i) => expect(pdfLines.filter((l) => l.includes(line) && !(i > 0 && l.includes(LINES[i - 1]!)) && !l.includes(LINES[i + 1] ?? '\0')).length).toBeGreaterThanOrEqual(2));
});

test('the receipt mail indents each of the seven lines', async () => {
  smtp.received.length = 0;
  await activities.sendUnitMail({ key, unitId: 'omsorg', kind: 'receipt', sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt, answer: { values, answeredAt: plan.opensAt, by: 'contact', revision: 1 } });
  const text = smtp.received[0]!.mail.text as string;
  expect(text).not.toMatch(OTHER_BREAKS);
  expect(text.replace(/\r\n/g, '\n')).toContain(LINES.map((l) => `    ${l}`).join('\n'));
});

test('the answers exports hold the seven lines in one cell', async () => {
  const answers = await loadCycleAnswers({ client: {} as Client, archive: createFileArchive(archiveDir), configuredQuestionnaire: () => [] }, key);
  const csv = sheetToCsv(answersFlatSheet({ org: solna, answers }), solna.organisation.timeZone);
  expect(csv).not.toMatch(/[\u2028\u2029\u0085]/);
  expect(csv).toContain(`"${LINES.join('\n')}"`);
  // A record is ended by CRLF, never by a break inside an answer.
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + answers.units.length);

  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await toXlsx(answersWorkbook({ org: solna, obligation, answers }))) as unknown as ExcelJS.Buffer);
  const cells = book.worksheets[0]!.getSheetValues().flat().filter((v): v is string => typeof v === 'string');
  expect(cells).toContain(LINES.join('\n'));
  expect(cells.some((c) => OTHER_BREAKS.test(c))).toBe(false);
});
