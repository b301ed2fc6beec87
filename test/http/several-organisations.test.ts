/**
 * One deployment serving three municipalities (a shared service): one worker for all, the web
 * serving each under its own path with one sign-in. Each secretariat runs its own schedules from
 * its own pages and sees its own cycles and reports; another organisation's pages answer 403. The
 * links in each organisation's mails lead to its own path. On a real dev server with real SMTP.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { listCycles } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { buildDeploymentWebApp, type WebDeps } from '../../web/app';
import { createAccountStore } from '../../web/accounts';
import { createTestWorker, devServer, PROJECT_ROOT, testAnswerLinks, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn, FormSession } from '../helpers/web';

jest.setTimeout(180_000);

const BASE = 'https://uppfoljning.kommunforbund.example';
const PASSWORD = 'tre kommuner en tjänst 2026';
const configs: OrganisationConfig[] = ['solna', 'falun', 'kungalv'].map((id) => loadConfigFile(path.join(PROJECT_ROOT, `config/examples/${id}.yaml`)));
const [solna, falun, kungalv] = configs as [OrganisationConfig, OrganisationConfig, OrganisationConfig];
const dataCallOf = (config: OrganisationConfig) => config.obligations.find((o) => o.kind === 'periodic-data-call')!.id;

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;
let app: FastifyInstance;
let depsOf: (config: OrganisationConfig) => WebDeps;

beforeAll(async () => {
  [env, smtp] = await Promise.all([devServer(), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { configs, publicBaseUrl: BASE, organisationPaths: true });
  const accounts = createAccountStore(path.join(mkdtempSync(path.join(tmpdir(), 'followup-accounts-')), 'accounts.json'));
  await accounts.add({ name: 'anna.berg', displayName: 'Anna Berg', role: 'secretariat', organisations: ['solna'] }, PASSWORD);
  await accounts.add({ name: 'frida.ek', displayName: 'Frida Ek', role: 'secretariat', organisations: ['falun'] }, PASSWORD);
  await accounts.add({ name: 'karl.ny', displayName: 'Karl Ny', role: 'secretariat', organisations: ['kungalv'] }, PASSWORD);
  await accounts.add({ name: 'gammal', displayName: 'Konto utan organisation', role: 'secretariat' }, PASSWORD);
  depsOf = (config: OrganisationConfig): WebDeps => ({
    config,
    client: env.client,
    taskQueue: tw.taskQueue,
    archive: tw.archive,
    answerLinks: testAnswerLinks,
    accounts,
    cookieSecret: 'cookie-secret-cookie-secret-cookie-secret',
    publicBaseUrl: BASE,
    templatesDir: path.join(PROJECT_ROOT, 'templates'),
  });
  app = await buildDeploymentWebApp(configs.map(depsOf));
});

afterAll(async () => {
  await app?.close();
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

async function signIn(org: string, name: string): Promise<FormSession> {
  const browser = new FormSession(app);
  const login = await browser.submit(`/${org}/login`, `/${org}/login`, { username: name, password: PASSWORD, next: `/${org}/dashboard` });
  expect(login.statusCode).toBe(303);
  expect(login.headers.location).toBe(`/${org}/dashboard`);
  return browser;
}

test('each secretariat runs its own schedule from its own pages, and sees only its own organisation', async () => {
  const front = await new FormSession(app).get('/');
  expect(front.statusCode).toBe(200);
  for (const config of configs) expect(front.body).toContain(`<a href="/${config.organisation.id}/">${config.organisation.name}</a>`);

  const people = { solna: await signIn('solna', 'anna.berg'), falun: await signIn('falun', 'frida.ek'), kungalv: await signIn('kungalv', 'karl.ny') };
  for (const config of configs) {
    const org = config.organisation.id as keyof typeof people;
    const browser = people[org];
    // Every link on the organisation's pages stays under its path.
    const schedules = await browser.get(`/${org}/schedules`);
    expect(schedules.statusCode).toBe(200);
    expect(schedules.body).toContain(`action="/${org}/schedules/sync"`);
    expect(schedules.body).not.toMatch(/(href|action)="\/(?!assets\/)(?!solna\/|falun\/|kungalv\/)/);
    expect(schedules.body).toContain(config.organisation.name);
    const synced = await browser.submit(`/${org}/schedules`, `/${org}/schedules/sync`, {});
    expect(synced.statusCode).toBe(303);
    expect(synced.headers.location).toMatch(new RegExp(`^/${org}/schedules\\?done=`));
    const ran = await browser.submit(`/${org}/schedules`, `/${org}/schedules/${dataCallOf(config)}/run`, {});
    expect(ran.statusCode).toBe(303);
  }

  // Each schedule started its organisation's cycle, which mailed its units.
  const cycles = Object.fromEntries(
    await Promise.all(configs.map(async (c) => [c.organisation.id, await until(async () => (await listCycles(env.client, c.organisation.id)).find((l) => l.key.obligationId === dataCallOf(c)), `${c.organisation.id}'s cycle`, 60_000)] as const)),
  );
  for (const config of configs) {
    const contact = config.units[0]!.contacts[0]!.email;
    const mail = (await until(() => smtp.to(contact)[0], `the request to ${contact}`, 60_000)).mail;
    // The answer link leads to the organisation's own path, and works there.
    const link = new URL(answerLinkIn(mail.text ?? ''));
    expect(link.href.startsWith(`${BASE}/${config.organisation.id}/answer/`)).toBe(true);
    expect((await new FormSession(app).get(link.pathname)).statusCode).toBe(200);
    // Under another organisation's path the same token is nobody's.
    const elsewhere = config === solna ? 'falun' : 'solna';
    expect((await new FormSession(app).get(link.pathname.replace(`/${config.organisation.id}/`, `/${elsewhere}/`))).statusCode).toBe(404);
    // A link mailed while the deployment served one organisation at the root leads to its path.
    const rootLink = link.pathname.replace(`/${config.organisation.id}/`, '/');
    const moved = await new FormSession(app).get(`${rootLink}?lang=en`);
    expect([moved.statusCode, moved.headers.location]).toEqual([308, `${link.pathname}?lang=en`]);
  }

  for (const config of configs) {
    const org = config.organisation.id as keyof typeof people;
    const cycle = cycles[org]!;
    const cyclePath = `/${org}/cycles/${cycle.key.obligationId}/${cycle.key.period}`;
    const own = await people[org].get(`/${org}/dashboard`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain(`href="${cyclePath}"`);
    expect((await people[org].get(cyclePath)).statusCode).toBe(200);
    for (const [other, browser] of Object.entries(people)) {
      if (other === org) continue;
      // Signed in, but for another organisation: nothing of this one, read or act.
      for (const url of [`/${org}/dashboard`, cyclePath, `${cyclePath}/report.html`, `/${org}/schedules`]) {
        const refused = await browser.get(url);
        expect([url, refused.statusCode]).toEqual([url, 403]);
        expect(refused.body).toContain(config.organisation.name);
      }
      const page = await browser.get(`/${other}/dashboard`);
      const closing = await browser.post(`${cyclePath}/close`, { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!, confirm: 'yes' });
      expect(closing.statusCode).toBe(403);
    }
    // Nobody's dashboard lists another organisation's cycles.
    for (const otherConfig of configs) if (otherConfig !== config) expect(own.body).not.toContain(`/${otherConfig.organisation.id}/cycles/`);
  }
  expect((await listCycles(env.client, 'falun')).every((c) => c.running)).toBe(true);

  // An account that names no organisation signs in to none of them.
  const none = new FormSession(app);
  const refused = await none.submit('/kungalv/login', '/kungalv/login', { username: 'gammal', password: PASSWORD, next: '/kungalv/dashboard' });
  expect(refused.statusCode).toBe(403);
  expect(refused.body).toContain(kungalv.organisation.name);
  expect(falun.organisation.name).not.toBe(solna.organisation.name);

  // A path that is no organisation's: a page that lists them, not a bare error.
  const lost = await new FormSession(app).get('/answer/ett-gammalt-svar');
  expect(lost.statusCode).toBe(404);
  expect(lost.body).toContain('<a href="/falun/">');
});

test('a web serving one organisation of the deployment (followup web --org falun) keeps to its path and its accounts', async () => {
  const falunOnly = await buildDeploymentWebApp([depsOf(falun)], { underOwnPaths: true });
  try {
    const anna = new FormSession(falunOnly);
    const signedIn = await anna.submit('/falun/login', '/falun/login', { username: 'anna.berg', password: PASSWORD, next: '/falun/dashboard' });
    expect(signedIn.statusCode).toBe(403);
    expect((await anna.get('/falun/dashboard')).statusCode).toBe(403);
    const frida = new FormSession(falunOnly);
    expect((await frida.submit('/falun/login', '/falun/login', { username: 'frida.ek', password: PASSWORD, next: '/falun/dashboard' })).headers.location).toBe('/falun/dashboard');
    expect((await frida.get('/falun/dashboard')).statusCode).toBe(200);
  } finally {
    await falunOnly.close();
  }
  // An organisation whose id is a page of the web cannot have it as its path.
  await expect(buildDeploymentWebApp([depsOf({ ...kungalv, organisation: { ...kungalv.organisation, id: 'login' } }), depsOf(falun)])).rejects.toThrow('"login" is also a page of the web');
});
