/**
 * Nothing of today's data lost on the upgrade: a data folder as the release before the database
 * writes it (the accounts file of web/accounts.ts's file store, a cycle's report compiled by the
 * worker into the archive folder with the sender's record of its mails, and a project and an
 * agreement running on the dev server, recorded nowhere but in Temporal) is carried into npm
 * start's embedded database by the real `followup records import`. Then the folder is gone, and the
 * accounts sign in on the web, the report downloads with the same bytes from the database, and the
 * project's and the agreement's cases and every version of the project's goals are on record. A
 * second import adds nothing and says why. A workflow that goes on after the import writes its own
 * versions after the imported one (version 0), which stays. And at the first start of the new
 * release the folders are carried over by themselves, once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createFileArchive } from '../../activities/archive';
import type { FastifyInstance } from 'fastify';
import { registerAgreement } from '../../client/agreements';
import { closeCycle, cycleOverview, startCycle } from '../../client/cycles';
import { approveGoals, closeProject, projectStatus, registerProject, returnGoals, submitGoals } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { projectWorkflowId, type ProjectStatus } from '../../domain/registers';
import { runCli } from '../../cli/program';
import { caseOnRecord, caseVersions } from '../../records/cases';
import { openRecords, type Records } from '../../records/database';
import { createRecordsArchive } from '../../records/files';
import { carryOverAtFirstStart } from '../../records/import';
import { migrateToLatest } from '../../records/migrate';
import { projectOnRecord } from '../../records/projects';
import { freePorts } from '../../scripts/cluster/ports';
import { stopChild } from '../../scripts/cluster/postgres';
import { accountsFile, accountStoreIn, createAccountStore } from '../../web/accounts';
import { buildWebApp } from '../../web/app';
import type { AgreementStatus } from '../../workflows/definitions';
import { createTestWorker, devServer, PROJECT_ROOT, quietRuntime, until, type TestWorker } from '../helpers/environment';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { csrfOf, FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(300_000);

const CONFIG_FILE = path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml');
const config = loadConfigFile(CONFIG_FILE);
const ANNA_PASSWORD = 'annas-lösenord-från-förra-versionen';
const PER_PASSWORD = 'pers-lösenord-från-förra-versionen';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const goals = { purpose: 'Utbyte mellan skolor', goals: 'Två utbyten per år', activities: 'Besök och webbinarier', partner_commitments: 'Tartu tar emot', timetable: '2027–2028', evaluation: 'Enkät' };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const dataDir = mkdtempSync(path.join(tmpdir(), 'followup-old-data-'));
const archiveDir = path.join(dataDir, 'archive');
let env: TestWorkflowEnvironment;
let address: string;
let smtp: TestSmtpServer;
let oldWorker: TestWorker;
let backend: RecordsBackend;
const opened: Records[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  quietRuntime();
  const [port] = await freePorts(1);
  address = `127.0.0.1:${port}`;
  [env, smtp, backend] = await Promise.all([
    devServer({ port: port! }),
    startTestSmtpServer(),
    startEmbeddedBackend(),
  ]);
  // Today's release: a worker with the archive folder and no database.
  oldWorker = await createTestWorker(env, smtp.url, { configs: [config], archiveDir });
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await oldWorker?.stop();
  await Promise.all(opened.map((db) => db.destroy()));
  await smtp?.close();
  await env?.teardown();
  await backend?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function followup(url: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { ...process.env, DATABASE_URL: url, FOLLOWUP_DATA_DIR: dataDir, FOLLOWUP_ARCHIVE_DIR: archiveDir, FOLLOWUP_CONFIG: CONFIG_FILE, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' },
  });
  return { code, out, err };
}

const counts = async (db: Records) => {
  const count = async (table: 'accounts' | 'record_files' | 'case_records' | 'goals_versions' | 'project_steps') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  return { accounts: await count('accounts'), files: await count('record_files'), cases: await count('case_records'), goals: await count('goals_versions'), steps: await count('project_steps') };
};

test('a data folder of the release before the database is carried in by followup records import: accounts sign in, the report downloads with the same bytes, the cases and goals are on record; a second import adds nothing', async () => {
  const { client } = env;
  const tq = oldWorker.taskQueue;
  // The accounts file, as `followup users add` wrote it.
  const accounts = createAccountStore(accountsFile(dataDir));
  await accounts.add({ name: 'anna.berg', displayName: 'Anna Berg', email: 'anna.berg@solna.example', role: 'secretariat' }, ANNA_PASSWORD);
  await accounts.add({ name: 'per.holm', displayName: 'Per Holm (revisor)', role: 'reader' }, PER_PASSWORD);

  // A cycle closed early: the worker compiles its report into the archive folder.
  await startCycle(client, tq, key, 'test');
  await closeCycle(client, key, 'Stängd före uppgraderingen', 'Anna Berg (anna.berg)');
  const report = await until(async () => (await cycleOverview(client, key)).report, 'the report compiled', 120_000);
  // A retention log, as `followup retention report --apply` keeps it beside the reports.
  writeFileSync(path.join(archiveDir, 'solna', 'retention-log.jsonl'), `${JSON.stringify({ at: '2025-01-02T03:04:05.000Z', ref: 'solna/annual-follow-up/solna-annual-follow-up-2014.md', rule: 'P10Y' })}\n`);

  // A project whose goals were returned with a comment, corrected and approved; an agreement: both running, only in Temporal.
  const plannedStart = inDays(200);
  await registerProject(client, tq, config, { id: 'skolutbyte-tartu', title: 'Skolutbyte Tartu', unitId: 'barn-utbildning', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart, partners: ['Tartu'], euFunded: false }, undefined, 'Anna Berg (anna.berg)');
  const awaiting = () => until(async () => (['awaiting-goals', 'returned'].includes((await projectStatus(client, 'solna', 'skolutbyte-tartu')).state) ? true : undefined), 'the goals asked for');
  await awaiting();
  await submitGoals(client, 'solna', 'skolutbyte-tartu', goals);
  await returnGoals(client, 'solna', 'skolutbyte-tartu', 'Ange hur utbytet utvärderas.', 'Anna Berg (anna.berg)');
  await awaiting();
  await submitGoals(client, 'solna', 'skolutbyte-tartu', { ...goals, evaluation: 'Enkät och intervjuer' });
  await approveGoals(client, 'solna', 'skolutbyte-tartu', 'Anna Berg (anna.berg)');
  await registerAgreement(client, tq, config, { id: 'avtal-tartu', title: 'Vänortsavtal Tartu', partner: 'Tartu stad', unitId: 'omsorg', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, endsOn: inDays(400) }, undefined, 'Anna Berg (anna.berg)');
  await until(async () => ((await projectStatus(client, 'solna', 'skolutbyte-tartu')).state === 'approved' ? true : undefined), 'the approval');

  const pdfBytes = readFileSync(path.join(archiveDir, report.pdf!));
  const markdown = readFileSync(path.join(archiveDir, report.markdown), 'utf8');
  expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');

  // The new release's database, empty: the import migrates it.
  const url = await backend.freshDatabase();
  const imported = await followup(url, 'records', 'import');
  expect(imported.err).toBe('');
  expect(imported.code).toBe(0);
  expect(imported.out).toContain('Records database: applied migrations');
  expect(imported.out).toContain('Carried into the records database:');
  expect(imported.out).toMatch(/^ {2}accounts\s+2$/m);
  expect(imported.out).toMatch(/^ {2}archive files\s+\d+$/m);
  expect(imported.out).toMatch(/^ {2}projects\s+1$/m);
  expect(imported.out).toMatch(/^ {2}projects' goals versions\s+2$/m);
  expect(imported.out).toMatch(/^ {2}projects' returns and approvals\s+2$/m);
  expect(imported.out).toMatch(/^ {2}agreements\s+1$/m);
  expect(imported.out).toMatch(/^ {2}cycles\s+1$/m);

  const db = await openRecords(url, { onConnectionError: () => undefined });
  opened.push(db);
  const afterFirst = await counts(db);
  expect(afterFirst).toMatchObject({ accounts: 2, goals: 2, steps: 2 });
  // The report's files, the period's data, the sender's record of the cycle's mails and the retention log.
  const refs = (await db.selectFrom('record_files').select('ref').orderBy('ref').execute()).map((r) => r.ref);
  expect(refs).toEqual(expect.arrayContaining([report.html, report.markdown, report.pdf, 'solna/retention-log.jsonl']));
  expect(refs.some((ref) => ref.startsWith('.sent-mail/'))).toBe(true);
  expect(Number(/^ {2}archive files\s+(\d+)$/m.exec(imported.out)![1])).toBe(refs.length);

  // Again: nothing is written twice, and each skip says why.
  const again = await followup(url, 'records', 'import');
  expect(again.code).toBe(0);
  expect(again.out).toContain('Nothing new to carry into the records database.');
  expect(again.out).toContain('accounts: 2 already in the database (kept as they are there) (anna.berg, per.holm)');
  expect(again.out).toContain('projects: 1 already on record, imported before (skolutbyte-tartu)');
  expect(again.out).toMatch(/archive files: \d+ already in the database \(/);
  expect(again.out).toMatch(/projects' goals versions: 2 already on record \(skolutbyte-tartu #1, skolutbyte-tartu #2\)/);
  expect(await counts(db)).toEqual(afterFirst);
  const noted = await db.selectFrom('record_imports').selectAll().execute();
  expect(noted).toHaveLength(1);
  expect(noted[0]!.source).toContain(path.resolve(dataDir));

  // The old folder is gone: what follows is read from the database alone.
  rmSync(archiveDir, { recursive: true, force: true });
  rmSync(accountsFile(dataDir));
  const app = await buildWebApp({ ...(await testWebDeps(config, client, oldWorker, 'ett delat lösenord som inte används')), records: db, accounts: accountStoreIn(db), archive: createRecordsArchive(db), passwordHash: undefined });
  apps.push(app);
  const anna = new FormSession(app);
  expect((await anna.submit('/login', '/login', { username: 'anna.berg', password: ANNA_PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  expect((await anna.get('/dashboard')).body).toContain('Inloggad som Anna Berg');
  const per = new FormSession(app);
  expect((await per.submit('/login', '/login', { username: 'per.holm', password: 'fel lösenord för per' })).statusCode).toBe(401);
  expect((await per.submit('/login', '/login', { username: 'per.holm', password: PER_PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  expect((await per.get('/dashboard')).body).toContain('Inloggad som Per Holm (revisor) (läsbehörighet)');

  const base = `/cycles/${key.obligationId}/${key.period}`;
  const pdf = await anna.get(`${base}/report.pdf?download=1`);
  expect(pdf.statusCode).toBe(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect(Buffer.compare(pdf.rawPayload, pdfBytes)).toBe(0);
  const md = await per.get(`${base}/report.md`);
  expect(md.statusCode).toBe(200);
  expect(md.body).toBe(markdown);

  // The project as its workflow holds it, as version 0; every version of its goals, the return and the approval, with who and when.
  const project = await caseOnRecord<ProjectStatus>(db, 'solna', 'project', 'skolutbyte-tartu');
  expect(project).toMatchObject({ version: 0, title: 'Skolutbyte Tartu', year: Number(plannedStart.slice(0, 4)) });
  expect(project!.state).toMatchObject({ state: 'approved', goals: { revision: 2, values: { evaluation: 'Enkät och intervjuer' } }, returned: [{ comment: 'Ange hur utbytet utvärderas.' }] });
  expect(project!.state.history?.map((h) => h.what)).toEqual(expect.arrayContaining(['registered', 'goals-submitted', 'goals-returned', 'goals-approved']));
  const definition = await projectOnRecord(db, 'solna', 'skolutbyte-tartu');
  expect(definition.goals.map((g) => [g.revision, g.actor, g.goals.evaluation])).toEqual([
    [1, 'owner', 'Enkät'],
    [2, 'owner', 'Enkät och intervjuer'],
  ]);
  expect(definition.goals[0]!.goals).toEqual(goals);
  expect(definition.steps.map((s) => [s.step, s.actor, s.comment])).toEqual([
    ['returned', 'Anna Berg (anna.berg)', 'Ange hur utbytet utvärderas.'],
    ['approved', 'Anna Berg (anna.berg)', undefined],
  ]);
  const cycle = await caseOnRecord<{ phase: string; report?: { pdf?: string } }>(db, 'solna', 'cycle', 'annual-follow-up/2025');
  expect(cycle).toMatchObject({ version: 0, year: 2025, state: { report: { pdf: report.pdf } } });
  const agreement = await caseOnRecord<AgreementStatus>(db, 'solna', 'agreement', 'avtal-tartu');
  expect(agreement).toMatchObject({ version: 0, title: 'Vänortsavtal Tartu', state: { state: 'active', partner: 'Tartu stad', registeredBy: 'Anna Berg (anna.berg)' } });

  // The new release's worker: the project goes on and writes its own versions (from 1) after the imported one.
  await oldWorker.stop();
  const newWorker = await createTestWorker(env, smtp.url, { configs: [config], taskQueue: tq, records: db, archive: createRecordsArchive(db) });
  try {
    await closeProject(client, 'solna', 'skolutbyte-tartu', 'Anna Berg (anna.berg)');
    await client.workflow.getHandle(projectWorkflowId('solna', 'skolutbyte-tartu')).result();
    const versions = await caseVersions<ProjectStatus>(db, 'solna', 'project', 'skolutbyte-tartu');
    expect(versions[0]).toMatchObject({ version: 0, state: { state: 'approved' } });
    expect(versions.length).toBeGreaterThan(1);
    expect((await caseOnRecord<ProjectStatus>(db, 'solna', 'project', 'skolutbyte-tartu'))!.state.state).toBe('closed');
  } finally {
    await newWorker.stop();
  }
});

test('at the first start of the new release the data folder is carried over by itself, once', async () => {
  const folders = { dataDir: mkdtempSync(path.join(tmpdir(), 'followup-first-start-')), archiveDir: '' };
  folders.archiveDir = path.join(folders.dataDir, 'archive');
  await createAccountStore(accountsFile(folders.dataDir)).add({ name: 'anna.berg', displayName: 'Anna Berg', role: 'secretariat' }, ANNA_PASSWORD);
  const report = 'solna/annual-follow-up/solna-annual-follow-up-2024.md';
  await createFileArchive(folders.archiveDir).put(report, '# Uppföljning 2024\n');
  const url = await backend.freshDatabase();
  const db = await openRecords(url, { onConnectionError: () => undefined });
  opened.push(db);
  await migrateToLatest(db);

  const said: string[] = [];
  await carryOverAtFirstStart(url, folders, (line) => said.push(line));
  expect(said.join('\n')).toContain('Records database: first start of this release; carried over what the data folders held');
  expect(said.join('\n')).toMatch(/accounts\s+1/);
  expect(said.join('\n')).toMatch(/archive files\s+1/);
  expect(said.join('\n')).toContain('followup records import');
  expect((await accountStoreIn(db).verify('anna.berg', ANNA_PASSWORD))?.name).toBe('anna.berg');
  expect(await createRecordsArchive(db).read(report)).toBe('# Uppföljning 2024\n');

  // Started again (or once an account is removed): nothing is carried again.
  await accountStoreIn(db).remove('anna.berg');
  const again: string[] = [];
  await carryOverAtFirstStart(url, folders, (line) => again.push(line));
  expect(again).toEqual([]);
  expect(await accountStoreIn(db).list()).toEqual([]);
  rmSync(folders.dataDir, { recursive: true, force: true });
});

test('npm start on a data folder of the release before: its first start carries the accounts and the reports into its database, says so, and the account signs in', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'followup-npm-start-old-'));
  const archive = path.join(folder, 'archive');
  await createAccountStore(accountsFile(folder)).add({ name: 'anna.berg', displayName: 'Anna Berg', role: 'secretariat' }, ANNA_PASSWORD);
  await createFileArchive(archive).put('solna/annual-follow-up/solna-annual-follow-up-2024.md', '# Uppföljning 2024\n');
  // Temporal's Web UI takes the port 1000 above Temporal's.
  const [temporalPort, webPort, smtpPort, recordsPort] = await freePorts(4);
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    FOLLOWUP_DATA_DIR: folder,
    FOLLOWUP_ARCHIVE_DIR: archive,
    FOLLOWUP_CONFIG: CONFIG_FILE,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    FOLLOWUP_WEB_PORT: String(webPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${webPort}`,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    FOLLOWUP_RECORDS_PORT: String(recordsPort),
    FOLLOWUP_SYNC_SCHEDULES: 'off',
  };
  delete environment.DATABASE_URL;
  const npmStart = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'workers/embedded.ts')], { cwd: PROJECT_ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  npmStart.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  npmStart.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  try {
    await until(() => (said.includes('policy-followup is running') ? true : npmStart.exitCode !== null ? Promise.reject(new Error(said)) : undefined), 'npm start running', 120_000);
    expect(said).toContain('Records database: first start of this release; carried over what the data folders held');
    expect(said).toMatch(/accounts\s+1/);
    expect(said).toMatch(/archive files\s+1/);
    expect(said).toContain('put them on record with "followup records import"');
    // No first account made: the one carried over is there.
    expect(said).toContain('(1 account; add one with: npm run followup -- users add NAME --role secretariat)');
    expect(existsSync(path.join(folder, 'first-account.txt'))).toBe(false);

    const web = `http://127.0.0.1:${webPort}`;
    const form = await fetch(`${web}/login`);
    const cookies = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const login = await fetch(`${web}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await form.text()), username: 'anna.berg', password: ANNA_PASSWORD, next: '/dashboard' }).toString(),
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/dashboard');

    // The command line finds npm start's database by itself, as the banner's "users add" needs.
    let out = '';
    const listed = await runCli(['users', 'list', '--json'], { out: (t) => (out += t), err: (t) => (out += t), env: environment });
    expect(listed).toBe(0);
    expect((JSON.parse(out) as { name: string }[]).map((a) => a.name)).toEqual(['anna.berg']);
  } finally {
    await stopChild(npmStart, 'SIGINT', 30_000);
    rmSync(folder, { recursive: true, force: true });
  }
});
