/**
 * Bundles workflow code into one file: `bundle-workflows-main <workflows module> <out file>`. A
 * worker run from source runs it in a child process (webpack's memory never lands in the worker's
 * own heap); `npm run build` runs it once to put the release's bundle in dist/.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from './bundle-options';

async function main(): Promise<void> {
  const [workflowsPath, out] = process.argv.slice(2);
  if (!workflowsPath || !out) throw new Error('Usage: bundle-workflows <workflows module> <out file>');
  const { code } = await bundleWorkflowCode(workflowBundleOptions(workflowsPath));
  writeFileSync(out, code);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
