/**
 * The workflow bundle a worker loads, built in a child process at every start. Bundling in the
 * worker itself leaves about 110 MB of webpack's memory in its peak RSS for good; a prebuilt file
 * kept between starts could fall behind the code, and old workflow code on a worker is the one
 * mistake replay cannot forgive.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
      ['-r', require.resolve('tsx/cjs'), path.join(PROJECT_ROOT, 'scripts/bundle-workflows.ts'), workflowsPath, codePath],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => (error ? reject(new WorkflowBundleError(`Could not bundle the workflow code (${workflowsPath}): ${stderr.trim() || error.message}`)) : resolve()),
    );
  });
  return { codePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
