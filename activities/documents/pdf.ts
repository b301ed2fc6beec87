/**
 * The report as a tagged PDF for the council's agenda and the archive: PDF/A-2a (the archive's
 * format, which asks for tags too) declaring PDF/UA-1 as well. Headings, lists and tables are
 * structure elements in reading order, table header cells carry their scope, the document has its
 * language and title (shown in the viewer's title bar), the fonts are embedded, and page numbers
 * are marked as artifacts so that a screen reader skips them.
 */
import PDFDocument from 'pdfkit';
import { dirname, join } from 'node:path';
import type { Block, ReportDocument, Run } from './document-model';
import { languageTag } from './document-model';
import { lines } from '../../domain/text';

// DejaVu Sans: every Swedish and Nordic letter, free to embed (its licence allows it).
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
// Each font is registered under its own path: pdfkit's tables put the font back by its path after
// each cell, and a font known by another name would be read from disk and parsed again every time.
const REGULAR = join(FONT_DIR, 'DejaVuSans.ttf');
const BOLD = join(FONT_DIR, 'DejaVuSans-Bold.ttf');

const SIZE = { body: 10, quiet: 9, table: 9, heading: { 1: 18, 2: 14, 3: 12, 4: 10.5 } } as const;
const INK = '#1b1b1b';
const QUIET = '#4a4a4a';
const ACCENT = '#005a9c';

const PDF_UA_IDENTIFICATION = `
        <rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" rdf:about="">
            <pdfuaid:part>1</pdfuaid:part>
        </rdf:Description>
        <rdf:Description xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" rdf:about="">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
                                <rdf:li rdf:parseType="Resource">
                                    <pdfaProperty:name>part</pdfaProperty:name>
                                    <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
                                    <pdfaProperty:category>internal</pdfaProperty:category>
                                    <pdfaProperty:description>Indicates which part of ISO 14289 the file follows</pdfaProperty:description>
                                </rdf:li>
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>`;

type Pdf = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

/** A structure element around what draw puts on the page (pdfkit's typings lack this form). */
const tag = (doc: Pdf, type: string, draw?: () => unknown): Struct => doc.struct(type, draw as never);

/**
 * Writes text at (x, y) and moves below it. Text that fits on one line is drawn directly: pdfkit's
 * line wrapper costs more than the drawing itself, and a report of thousands of units has tens of
 * thousands of short texts. Longer text, and text that would cross the foot of the page, is wrapped
 * by pdfkit, which also starts the next page. A caller that has measured the text passes its width,
 * which spares pdfkit one of its measurements.
 */
function textAt(doc: Pdf, text: string, x: number, y: number, width: number, align: 'left' | 'right' = 'left', measured?: number): void {
  if (!text) {
    // As the wrapper does with nothing to write: no line, and the position where it was asked.
    doc.x = x;
    doc.y = y;
    return;
  }
  const lineHeight = doc.currentLineHeight(true);
  // Right-aligned text ends at the margin without its trailing spaces, as pdfkit aligns it.
  const textWidth = align === 'right' ? widthOnOneLine(doc, text.trimEnd()) : (measured ?? widthOnOneLine(doc, text));
  if (textWidth > width || y + lineHeight > doc.page.maxY()) {
    doc.text(text, x, y, { width, align });
    return;
  }
  doc.text(text, align === 'right' ? x + width - textWidth : x, y, { lineBreak: false, textWidth } as PDFKit.Mixins.TextOptions);
  doc.x = x;
  doc.y = y + lineHeight;
}

/**
 * The width of text in the current font, or Infinity when it has line breaks of its own (any kind
 * pdfkit's line breaker ends a line at, a soft return pasted from Word included).
 */
const widthOnOneLine = (doc: Pdf, text: string): number => (lines(text).length > 1 ? Infinity : doc.widthOfString(text));

function writeRuns(doc: Pdf, runs: Run[], size: number, color: string, options: PDFKit.Mixins.TextOptions = {}): void {
  doc.fontSize(size).fillColor(color);
  if (runs.length === 1 && options.width === undefined) {
    const left = doc.x;
    doc.font(runs[0]!.strong ? BOLD : REGULAR);
    textAt(doc, runs[0]!.text, left, doc.y, doc.page.width - left - doc.page.margins.right);
    doc.font(REGULAR);
    return;
  }
  runs.forEach((run, i) => {
    doc.font(run.strong ? BOLD : REGULAR).text(run.text, { ...options, continued: i < runs.length - 1 });
  });
  doc.font(REGULAR);
}

