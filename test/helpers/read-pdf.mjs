// Reads a PDF with Mozilla's pdf.js and prints what a test checks: the document's title and language,
// whether it is tagged, its structure tree (roles in reading order) and each page's text. A process of
// its own, since pdf.js is an ES module that Jest's CommonJS runtime cannot load.
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, verbosity: 0, useSystemFonts: false }).promise;
const { info, metadata } = await pdf.getMetadata();
const markInfo = await pdf.getMarkInfo();
const outline = await pdf.getOutline();
const pages = [];
const prune = (node) => (node.role ? { role: node.role, ...(node.alt ? { alt: node.alt } : {}), ...(node.lang ? { lang: node.lang } : {}), children: (node.children ?? []).map(prune).filter(Boolean) } : node.type === 'content' ? undefined : undefined);
for (let i = 1; i <= pdf.numPages; i++) {
  const page = await pdf.getPage(i);
  const text = await page.getTextContent({ includeMarkedContent: true });
  const tree = await page.getStructTree();
  // Text inside /Artifact marked content: what a screen reader skips (page numbers).
  const artifacts = [];
  let depth = 0;
  let inArtifact = 0;
  for (const item of text.items) {
    if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') {
      depth++;
      if (item.tag === 'Artifact' && !inArtifact) inArtifact = depth;
    } else if (item.type === 'endMarkedContent') {
      if (inArtifact === depth) inArtifact = 0;
      depth--;
    } else if (inArtifact && item.str) artifacts.push(item.str);
  }
  const strings = text.items.filter((t) => typeof t.str === 'string');
  pages.push({ text: strings.map((t) => t.str + (t.hasEOL ? '\n' : '')).join(''), structure: tree ? prune(tree) : null, artifacts });
}
process.stdout.write(JSON.stringify({ info, xmp: metadata ? { title: metadata.get("dc:title"), raw: metadata.getRaw?.() } : null, markInfo, outline: (outline ?? []).map((o) => o.title), numPages: pdf.numPages, pages }));
