/**
 * The secretariat's sign-in in the database of record, on both databases: two web apps over one
 * database, each with its own pool as two web processes behind a proxy would have, know each
 * other's sessions; a restarted web signs nobody out; logout on one ends the session on the other;
 * wrong passwords and invalid links count together across them; a session still ends when it
 * expires or its password changes. The table keeps a hash of the cookie's token, never the token.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { loadConfigFile } from '../../config/load';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { sessionIdOf, sessionStoreIn, LAST_SEEN_PRECISION_MS } from '../../records/sessions';
import { buildWebApp, type WebDeps } from '../../web/app';
import { hashPassword } from '../../web/password';
import { SESSION_COOKIE } from '../../web/secretariat-session';
import { createTestWorker, devServer, PROJECT_ROOT, type TestWorker } from '../helpers/environment';
import { RECORDS_BACKENDS, type RecordsBackend } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'rätt-lösenord-för-sessionerna';
const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
let env: TestWorkflowEnvironment;
let tw: TestWorker;
let deps: WebDeps;

beforeAll(async () => {
  env = await devServer();
  // The web needs a task queue and an archive; nothing here starts a workflow, so no mail is sent.
  tw = await createTestWorker(env, 'smtp://127.0.0.1:9', { configs: [config] });
  deps = await testWebDeps(config, env.client, tw, PASSWORD);
});
afterAll(async () => {
  await tw?.stop();
  await env?.teardown();
});

/** The token a signed session cookie carries ("token.signature"). */
const tokenIn = (browser: FormSession) => {
  const cookie = browser.cookies.get(SESSION_COOKIE)!;
  return cookie.slice(0, cookie.lastIndexOf('.'));
};

/** The same browser, its cookies copied, talking to another web process. */
const sameBrowserOn = (app: FastifyInstance, browser: FormSession, remoteAddress?: string) => {
  const copy = new FormSession(app, remoteAddress);
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
};