function heading(doc: Pdf, root: Struct, block: Extract<Block, { kind: 'heading' }>): void {
  const size = SIZE.heading[block.level];
  // Keep a heading with the start of what follows it.
  if (doc.y + size * 4 > doc.page.maxY()) doc.addPage();
  doc.moveDown(block.level <= 2 ? 0.8 : 0.5);
  root.add(
    tag(doc, `H${block.level}`, () => {
      const left = doc.page.margins.left;
      doc.font(BOLD).fontSize(size).fillColor(block.level === 2 ? ACCENT : INK);
      textAt(doc, block.text, left, doc.y, doc.page.width - left - doc.page.margins.right);
    }),
  );
  if (block.level <= 2) doc.outline.addItem(block.text);
  doc.font(REGULAR).fillColor(INK).moveDown(0.3);
}

function list(doc: Pdf, root: Struct, items: Run[][], size: number): void {
  const l = tag(doc, 'L');
  root.add(l);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  for (const runs of items) {
    if (doc.y + size * 2 > doc.page.maxY()) doc.addPage();
    const li = tag(doc, 'LI');
    l.add(li);
    const top = doc.y;
    li.add(tag(doc, 'Lbl', () => doc.font(REGULAR).fontSize(size).fillColor(INK).text('•', left + 4, top, { lineBreak: false })));
    li.add(
      tag(doc, 'LBody', () => {
        // The body beside the bullet, its lines wrapping under the body, not under the bullet.
        doc.x = left + 16;
        doc.y = top;
        writeRuns(doc, runs, size, INK, { width: width - 16 } as PDFKit.Mixins.TextOptions);
      }),
    );
    li.end();
    doc.x = left;
  }
  l.end();
  doc.moveDown(0.4);
}

function fields(doc: Pdf, root: Struct, items: { label: string; value: string }[]): void {
  const l = tag(doc, 'L');
  root.add(l);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  for (const item of items) {
    if (doc.y + SIZE.body * 3 > doc.page.maxY()) doc.addPage();
    const li = tag(doc, 'LI');
    l.add(li);
    li.add(tag(doc, 'Lbl', () => textAt(doc.font(BOLD).fontSize(SIZE.body).fillColor(INK), item.label, left, doc.y, width)));
    li.add(tag(doc, 'LBody', () => textAt(doc.font(REGULAR).fontSize(SIZE.body).fillColor(INK), item.value, left + 12, doc.y, width - 12)));
    li.end();
    doc.x = left;
    doc.moveDown(0.3);
  }
  l.end();
}

const PAD = 3;

/**
 * A table drawn row by row (pdfkit's own table measures each cell twice and writes a dictionary of
 * layout attributes per cell: five times slower at thousands of rows). Header cells are TH with their
 * scope; the header row is drawn again on each new page as an artifact, so it is read only once;
 * rules and shading are artifacts too.
 */
