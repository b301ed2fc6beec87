/**
 * The workflow bundle a worker loads. From the release (dist/) it is the one `npm run build` made
 * beside the compiled code, from the same sources in the same step. From source it is built in a
 * child process at every start: bundling in the worker itself leaves about 110 MB of webpack's
 * memory in its peak RSS for good, and a file kept between starts could fall behind the code (old
 * workflow code on a worker is the one mistake replay cannot forgive).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/environment';

export class WorkflowBundleError extends Error {
  override name = 'WorkflowBundleError';
}

/** Bundles `workflowsPath`; returns the file and a function that removes it once the worker has read it. */
export async function bundleInChildProcess(workflowsPath: string): Promise<{ codePath: string; remove(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'followup-workflows-'));
  const codePath = path.join(dir, 'workflow-bundle.js');
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-r', require.resolve('tsx/cjs'), path.join(PROJECT_ROOT, 'workers/bundle-workflows-main.ts'), workflowsPath, codePath],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => (error ? reject(new WorkflowBundleError(`Could not bundle the workflow code (${workflowsPath}): ${stderr.trim() || error.message}`)) : resolve()),
    );
  });
  return { codePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The release's bundle: dist/workflow-bundle.js, when this code is the compiled release. */
export const RELEASE_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

export function runningFromRelease(): boolean {
  return __filename.endsWith('.js') && existsSync(RELEASE_BUNDLE);
}

/** The bundle to load: the release's own, or one made now from the sources. */
export async function workflowBundle(workflowsPath: string): Promise<{ codePath: string; remove(): void }> {
  if (runningFromRelease()) return { codePath: RELEASE_BUNDLE, remove: () => undefined };
  return bundleInChildProcess(workflowsPath);
}
