/**
 * A report as a sequence of blocks, the one model the PDF and the Word document are rendered from.
 * It carries structure, not layout: headings with their level, tables with their header cells,
 * lists, so that each rendering can tag them (a screen reader's headings, a table's header row).
 */
import type { Language } from '../../domain/types';

/** A stretch of text; strong: emphasised (what the council should look at). */
export interface Run {
  text: string;
  strong?: boolean;
}

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string }
  | { kind: 'paragraph'; runs: Run[]; /** Secondary lines: dates, who recorded. */ quiet?: boolean }
  | { kind: 'list'; items: Run[][] }
  | {
      kind: 'table';
      caption?: string;
      /** Column headers; the first cell of each row is the row's header. */
      columns: string[];
      rows: { head: string; cells: string[] }[];
      /** Columns (after the row header) whose cells are figures, aligned right. */
      numeric?: boolean[];
    }
  /** Question and answer pairs, as a description list. */
  | { kind: 'fields'; items: { label: string; value: string }[] };

export interface ReportDocument {
  language: Language;
  /** The document's title, also its metadata title (shown in the viewer's title bar). */
  title: string;
  /** Who issues it: the organisation. */
  author: string;
  subject: string;
  /** For the file's metadata: when it was compiled. */
  createdAt: Date;
  blocks: Block[];
}

export const languageTag = (language: Language) => (language === 'sv' ? 'sv-SE' : 'en-GB');
