/**
 * Named accounts and their roles, as the secretariat and a politician would meet them: accounts
 * made with `followup users`, a reader who sees the overview and the cycle but gets 403 on every
 * action route, a secretariat member who acts, and a removed account whose session ends.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runCli } from '../../cli/program';
import type { CycleKey } from '../../domain/ids';
import { accountsFile, createAccountStore } from '../../web/accounts';
import { buildWebApp } from '../../web/app';
import { FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';

jest.setTimeout(120_000);

const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2024' };
const dataDir = mkdtempSync(path.join(tmpdir(), 'followup-accounts-'));
let testbed: WebTestbed;
let app: FastifyInstance;

async function followup(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: { ...process.env, FOLLOWUP_DATA_DIR: dataDir } });
  return { code, out, err };
}

beforeAll(async () => {
  testbed = await startWebTestbed(key, 'ett delat lösenord som inte används');
  app = await buildWebApp({ ...testbed.deps, passwordHash: undefined, accounts: createAccountStore(accountsFile(dataDir)), logger: false });
});
afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

test('accounts from the command line; a reader sees but cannot act, route by route; a removed account is signed out', async () => {
  const anna = await followup('users', 'add', 'anna.berg', '--role', 'secretariat', '--display-name', 'Anna Berg', '--generate');
  expect(anna.code).toBe(0);
  const annaPassword = /Password: (\S+)/.exec(anna.out)![1]!;
  const per = await followup('users', 'add', 'per.holm', '--role', 'reader', '--display-name', 'Per Holm (revisor)', '--generate');
  const perPassword = /Password: (\S+)/.exec(per.out)![1]!;
  expect((await followup('users', 'add', 'anna.berg', '--role', 'reader', '--generate')).err).toContain('There is already an account "anna.berg"');
  expect((await followup('users', 'add', 'Ö!', '--role', 'reader', '--generate')).err).toContain('cannot be an account name');
  const list = JSON.parse((await followup('users', 'list', '--json')).out) as { name: string; role: string }[];
  expect(list.map((a) => [a.name, a.role])).toEqual([
    ['anna.berg', 'secretariat'],
    ['per.holm', 'reader'],
  ]);
  expect(JSON.stringify(list)).not.toContain('scrypt');
  expect(statSync(accountsFile(dataDir)).mode & 0o777).toBe(0o600);

  // The reader: sees the overview and the cycle, with no forms to act.
  const reader = new FormSession(app);
  expect((await reader.submit('/login', '/login', { username: 'per.holm', password: 'fel lösenord', next: '/dashboard' })).statusCode).toBe(401);
  expect((await reader.submit('/login', '/login', { username: 'per.holm', password: perPassword, next: '/dashboard' })).statusCode).toBe(303);
  const overview = await reader.get('/dashboard');
  expect(overview.statusCode).toBe(200);
  expect(overview.body).toContain('Inloggad som Per Holm (revisor) (läsbehörighet)');
  expect(overview.body).not.toContain('action="/cycles"');
  const cyclePage = await reader.get(`/cycles/${key.obligationId}/${key.period}`);
  expect(cyclePage.statusCode).toBe(200);
  expect(cyclePage.body).not.toContain('/remind"');
  // Every action route refuses the reader, even with a valid form.
  const base = `/cycles/${key.obligationId}/${key.period}`;
  const actions: [string, Record<string, string>][] = [
    ['/cycles', { obligation: key.obligationId, period: '2023' }],
    [`${base}/remind`, {}],
    [`${base}/remind`, { unit: 'omsorg' }],
    [`${base}/extend`, { unit: 'omsorg', until: '2099-01-01' }],
    [`${base}/exempt`, { unit: 'omsorg', reason: 'x' }],
    [`${base}/close`, { confirm: 'yes' }],
    [`${base}/redeliver`, {}],
  ];
  for (const [url, form] of actions) {
    const refused = await reader.submit('/dashboard', url, form);
    expect({ url, status: refused.statusCode }).toEqual({ url, status: 403 });
    expect(refused.body).toContain('Ditt konto har läsbehörighet');
  }

  // The secretariat member acts.
  const office = new FormSession(app);
  expect((await office.submit('/login', '/login', { username: 'anna.berg', password: annaPassword, next: '/dashboard' })).statusCode).toBe(303);
  expect((await office.get('/dashboard')).body).toContain('action="/cycles"');
  const reminded = await office.submit(base, `${base}/remind`, { unit: 'omsorg' });
  expect(reminded.statusCode).toBe(303);
  expect(reminded.headers.location).toContain('done=reminded');
  const exempted = await office.submit(base, `${base}/exempt`, { unit: 'socialforvaltningen', reason: 'Omorganiseras under året' });
  expect(exempted.statusCode).toBe(303);
  // The cycle's history, read from the workflows, names who did what.
  const page = (await office.get(base)).body;
  const history = page.slice(page.indexOf('id="history-title"'));
  expect(history).toMatch(/<td>Anna Berg \(anna\.berg\)<\/td><td>Undantog: Socialförvaltningen \(Omorganiseras under året\)<\/td>/);
  expect(history).toMatch(/<td>Anna Berg \(anna\.berg\)<\/td><td>Påminde: Omsorgsförvaltningen<\/td>/);
  expect(history).toMatch(/<td>test<\/td><td>Startade uppföljningen<\/td>/);

  // A removed account cannot sign in, and its open session ends.
  expect((await followup('users', 'remove', 'per.holm')).code).toBe(0);
  const after = await reader.get('/dashboard');
  expect(after.statusCode).toBe(303);
  expect(after.headers.location).toBe('/login?next=%2Fdashboard');
  expect((await reader.submit('/login', '/login', { username: 'per.holm', password: perPassword })).statusCode).toBe(401);
});
