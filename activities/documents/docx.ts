/**
 * The report as a Word document the secretariat edits into its covering report (tjänsteskrivelse):
 * Word's own heading styles (so the navigation pane and a table of contents work), real tables
 * with a header row repeated on each page, bulleted lists, and the language set on the text.
 */
import { AlignmentType, Document, HeadingLevel, LevelFormat, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Block, ReportDocument, Run } from './document-model';
import { languageTag } from './document-model';
import { lines } from '../../domain/text';

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3, 4: HeadingLevel.HEADING_4 } as const;
const QUIET = '4A4A4A';

/** A text with its line breaks kept: Word wants a break element, not a newline. */
function textRuns(text: string, options: { bold?: boolean; color?: string; size?: number } = {}): TextRun[] {
  // Only what differs from the style: docx writes each option it is given, false ones too, and a
  // report of thousands of units has tens of thousands of runs.
  const { bold, ...rest } = options;
  const own = bold ? { bold, ...rest } : rest;
  return lines(text).map((line, i) => new TextRun(i > 0 ? { text: line, break: 1, ...own } : { text: line, ...own }));
}

const runsOf = (runs: Run[], quiet = false) => runs.flatMap((r) => textRuns(r.text, { bold: r.strong, ...(quiet ? { color: QUIET, size: 18 } : {}) }));

function cell(text: string, header: boolean, right = false): TableCell {
  return new TableCell({
    children: [new Paragraph({ ...(right ? { alignment: AlignmentType.RIGHT } : {}), children: textRuns(text, { bold: header }) })],
    ...(header ? { shading: { type: ShadingType.CLEAR, fill: 'EEF4FA', color: 'auto' } } : {}),
  });
}

function blocksOf(block: Block): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ heading: HEADINGS[block.level], children: textRuns(block.text) })];
    case 'paragraph':
      return [new Paragraph({ children: runsOf(block.runs, block.quiet) })];
    case 'list':
      return block.items.map((runs) => new Paragraph({ numbering: { reference: 'bullets', level: 0 }, children: runsOf(runs) }));
    case 'fields':
      return block.items.flatMap((f) => [new Paragraph({ style: 'FieldLabel', children: textRuns(f.label) }), new Paragraph({ style: 'FieldValue', children: textRuns(f.value) })]);
    case 'table': {
      const header = new TableRow({ tableHeader: true, cantSplit: true, children: block.columns.map((c, i) => cell(c, true, i > 0 && Boolean(block.numeric?.[i - 1]))) });
      const rows = block.rows.map((r) => new TableRow({ children: [cell(r.head, true), ...r.cells.map((c, i) => cell(c, false, Boolean(block.numeric?.[i])))] }));
      const table = new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] });
      // A caption Word knows as one: the Caption style, kept with its table.
      return block.caption ? [new Paragraph({ style: 'Caption', keepNext: true, children: textRuns(block.caption) }), table, new Paragraph({})] : [table, new Paragraph({})];
    }
  }
}

export async function renderReportDocx(report: ReportDocument): Promise<Buffer> {
  const language = { value: languageTag(report.language) };
  const doc = new Document({
    creator: report.author,
    title: report.title,
    subject: report.subject,
    description: report.subject,
    lastModifiedBy: 'policy-followup',
    styles: {
      default: { document: { run: { font: 'Calibri', size: 22, language } } },
      // A question and its answer as styles of their own, so that the secretariat restyles every
      // answer at once (and thousands of answers do not each carry their formatting).
      paragraphStyles: [
        { id: 'Caption', name: 'Caption', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { bold: true, size: 20, language } },
        { id: 'FieldLabel', name: report.language === 'sv' ? 'Fråga' : 'Question', basedOn: 'Normal', next: 'FieldValue', quickFormat: true, run: { bold: true }, paragraph: { keepNext: true, spacing: { before: 120 } } },
        { id: 'FieldValue', name: report.language === 'sv' ? 'Svar' : 'Answer', basedOn: 'Normal', next: 'FieldLabel', quickFormat: true, paragraph: { indent: { left: 240 } } },
      ],
    },
    numbering: {
      config: [
        {
          reference: 'bullets',
          levels: [{ level: 0, format: LevelFormat.BULLET, text: '•', alignment: AlignmentType.LEFT, style: { paragraph: { indent: { left: 360, hanging: 260 } } } }],
        },
      ],
    },
    sections: [{ children: report.blocks.flatMap(blocksOf) }],
  });
  return Packer.toBuffer(doc);
}
