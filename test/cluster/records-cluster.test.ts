/**
 * `npm run cluster` itself (scripts/cluster/run.ts, as a process) with its database of record on
 * the PostgreSQL that Temporal uses: what the command line and the workers do is in that database
 * (queried with pg, as its own role), beside Temporal's databases, which hold none of it; its two
 * web processes share the secretariat's sessions (a person signed in through web 1 is signed in on
 * web 2 with the same cookie, and web 1 restarted signs nobody out) and the sign-in limit (wrong
 * passwords through web 1 and web 2 add up to it; the next try on either is refused).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfigFile } from '../../config/load';
import { readEnvFile } from '../../scripts/cluster/env-file';
import { freePorts } from '../../scripts/cluster/ports';
import { stopChild } from '../../scripts/cluster/postgres';
import { PROJECT_ROOT, SOLNA_CONFIG, until } from '../helpers/environment';

// Temporal's server from the build cache (minutes the first time), PostgreSQL, two workers, two webs.
jest.setTimeout(20 * 60_000);

const config = loadConfigFile(SOLNA_CONFIG);
const dir = mkdtempSync(path.join(tmpdir(), 'followup-cluster-records-'));
const dataDir = path.join(dir, 'data');
const FOLLOWUP_BIN = path.join(PROJECT_ROOT, 'bin/followup.js');

/** The caller's environment without anything of ours that would steer the cluster elsewhere. */
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(FOLLOWUP_|TEMPORAL_|DATABASE_URL$|SMTP_URL$|PUBLIC_BASE_URL$)/.test(k)));

let cluster: ChildProcess;
let clusterOutput = '';
let clusterEnv: Record<string, string>;
let webPorts: [number, number];
let account: { name: string; password: string };
const ownWebs: ChildProcess[] = [];

const webUrl = (which: 0 | 1) => `http://127.0.0.1:${webPorts[which]}`;

/** A port whose next one is free too: the cluster's webs listen on FOLLOWUP_WEB_PORT and the one after. */
async function freePortPair(): Promise<[number, number]> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const [port] = await freePorts(1);
    if (await free(port! + 1)) return [port!, port! + 1];
  }
}

/** Whether the web on `port` serves its sign-in page. */
const serving = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/login`)).status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
};

/** A browser without JavaScript over real HTTP: keeps its cookies, follows no redirect. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(public base: string) {}

  private async request(url: string, init: RequestInit = {}) {
    const response = await fetch(`${this.base}${url}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now());
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location'), retryAfter: response.headers.get('retry-after'), body: await response.text() };
  }

  get(url: string) {
    return this.request(url);
  }

  /** Loads the page for its CSRF token, then posts the form, as a browser would. */
  async submit(pageUrl: string, actionUrl: string, form: Record<string, string>) {
    const page = await this.get(pageUrl);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!csrf) throw new Error(`No CSRF token in ${pageUrl} (${page.status})`);
    return this.request(actionUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...form }).toString() });
  }

  /** The same browser, its cookies copied, on another web (another port behind the same proxy). */
  on(base: string) {
    const copy = new Browser(base);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }
}

/** `followup …` as an operator runs it on the cluster: with the environment of cluster.env. */
function followup(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(FOLLOWUP_BIN, args, { env: { ...baseEnv, ...clusterEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`followup ${args.join(' ')} failed (${code}): ${out}`))));
  });
}

/** A query on a database of the cluster's PostgreSQL. */
async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(text, values)).rows as T[];
  } finally {
    await db.end();
  }
}
const records = <T>(text: string, values: unknown[] = []) => query<T>(clusterEnv.DATABASE_URL!, text, values);

