/**
 * How the workflow code is bundled, the same for the release, a worker run from source, the
 * benchmark's floor and the tests (which must run the code as it is deployed).
 */
import path from 'node:path';
import { DefaultLogger, type BundleOptions } from '@temporalio/worker';

export function workflowBundleOptions(workflowsPath: string): BundleOptions {
  const entry = path.resolve(workflowsPath);
  return {
    workflowsPath: entry,
    logger: new DefaultLogger('WARN'),
    // Evaluated once in the worker's shared V8 context instead of once per workflow: without it
    // every unit a worker takes into its cache ran the module code of all our workflows and domain
    // rules again (at 1,000 units a third more workflow-thread time than the floor's). Safe because
    // no module under workflows/ or domain/ keeps state at module level (a workflow's state lives in
    // its function's scope); the SDK freezes what is preloaded, so a module that tried would fail.
    preloadModules: [entry],
  };
}
