/**
 * A cycle's answers as the secretariat takes them to Excel, read back the way Excel would: the XLSX
 * with ExcelJS, the CSV with a CSV parser. Mjölby's environmental strategy has all there is to get
 * wrong: a section repeated for each focus area, figures, a date, yes/no and a scale.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { FILE_KINDS } from '../../domain/attachments';
import { questionnaireOf } from '../../domain/questionnaire';
import type { QuestionField } from '../../domain/types';
import { answersFlatSheet, answersWorkbook, type CycleAnswers } from '../../exports/cycle-answers';
import { sheetToCsv, toXlsx } from '../../exports/workbook';
import { PROJECT_ROOT } from '../helpers/environment';
import path from 'node:path';

const mjolby = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/mjolby-miljo.yaml'));
const obligation = obligationOf(mjolby, 'periodic-data-call');
const questionnaire = questionnaireOf(obligation);
const AWKWARD = '=HYPERLINK("x") Åtgärd; "solceller"\nrad två';

const answers: CycleAnswers = {
  key: { orgId: 'mjolby-miljo', obligationId: obligation.id, period: '2026' },
  questionnaire,
  units: [
    {
      id: 'tekniska-namnden',
      answered: true,
      exempt: false,
      answeredAt: '2027-01-15T08:30:00Z',
      by: 'contact',
      revision: 2,
      values: {
        'focus_area.kommunala-fastigheter.has_actions': true,
        'focus_area.kommunala-fastigheter.done': AWKWARD,
        'focus_area.kommunala-fastigheter.progress': 'halfway',
        'focus_area.upphandling.has_actions': false,
        fossil_free_vehicles_pct: 42.5,
        procurements_with_requirements: 7,
        treated_by_committee: true,
        committee_decision_date: '2027-01-10',
      },
    },
    { id: 'utbildningsnamnden', answered: false, exempt: true, exemptReason: 'Inga egna fordon; ingen upphandling' },
  ],
};

describe('the answers as XLSX', () => {
  let book: ExcelJS.Workbook;
  beforeAll(async () => {
    book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(answersWorkbook({ org: mjolby, obligation, answers }))) as unknown as ExcelJS.Buffer);
  });

  test('one row per unit, one column per question, dates as dates and figures as numbers', () => {
    const sheet = book.getWorksheet('Svar')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 7)).toEqual(['Enhetens id', 'Enhet', 'Läge', 'Svarade', 'Registrerat av', 'Version', 'Skäl för undantag']);
    const column = (label: RegExp) => header.findIndex((h) => label.test(String(h))) + 1;
    const row = sheet.getRow(2);
    expect(row.getCell(1).value).toBe('tekniska-namnden');
    expect(row.getCell(3).value).toBe('Svarat');
    // 09:30 in Stockholm, as Excel shows it (no time zones in Excel).
    expect(row.getCell(4).value).toEqual(new Date(Date.UTC(2027, 0, 15, 9, 30)));
    expect(row.getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(row.getCell(6).value).toBe(2);
    expect(row.getCell(column(/fossilfria|fossil/i)).value).toBe(42.5);
    expect(row.getCell(column(/beslut|decision/i)).value).toEqual(new Date(Date.UTC(2027, 0, 10)));
    expect(sheet.getRow(3).getCell(3).value).toBe('Undantagen');
    expect(sheet.getRow(3).getCell(7).value).toBe('Inga egna fordon; ingen upphandling');
    expect(sheet.rowCount).toBe(3);
  });

  test('a sheet for the repeated section, a row per unit and focus area, text kept as text', () => {
    const sheet = book.getWorksheet('Fokusområde')!;
    expect(sheet).toBeDefined();
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['Enhetens id', 'Enhet', 'Punkt']);
    const rows = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => (r.values as unknown[]).slice(1));
    const properties = rows.find((r) => r[0] === 'tekniska-namnden' && r[2] === 'Minskad energianvändning och ökad andel solceller i kommunala fastigheter och verksamhetslokaler')!;
    // Five focus areas for the one unit that answered.
    expect(rows).toHaveLength(5);
    expect(properties).toContain('Ja');
    expect(properties).toContain('Till hälften genomförda');
    const cell = sheet.getRow(rows.indexOf(properties) + 2).getCell(header.indexOf(header.find((h) => /gjort|did/.test(String(h)))) + 1);
    // A text starting with "=" is a string cell, never a formula Excel would run.
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe(AWKWARD);
  });
});

describe('the answers as CSV', () => {
  test('opens right in Swedish Excel: BOM, semicolons, quotes and line breaks kept, formulas neutralised', () => {
    const csv = sheetToCsv(answersFlatSheet({ org: mjolby, answers }), mjolby.organisation.timeZone);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.slice(1), { delimiter: ';' }) as string[][];
    const [header, first, second] = rows as [string[], string[], string[]];
    expect(header.length).toBe(first.length);
    expect(first[3]).toBe('2027-01-15 09:30');
    expect(first).toContain(`'${AWKWARD}`);
    expect(first).toContain('42,5');
    expect(first).toContain('2027-01-10');
    expect(second[6]).toBe('Inga egna fordon; ingen upphandling');
    // One column per question, a repeated section's as "section: item – question".
    // A negative figure stays a figure; only text is neutralised.
    const figures = sheetToCsv({ name: 'x', columns: [{ header: 'Förändring', kind: 'number' }, { header: 'Text' }], rows: [[-5.3, '-5,3 som text']] }, 'Europe/Stockholm');
    expect(parse(figures.slice(1), { delimiter: ';' })).toEqual([['Förändring', 'Text'], ['-5,3', "'-5,3 som text"]]);
    expect(header).toContain('Fokusområde: Minskad energianvändning och ökad andel solceller i kommunala fastigheter och verksamhetslokaler – Vad har nämnden gjort under året inom fokusområdet?');
  });
});

describe('a file field', () => {
  const pdfId = '0b7f1c2e-5d7a-4f7e-9a51-3c1f0e2b8d44';
  const xlsxId = '5e0c9d3a-1b2f-4c6d-8e7f-90a1b2c3d4e5';
  const minutes: QuestionField = { id: 'minutes', type: 'file', label: { sv: 'Nämndens protokoll', en: "The board's minutes" }, required: false };
  const withFiles: CycleAnswers = {
    ...answers,
    questionnaire: [...questionnaire, minutes],
    units: [{ ...answers.units[0]!, values: { ...answers.units[0]!.values, minutes: `${pdfId},${xlsxId}` } }, answers.units[1]!],
    attachments: new Map([
      [pdfId, { name: 'Protokoll 2027-01-10.pdf', mediaType: FILE_KINDS.pdf.mediaType, size: 2048, sha256: 'a'.repeat(64) }],
      [xlsxId, { name: 'Budget.xlsx', mediaType: FILE_KINDS.xlsx.mediaType, size: 3 * 1024 * 1024, sha256: 'b'.repeat(64) }],
    ]),
  };
  const named = `Protokoll 2027-01-10.pdf (PDF, 2 kB, SHA-256 ${'a'.repeat(64)})\nBudget.xlsx (Excel (XLSX), 3 MB, SHA-256 ${'b'.repeat(64)})`;

  test('names each attached file by its name, kind, size and SHA-256 in the XLSX and the CSV, never by its id', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(answersWorkbook({ org: mjolby, obligation, answers: withFiles }))) as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Svar')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const column = header.indexOf('Nämndens protokoll') + 1;
    expect(column).toBeGreaterThan(0);
    expect(sheet.getRow(2).getCell(column).value).toBe(named);

    const csv = sheetToCsv(answersFlatSheet({ org: mjolby, answers: withFiles }), mjolby.organisation.timeZone);
    expect(csv).not.toContain(pdfId);
    const [csvHeader, first] = parse(csv.slice(1), { delimiter: ';' }) as [string[], string[]];
    expect(first[csvHeader.indexOf('Nämndens protokoll')]).toBe(named);
  });

  test('without the files looked up, the cell says how many there are, not their ids', () => {
    const { attachments: _, ...unlooked } = withFiles;
    const csv = sheetToCsv(answersFlatSheet({ org: mjolby, answers: unlooked }), mjolby.organisation.timeZone);
    expect(csv).not.toContain(pdfId);
    const [csvHeader, first] = parse(csv.slice(1), { delimiter: ';' }) as [string[], string[]];
    expect(first[csvHeader.indexOf('Nämndens protokoll')]).toBe('2 bifogade filer');
  });
});
