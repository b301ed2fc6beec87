/**
 * Renders one report document in a process of its own: reads {format, document} as JSON on stdin,
 * writes the file's bytes to stdout. Started by render-elsewhere.ts for large reports, so that a
 * report of thousands of units neither fills the worker's bounded heap nor holds its event loop.
 */
import type { ReportDocument } from './document-model';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { format, document } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { format: 'pdf' | 'docx'; document: ReportDocument };
  const report = { ...document, createdAt: new Date(document.createdAt) };
  // Only the one format's library: loading the other cost each renderer's start 0.06 s (PDF) to 0.11 s (Word).
  // require, not import(): run from source, this process resolves through tsx's require hook.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const bytes = format === 'pdf' ? await (require('./pdf') as typeof import('./pdf')).renderReportPdf(report) : await (require('./docx') as typeof import('./docx')).renderReportDocx(report);
  /* eslint-enable @typescript-eslint/no-require-imports */
  await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
