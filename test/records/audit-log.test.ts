/**
 * Who did what, in the database of record: an action taken in the browser is in the audit log
 * under the signed-in person, and a command of the real `followup` under the operating system's
 * user, each with what it was done to; a refused form and a command that only reads are not.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { projectStatus } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { recentActions } from '../../records/audit-log';
import { buildWebApp } from '../../web/app';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const CONFIG_FILE = path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml');
const config = loadConfigFile(CONFIG_FILE);
let testbed: RecordsTestbed;
let app: FastifyInstance;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.tw.taskQueue, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: testbed.tw.archiveDir, DATABASE_URL: testbed.url } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [config] });
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

test('an action in the browser and one from the command line are in the audit log, by whom and on what', async () => {
  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  const registered = await secretariat.submit('/projects', '/projects', { title: 'Vänort Tartu', id: 'vanort-tartu', unitId: 'omsorg', ownerName: 'Anna Berg', ownerEmail: 'anna.berg@solna.example', plannedStart: inDays(200) });
  expect(registered.statusCode).toBe(303);
  // A form refused is no action.
  expect((await secretariat.submit('/projects', '/projects', { title: '', id: 'tom', unitId: 'omsorg' })).statusCode).toBe(400);

  const web = await until(async () => (await recentActions(testbed.records)).find((a) => a.action === 'project-registered'), 'the registration in the audit log');
  expect(web).toMatchObject({ actor: 'Sekretariatet (sekretariatet)', via: 'web', subject: '/projects' });
  expect((await recentActions(testbed.records)).filter((a) => a.subject === '/projects')).toHaveLength(1);

  await until(async () => ((await projectStatus(testbed.env.client, 'solna', 'vanort-tartu')).state === 'awaiting-goals' ? true : undefined), 'the project asking for goals');
  const edited = await followup('project', 'edit', 'vanort-tartu', '--title', 'Vänort Tartu 2027');
  expect(edited.code).toBe(0);
  const cli = await until(async () => (await recentActions(testbed.records)).find((a) => a.via === 'cli'), 'the command in the audit log');
  expect(cli).toMatchObject({ actor: `cli:${userInfo().username}`, action: 'project edit', subject: 'vanort-tartu' });
  expect(cli.detail).toMatchObject({ options: { title: 'Vänort Tartu 2027' } });
  // A command that only reads is no action.
  expect((await followup('project', 'status', 'vanort-tartu')).code).toBe(0);
  expect((await recentActions(testbed.records)).filter((a) => a.via === 'cli')).toHaveLength(1);
});
