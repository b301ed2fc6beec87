/**
 * Fault drills: the worker killed with SIGKILL while mails are going out, and the Temporal dev
 * server stopped and started mid-cycle. Nothing is lost; a duplicated mail carries the same Message-ID.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { closeCycle, cycleStatus, startCycle, submitAnswer } from '../../client/cycles';
import type { CycleKey } from '../../domain/ids';
import { devServer, freePort, quietRuntime, until } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

jest.setTimeout(240_000);

const answer = { eu_projects: 'Horizon Europe-ansökan', other_work: 'Studiebesök', effects: 'Ny samverkan' };
const contacts = ['maria.johansson@solna.example', 'sofia.bergstrom@solna.example', 'karin.sandberg@solna.example', 'ahmed.hassan@solna.example', 'erik.andersson@solna.example', 'mikael.oberg@solna.example', 'linnea.dahl@solna.example'];

let smtp: TestSmtpServer;
const workers: WorkerProcess[] = [];
const servers: TestWorkflowEnvironment[] = [];

async function devServerAt(port: number, dbFilename: string) {
  quietRuntime();
  const env = await devServer({ port, dbFilename });
  servers.push(env);
  return env;
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
});

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  for (const s of servers) await s.teardown().catch(() => undefined);
  await smtp?.close();
});

beforeEach(() => {
  smtp.received.length = 0;
  smtp.delayMs = 0;
});

async function reportOf(env: TestWorkflowEnvironment, key: CycleKey) {
  return until(async () => {
    const s = await cycleStatus(env.client, key);
    return s.info.report ? s : undefined;
  }, 'the report', 90_000);
}

/** Every (recipient, Message-ID) once at least; a mail sent twice must be the same mail. */
function distinctMails(address: string) {
  const mails = smtp.to(address);
  const byId = new Map<string, string>();
  for (const m of mails) {
    const seen = byId.get(m.messageId);
    if (seen) expect(m.subject).toBe(seen);
    byId.set(m.messageId, m.subject);
  }
  return [...byId.values()];
}

test('the worker is killed with SIGKILL while mails go out, twice: every mail arrives and every answer is kept', async () => {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-drill-'));
  const env = await devServerAt(port, path.join(archiveDir, 'temporal.sqlite'));
  const settings = { address, taskQueue: 'drill-sigkill', smtpUrl: smtp.url, archiveDir };
  const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
  smtp.delayMs = 400;

  let worker = await startWorkerProcess(settings);
  workers.push(worker);
  await startCycle(env.client, settings.taskQueue, key, 'drill');
  await until(() => (smtp.received.length >= 1 ? true : undefined), 'the first request', 60_000);
  await worker.kill('SIGKILL');
  const beforeRestart = smtp.received.length;
  expect(beforeRestart).toBeLessThan(7);

  worker = await startWorkerProcess(settings);
  workers.push(worker);
  await until(() => (contacts.every((c) => smtp.to(c).length >= 1) ? true : undefined), 'every request after the restart', 90_000);

  await submitAnswer(env.client, key, 'omsorg', answer, 'contact');
  await submitAnswer(env.client, key, 'kultur-fritid', { ...answer, effects: 'Nya partner' }, 'contact');
  await worker.kill('SIGKILL'); // the receipts may be on their way
  worker = await startWorkerProcess(settings);
  workers.push(worker);

  await until(() => (smtp.to('karin.sandberg@solna.example').some((m) => m.subject.startsWith('Kvitto')) && smtp.to('sofia.bergstrom@solna.example').some((m) => m.subject.startsWith('Kvitto')) ? true : undefined), 'both receipts', 90_000);
  for (const c of contacts) expect(distinctMails(c).filter((s) => !s.startsWith('Kvitto'))).toHaveLength(1);

  await closeCycle(env.client, key);
  const status = await reportOf(env, key);
  expect(status.info.report).toMatchObject({ answered: 2, asked: 6 });
  const report = readFileSync(path.join(archiveDir, status.info.report!.markdown), 'utf8');
  expect(report).toContain('> Nya partner');
  expect(report).toContain('> Ny samverkan');
  await until(() => (smtp.to('kf.sekreterare@solna.example').length ? true : undefined), 'the report mail');
  await worker.kill('SIGTERM');
});

test('the Temporal dev server is stopped and started mid-cycle: the cycle finishes with nothing lost', async () => {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'followup-drill-'));
  const db = path.join(dataDir, 'temporal.sqlite');
  const settings = { address, taskQueue: 'drill-server', smtpUrl: smtp.url, archiveDir: dataDir };
  const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2024' };

  let env = await devServerAt(port, db);
  const worker = await startWorkerProcess(settings);
  workers.push(worker);
  await startCycle(env.client, settings.taskQueue, key, 'drill');
  await smtp.waitFor(7, 60_000);
  await submitAnswer(env.client, key, 'omsorg', answer, 'contact');

  await env.teardown();
  servers.pop();
  await new Promise((r) => setTimeout(r, 3_000));
  env = await devServerAt(port, db);
  expect(existsSync(db)).toBe(true);

  // The worker reconnected by itself: the cycle takes answers and closes.
  await submitAnswer(env.client, key, 'tekniska', { ...answer, effects: 'Efter omstarten' }, 'secretariat');
  await closeCycle(env.client, key);
  const status = await reportOf(env, key);
  expect(status.info.report).toMatchObject({ answered: 2, asked: 6 });
  const report = readFileSync(path.join(dataDir, status.info.report!.markdown), 'utf8');
  expect(report).toContain('> Ny samverkan');
  expect(report).toContain('> Efter omstarten');
  expect(worker.child.exitCode).toBeNull();
  await worker.kill('SIGTERM');
});
