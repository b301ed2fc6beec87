/**
 * Renders one report document in a process of its own: reads {format, document} as JSON on stdin,
 * writes the file's bytes to stdout. Started by render-elsewhere.ts for large reports, so that a
 * report of thousands of units neither fills the worker's bounded heap nor holds its event loop.
 */
import type { ReportDocument } from './document-model';
import { renderReportDocx } from './docx';
import { renderReportPdf } from './pdf';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { format, document } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { format: 'pdf' | 'docx'; document: ReportDocument };
  const report = { ...document, createdAt: new Date(document.createdAt) };
  const bytes = format === 'pdf' ? await renderReportPdf(report) : await renderReportDocx(report);
  await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
