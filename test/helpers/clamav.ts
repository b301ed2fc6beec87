/**
 * What the tests of attached files share: a config with a file field, small files, a multipart
 * body, and a clamd of the test's own (a temporary folder with a config that listens on a Unix
 * socket there, and a signature database of one line, the EICAR test signature: the official
 * databases need the internet). It starts in a second or two with so small a database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { CLAMD_PATH } from '../../scripts/ensure-clamav';
import { createClamdScanner, type MalwareScanner } from '../../web/clamd';

/** The EICAR anti-malware test file: harmless, and found by every scanner that has its signature. */
export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'ascii');

export interface TestClamd {
  /** For FOLLOWUP_CLAMD: the socket's path. */
  address: string;
  scanner: MalwareScanner;
  stop(): Promise<void>;
}

export async function startTestClamd(): Promise<TestClamd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'followup-clamd-'));
  const database = path.join(dir, 'db');
  mkdirSync(database);
  // An extended (body) signature: any file holding the EICAR string anywhere.
  writeFileSync(path.join(database, 'eicar.ndb'), `Eicar-Test-Signature:0:*:${EICAR.toString('hex')}\n`);
  const socket = path.join(dir, 'clamd.sock');
  const log = path.join(dir, 'clamd.log');
  writeFileSync(
    path.join(dir, 'clamd.conf'),
    [`Foreground yes`, `LocalSocket ${socket}`, `DatabaseDirectory ${database}`, `TemporaryDirectory ${dir}`, `LogFile ${log}`, `StreamMaxLength 120M`, `Bytecode no`].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(CLAMD_PATH, ['-c', path.join(dir, 'clamd.conf')], { stdio: 'ignore' });
  const scanner = createClamdScanner(socket, { timeoutMs: 20_000 });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (existsSync(socket) && (await scanner.ping().then(() => true, () => false))) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const said = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
      await stop();
      throw new Error(`The test's clamd did not start (${CLAMD_PATH}; run "node --import tsx scripts/ensure-clamav.ts"): ${said}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { address: socket, scanner, stop };
}

/** An organisation's config file with one more question, a file field, in one of its obligations (a data call's or a gate's questionnaire). */
export function configWithFileField(file: string, obligation: string, field: Record<string, unknown>): OrganisationConfig {
  const doc = parse(readFileSync(file, 'utf8')) as { obligations: { id: string; questionnaire: unknown[] }[] };
  doc.obligations.find((o) => o.id === obligation)!.questionnaire.push({ type: 'file', ...field });
  return parseConfigText(stringify(doc), `${path.basename(file, '.yaml')}-with-${String(field.id)}.yaml`);
}

/** A small PDF, by its content: a line of its own makes each another file. */
export const pdfWith = (line: string) => Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${line}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');

/** A multipart/form-data body as a browser or `curl -F` sends it: text fields, then each file in a part of its field's name. */
export function multipartBody(fields: Record<string, string>, files: { field: string; name: string; content: Buffer; type?: string }[]): { payload: Buffer; contentType: string } {
  const boundary = `----followup${randomUUID()}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const file of files) {
    // The sender's own guess at the type: the server reads the content instead.
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/pdf'}\r\n\r\n`), file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
