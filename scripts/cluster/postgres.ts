/**
 * A PostgreSQL server of the project's own, from Debian's packages (installed when missing), in a
 * data folder of its own on a port of its own: `initdb` once, then `postgres` in the foreground so
 * the caller owns the process. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user the package creates.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class PostgresError extends Error {
  override name = 'PostgresError';
}

export async function postgresBin(log: (line: string) => void = () => undefined): Promise<string> {
  const find = () => {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
    return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
  };
  const found = find();
  if (found) return found;
  log("Installing PostgreSQL from Debian's packages …");
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 32 * 1024 * 1024 });
  const installed = find();
  if (!installed) throw new PostgresError("PostgreSQL is not installed and apt-get could not install it; install Debian's postgresql package.");
  return installed;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** The command as the postgres user when we are root. */
// setpriv execs the command itself (runuser would stay between us and it), so signals reach PostgreSQL.
const as = (command: string, args: string[]): [string, string[]] => (asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]] : [command, args]);

/** A child ended by a signal (killed, say) has a signalCode and no exitCode. */
export const ended = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Asks a child to stop with `signal`; one that has not stopped after `graceMs` is killed, so a stop never hangs. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 30_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ended(child)) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

export interface PostgresServer {
  port: number;
  user: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startPostgres(options: { dataDir: string; port: number; user?: string; log?: (line: string) => void }): Promise<PostgresServer> {
  const log = options.log ?? (() => undefined);
  const bin = await postgresBin(log);
  const user = options.user ?? 'temporal';
  const { dataDir, port } = options;
  const socketDir = path.join(dataDir, '..', 'pg-socket');
  mkdirSync(socketDir, { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true });
    if (asRoot) {
      // The postgres user must reach its folder: the folders above it (a 0700 temporary folder of
      // ours, say) get the right to pass through, nothing more.
      for (let dir = path.dirname(path.resolve(dataDir)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const mode = statSync(dir).mode;
        if (!(mode & 0o001)) chmodSync(dir, (mode & 0o7777) | 0o001);
      }
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dataDir, Number(stdout), Number(gid));
    }
    // Loopback only, trusted: the production setup (README) uses passwords and TLS.
    const [cmd, args] = as(path.join(bin, 'initdb'), ['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
    writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n', { flag: 'a' });
  }
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(socketDir, Number(stdout), Number(gid));
  }
  const [cmd, args] = as(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (ended(child)) throw new PostgresError(`PostgreSQL stopped at start (${child.exitCode ?? child.signalCode}): ${errors}`);
    try {
      await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      if (Date.now() > deadline) throw new PostgresError(`PostgreSQL did not accept connections on port ${port} within a minute: ${errors}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    port,
    user,
    process: child,
    // SIGINT: PostgreSQL's fast shutdown.
    stop: () => stopChild(child, 'SIGINT'),
  };
}
