/**
 * Who did what, in the database of record: an action taken in the browser is in the audit log
 * under the signed-in person, and a command of the real `followup` under the operating system's
 * user, each with what it was done to; a refused form and a command that only reads are not.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { projectStatus } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { recentActions } from '../../records/audit-log';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { buildWebApp } from '../../web/app';
import { serverExecutable, TEMPORAL_CLI } from '../../workers/temporal-binaries';
import { createTestWorker, freePort, PROJECT_ROOT, quietRuntime, until, type TestWorker } from '../helpers/environment';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const CONFIG_FILE = path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml');
const config = loadConfigFile(CONFIG_FILE);
let backend: RecordsBackend;
let url: string;
let records: Records;
let env: TestWorkflowEnvironment;
let address: string;
let smtp: TestSmtpServer;
let tw: TestWorker;
let app: FastifyInstance;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: tw.taskQueue, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: tw.archiveDir, DATABASE_URL: url } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

beforeAll(async () => {
  backend = await startEmbeddedBackend();
  url = await backend.freshDatabase();
  records = await openRecords(url);
  await migrateToLatest(records);
  quietRuntime();
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  [env, smtp] = await Promise.all([TestWorkflowEnvironment.createLocal({ server: { executable: serverExecutable(TEMPORAL_CLI), ip: '127.0.0.1', port } }), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { configs: [config], records });
  app = await buildWebApp({ ...(await testWebDeps(config, env.client, tw, PASSWORD)), records });
});

afterAll(async () => {
  await app?.close();
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
  await records?.destroy();
  await backend?.stop();
});

test('an action in the browser and one from the command line are in the audit log, by whom and on what', async () => {
  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  const registered = await secretariat.submit('/projects', '/projects', { title: 'Vänort Tartu', id: 'vanort-tartu', unitId: 'omsorg', ownerName: 'Anna Berg', ownerEmail: 'anna.berg@solna.example', plannedStart: inDays(200) });
  expect(registered.statusCode).toBe(303);
  // A form refused is no action.
  expect((await secretariat.submit('/projects', '/projects', { title: '', id: 'tom', unitId: 'omsorg' })).statusCode).toBe(400);

  const web = await until(async () => (await recentActions(records)).find((a) => a.action === 'project-registered'), 'the registration in the audit log');
  expect(web).toMatchObject({ actor: 'Sekretariatet (sekretariatet)', via: 'web', subject: '/projects' });
  expect((await recentActions(records)).filter((a) => a.subject === '/projects')).toHaveLength(1);

  await until(async () => ((await projectStatus(env.client, 'solna', 'vanort-tartu')).state === 'awaiting-goals' ? true : undefined), 'the project asking for goals');
  const edited = await followup('project', 'edit', 'vanort-tartu', '--title', 'Vänort Tartu 2027');
  expect(edited.code).toBe(0);
  const cli = await until(async () => (await recentActions(records)).find((a) => a.via === 'cli'), 'the command in the audit log');
  expect(cli).toMatchObject({ actor: `cli:${userInfo().username}`, action: 'project edit', subject: 'vanort-tartu' });
  expect(cli.detail).toMatchObject({ options: { title: 'Vänort Tartu 2027' } });
  // A command that only reads is no action.
  expect((await followup('project', 'status', 'vanort-tartu')).code).toBe(0);
  expect((await recentActions(records)).filter((a) => a.via === 'cli')).toHaveLength(1);
});
