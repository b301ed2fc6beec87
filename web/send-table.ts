/** Sends a list or a cycle's answers as a file Excel opens: XLSX, or CSV for Swedish Excel. */
import type { FastifyReply } from 'fastify';
import { sheetToCsv, TABLE_CONTENT_TYPES, toXlsx, type Sheet, type TableFormat, type Workbook } from '../exports/workbook';

/** flat: the one sheet a CSV holds (the workbook's first when not given). */
export async function sendTable(reply: FastifyReply, format: TableFormat, filenameBase: string, book: Workbook, flat?: Sheet) {
  const body = format === 'xlsx' ? await toXlsx(book) : sheetToCsv(flat ?? book.sheets[0]!, book.timeZone);
  return reply
    .type(TABLE_CONTENT_TYPES[format])
    .header('Content-Disposition', `attachment; filename="${filenameBase.replace(/[^\w.-]/g, '_')}.${format}"`)
    .send(body);
}

/** A register's list as a one-sheet workbook. */
export function listWorkbook(title: string, author: string, timeZone: string, sheet: Sheet): Workbook {
  return { title, author, timeZone, sheets: [sheet] };
}
