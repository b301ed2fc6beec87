/**
 * Lists and answers as spreadsheets the secretariat opens in Excel: a workbook model (sheets of typed
 * columns) written as XLSX by ExcelJS, with dates as Excel dates, figures as numbers and text as
 * text (never a formula), or one sheet as CSV for Swedish Excel (exports/csv.ts).
 */
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { csvText, neutralised } from './csv';

export type CellValue = string | number | boolean | undefined;

export interface Column {
  header: string;
  /** date: "2027-01-15"; datetime: an ISO instant, shown in the organisation's time zone. */
  kind?: 'text' | 'number' | 'date' | 'datetime';
  /** Characters wide, for the XLSX. */
  width?: number;
}

export interface Sheet {
  /** At most 31 characters, as Excel allows. */
  name: string;
  columns: Column[];
  rows: CellValue[][];
}

export interface Workbook {
  title: string;
  author: string;
  /** Where datetimes are shown: Excel has no time zones, so each is written as the wall-clock time here. */
  timeZone: string;
  sheets: Sheet[];
}

export const TABLE_FORMATS = ['xlsx', 'csv'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export const TABLE_CONTENT_TYPES: Record<TableFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** Excel's limits on a sheet's name: 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string, taken: readonly string[] = []): string {
  const base = name.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Blad';
  let candidate = base;
  for (let i = 2; taken.includes(candidate); i++) candidate = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  return candidate;
}

function wallClock(iso: string, zone: string): DateTime | undefined {
  const dt = DateTime.fromISO(iso, { zone });
  return dt.isValid ? dt : undefined;
}

/** A cell as Excel should hold it: a Date for dates (its wall-clock time as UTC, which Excel shows as is). */
function xlsxValue(value: CellValue, column: Column, zone: string): ExcelJS.CellValue {
  if (value === undefined || value === '') return null;
  if (column.kind === 'number' && typeof value === 'number') return value;
  if ((column.kind === 'date' || column.kind === 'datetime') && typeof value === 'string') {
    const dt = column.kind === 'date' ? DateTime.fromISO(value, { zone: 'utc' }) : wallClock(value, zone);
    if (dt?.isValid) return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute));
  }
  // Text stays text: ExcelJS writes a string as a string, so "=SUMMA(…)" is never a formula.
  return typeof value === 'boolean' ? value : String(value);
}

export async function toXlsx(book: Workbook): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = book.author;
  workbook.title = book.title;
  // A fixed stamp: exporting the same data twice gives the same file.
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  for (const sheet of book.sheets) {
    const ws = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({
      header: c.header,
      width: c.width ?? (c.kind === 'datetime' ? 17 : c.kind === 'date' ? 12 : c.kind === 'number' ? 10 : 30),
      style: c.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : c.kind === 'datetime' ? { numFmt: 'yyyy-mm-dd hh:mm' } : { alignment: { wrapText: true, vertical: 'top' } },
    }));
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(sheet.columns.map((c, i) => xlsxValue(row[i], c, book.timeZone)));
    if (sheet.rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A cell as CSV text: figures with a decimal comma (a negative one stays a figure), text neutralised. */
function csvValue(value: CellValue, column: Column, zone: string): string {
  if (value === undefined) return '';
  if (column.kind === 'datetime' && typeof value === 'string') return wallClock(value, zone)?.toFormat('yyyy-MM-dd HH:mm') ?? neutralised(value);
  if (typeof value === 'number') return String(value).replace('.', ',');
  return neutralised(value);
}

/** One sheet as CSV for Swedish Excel: UTF-8 with a byte order mark, semicolons, formulas neutralised. */
export function sheetToCsv(sheet: Sheet, timeZone: string): string {
  return csvText(
    sheet.columns.map((c) => neutralised(c.header)),
    sheet.rows.map((row) => sheet.columns.map((c, i) => csvValue(row[i], c, timeZone))),
  );
}
