/**
 * Bundles workflow code into one file: `bundle-workflows <workflows module> <out file>`. Workers run
 * it in a child process so webpack's memory never lands in the worker's own heap.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

async function main(): Promise<void> {
  const [workflowsPath, out] = process.argv.slice(2);
  if (!workflowsPath || !out) throw new Error('Usage: bundle-workflows <workflows module> <out file>');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  writeFileSync(out, code);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
