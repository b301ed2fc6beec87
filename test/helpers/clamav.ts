/**
 * A clamd of the test's own: a temporary folder with a config that listens on a Unix socket there,
 * and a signature database of one line, the EICAR test signature (the official databases need the
 * internet). It starts in a second or two with so small a database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
