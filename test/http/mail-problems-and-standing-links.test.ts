/**
 * Two things the hostile review found, as the secretariat and an outsider meet them (a real dev
 * server, a worker, a real SMTP server, the web app through Fastify's inject):
 * - a mail of a registered entity that reaches nobody is not counted as sent: the event stays
 *   "planned", the project's history says so, the overview shows it, and once the cause is fixed
 *   the secretariat sends it again and it arrives once;
 * - a unit's standing link is its contact's: tied to the contact it was mailed to (a replaced
 *   contact's link answers 410), ending with the period, and an owner outside the organisation's
 *   mail domains gets nothing until the secretariat approves them.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { cycleStatus, startCycle } from '../../client/cycles';
import { eventStatus } from '../../client/events';
import { projectStatus } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { standingLinkExpiry } from '../../domain/calendar';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp, type WebDeps } from '../../web/app';
import { createTestWorker, devServer, PROJECT_ROOT, testAnswerLinks, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const contact = config.units.find((u) => u.id === 'omsorg')!.contacts[0]!.email;
let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;
let deps: WebDeps;
let app: FastifyInstance;
let secretariat: FormSession;
/** The standing link in the request mail to the contact of Omsorgsförvaltningen. */
let standingLink: string;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  [env, smtp] = await Promise.all([devServer(), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { configs: [config], publicBaseUrl: 'https://uppfoljning.solna.example' });
  deps = await testWebDeps(config, env.client, tw, PASSWORD);
  app = await buildWebApp(deps);
  secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  await startCycle(env.client, tw.taskQueue, key, 'test');
  const request = await until(() => smtp.to(contact).find((m) => /2025/.test(m.subject)), 'the request to omsorg', 60_000);
  standingLink = new URL(/(https:\/\/\S+\/unit\/\S+)/.exec(request.mail.text ?? '')![1]!).pathname;
});

