/**
 * Credentials for the organisation's other systems, as an integration meets them over the API
 * (/api/v1) on a real database, a real dev server and worker: a token added with `followup tokens
 * add` is taken, a reader token cannot write, a revoked or expired token and one of another
 * organisation are refused with a problem that says so (in the caller's language); the
 * secretariat adds and revokes a token on the web page; and a system with an access token from
 * the organisation's identity provider (client credentials, Entra ID app roles) is taken with the
 * write role and refused with another audience or a key the provider does not publish. What the
 * integrations did is in the audit log under their names.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { runCli } from '../../cli/program';
import { loadConfigFile } from '../../config/load';
import { createApiToken } from '../../records/api-tokens';
import { recentActions } from '../../records/audit-log';
import { buildDeploymentWebApp, buildWebApp } from '../../web/app';
import { PROJECT_ROOT, SOLNA_CONFIG } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';
import { startAccessTokenIssuer, type AccessTokenIssuer } from '../oidc/access-token-issuer';

jest.setTimeout(240_000);

const PASSWORD = 'sekretariatets lösenord i testet';
let testbed: RecordsTestbed;
let issuer: AccessTokenIssuer;
let app: FastifyInstance;

async function followup(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: { ...process.env, DATABASE_URL: testbed.url, FOLLOWUP_CONFIG: SOLNA_CONFIG } });
  return { code, out, err };
}

const api = (method: 'GET' | 'POST', url: string, bearer: string | undefined, options: { body?: object; language?: string } = {}) =>
  app.inject({
    method,
    url,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(options.language ? { 'accept-language': options.language } : {}) },
    ...(options.body ? { payload: options.body } : {}),
  });

const problemOf = (response: LightMyRequestResponse) => {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json<{ type: string; title: string; status: number; detail: string }>();
};

const seminar = (title: string) => ({ title, date: '2026-10-15', place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'omsorg' });

beforeAll(async () => {
  [testbed, issuer] = await Promise.all([startRecordsTestbed(), startAccessTokenIssuer()]);
  const config = loadConfigFile(SOLNA_CONFIG);
  const deps = await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD);
  app = await buildWebApp({
    ...deps,
    records: testbed.records,
    singleSignOn: {
      issuer: issuer.issuer,
      clientId: 'c0ffee00-policy-followup',
      clientSecret: 'not used by the API',
      roleClaim: 'roles',
      secretariatValues: ['Followup.Secretariat'],
      readerValues: ['Followup.Reader'],
      applications: {
        audiences: ['c0ffee00-policy-followup', 'api://c0ffee00-policy-followup'],
        readerRoles: ['Followup.Read'],
        secretariatRoles: ['Followup.Write'],
        clients: [{ appId: 'b16b00b5-case-management', name: 'Ärendehanteringen' }],
      },
    },
  });
});

afterAll(async () => {
  await app?.close();
  await issuer?.stop();
  await testbed?.close();
});

test('a token from the command line is taken; a reader token cannot write; revoked, expired and other organisations\' tokens are refused with a problem that says so', async () => {
  // No credentials at all: 401, with how to get some, and the challenge.
  const anonymous = await api('GET', '/api/v1/obligations', undefined);
  expect(anonymous.statusCode).toBe(401);
  expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="policy-followup"');
  expect(problemOf(anonymous)).toMatchObject({ type: 'urn:policy-followup:problem:unauthorized', status: 401, title: 'Inloggning krävs' });

  const added = await followup('tokens', 'add', 'Public 360', '--role', 'secretariat', '--expires', '2099-12-31');
  expect(added.err).toBe('');
  expect(added.code).toBe(0);
  expect(added.out).toContain('Added the API token "Public 360" (secretariat, for solna, valid through 2099-12-31).');
  const writer = /^\s+(pf_[0-9a-f]{16}_[A-Za-z0-9_-]{43})$/m.exec(added.out)![1]!;
  expect(added.out).toContain(`curl -H "Authorization: Bearer ${writer}" http://localhost:3000/api/v1/openapi.json`);
  const reader = /^\s+(pf_\S+)$/m.exec((await followup('tokens', 'add', 'Intranätet', '--role', 'reader')).out)![1]!;
  expect((await followup('tokens', 'add', 'Public 360', '--role', 'reader')).err).toContain('There is already a token named "Public 360"');

  // The list never shows a token, nor its hash.
  const listed = await followup('tokens', 'list', '--json');
  expect(JSON.parse(listed.out).map((t: { name: string; role: string; state: string; lastUsedAt?: string }) => [t.name, t.role, t.state, t.lastUsedAt])).toEqual([
    ['Intranätet', 'reader', 'active', undefined],
    ['Public 360', 'secretariat', 'active', undefined],
  ]);
  expect(listed.out).not.toContain(writer.slice(20));

  // The secretariat's token reads and writes; the write is in the audit log under its name.
  const obligations = await api('GET', '/api/v1/obligations', writer);
  expect(obligations.statusCode).toBe(200);
  expect(obligations.json<{ items: { id: string }[] }>().items.map((o) => o.id)).toContain('annual-follow-up');
  const registered = await api('POST', '/api/v1/seminars', writer, { body: seminar('EU-dagen i Bryssel') });
  expect(registered.statusCode).toBe(201);
  const entries = await recentActions(testbed.records, { limit: 20 });
  expect(entries.find((e) => e.action === 'seminar-registered')).toMatchObject({ actor: 'api:Public 360', via: 'api' });
  expect(entries.find((e) => e.action === 'tokens add' && e.subject === 'Public 360')).toMatchObject({ via: 'cli', detail: { role: 'secretariat', org: 'solna' } });
  expect(JSON.parse((await followup('tokens', 'list', '--json')).out).find((t: { name: string }) => t.name === 'Public 360').lastUsedAt).toBeDefined();

  // The reader's token reads, and every write is refused with 403, in the language it asks for.
  expect((await api('GET', '/api/v1/seminars', reader)).statusCode).toBe(200);
  const refused = await api('POST', '/api/v1/seminars', reader, { body: seminar('Ska inte registreras'), language: 'en-GB,en;q=0.9,sv;q=0.5' });
  expect(refused.statusCode).toBe(403);
  expect(problemOf(refused)).toMatchObject({
    type: 'urn:policy-followup:problem:forbidden',
    status: 403,
    title: 'Not permitted',
    detail: '"Intranätet" may only read and cannot change anything; that takes a token with the secretariat role.',
  });

  // Revoked: refused at once, with who revoked it and when.
  const revoked = await followup('tokens', 'revoke', 'Intranätet');
  expect(revoked.out).toContain('Revoked the API token "Intranätet" (reader, for solna)');
  const afterRevoke = await api('GET', '/api/v1/seminars', reader);
  expect(afterRevoke.statusCode).toBe(401);
  expect(afterRevoke.headers['www-authenticate']).toMatch(/^Bearer realm="policy-followup", error="invalid_token"/);
  const revokedProblem = problemOf(afterRevoke);
  expect(revokedProblem).toMatchObject({ type: 'urn:policy-followup:problem:token-revoked', status: 401, title: 'Nyckeln godtas inte' });
  expect(revokedProblem.detail).toMatch(/^Nyckeln "Intranätet" återkallades \d+ \S+ \d{4} \d\d:\d\d av cli:\S+ och godtas inte längre\. Be sekretariatet om en ny\.$/);
  expect((await followup('tokens', 'revoke', 'Intranätet')).err).toContain('No token in use is named "Intranätet"');

  // Expired: refused with the day it expired.
  const expired = await createApiToken(testbed.records, { name: 'Gamla intranätet', role: 'reader', org: 'solna', expiresAt: new Date('2025-07-01T00:00:00+02:00') }, { actor: 'test', via: 'cli' }, new Date('2025-01-01T00:00:00Z'));
  const afterExpiry = await api('GET', '/api/v1/seminars', expired.token, { language: 'en' });
  expect(afterExpiry.statusCode).toBe(401);
  expect(problemOf(afterExpiry)).toMatchObject({ type: 'urn:policy-followup:problem:token-expired', detail: 'The token "Gamla intranätet" expired on 1 July 2025 00:00. Ask the secretariat for a new one.' });

  // A token of another organisation of the deployment reaches nothing of this one.
  const falun = await createApiToken(testbed.records, { name: 'Faluns ärendesystem', role: 'secretariat', org: 'falun' }, { actor: 'test', via: 'cli' });
  for (const [method, url] of [['GET', '/api/v1/seminars'], ['GET', '/api/v1/audit-log'], ['POST', '/api/v1/seminars']] as const) {
    const response = await api(method, url, falun.token, method === 'POST' ? { body: seminar('Faluns seminarium') } : {});
    expect({ url, method, status: response.statusCode }).toEqual({ url, method, status: 403 });
    expect(problemOf(response)).toMatchObject({ type: 'urn:policy-followup:problem:other-organisation', detail: '"Faluns ärendesystem" gäller inte Solna stad och når ingenting av dess uppgifter.' });
  }

  // A token with one character changed, and something that is no token at all.
  const tampered = `${writer.slice(0, -1)}${writer.endsWith('A') ? 'B' : 'A'}`;
  for (const bad of [tampered, 'hemligt']) {
    const response = await api('GET', '/api/v1/seminars', bad);
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).type).toBe('urn:policy-followup:problem:token-unknown');
  }
});

test('the secretariat adds a token on the web page, sees it once, and revokes it', async () => {
  const office = new FormSession(app);
  expect((await office.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/tokens' })).statusCode).toBe(303);
  // Signed in to the web, the same browser reads the API with its session (as the API's reference page does).
  const bySession = await office.get('/api/v1/seminars');
  expect(bySession.statusCode).toBe(200);
  expect(Array.isArray(bySession.json<{ items: unknown[] }>().items)).toBe(true);
  const empty = await office.get('/tokens');
  expect(empty.statusCode).toBe(200);
  expect(empty.body).toContain('<a href="/tokens">API-nycklar</a>');
  expect(empty.body).toContain('Skapa en API-nyckel');

  // A past expiry is said beside its field, and what was typed stays.
  const wrong = await office.submit('/tokens', '/tokens', { name: 'Integrationsplattformen', role: 'secretariat', expires: '2020-01-01' });
  expect(wrong.statusCode).toBe(400);
  expect(wrong.body).toContain('Skriv ett datum som ÅÅÅÅ-MM-DD, efter i dag.');
  expect(wrong.body).toContain('value="Integrationsplattformen"');

  const created = await office.submit('/tokens', '/tokens', { name: 'Integrationsplattformen', role: 'secretariat', expires: '2099-06-30' });
  expect(created.statusCode).toBe(200);
  expect(created.body).toContain('Nyckeln ”Integrationsplattformen” är skapad');
  expect(created.body).toContain('Den visas bara den här gången');
  const token = /<code id="new-token">(pf_[^<]+)<\/code>/.exec(created.body)![1]!;
  // Shown once: the list shows the token's name, never the token.
  const listed = await office.get('/tokens');
  expect(listed.body).toContain('<th scope="row">Integrationsplattformen</th>');
  expect(listed.body).not.toContain(token);
  expect(listed.body).toContain('30 juni 2099');

  const registered = await api('POST', '/api/v1/seminars', token, { body: seminar('Nätverksträff i Tallinn') });
  expect(registered.statusCode).toBe(201);

  const revoked = await office.submit('/tokens', '/tokens/revoke', { name: 'Integrationsplattformen' });
  expect(revoked.statusCode).toBe(303);
  const after = await office.get(revoked.headers.location as string);
  expect(after.body).toContain('Nyckeln är återkallad och godtas inte längre.');
  expect(after.body).toMatch(/återkallad \d+ \S+ \d{4} \d\d:\d\d av Sekretariatet \(sekretariatet\)/);
  const refused = await api('GET', '/api/v1/seminars', token);
  expect(refused.statusCode).toBe(401);
  expect(problemOf(refused).type).toBe('urn:policy-followup:problem:token-revoked');

  // Each once in the audit log, by the person who did it.
  const entries = (await recentActions(testbed.records, { limit: 50 })).filter((e) => e.subject === 'Integrationsplattformen' || e.subject.startsWith('/tokens'));
  expect(entries.map((e) => [e.action, e.actor, e.via])).toEqual([
    ['tokens revoke', 'Sekretariatet (sekretariatet)', 'web'],
    ['tokens add', 'Sekretariatet (sekretariatet)', 'web'],
  ]);
});

test('client credentials: an access token from the identity provider with the write role is taken; another audience or an unpublished key is refused', async () => {
  const audience = 'api://c0ffee00-policy-followup';
  const writer = await issuer.sign({ aud: audience, azp: 'b16b00b5-case-management', roles: ['Followup.Write'] });
  const registered = await api('POST', '/api/v1/seminars', writer, { body: seminar('Rapportering från ärendehanteringen') });
  expect(registered.statusCode).toBe(201);
  const entries = await recentActions(testbed.records, { limit: 20 });
  expect(entries.find((e) => e.action === 'seminar-registered' && e.actor === 'api:Ärendehanteringen')).toMatchObject({ via: 'api', detail: { credential: 'client-credentials', appId: 'b16b00b5-case-management' } });

  // An application the configuration does not name is known by its id; with the read role only, it reads.
  const unnamedReader = await issuer.sign({ aud: 'c0ffee00-policy-followup', azp: '5eed0000-intranet', roles: ['Followup.Read'] });
  expect((await api('GET', '/api/v1/seminars', unnamedReader)).statusCode).toBe(200);
  const readerWrite = await api('POST', '/api/v1/seminars', unnamedReader, { body: seminar('Nej'), language: 'en' });
  expect(readerWrite.statusCode).toBe(403);
  expect(problemOf(readerWrite).detail).toBe('"5eed0000-intranet" may only read and cannot change anything; that takes a token with the secretariat role.');

  const refusals: [string, string, string][] = [
    [await issuer.sign({ aud: 'api://another-application', azp: 'b16b00b5-case-management', roles: ['Followup.Write'] }), 'access-token-wrong-audience', 'The access token is for another service. Ask the identity provider for one to c0ffee00-policy-followup, api://c0ffee00-policy-followup (scope "api://c0ffee00-policy-followup/.default").'],
    [await issuer.signWithUnpublishedKey({ aud: audience, azp: 'b16b00b5-case-management', roles: ['Followup.Write'] }), 'access-token-unknown-key', "The access token is signed with a key the organisation's identity provider does not publish."],
    [await issuer.sign({ aud: audience, azp: 'b16b00b5-case-management', roles: ['Followup.Write'] }, { expiresIn: Math.floor(Date.now() / 1000) - 600 }), 'access-token-expired', 'The access token has expired. Get a new one from the identity provider.'],
    [await issuer.sign({ aud: audience, azp: 'b16b00b5-case-management', roles: ['Followup.Write'] }, { issuer: 'https://login.example/another-tenant/v2.0' }), 'access-token-wrong-issuer', `The access token was not issued by the organisation's identity provider (${issuer.issuer}).`],
  ];
  for (const [jwt, type, detail] of refusals) {
    const response = await api('POST', '/api/v1/seminars', jwt, { body: seminar('Ska inte registreras'), language: 'en' });
    expect({ type, status: response.statusCode }).toEqual({ type, status: 401 });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="policy-followup", error="invalid_token"/);
    expect(problemOf(response)).toMatchObject({ type: `urn:policy-followup:problem:${type}`, detail });
  }

  // An application with none of the app roles is told which to ask for.
  const noRole = await api('GET', '/api/v1/seminars', await issuer.sign({ aud: audience, azp: 'b16b00b5-case-management', roles: ['Something.Else'] }), { language: 'en' });
  expect(noRole.statusCode).toBe(403);
  expect(problemOf(noRole).detail).toContain('none of the app roles Followup.Write, Followup.Read');
  // Nothing was registered by a refused token.
  const listed = await api('GET', '/api/v1/seminars', writer);
  expect(listed.json<{ items: { title: string }[] }>().items.map((s) => s.title)).not.toContain('Ska inte registreras');
});

test('where one deployment serves several organisations, a token reaches its own and nothing of the others', async () => {
  const configs = [loadConfigFile(SOLNA_CONFIG), loadConfigFile(`${PROJECT_ROOT}/config/examples/falun.yaml`)];
  const deployment = await buildDeploymentWebApp(await Promise.all(configs.map(async (config) => ({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records }))));
  try {
    const by = { actor: 'test', via: 'cli' } as const;
    const solna = await createApiToken(testbed.records, { name: 'Solnas intranät', role: 'reader', org: 'solna' }, by);
    const falun = await createApiToken(testbed.records, { name: 'Faluns intranät', role: 'reader', org: 'falun' }, by);
    const read = (org: string, token: string) => deployment.inject({ method: 'GET', url: `/${org}/api/v1/audit-log?limit=100`, headers: { authorization: `Bearer ${token}` } });

    const own = await read('falun', falun.token);
    expect(own.statusCode).toBe(200);
    const subjects = own.json<{ items: { subject: string }[] }>().items.map((e) => e.subject);
    expect(subjects).toContain('Faluns intranät');
    expect(subjects).not.toContain('Solnas intranät');
    expect((await read('solna', solna.token)).statusCode).toBe(200);

    for (const [org, token] of [['solna', falun.token], ['falun', solna.token]] as const) {
      const refused = await read(org, token);
      expect({ org, status: refused.statusCode }).toEqual({ org, status: 403 });
      expect(problemOf(refused).type).toBe('urn:policy-followup:problem:other-organisation');
    }
  } finally {
    await deployment.close();
  }
});
