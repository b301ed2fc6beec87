/**
 * Where a report's PDF and Word document are rendered. A small report renders in the worker; a large
 * one (thousands of units: hundreds of MB while it is laid out) in processes of its own, each with a
 * heap of its own, so that the worker's heap stays bounded (the worker runs with 192 MB) and its
 * workflows keep being served meanwhile.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import path from 'node:path';
import type { ReportDocument } from './document-model';

/** Above this many blocks (about 700 units) a document renders in a process of its own. */
export const LARGE_DOCUMENT_BLOCKS = 2_000;
const RENDERER_HEAP_MB = 1_536;
/** Inside the compiling activity's own limit, even for the Word document that starts after the PDF: a renderer that hangs is stopped, not left running beside its retry. */
const RENDER_TIMEOUT_MS = 4 * 60_000;

export class DocumentRenderError extends Error {
  override name = 'DocumentRenderError';
}

/**
 * Runs render-process in a child: compiled JavaScript in the release, TypeScript through tsx in
 * development and tests. Its input is a file, not a pipe: a pipe would be fed only while this
 * process's event loop turns, and it is busy rendering the web page meanwhile. The file is removed
 * as soon as the child has it open (it holds answers).
 */
export function renderInOwnProcess(format: 'pdf' | 'docx', document: ReportDocument): Promise<Buffer> {
  const compiled = __filename.endsWith('.js');
  const entry = path.join(__dirname, compiled ? 'render-process.js' : 'render-process.ts');
  const args = [`--max-old-space-size=${RENDERER_HEAP_MB}`, '--max-semi-space-size=64', '--initial-old-space-size=512', ...(compiled ? [] : ['--import', 'tsx']), entry];
  const dir = mkdtempSync(path.join(tmpdir(), 'followup-render-'));
  let input: number | undefined;
  try {
    writeFileSync(path.join(dir, 'document.json'), JSON.stringify({ format, document }));
    input = openSync(path.join(dir, 'document.json'), 'r');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: [input, 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } }) as ChildProcessByStdio<null, Readable, Readable>;
      const out: Buffer[] = [];
      let errors = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), RENDER_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      // Its last words are what tell why; keep a screenful.
      child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4_000)));
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new DocumentRenderError(`Could not start the ${format} renderer (${err.message}).`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new DocumentRenderError(`The ${format} renderer stopped (${signal === 'SIGKILL' ? `killed after ${RENDER_TIMEOUT_MS / 60_000} minutes, or out of memory` : (signal ?? `exit code ${code}`)}): ${errors.trim().split('\n').slice(0, 3).join(' ')}`));
      });
    });
  } finally {
    if (input !== undefined) closeSync(input);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Renders the PDF and the Word document, and what the caller renders meanwhile (the web page and the
 * Markdown). A large document renders in processes of their own: the PDF (the longest) starts first
 * while the caller renders here, the Word document once the caller is done. So no more than two
 * renderings share this machine's two cores (three made each a third slower).
 */
export async function renderDocuments<T>(document: ReportDocument, meanwhile: () => Promise<T>, options: { ownProcess?: boolean } = {}): Promise<{ pdf: Buffer; docx: Buffer; meanwhile: T }> {
  if (options.ownProcess ?? document.blocks.length > LARGE_DOCUMENT_BLOCKS) {
    const pdf = settle(renderInOwnProcess('pdf', document));
    let pdfEnded: PromiseSettledResult<Buffer> | undefined;
    void pdf.then((ended) => (pdfEnded = ended));
    const own = await settle(Promise.resolve().then(meanwhile));
    // Nothing more starts once something has failed, and a failure is raised only once the PDF's
    // renderer has ended, so that none is left running behind it.
    const docx = own.status === 'fulfilled' && pdfEnded?.status !== 'rejected' ? await settle(renderInOwnProcess('docx', document)) : undefined;
    const pdfDone = await pdf;
    if (pdfDone.status === 'rejected') throw pdfDone.reason;
    if (own.status === 'rejected') throw own.reason;
    // Started, since neither the PDF nor the caller failed.
    if (docx!.status === 'rejected') throw docx!.reason;
    return { pdf: pdfDone.value, meanwhile: own.value, docx: docx!.value };
  }
  const own = await meanwhile();
  // Loaded only here: a worker whose reports all render in processes of their own never holds the
  // PDF and Word libraries (about 30 MB of its RSS at rest).
  // require, not import(): a worker run from source through tsx/cjs resolves require only.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { renderReportPdf } = require('./pdf') as typeof import('./pdf');
  const { renderReportDocx } = require('./docx') as typeof import('./docx');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { pdf: await renderReportPdf(document), docx: await renderReportDocx(document), meanwhile: own };
}

const settle = <T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> => promise.then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason }));