beforeAll(async () => {
  const [frontend, smtp] = await freePorts(2);
  webPorts = await freePortPair();
  cluster = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/cluster/run.ts')], {
    cwd: PROJECT_ROOT,
    // A process group of its own: whatever happens here, afterAll can end all of it.
    detached: true,
    env: {
      ...baseEnv,
      FOLLOWUP_DATA_DIR: dataDir,
      FOLLOWUP_CONFIG: SOLNA_CONFIG,
      TEMPORAL_ADDRESS: `127.0.0.1:${frontend}`,
      SMTP_URL: `smtp://127.0.0.1:${smtp}`,
      FOLLOWUP_WEB_PORT: String(webPorts[0]),
      FOLLOWUP_SYNC_SCHEDULES: 'off',
      PUBLIC_BASE_URL: 'https://uppfoljning.solna.example',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cluster.stdout!.on('data', (d: Buffer) => (clusterOutput += d.toString()));
  cluster.stderr!.on('data', (d: Buffer) => (clusterOutput += d.toString()));
  await until(() => {
    if (cluster.exitCode !== null) throw new Error(`npm run cluster stopped at start: ${clusterOutput}`);
    return clusterOutput.includes('Stop with Ctrl-C') ? true : undefined;
  }, `the cluster to start: ${clusterOutput}`, 15 * 60_000);
  clusterEnv = readEnvFile(path.join(dataDir, 'cluster', 'cluster.env'));
  const first = readFileSync(path.join(dataDir, 'cluster', 'first-account.txt'), 'utf8');
  account = { name: /user name: (\S+)/.exec(first)![1]!, password: /password: +(\S+)/.exec(first)![1]! };
  await until(() => serving(webPorts[0]), 'web 1', 120_000);
  await until(() => serving(webPorts[1]), 'web 2', 120_000);
});

afterAll(async () => {
  await Promise.all(ownWebs.map((w) => stopChild(w, 'SIGTERM', 10_000)));
  if (cluster && cluster.exitCode === null && cluster.signalCode === null) {
    // Ctrl-C's way: the cluster stops its processes, then Temporal's server and PostgreSQL.
    const stopped = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 90_000);
      cluster.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
      cluster.kill('SIGTERM');
    });
    if (!stopped) process.kill(-cluster.pid!, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the cluster prints both webs and the environment for the command line; the records have a database and role of their own', async () => {
  expect(clusterOutput).toContain(`Web 1             http://127.0.0.1:${webPorts[0]}/login`);
  expect(clusterOutput).toContain(`Web 2             http://127.0.0.1:${webPorts[1]}/login`);
  expect(clusterOutput).toContain(`. ${path.join(dataDir, 'cluster', 'cluster.env')}`);
  const url = new URL(clusterEnv.DATABASE_URL!);
  expect({ user: url.username, database: url.pathname, host: url.hostname }).toEqual({ user: 'followup', database: '/followup_records', host: '127.0.0.1' });
  expect(url.password.length).toBeGreaterThan(20);
  expect(clusterOutput).not.toContain(url.password);
  const admin = `postgresql://temporal@127.0.0.1:${url.port}/postgres`;
  const databases = await query<{ datname: string; owner: string }>(admin, 'select datname, pg_get_userbyid(datdba) as owner from pg_database where not datistemplate order by datname');
  expect(databases).toEqual([
    { datname: 'followup_records', owner: 'followup' },
    { datname: 'postgres', owner: 'temporal' },
    { datname: 'temporal', owner: 'temporal' },
    { datname: 'temporal_visibility', owner: 'temporal' },
  ]);
});

test('a person signed in through web 1 is signed in on web 2 with the same cookie, and web 1 restarted signs nobody out', async () => {
  const onWeb1 = new Browser(webUrl(0));
  const login = await onWeb1.submit('/login', '/login', { username: account.name, password: account.password, next: '/dashboard' });
  expect(login.status).toBe(303);
  expect(login.location).toBe('/dashboard');
  const onWeb2 = onWeb1.on(webUrl(1));
  const dashboard = await onWeb2.get('/dashboard');
  expect(dashboard.status).toBe(200);
  expect(dashboard.body).toContain('Inloggad som Sekretariatet');
  // The session is in the records' database, for every web.
  expect(await records<{ account: string }>('select account from web_sessions')).toContainEqual({ account: 'admin' });

  // Web 1 stops as an operator restarts it; the same web starts again on its port, with the cluster's environment.
  const pid = Number(new RegExp(`Web 1 .*pid (\\d+)`).exec(clusterOutput)![1]);
  process.kill(pid, 'SIGTERM');
  await until(() => (clusterOutput.includes('web-1 stopped') ? true : undefined), 'web 1 to stop', 30_000);
  const restarted = spawn(FOLLOWUP_BIN, ['web'], { env: { ...baseEnv, ...clusterEnv, FOLLOWUP_WEB_PORT: String(webPorts[0]) }, stdio: 'ignore' });
  ownWebs.push(restarted);
  await until(() => serving(webPorts[0]), 'web 1 restarted', 120_000);
  const afterRestart = await onWeb1.get('/dashboard');
  expect(afterRestart.status).toBe(200);
  expect(afterRestart.body).toContain('Inloggad som Sekretariatet');
});

