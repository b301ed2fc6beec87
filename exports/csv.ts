/**
 * Lists as CSV that Swedish Excel opens right: UTF-8 with a byte order mark, semicolons, quotes
 * where needed (csv-stringify), and no formulas: a cell that starts with = + - @ or a tab is
 * prefixed with an apostrophe, so a title typed as "=HYPERLINK(…)" stays text.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralised(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Rows as CSV for Swedish Excel, every cell as given: the caller neutralises what is text. */
export function csvText(header: string[], rows: string[][]): string {
  return `\uFEFF${stringify([header, ...rows], { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n]/ })}`;
}
