/**
 * Named accounts and their roles, as the secretariat and a politician would meet them: accounts
 * made with `followup users`, a reader who sees the overview and the cycle but gets 403 on every
 * action route, a secretariat member who acts, and a removed account whose session ends; people
 * signed in by single sign-on (a real OpenID Provider) whose role the accounts file gives lose it
 * on their next request when their entry is removed or lowered.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runCli } from '../../cli/program';
import type { CycleKey } from '../../domain/ids';
import { accountsFile, createAccountStore } from '../../web/accounts';
import { buildWebApp } from '../../web/app';
import { csrfOf, FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';
import { startTestProvider } from '../oidc/provider';

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

/**
 * Through a real provider's own sign-in pages, as a browser would (its cookies kept in `jar`), from
 * the address our web sent the browser to, until the provider sends it back to `returnTo`.
 */
async function throughProvider(start: string, login: string, jar: Map<string, string>, returnTo: string): Promise<string> {
  let request: { url: string; form?: Record<string, string> } = { url: start };
  for (let step = 0; step < 12; step++) {
    if (request.url.startsWith(returnTo)) return request.url;
    const response = await fetch(request.url, {
      method: request.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '), ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: request.form ? new URLSearchParams(request.form).toString() : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      if (pair.slice(at + 1) === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(pair.slice(0, at));
      else jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (location) {
      request = { url: new URL(location, request.url).href };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`The provider answered ${response.status}: ${html.slice(0, 500)}`);
    request = { url: new URL(action, request.url).href, form: prompt === 'login' ? { prompt, login, password: 'vad som helst' } : { prompt } };
  }
  throw new Error('The provider never sent the browser back');
}

test('single sign-on with the role from the accounts file: lowered to reader, the open form is refused; removed, the next page is the sign-in', async () => {
  const { publicBaseUrl } = testbed.deps;
  const provider = await startTestProvider(
    {
      // No role in their tokens: their accounts-file entries (by verified address) give it.
      karin: { name: 'Karin Ek', username: 'karin.ek@solna.example', email: 'karin.ek@solna.example', emailVerified: true },
      lars: { name: 'Lars Berg', username: 'lars.berg@solna.example', email: 'lars.berg@solna.example', emailVerified: true },
    },
    [`${publicBaseUrl}/login/sso/callback`],
  );
  const web = await buildWebApp({
    ...testbed.deps,
    passwordHash: undefined,
    accounts: createAccountStore(accountsFile(dataDir)),
    singleSignOn: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, roleClaim: 'roles', secretariatValues: ['Followup.Secretariat'], readerValues: ['Followup.Reader'] },
    logger: false,
  });
  try {
    const signInBySso = async (browser: FormSession, login: string, jar: Map<string, string>, next: string) => {
      const begun = await browser.get(`/login/sso?next=${encodeURIComponent(next)}`);
      expect(begun.statusCode).toBe(303);
      const back = new URL(await throughProvider(begun.headers.location as string, login, jar, publicBaseUrl));
      return browser.get(`${back.pathname}${back.search}`);
    };
    for (const [name, display] of [['karin.ek', 'Karin Ek'], ['lars.berg', 'Lars Berg']]) {
      expect((await followup('users', 'add', name!, '--role', 'secretariat', '--display-name', display!, '--email', `${name}@solna.example`, '--generate')).code).toBe(0);
    }
    const base = `/cycles/${key.obligationId}/${key.period}`;

    // Karin signs in and acts; her form stays open while she is lowered to reader.
    const karin = new FormSession(web);
    const karinAtProvider = new Map<string, string>();
    const signedIn = await signInBySso(karin, 'karin', karinAtProvider, base);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe(base);
    const reminded = await karin.submit(base, `${base}/remind`, { unit: 'omsorg' });
    expect(reminded.statusCode).toBe(303);
    expect(reminded.headers.location).toContain('done=reminded');
    const openForm = csrfOf((await karin.get(base)).body);
    expect((await followup('users', 'remove', 'karin.ek')).code).toBe(0);
    expect((await followup('users', 'add', 'karin.ek', '--role', 'reader', '--display-name', 'Karin Ek', '--email', 'karin.ek@solna.example', '--generate')).code).toBe(0);
    const refused = await karin.post(`${base}/remind`, { _csrf: openForm, unit: 'omsorg' });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe(`/login?next=${encodeURIComponent(`${base}/remind`)}`);
    // Signed in again (the provider still knows her), she reads as a reader and cannot act.
    expect((await signInBySso(karin, 'karin', karinAtProvider, '/dashboard')).headers.location).toBe('/dashboard');
    expect((await karin.get('/dashboard')).body).toContain('Inloggad som Karin Ek (läsbehörighet)');
    const asReader = await karin.submit(base, `${base}/remind`, { unit: 'omsorg' });
    expect(asReader.statusCode).toBe(403);
    expect(asReader.body).toContain('Ditt konto har läsbehörighet');

    // Lars is removed: his next page is the sign-in, and signing in again gives him nothing.
    const lars = new FormSession(web);
    const larsAtProvider = new Map<string, string>();
    expect((await signInBySso(lars, 'lars', larsAtProvider, '/dashboard')).headers.location).toBe('/dashboard');
    expect((await lars.get('/dashboard')).statusCode).toBe(200);
    expect((await followup('users', 'remove', 'lars.berg')).code).toBe(0);
    const after = await lars.get('/dashboard');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fdashboard');
    const again = await signInBySso(lars, 'lars', larsAtProvider, '/dashboard');
    expect(again.statusCode).toBe(403);
    expect(again.body).toContain('Du har ingen behörighet här');
    expect((await lars.get('/dashboard')).headers.location).toBe('/login?next=%2Fdashboard');
  } finally {
    await web.close();
    await provider.stop();
  }
});
