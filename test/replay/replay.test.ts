/**
 * Replays recorded histories (test/histories, made by `npm run record-histories`) against the
 * current workflow code: a change that would break running cycles fails here, not in production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT, quietRuntime, workflowBundle } from '../helpers/environment';
import { unitRowSinks } from '../../workers/unit-row-sinks';

const HISTORIES = path.join(PROJECT_ROOT, 'test', 'histories');
const scenarios = readdirSync(HISTORIES).filter((d) => !d.startsWith('.'));
beforeAll(quietRuntime);

test('there are recorded histories of every representative run', () => {
  expect(scenarios.sort()).toEqual(['answers-on-record', 'answers-with-receipts', 'bounces-and-redelivery', 'escalation-ladder', 'mail-failures', 'paced-starts', 'rows-in-visibility', 'rows-once-per-task', 'rows-with-start', 'secretariat-actions', 'spread-reminders', 'whole-year']);
});

test.each(scenarios)('the %s histories replay without nondeterminism', async (scenario) => {
  const dir = path.join(HISTORIES, scenario);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBe(7);
  const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, '').replace(/__/g, '/'), history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), sinks: unitRowSinks(undefined) }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
