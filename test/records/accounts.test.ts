/**
 * The web's named accounts in the database of record, on both databases: `followup users
 * add|list|remove` with DATABASE_URL keep them in its `accounts` table (no file in the data
 * folder), a password is checked against the hash there, and two web processes over the database
 * see a removal at once: the removed person is signed out of both on their next page, and a new
 * role (removed and added again) ends the session made with the old one.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { runCli } from '../../cli/program';
import { loadConfigFile } from '../../config/load';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { accountsFile, accountStoreIn } from '../../web/accounts';
import { buildWebApp, type WebDeps } from '../../web/app';
import { createTestWorker, devServer, PROJECT_ROOT, type TestWorker } from '../helpers/environment';
import { RECORDS_BACKENDS, type RecordsBackend } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
let env: TestWorkflowEnvironment;
let tw: TestWorker;
let deps: WebDeps;

beforeAll(async () => {
  env = await devServer();
  // The web needs a task queue and an archive; nothing here starts a workflow.
  tw = await createTestWorker(env, 'smtp://127.0.0.1:9', { configs: [config] });
  deps = await testWebDeps(config, env.client, tw, 'ett delat lösenord som inte används');
});
afterAll(async () => {
  await tw?.stop();
  await env?.teardown();
});

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  let url: string;
  let records: Records;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'followup-accounts-db-'));
  const opened: Records[] = [];
  const apps: FastifyInstance[] = [];

  const followup = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: { ...process.env, DATABASE_URL: url, FOLLOWUP_DATA_DIR: dataDir } });
    return { code, out, err };
  };
  const passwordOf = (added: { out: string }) => /Password: (\S+)/.exec(added.out)![1]!;
  /** A web process of its own: its own pool on the shared database, its accounts read from it. */
  const startWeb = async () => {
    const own = await openRecords(url, { onConnectionError: () => undefined });
    opened.push(own);
    const app = await buildWebApp({ ...deps, records: own, accounts: accountStoreIn(own), passwordHash: undefined });
    apps.push(app);
    return app;
  };
  const signIn = async (app: FastifyInstance, username: string, password: string) => {
    const browser = new FormSession(app);
    const login = await browser.submit('/login', '/login', { username, password, next: '/dashboard' });
    return { browser, login };
  };
  const sameBrowserOn = (app: FastifyInstance, browser: FormSession) => {
    const copy = new FormSession(app);
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    return copy;
  };

  beforeAll(async () => {
    backend = await startBackend();
    url = await backend.freshDatabase();
    records = await openRecords(url, { onConnectionError: () => undefined });
    opened.push(records);
    await migrateToLatest(records);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(opened.map((db) => db.destroy()));
    await backend?.stop();
  });

  test('followup users add, list and remove keep the accounts in the database; a password is checked against its hash there', async () => {
    const anna = await followup('users', 'add', 'Anna.Berg', '--role', 'secretariat', '--display-name', 'Anna Berg', '--email', 'anna.berg@solna.example', '--generate');
    expect(anna.err).toBe('');
    expect(anna.out).toContain('Added anna.berg (secretariat).');
    const per = await followup('users', 'add', 'per.holm', '--role', 'reader', '--display-name', 'Per Holm (revisor)', '--organisations', 'solna', '--generate');
    expect(per.code).toBe(0);
    const again = await followup('users', 'add', 'anna.berg', '--role', 'reader', '--generate');
    expect(again.code).toBe(1);
    expect(again.err).toContain('There is already an account "anna.berg". Remove it first to replace it.');
    expect((await followup('users', 'add', 'Ö!', '--role', 'reader', '--generate')).err).toContain('cannot be an account name');

    const listed = await followup('users', 'list', '--json');
    const list = JSON.parse(listed.out) as { name: string; role: string; displayName: string; email?: string; organisations?: string[] }[];
    expect(list.map((a) => [a.name, a.role, a.displayName, a.email, a.organisations])).toEqual([
      ['anna.berg', 'secretariat', 'Anna Berg', 'anna.berg@solna.example', undefined],
      ['per.holm', 'reader', 'Per Holm (revisor)', undefined, ['solna']],
    ]);
    expect(listed.out).not.toContain('scrypt');
    expect((await followup('users', 'list')).out).toMatch(/per\.holm\s+reader\s+Per Holm \(revisor\)\s+solna/);

    // In the table, with the hash and never the password; nothing in the data folder.
    const rows = await records.selectFrom('accounts').selectAll().orderBy('name').execute();
    expect(rows.map((r) => [r.name, r.role, r.email, r.organisations])).toEqual([
      ['anna.berg', 'secretariat', 'anna.berg@solna.example', null],
      ['per.holm', 'reader', null, ['solna']],
    ]);
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(rows)).not.toContain(passwordOf(anna));
    expect(existsSync(accountsFile(dataDir))).toBe(false);
    // Who added and removed accounts is in the audit log.
    const audit = await records.selectFrom('audit_log').select(['action', 'subject']).where('action', '=', 'users add').execute();
    expect(audit.map((a) => a.subject)).toEqual(expect.arrayContaining(['Anna.Berg', 'per.holm']));

    const store = accountStoreIn(records);
    expect((await store.verify('Anna.Berg', passwordOf(anna)))?.displayName).toBe('Anna Berg');
    expect(await store.verify('anna.berg', 'fel lösenord, helt fel')).toBeUndefined();
    expect(await store.verify('ingen.alls', passwordOf(anna))).toBeUndefined();
    expect((await store.findByEmail('Anna.Berg@solna.example'))?.name).toBe('anna.berg');
    expect((await store.find('per.holm'))?.createdAt).toBe(rows[1]!.created_at.toISOString());

    expect((await followup('users', 'remove', 'per.holm')).out).toContain('Removed per.holm.');
    const missing = await followup('users', 'remove', 'per.holm');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('There is no account "per.holm". See them with: followup users list');
    expect((await store.list()).map((a) => a.name)).toEqual(['anna.berg']);
    expect(await store.verify('per.holm', passwordOf(per))).toBeUndefined();
  });

  // Only npm start's own database (PGlite) is found without DATABASE_URL.
  (_name.startsWith('PGlite') ? test : test.skip)("without DATABASE_URL, npm start's data folder means npm start's database, while it serves it; when it does not, the command says to start it", async () => {
    const embedded = /^postgresql:\/\/postgres@127\.0\.0\.1:(\d+)\/postgres$/.exec(url)!;
    const startDir = mkdtempSync(path.join(tmpdir(), 'followup-npm-start-'));
    mkdirSync(path.join(startDir, 'records'));
    const npmStart = (port: string, ...args: string[]) => {
      let out = '';
      let err = '';
      return runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: { ...process.env, DATABASE_URL: undefined, FOLLOWUP_DATA_DIR: startDir, FOLLOWUP_RECORDS_PORT: port } }).then((code) => ({ code, out, err }));
    };
    const added = await npmStart(embedded[1]!, 'users', 'add', 'lena.ek', '--role', 'reader', '--generate');
    expect(added.err).toBe('');
    expect((await accountStoreIn(records).find('lena.ek'))?.role).toBe('reader');
    expect(existsSync(accountsFile(startDir))).toBe(false);
    const stopped = await npmStart('9', 'users', 'list');
    expect(stopped.code).toBe(1);
    expect(stopped.err).toContain('npm start keeps the accounts in its records database');
    expect(stopped.err).toContain('start it ("npm start" in another terminal) and run this again');
    expect((await npmStart(embedded[1]!, 'users', 'remove', 'lena.ek')).code).toBe(0);
  });

  test('a person removed on the command line is signed out of every web at once; a new role ends the session made with the old one', async () => {
    const a = await startWeb();
    const b = await startWeb();
    const karin = await followup('users', 'add', 'karin.ek', '--role', 'secretariat', '--display-name', 'Karin Ek', '--generate');
    const { browser, login } = await signIn(a, 'karin.ek', passwordOf(karin));
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/dashboard');
    const onB = sameBrowserOn(b, browser);
    const dashboard = await onB.get('/dashboard');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Inloggad som Karin Ek');
    expect(dashboard.body).toContain('action="/cycles"');

    // Lowered to reader (removed, and added again with the new role): the old session ends on both.
    expect((await followup('users', 'remove', 'karin.ek')).code).toBe(0);
    const reader = await followup('users', 'add', 'karin.ek', '--role', 'reader', '--display-name', 'Karin Ek', '--generate');
    for (const web of [browser, onB]) {
      const after = await web.get('/dashboard');
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toBe('/login?next=%2Fdashboard');
    }
    expect((await signIn(b, 'karin.ek', passwordOf(karin))).login.statusCode).toBe(401);
    const asReader = await signIn(b, 'karin.ek', passwordOf(reader));
    expect(asReader.login.statusCode).toBe(303);
    const readerPage = await sameBrowserOn(a, asReader.browser).get('/dashboard');
    expect(readerPage.body).toContain('Inloggad som Karin Ek (läsbehörighet)');
    expect(readerPage.body).not.toContain('action="/cycles"');

    // Removed: signed out of both at once, and the password opens nothing.
    expect((await followup('users', 'remove', 'karin.ek')).code).toBe(0);
    for (const app of [a, b]) {
      const after = await sameBrowserOn(app, asReader.browser).get('/dashboard');
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toBe('/login?next=%2Fdashboard');
    }
    expect((await signIn(a, 'karin.ek', passwordOf(reader))).login.statusCode).toBe(401);
  });
});