function table(doc: Pdf, root: Struct, block: Extract<Block, { kind: 'table' }>): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  if (block.caption) {
    if (doc.y + 80 > doc.page.maxY()) doc.addPage();
    root.add(tag(doc, 'P', () => doc.font(BOLD).fontSize(SIZE.body).fillColor(INK).text(block.caption!, left)));
    doc.moveDown(0.2);
  }
  const numericColumns = (block.numeric ?? []).filter(Boolean).length;
  const first = block.columns.length === 2 ? width * 0.3 : numericColumns ? width * 0.4 : width * 0.25;
  const rest = block.columns.length - 1;
  const textColumns = rest - numericColumns;
  const numericWidth = numericColumns ? (textColumns ? Math.min(80, (width - first) / rest) : (width - first) / numericColumns) : 0;
  const widths = [first, ...block.columns.slice(1).map((_, i) => (block.numeric?.[i] ? numericWidth : (width - first - numericWidth * numericColumns) / Math.max(1, textColumns)))];
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  doc.fontSize(SIZE.table);
  const lineHeight = doc.font(REGULAR).heightOfString('Åg', { width: 500 });
  // Most cells hold one line: measuring its width is cheap, wrapping it to measure its height is not.
  const measure = (text: string, column: number, bold: boolean) => {
    const inner = widths[column]! - 2 * PAD;
    doc.font(bold ? BOLD : REGULAR);
    const width = widthOnOneLine(doc, text);
    return { width, height: (width <= inner ? lineHeight : doc.heightOfString(text || ' ', { width: inner })) + 2 * PAD };
  };
  const measureRow = (cells: string[], header: boolean) => cells.map((c, i) => measure(c, i, header || i === 0));
  const headerMeasures = measureRow(block.columns, true);
  const headerHeight = Math.max(...headerMeasures.map((m) => m.height));
  const measures = block.rows.map((r) => measureRow([r.head, ...r.cells], false));
  const heights = measures.map((cells) => Math.max(...cells.map((m) => m.height)));
  const room = doc.page.maxY() - doc.page.margins.top - headerHeight;
  if (heights.some((h) => h > room)) {
    // A row taller than a page cannot be drawn as one: each row as its header and its cells instead.
    for (const row of block.rows) {
      root.add(tag(doc, 'P', () => doc.font(BOLD).fontSize(SIZE.body).fillColor(INK).text(row.head, left)));
      fields(doc, root, row.cells.map((value, i) => ({ label: block.columns[i + 1] ?? '', value })));
    }
    return;
  }
  const drawCells = (cells: string[], measured: { width: number }[], y: number, height: number, header: boolean) => {
    doc.markContent('Artifact', { type: 'Layout' } as never);
    if (header) doc.rect(left, y, width, height).fill('#eef4fa');
    doc.lineWidth(0.5).strokeColor('#c5cbd3').rect(left, y, width, height).stroke();
    for (const x of xs.slice(1)) doc.moveTo(x, y).lineTo(x, y + height).stroke();
    doc.endMarkedContent();
    return cells.map((text, i) => () => {
      doc.font(header || i === 0 ? BOLD : REGULAR).fontSize(SIZE.table).fillColor(INK);
      textAt(doc, text, xs[i]! + PAD, y + PAD, widths[i]! - 2 * PAD, i > 0 && block.numeric?.[i - 1] ? 'right' : 'left', measured[i]!.width);
    });
  };
  const t = tag(doc, 'Table');
  root.add(t);
  const headerRow = (tagged: boolean) => {
    const y = doc.y;
    const draws = drawCells(block.columns, headerMeasures, y, headerHeight, true);
    if (tagged) {
      const tr = tag(doc, 'TR');
      t.add(tr);
      draws.forEach((draw) => tr.add(withScope(tag(doc, 'TH', draw), 'Column')));
      tr.end();
    } else {
      doc.markContent('Artifact', { type: 'Layout' } as never);
      draws.forEach((draw) => draw());
      doc.endMarkedContent();
    }
    doc.y = y + headerHeight;
  };
  if (doc.y + headerHeight + (heights[0] ?? 0) > doc.page.maxY()) doc.addPage();
  headerRow(true);
  block.rows.forEach((row, r) => {
    if (doc.y + heights[r]! > doc.page.maxY()) {
      doc.addPage();
      headerRow(false);
    }
    const y = doc.y;
    const draws = drawCells([row.head, ...row.cells], measures[r]!, y, heights[r]!, false);
    const tr = tag(doc, 'TR');
    t.add(tr);
    draws.forEach((draw, i) => tr.add(i === 0 ? withScope(tag(doc, 'TH', draw), 'Row') : tag(doc, 'TD', draw)));
    tr.end();
    doc.y = y + heights[r]!;
  });
  t.end();
  doc.x = left;
  doc.font(REGULAR).moveDown(0.6);
}

/** A header cell's scope (PDF/UA asks for it where a table has header cells in a row and a column). */
function withScope(th: Struct, scope: 'Row' | 'Column'): Struct {
  (th as unknown as { dictionary: { data: Record<string, unknown> } }).dictionary.data.A = { O: 'Table', Scope: scope };
  return th;
}

/**
 * "Sida N" at the foot of each page as it is added, an artifact a screen reader skips. Drawn then
 * rather than at the end, so that finished pages can be written out instead of kept (thousands of
 * units make a thousand pages). A page is added between marked sequences (pdfkit closes them first),
 * so the artifact is never nested in content; the graphics state is saved around it.
 */