afterAll(async () => {
  await app?.close();
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

describe('a mail that reaches nobody is a problem the secretariat sees and sends again', () => {
  test('an event notice refused for everyone: not "noticed", on the overview, and once sent again it arrives once', async () => {
    const refused = new Set(['int.kommitten@solna.example', 'internationella.sekretariatet@solna.example', 'nekad@solna.example']);
    smtp.refuseRecipient = (address) => (refused.has(address) ? { code: 550, message: 'Mailbox unavailable' } : undefined);
    try {
      const sent = await secretariat.submit('/events', '/events', { title: 'Besök från Tartu', id: 'besok-nekat', date: inDays(10), place: 'Solna', unitId: 'kultur-fritid', concerned: 'Nekad Person <nekad@solna.example>' });
      expect(sent.statusCode).toBe(303);
      const failed = await until(async () => {
        const s = await eventStatus(env.client, 'solna', 'besok-nekat');
        return s.mailProblems?.length ? s : undefined;
      }, 'the refused notice as a problem');
      expect(failed.state).toBe('planned');
      expect(failed.noticesSent).toBe(0);
      expect(failed.mailProblems!.map((p) => [p.address, p.state])).toEqual(expect.arrayContaining([['nekad@solna.example', 'refused']]));
      expect(failed.history.map((h) => h.what)).toContain('mail-failed');
      expect(failed.history.map((h) => h.what)).not.toContain('notice');
      // The secretariat sees it on the overview and on the event's page, with the server's words.
      const overview = await secretariat.get('/dashboard');
      expect(overview.body).toContain('E-post som inte kom fram: 1');
      const page = await secretariat.get('/events/besok-nekat');
      expect(page.body).toContain('nekad@solna.example: avvisades av e-postservern');
      expect(page.body).toContain('Mailbox unavailable');
      expect(page.body).toContain('>Skicka igen<');
      expect(page.body).toContain('<td>E-post kom inte fram (event-notice:');
    } finally {
      smtp.refuseRecipient = undefined;
    }
    const again = await secretariat.submit('/events/besok-nekat', '/events/besok-nekat/resend-mail', {});
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/events/besok-nekat?done=mail-resent');
    const told = await eventStatus(env.client, 'solna', 'besok-nekat');
    expect(told.state).toBe('noticed');
    expect(told.noticesSent).toBe(1);
    expect(told.mailProblems).toBeUndefined();
    expect(smtp.to('nekad@solna.example')).toHaveLength(1);
    expect(smtp.to('int.kommitten@solna.example').filter((m) => m.subject.includes('Besök från Tartu'))).toHaveLength(1);
    expect((await secretariat.get('/dashboard')).body).not.toContain('E-post som inte kom fram');
    // Nothing left to send: the action says so instead of sending anything twice.
    const nothing = await secretariat.submit('/events/besok-nekat', '/events/besok-nekat/resend-mail', {});
    expect(nothing.statusCode).toBe(409);
    expect(nothing.body).toContain('inget behöver skickas igen');
  });

  test("a goals request refused at the owner's address: in the history, corrected, sent again to the corrected owner", async () => {
    smtp.refuseRecipient = (address) => (address === 'fel.adress@solna.example' ? { code: 550, message: 'No such user here' } : undefined);
    try {
      const sent = await secretariat.submit('/projects', '/projects', { title: 'Vänort Tartu', id: 'vanort-tartu', unitId: 'omsorg', ownerName: 'Anna Berg', ownerEmail: 'fel.adress@solna.example', plannedStart: inDays(200) });
      expect(sent.statusCode).toBe(303);
      const failed = await until(async () => {
        const s = await projectStatus(env.client, 'solna', 'vanort-tartu');
        return s.mailProblems?.length ? s : undefined;
      }, "the refused goals request as the project's problem");
      expect(failed.mailProblems).toEqual([expect.objectContaining({ kind: 'goals-request', address: 'fel.adress@solna.example', state: 'refused' })]);
      expect(failed.history!.find((h) => h.what === 'mail-failed')?.detail).toContain('No such user here');
      const page = await secretariat.get('/projects/vanort-tartu');
      expect(page.body).toContain('Begäran om mål');
      expect((await secretariat.get('/dashboard')).body).toContain('E-post som inte kom fram: 1');
    } finally {
      smtp.refuseRecipient = undefined;
    }
    const edited = await secretariat.submit('/projects/vanort-tartu', '/projects/vanort-tartu/edit', { title: 'Vänort Tartu', ownerName: 'Anna Berg', ownerEmail: 'anna.berg@solna.example', plannedStart: inDays(200) });
    expect(edited.statusCode).toBe(303);
    const again = await secretariat.submit('/projects/vanort-tartu', '/projects/vanort-tartu/resend-mail', {});
    expect(again.statusCode).toBe(303);
    const request = await until(() => smtp.to('anna.berg@solna.example').find((m) => m.subject.includes('Vänort Tartu')), 'the request to the corrected owner');
    expect(request.subject).toBe('Mål före start: Vänort Tartu');
    const status = await projectStatus(env.client, 'solna', 'vanort-tartu');
    expect(status.mailProblems).toBeUndefined();
    expect(status.history!.map((h) => h.what)).toEqual(expect.arrayContaining(['mail-failed', 'edited', 'mail-resent']));
    // The secretariat's copy went out with the first try and is not sent twice.
    expect(smtp.to('internationella.sekretariatet@solna.example').filter((m) => m.subject === 'Mål före start: Vänort Tartu')).toHaveLength(1);
  });
  test("the revision's request refused at its owner's address: shown on its page and the overview, sent again once the address takes mail", async () => {
    const owner = config.obligations.find((o) => o.kind === 'revision')!;
    const ownerEmail = (owner as { owner: { email: string } }).owner.email;
    const before = smtp.to(ownerEmail).length;
    smtp.refuseRecipient = (address) => (address === ownerEmail ? { code: 550, message: 'Mailbox full for good' } : undefined);
    try {
      const started = await secretariat.submit('/revisions/policy-revision', '/revisions/policy-revision/start', {});
      expect(started.statusCode).toBe(303);
      const page = await until(async () => {
        const p = await secretariat.get('/revisions/policy-revision');
        return p.body.includes('Mailbox full for good') ? p : undefined;
      }, "the refused request on the revision's page");
      expect(page.body).toContain('Begäran om revidering');
      expect(page.body).toContain('>Skicka igen<');
      expect((await secretariat.get('/dashboard')).body).toContain('E-post som inte kom fram: 1');
    } finally {
      smtp.refuseRecipient = undefined;
    }
    const again = await secretariat.submit('/revisions/policy-revision', '/revisions/policy-revision/resend-mail', {});
    expect(again.statusCode).toBe(303);
    await until(() => (smtp.to(ownerEmail).length > before ? true : undefined), 'the revision request, sent again');
    expect((await secretariat.get('/revisions/policy-revision')).body).not.toContain('Mailbox full for good');
  });
});

describe("a unit's standing link is its contact's", () => {
  test('the request mail carries a link tied to its contact that ends with the period', async () => {
    const token = standingLink.split('/').pop()!;
    const check = testAnswerLinks.checkOwner(token, 'unit-registers', new Date());
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.claims.holder).toBe(contact);
    const { info } = await cycleStatus(env.client, key);
    expect(check.claims.expiresAt).toBe(new Date(standingLinkExpiry('annual', info.plan!.closesAt)).toISOString());
    expect((await new FormSession(app).get(standingLink)).statusCode).toBe(200);
  });

  test("a replaced contact's link, and a link tied to no contact, answer 410", async () => {
    const replaced = structuredClone(config) as OrganisationConfig;
    replaced.units.find((u) => u.id === 'omsorg')!.contacts = [{ name: 'Ny Kontakt', email: 'ny.kontakt@solna.example' }];
    const afterChange = await buildWebApp({ ...deps, config: replaced });
    try {
      const page = await new FormSession(afterChange).get(standingLink);
      expect(page.statusCode).toBe(410);
      expect(page.body).toContain('Använd länken i den senaste förfrågan');
      const posted = await new FormSession(afterChange).post(`${standingLink}/projects`, { title: 'Någons projekt', ownerName: 'X', ownerEmail: 'x@annan.example', plannedStart: inDays(100) });
      expect(posted.statusCode).toBe(410);
    } finally {
      await afterChange.close();
    }
    const untied = testAnswerLinks.ownerToken({ purpose: 'unit-registers', orgId: 'solna', id: 'omsorg', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await new FormSession(app).get(`/unit/${untied}`)).statusCode).toBe(410);
  });

  test('an owner outside the mail domains waits for the secretariat: no mail until approved', async () => {
    const unit = new FormSession(app);
    const outside = 'projektledare@konsult.example';
    const sent = await unit.submit(standingLink, `${standingLink}/projects`, { title: 'Utbyte Jyväskylä', id: 'utbyte-jyvaskyla', ownerName: 'Per Konsult', ownerEmail: outside, plannedStart: inDays(120) });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toContain('done=project-owner-outside');
    expect((await unit.get(sent.headers.location as string)).body).toContain('utanför kommunens e-postdomäner');
    const waiting = await until(async () => {
      const s = await projectStatus(env.client, 'solna', 'utbyte-jyvaskyla');
      return s.state === 'awaiting-goals' ? s : undefined;
    }, 'the project registered');
    expect(waiting.ownerApproval).toBe('awaited');
    // A while for a mail that must not come.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.to(outside)).toEqual([]);
    expect((await secretariat.get('/dashboard')).body).toContain('Projektägare att godkänna: 1');
    const page = await secretariat.get('/projects/utbyte-jyvaskyla');
    expect(page.body).toContain('Ägarens adress behöver godkännas');
    expect(page.body).toContain(outside);

    const approved = await secretariat.submit('/projects/utbyte-jyvaskyla', '/projects/utbyte-jyvaskyla/approve-owner', {});
    expect(approved.statusCode).toBe(303);
    const request = await until(() => smtp.to(outside)[0], 'the goals request after approval');
    expect(request.subject).toBe('Mål före start: Utbyte Jyväskylä');
    const status = await projectStatus(env.client, 'solna', 'utbyte-jyvaskyla');
    expect(status.ownerApproval).toBe('approved');
    expect(status.history!.find((h) => h.what === 'owner-approved')?.by).toBeDefined();

    // An owner of the organisation's own domain is asked at once.
    const inside = await unit.submit(standingLink, `${standingLink}/projects`, { title: 'Skolutbyte Tartu', id: 'skolutbyte-tartu', ownerName: 'Eva Lind', ownerEmail: 'eva.lind@solna.example', plannedStart: inDays(120) });
    expect(inside.headers.location).toMatch(/done=project$/);
    await until(() => smtp.to('eva.lind@solna.example')[0], 'the goals request to an owner of the organisation');
  });
});
