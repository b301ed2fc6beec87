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

export class DocumentRenderError extends Error {
  override name = 'DocumentRenderError';
}

/** Runs render-process in a child: compiled JavaScript in the release, TypeScript through tsx in development and tests. */
export function renderInOwnProcess(format: 'pdf' | 'docx', document: ReportDocument): Promise<Buffer> {
  const compiled = __filename.endsWith('.js');
  const entry = path.join(__dirname, compiled ? 'render-process.js' : 'render-process.ts');
  const args = [`--max-old-space-size=${RENDERER_HEAP_MB}`, '--max-semi-space-size=64', ...(compiled ? [] : ['--import', 'tsx']), entry];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    const out: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', (err) => reject(new DocumentRenderError(`Could not start the ${format} renderer (${err.message}).`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new DocumentRenderError(`The ${format} renderer stopped (${signal ?? `exit code ${code}`}): ${errors.trim().split('\n').slice(0, 3).join(' ')}`));
    });
    child.stdin.end(JSON.stringify({ format, document }));
  });
}

export async function renderDocuments(document: ReportDocument, options: { ownProcess?: boolean } = {}): Promise<{ pdf: Buffer; docx: Buffer }> {
  if (options.ownProcess ?? document.blocks.length > LARGE_DOCUMENT_BLOCKS) {
    const [pdf, docx] = await Promise.all([renderInOwnProcess('pdf', document), renderInOwnProcess('docx', document)]);
    return { pdf, docx };
  }
  return { pdf: await renderReportPdf(document), docx: await renderReportDocx(document) };
}
