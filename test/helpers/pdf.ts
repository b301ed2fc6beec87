/** A PDF as Mozilla's pdf.js reads it (test/helpers/read-pdf.mjs, a process of its own: pdf.js is an ES module). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './environment';

export interface StructureNode {
  role: string;
  children: StructureNode[];
}

export interface PdfReading {
  info: { Title: string; Language: string; Author: string };
  xmp: { title: string; raw: string };
  markInfo: { Marked: boolean };
  outline: string[];
  numPages: number;
  pages: { text: string; structure: StructureNode | null; artifacts: string[] }[];
}

export function readPdf(file: string): PdfReading {
  return JSON.parse(execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'test/helpers/read-pdf.mjs'), file], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as PdfReading;
}
