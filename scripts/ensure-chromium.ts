/**
 * The browser tests drive Debian's Chromium (a test tool's own browser download fails without
 * internet). Installs the `chromium` package when it is missing and we may (root with apt-get);
 * otherwise says how. Called by `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`Chromium is missing at ${CHROMIUM_PATH}: install it with "sudo apt-get install chromium" or set CHROMIUM_PATH.`);
    return false;
  }
  console.log('Installing Debian\'s chromium for the browser tests (once) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  return existsSync(CHROMIUM_PATH);
}

if (require.main === module && !ensureChromium()) process.exitCode = 1;