function numberPages(doc: Pdf, language: ReportDocument['language']): void {
  let page = 0;
  const number = () => {
    page++;
    // A page can be added in the middle of text that continues (a paragraph of several runs): pdfkit
    // then still holds that text's line wrapper and options, which the footer must neither use nor end.
    const internal = doc as unknown as { _fontSource: string; _fontSize: number; _wrapper: unknown; _textOptions: unknown; _fillColor: unknown };
    const [x, y, source, size] = [doc.x, doc.y, internal._fontSource, internal._fontSize];
    const [wrapper, textOptions, fill] = [internal._wrapper, internal._textOptions, internal._fillColor];
    internal._wrapper = null;
    internal._textOptions = null;
    const bottom = doc.page.margins.bottom;
    // Below the content box: with its margin in place pdfkit would start yet another page.
    doc.page.margins.bottom = 0;
    doc.save();
    doc.markContent('Artifact', { type: 'Pagination' } as never);
    doc.font(REGULAR).fontSize(8).fillColor(QUIET).text(language === 'sv' ? `Sida ${page}` : `Page ${page}`, doc.page.margins.left, doc.page.height - 36, { width: doc.page.width - doc.page.margins.left - doc.page.margins.right, align: 'right', lineBreak: false });
    doc.endMarkedContent();
    doc.restore();
    doc.page.margins.bottom = bottom;
    doc.font(source).fontSize(size);
    internal._wrapper = wrapper;
    internal._textOptions = textOptions;
    internal._fillColor = fill;
    doc.x = x;
    doc.y = y;
  };
  doc.on('pageAdded', number);
  number();
}

/**
 * The file's bytes. pdfkit hands its output to a Node stream object by object, turning each string
 * into bytes one character at a time; the 971 pages of 5,800 units have 83,013 objects, and that
 * stream costs a sixth of the render. The objects are collected here instead, as the same bytes
 * (Latin-1 keeps each character's low byte, as pdfkit does). What the document wrote on creation
 * (the header) is read first so that the order stays.
 */
function collectOutput(doc: Pdf): Promise<Buffer> {
  const output = doc as unknown as Pdf & { _write(data: Uint8Array | string): void; _offset: number };
  const chunks: Buffer[] = [];
  for (let head = doc.read() as Buffer | null; head !== null; head = doc.read() as Buffer | null) chunks.push(head);
  output._write = (data) => {
    const bytes = typeof data === 'string' ? Buffer.from(`${data}\n`, 'latin1') : data;
    chunks.push(bytes as Buffer);
    output._offset += bytes.length;
  };
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.resume();
  });
}

export async function renderReportPdf(report: ReportDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    pdfVersion: '1.7',
    subset: 'PDF/A-2a',
    tagged: true,
    lang: languageTag(report.language),
    displayTitle: true,
    info: { Title: report.title, Author: report.author, Subject: report.subject, Creator: 'policy-followup', CreationDate: report.createdAt, ModDate: report.createdAt },
  } as PDFKit.PDFDocumentOptions);
  const done = collectOutput(doc);
  doc.registerFont(REGULAR, REGULAR);
  doc.registerFont(BOLD, BOLD);
  doc.font(REGULAR).fontSize(SIZE.body).fillColor(INK);
  numberPages(doc, report.language);
  const root = tag(doc, 'Document');
  doc.addStructure(root);
  for (const block of report.blocks) {
    switch (block.kind) {
      case 'heading':
        heading(doc, root, block);
        break;
      case 'paragraph': {
        const size = block.quiet ? SIZE.quiet : SIZE.body;
        root.add(tag(doc, 'P', () => writeRuns(doc, block.runs, size, block.quiet ? QUIET : INK, { align: 'left' } as PDFKit.Mixins.TextOptions)));
        doc.x = doc.page.margins.left;
        doc.moveDown(0.4);
        break;
      }
      case 'list':
        list(doc, root, block.items, SIZE.body);
        break;
      case 'fields':
        fields(doc, root, block.items);
        break;
      case 'table':
        table(doc, root, block);
        break;
    }
  }
  root.end();
  // PDF/UA-1's identification beside PDF/A's, and the extension schema PDF/A asks for a property
  // outside its own schemas (without it, PDF/A validation fails on the pdfuaid:part entry).
  (doc as unknown as { appendXML(xml: string): void }).appendXML(PDF_UA_IDENTIFICATION);
  doc.end();
  return done;
}