test('what the command line and the workers do is in the cluster\'s PostgreSQL, in the records\' database and not in Temporal\'s', async () => {
  const unit = config.units[0]!;
  const owner = 'olle.agare@solna.example';
  await followup('project', 'register', '--id', 'cluster-records', '--title', 'Klusterarkivet', '-u', unit.id, '--owner-name', 'Olle Ägare', '--owner-email', owner, '--start', '2027-03-01');
  await followup('cycle', 'start', 'annual-follow-up', '--period', '2025');
  const contact = unit.contacts[0]!.email.toLowerCase();
  await until(async () => ((await records('select 1 from mail_log where address = $1 and kind = $2 and outcome = $3', [contact, 'request', 'delivered'])).length ? true : undefined), 'the request to the first unit in the mail log', 180_000);
  const answerFile = path.join(dir, 'answer.json');
  writeFileSync(answerFile, JSON.stringify({ eu_projects: 'Interreg Baltic Sea', other_work: 'Nätverksmöten', effects: 'Nya kontakter', reported_to_board: true }));
  await followup('cycle', 'answer', 'annual-follow-up', '--period', '2025', '--unit', unit.id, '--file', answerFile);

  const answers = await until(async () => {
    const rows = await records<{ unit: string; revision: number; answers: Record<string, unknown> }>('select unit, revision, answers from answer_versions where org = $1 and period = $2', ['solna', '2025']);
    return rows.length ? rows : undefined;
  }, 'the answer on record', 60_000);
  expect(answers).toEqual([{ unit: unit.id, revision: 1, answers: expect.objectContaining({ eu_projects: 'Interreg Baltic Sea' }) }]);
  await until(async () => ((await records('select 1 from mail_log where address = $1 and kind = $2', [contact, 'receipt'])).length ? true : undefined), 'the receipt in the mail log', 60_000);
  const project = await until(async () => {
    const rows = await records<{ title: string; version: number }>('select title, version from case_records where kind = $1 and case_id = $2 order by version', ['project', 'cluster-records']);
    return rows.length ? rows : undefined;
  }, 'the project on record', 60_000);
  expect(project[0]).toEqual({ title: 'Klusterarkivet', version: 1 });
  await until(async () => ((await records('select 1 from mail_log where address = $1', [owner])).length ? true : undefined), 'the mail to the project owner in the mail log', 60_000);
  const audit = await records<{ action: string; subject: string; via: string }>('select action, subject, via from audit_log order by id');
  expect(audit).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'project register', via: 'cli' }),
      expect.objectContaining({ action: 'cycle start', subject: 'annual-follow-up', via: 'cli' }),
      expect.objectContaining({ action: 'cycle answer', subject: 'annual-follow-up', via: 'cli' }),
    ]),
  );

  // Temporal's databases keep Temporal's tables only.
  const port = new URL(clusterEnv.DATABASE_URL!).port;
  for (const database of ['temporal', 'temporal_visibility']) {
    const [found] = await query<{ found: string | null }>(`postgresql://temporal@127.0.0.1:${port}/${database}`, "select to_regclass('answer_versions')::text as found");
    expect({ database, found: found!.found }).toEqual({ database, found: null });
  }
});

test('wrong passwords through web 1 and web 2 add up to the sign-in limit; the next try on either is refused', async () => {
  const throughWeb1 = new Browser(webUrl(0));
  const throughWeb2 = new Browser(webUrl(1));
  for (let i = 0; i < 5; i++) {
    const wrong = await throughWeb1.submit('/login', '/login', { username: account.name, password: `gissning-1-${i}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Fel användarnamn eller lösenord.');
  }
  for (let i = 0; i < 5; i++) expect((await throughWeb2.submit('/login', '/login', { username: account.name, password: `gissning-2-${i}` })).status).toBe(401);
  for (const browser of [throughWeb2, throughWeb1]) {
    // The right password too: the client has used up its tries, on every web.
    const refused = await browser.submit('/login', '/login', { username: account.name, password: account.password });
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('För många försök');
    expect(Number(refused.retryAfter)).toBeGreaterThan(800);
  }
});