const signIn = async (app: FastifyInstance, remoteAddress?: string) => {
  const browser = new FormSession(app, remoteAddress);
  const login = await browser.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' });
  expect(login.statusCode).toBe(303);
  expect(login.headers.location).toBe('/dashboard');
  return browser;
};

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  let url: string;
  const opened: Records[] = [];
  const apps: FastifyInstance[] = [];
  // A pool's end resolves before its connections have said goodbye, and the server stops right
  // after: those connections are told it is shutting down, which is no news here.
  const open = () => openRecords(url, { onConnectionError: () => undefined });
  /** A web process of its own: its own pool on the shared database. */
  const startWeb = async (overrides: Partial<WebDeps> = {}) => {
    const records = await open();
    opened.push(records);
    const app = await buildWebApp({ ...deps, records, ...overrides });
    apps.push(app);
    return { app, records };
  };
  let a: FastifyInstance;
  let b: FastifyInstance;
  let records: Records;

  beforeAll(async () => {
    backend = await startBackend();
    url = await backend.freshDatabase();
    records = await open();
    opened.push(records);
    await migrateToLatest(records);
    a = (await startWeb()).app;
    b = (await startWeb()).app;
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(opened.map((db) => db.destroy()));
    await backend?.stop();
  });

  test('signed in through one web, signed in on the other; logout on the other ends it on both; the table holds no token', async () => {
    const onA = await signIn(a);
    const onB = sameBrowserOn(b, onA);
    const dashboard = await onB.get('/dashboard');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Inloggad som Sekretariatet');

    const token = tokenIn(onA);
    const rows = await records.selectFrom('web_sessions').selectAll().execute();
    expect(rows.map((r) => r.id)).toContain(sessionIdOf(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const row = rows.find((r) => r.id === sessionIdOf(token))!;
    expect(row).toMatchObject({ account: 'sekretariatet', role_from: 'account', person: null });
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(8 * 3_600_000);

    expect((await onB.submit('/dashboard', '/logout', {})).headers.location).toBe('/login');
    const afterLogout = await onA.get('/dashboard');
    expect(afterLogout.statusCode).toBe(303);
    expect(afterLogout.headers.location).toBe('/login?next=%2Fdashboard');
    expect(await records.selectFrom('web_sessions').select('id').where('id', '=', sessionIdOf(token)).executeTakeFirst()).toBeUndefined();
  });

  test('a restarted web signs nobody out', async () => {
    const browser = await signIn(a);
    const restarting = await startWeb();
    const before = sameBrowserOn(restarting.app, browser);
    expect((await before.get('/dashboard')).statusCode).toBe(200);
    // The process ends: its app and its pool go; the new one has nothing of it in memory.
    await restarting.app.close();
    await restarting.records.destroy();
    const restarted = await startWeb();
    const after = sameBrowserOn(restarted.app, browser);
    const dashboard = await after.get('/dashboard');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Inloggad som Sekretariatet');
  });

  test('wrong passwords through one web and then the other add up to the limit, and a restart forgives none', async () => {
    const client = '10.44.0.7';
    const throughA = new FormSession(a, client);
    const throughB = new FormSession(b, client);
    for (let i = 0; i < 5; i++) expect((await throughA.submit('/login', '/login', { username: 'sekretariatet', password: `gissning-a-${i}` })).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) expect((await throughB.submit('/login', '/login', { username: 'sekretariatet', password: `gissning-b-${i}` })).statusCode).toBe(401);
    const blocked = await throughB.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    expect((await throughA.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD })).statusCode).toBe(429);
    const restarted = await startWeb();
    expect((await new FormSession(restarted.app, client).submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD })).statusCode).toBe(429);
    // Counted per client: the secretariat at another address signs in through either.
    await signIn(b, '10.44.0.8');
  });

  test('invalid links count together across the webs; another client is not held up', async () => {
    const from = (app: FastifyInstance, remoteAddress: string, url: string) => app.inject({ method: 'GET', url, remoteAddress });
    for (let i = 0; i < 15; i++) expect((await from(a, '10.45.0.1', `/answer/junk-a-${i}`)).statusCode).toBe(404);
    for (let i = 0; i < 15; i++) expect((await from(b, '10.45.0.1', `/goals/junk-b-${i}`)).statusCode).toBe(404);
    expect((await from(b, '10.45.0.1', '/answer/junk-31')).statusCode).toBe(429);
    expect((await from(a, '10.45.0.2', '/answer/junk-31')).statusCode).toBe(404);
  });

  test('a session in the database still ends when it expires, and when its password changes, on every web', async () => {
    const browser = await signIn(a);
    const later = await startWeb({ now: () => new Date(Date.now() + 8 * 3_600_000 + 60_000) });
    expect((await sameBrowserOn(later.app, browser).get('/dashboard')).statusCode).toBe(303);
    expect((await browser.get('/dashboard')).statusCode).toBe(200);

    // The operator sets a new hash and restarts one web with it: the session made with the old one ends.
    const changed = await startWeb({ passwordHash: await hashPassword('ett helt annat lösenord') });
    expect((await sameBrowserOn(changed.app, browser).get('/dashboard')).statusCode).toBe(303);
    expect(await records.selectFrom('web_sessions').select('id').where('id', '=', sessionIdOf(tokenIn(browser))).executeTakeFirst()).toBeUndefined();
    expect((await browser.get('/dashboard')).statusCode).toBe(303);
  });

  test("a single sign-on person's sessions: signed in again with another role, the old ones end; without a role, all of them; last seen is kept to the minutes", async () => {
    let clock = new Date('2026-03-02T08:00:00Z');
    const store = sessionStoreIn(records, { hours: 8, now: () => clock });
    const person = { name: 'karin.ek@solna.example', displayName: 'Karin Ek', role: 'secretariat' as const, email: 'karin.ek@solna.example' };
    const credentialNow = (s: { credential: string }) => s.credential;
    const first = await store.create({ who: 'sso:karin', credential: 'single-sign-on:secretariat:claim', roleFrom: 'claim', person });
    const second = await store.create({ who: 'sso:karin', credential: 'single-sign-on:secretariat:claim', roleFrom: 'claim', person });
    const other = await store.create({ who: 'sso:lars', credential: 'single-sign-on:reader:claim', roleFrom: 'claim', person: { ...person, name: 'lars', displayName: 'Lars Berg', role: 'reader' } });

    await store.revise('sso:karin', { credential: 'single-sign-on:secretariat:claim', person: { ...person, displayName: 'Karin Ek (kansliet)' } });
    expect((await store.find(first, credentialNow))?.person?.displayName).toBe('Karin Ek (kansliet)');
    await store.revise('sso:karin', { credential: 'single-sign-on:reader:claim', person: { ...person, role: 'reader' } });
    expect(await store.find(first, credentialNow)).toBeUndefined();
    expect(await store.find(second, credentialNow)).toBeUndefined();

    const third = await store.create({ who: 'sso:karin', credential: 'single-sign-on:reader:claim', roleFrom: 'claim', person: { ...person, role: 'reader' } });
    await store.endAll('sso:karin');
    expect(await store.find(third, credentialNow)).toBeUndefined();
    expect((await store.find(other, credentialNow))?.who).toBe('sso:lars');

    const seen = async () => (await records.selectFrom('web_sessions').select('last_seen_at').where('id', '=', sessionIdOf(other)).executeTakeFirstOrThrow()).last_seen_at;
    clock = new Date(clock.getTime() + LAST_SEEN_PRECISION_MS - 1_000);
    await store.find(other, credentialNow);
    expect(await seen()).toEqual(new Date('2026-03-02T08:00:00Z'));
    clock = new Date(clock.getTime() + 2_000);
    await store.find(other, credentialNow);
    expect(await seen()).toEqual(clock);
  });
});
