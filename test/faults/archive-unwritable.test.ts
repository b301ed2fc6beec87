/**
 * The report archive cannot be written: the compile activity retries with an error that says what
 * to do, and the report is written as soon as the folder is fixed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { cycleWorkflowId, type CycleKey } from '../../domain/ids';
import type { CycleResult } from '../../domain/types';
import { createTestWorker, skipTo, SOLNA_CONFIG, timeSkippingServer, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const solna = loadConfigFile(SOLNA_CONFIG);
const obligation = obligationOf(solna, 'periodic-data-call');
let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;
const parent = mkdtempSync(path.join(tmpdir(), 'followup-archive-'));
// A file where the archive folder should be: as unwritable as it gets, even for root.
const archiveDir = path.join(parent, 'archive');

beforeAll(async () => {
  writeFileSync(archiveDir, 'not a folder');
  [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { archiveDir });
});

afterAll(async () => {
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

test('the archive activities retry with a clear error until the folder is fixed, then the report is written', async () => {
  const key: CycleKey = { orgId: 'solna', obligationId: obligation.id, period: String(new Date().getUTCFullYear() + 1) };
  const plan = planCycle(obligation.calendar, obligation.period, key.period, solna.organisation.timeZone);
  await startCycle(env.client, tw.taskQueue, key, 'drill');
  await skipTo(env, plan.opensAt, 60_000);
  await submitAnswer(env.client, key, 'omsorg', { eu_projects: 'Inga', other_work: 'Nätverk', effects: 'Kunskap' }, 'contact');
  await closeCycle(env.client, key);

  const handle = env.client.workflow.getHandle(cycleWorkflowId(key));
  const failure = await until(async () => {
    const pending = (await handle.describe()).raw.pendingActivities?.[0];
    return pending?.lastFailure?.message && (pending.attempt ?? 0) >= 2 ? { message: pending.lastFailure.message, type: pending.activityType?.name } : undefined;
  }, 'the failing compile activity');
  expect(failure.type).toBe('stageOutcomes'); // the first write to the archive on the way to the report
  expect(failure.message).toContain(`Cannot write the report to ${archiveDir}`);
  expect(failure.message).toContain('Make the folder writable or set FOLLOWUP_ARCHIVE_DIR; the report is written as soon as it can be.');

  rmSync(archiveDir);
  mkdirSync(archiveDir);
  await env.sleep(15 * 60_000); // past the longest retry interval
  const result: CycleResult = await new Client({ connection: env.connection, namespace: env.namespace }).workflow.getHandle(cycleWorkflowId(key)).result();
  expect(result.report.answered).toBe(1);
  expect(existsSync(path.join(archiveDir, result.report.markdown))).toBe(true);
  expect(smtp.to('kf.sekreterare@solna.example')).toHaveLength(1);
});
