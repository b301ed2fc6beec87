/**
 * Files attached to answers are scanned by ClamAV's clamd; the tests start their own (with a
 * signature database holding the EICAR test signature: the official one needs the internet).
 * Installs Debian's `clamav-daemon` when clamd is missing and we may (root with apt-get); otherwise
 * says how. The tests use the programs only: where an init system starts the package's services
 * (clamd on /run/clamav/clamd.ctl, freshclam fetching signatures), the tests neither need nor wait
 * for them. Called by `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CLAMD_PATH = process.env.CLAMD_PATH ?? '/usr/sbin/clamd';

export function ensureClamav(): boolean {
  if (existsSync(CLAMD_PATH)) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`ClamAV's clamd is missing at ${CLAMD_PATH}: install it with "sudo apt-get install clamav-daemon" or set CLAMD_PATH.`);
    return false;
  }
  console.log("Installing Debian's clamav-daemon for the tests of attached files (once) …");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'clamav-daemon'], { stdio: 'inherit', env });
  return existsSync(CLAMD_PATH);
}

if (require.main === module && !ensureClamav()) process.exitCode = 1;
