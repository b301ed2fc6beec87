/**
 * Where a report's PDF and Word document are rendered. A small report renders in the worker; a large
 * one (thousands of units: hundreds of MB while it is laid out) in two processes of its own, side by
 * side on the machine's cores, each with a heap of its own, so that the worker's heap stays bounded
 * (the worker runs with 192 MB) and its workflows keep being served meanwhile.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ReportDocument } from './document-model';
import { renderReportDocx } from './docx';
import { renderReportPdf } from './pdf';

/** Above this many blocks (about 700 units) a document renders in a process of its own. */
export const LARGE_DOCUMENT_BLOCKS = 2_000;
const RENDERER_HEAP_MB = 1_536;
/** Well inside the compiling activity's own limit: a renderer that hangs is stopped, not left running beside its retry. */
const RENDER_TIMEOUT_MS = 4 * 60_000;

export class DocumentRenderError extends Error {
  override name = 'DocumentRenderError';
}

/** Runs render-process in a child: compiled JavaScript in the release, TypeScript through tsx in development and tests. */
export function renderInOwnProcess(format: 'pdf' | 'docx', document: ReportDocument): Promise<Buffer> {
  const compiled = __filename.endsWith('.js');
  const entry = path.join(__dirname, compiled ? 'render-process.js' : 'render-process.ts');
  const args = [`--max-old-space-size=${RENDERER_HEAP_MB}`, '--max-semi-space-size=64', '--initial-old-space-size=512', ...(compiled ? [] : ['--import', 'tsx']), entry];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    const out: Buffer[] = [];
    let errors = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RENDER_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    // Its last words are what tell why; keep a screenful.
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4_000)));
    // A child that dies before reading its input closes the pipe: that is told by 'close', not thrown.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new DocumentRenderError(`Could not start the ${format} renderer (${err.message}).`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new DocumentRenderError(`The ${format} renderer stopped (${signal === 'SIGKILL' ? `killed after ${RENDER_TIMEOUT_MS / 60_000} minutes, or out of memory` : (signal ?? `exit code ${code}`)}): ${errors.trim().split('\n').slice(0, 3).join(' ')}`));
    });
    child.stdin.end(JSON.stringify({ format, document }));
  });
}

export async function renderDocuments(document: ReportDocument, options: { ownProcess?: boolean } = {}): Promise<{ pdf: Buffer; docx: Buffer }> {
  if (options.ownProcess ?? document.blocks.length > LARGE_DOCUMENT_BLOCKS) {
    // Both to the end even when one fails, so that no renderer is left running behind an error.
    const [pdf, docx] = await Promise.allSettled([renderInOwnProcess('pdf', document), renderInOwnProcess('docx', document)]);
    if (pdf.status === 'rejected') throw pdf.reason;
    if (docx.status === 'rejected') throw docx.reason;
    return { pdf: pdf.value, docx: docx.value };
  }
  return { pdf: await renderReportPdf(document), docx: await renderReportDocx(document) };
}
