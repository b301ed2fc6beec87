/**
 * The web's promises under careless and hostile use, through the real app on a real dev server and
 * worker: nothing typed is lost (an edited resend, a stale form, a Temporal outage), nobody is
 * locked out by somebody else (per-client limits, behind a proxy too, under a flood of 10,000 junk
 * requests), sessions end when they should, and forms of the wrong shape are a clear 400.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { saveDraft, unitStatus } from '../../client/cycles';
import type { CycleKey } from '../../domain/ids';
import { readEnvironment } from '../../config/environment';
import { buildWebApp, type WebDeps } from '../../web/app';
import { hashPassword } from '../../web/password';
import { until } from '../helpers/environment';
import { losingUpdateReplies } from '../helpers/intercept-handles';
import type { TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn, csrfOf, FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'rätt häst batteri häftklammer';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2024' };
const answer = { action: 'submit', lang: 'sv', eu_projects: 'Inga EU-projekt', other_work: 'Vänort i Tartu', effects: 'Nya kontakter', reported_to_board: 'true' };

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let deps: WebDeps;
let app: FastifyInstance;
let logLines: string[];
let testbed: WebTestbed;
let deadConnection: Connection;
/** A client of a Temporal server that is down: real gRPC to a port where nothing listens. */
let down: Client;

const linkPath = (address: string) => new URL(answerLinkIn(smtp.to(address)[0]!.mail.text ?? '')).pathname;
const submissionOf = (html: string) => /name="submission" value="([0-9a-f-]{36})"/.exec(html)![1]!;

beforeAll(async () => {
  testbed = await startWebTestbed(key, PASSWORD);
  ({ env, smtp, deps, app, logLines } = testbed);
  deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
  down = new Client({ connection: deadConnection, namespace: env.namespace });
});

afterAll(async () => {
  await deadConnection?.close().catch(() => undefined);
  await testbed?.close();
});

describe('nothing typed is lost', () => {
  test('after "may already be saved", an edited resend is a new revision, not silently joined to the first', async () => {
    const lostReply = losingUpdateReplies(env.client);
    const busyApp = await buildWebApp({ ...deps, client: lostReply, logger: false });
    const url = linkPath('karin.sandberg@solna.example');
    const busy = new FormSession(busyApp);
    const form = await busy.get(url);
    const submission = submissionOf(form.body);
    const notConfirmed = await busy.post(url, { _csrf: csrfOf(form.body), submission, ...answer });
    expect(notConfirmed.statusCode).toBe(503);
    await busyApp.close();
    expect((await unitStatus(env.client, key, 'omsorg')).answer).toMatchObject({ revision: 1, values: { effects: 'Nya kontakter' } });

    // The person changes the text on the returned page before sending it again.
    const browser = new FormSession(app);
    for (const [name, value] of busy.cookies) browser.cookies.set(name, value);
    const edited = await browser.post(url, { _csrf: csrfOf(notConfirmed.body), submission, ...answer, effects: 'Nya kontakter och ett projekt' });
    expect(edited.statusCode).toBe(303);
    expect((await unitStatus(env.client, key, 'omsorg')).answer).toMatchObject({ revision: 2, values: { effects: 'Nya kontakter och ett projekt' } });
    // The same edited form once more (a double click) is still one answer.
    await browser.post(url, { _csrf: csrfOf(notConfirmed.body), submission, ...answer, effects: 'Nya kontakter och ett projekt' });
    expect((await unitStatus(env.client, key, 'omsorg')).answer?.revision).toBe(2);
  });

  test('a stale form (its token no longer matches) comes back with everything typed and a fresh token, and then goes through', async () => {
    const url = linkPath('ahmed.hassan@solna.example');
    const browser = new FormSession(app);
    const form = await browser.get(url);
    const stale = await browser.post(url, { _csrf: 'stale-token', submission: submissionOf(form.body), ...answer, other_work: 'Skrivet länge, sparat aldrig' });
    expect(stale.statusCode).toBe(403);
    expect(stale.body).toContain('Formuläret hade hunnit bli för gammalt, så inget sparades.');
    expect(stale.body).toContain('>Skrivet länge, sparat aldrig</textarea>');
    expect((await unitStatus(env.client, key, 'socialforvaltningen')).answer).toBeUndefined();
    const resent = await browser.post(url, { _csrf: csrfOf(stale.body), submission: submissionOf(stale.body), ...answer, other_work: 'Skrivet länge, sparat aldrig' });
    expect(resent.statusCode).toBe(303);
    expect((await unitStatus(env.client, key, 'socialforvaltningen')).answer?.values.other_work).toBe('Skrivet länge, sparat aldrig');
  });

  test('Temporal down: the answer comes back with everything typed and a note; sent again when it is up, it is saved', async () => {
    const url = linkPath('maria.johansson@solna.example');
    const browser = new FormSession(app);
    const form = await browser.get(url);
    const outageApp = await buildWebApp({ ...deps, client: down });
    const outage = new FormSession(outageApp);
    for (const [name, value] of browser.cookies) outage.cookies.set(name, value);
    const during = await outage.post(url, { _csrf: csrfOf(form.body), submission: submissionOf(form.body), ...answer, effects: 'Text som inte får försvinna' });
    await outageApp.close();
    expect(during.statusCode).toBe(503);
    expect(during.body).toContain('Svaret kunde inte sparas just nu');
    expect(during.body).toContain('>Text som inte får försvinna</textarea>');
    expect(during.body).toContain('name="_csrf"');
    const after = await browser.post(url, { _csrf: csrfOf(form.body), submission: submissionOf(during.body), ...answer, effects: 'Text som inte får försvinna' });
    expect(after.statusCode).toBe(303);
    expect((await unitStatus(env.client, key, 'barn-utbildning')).answer?.values.effects).toBe('Text som inte får försvinna');
  });

  test('Temporal down: the report route says something went wrong and logs it, instead of "page not found"', async () => {
    const outageApp = await buildWebApp({ ...deps, client: down });
    const secretariat = new FormSession(outageApp);
    await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    logLines.length = 0;
    const report = await secretariat.get(`/cycles/annual-follow-up/${key.period}/report.html`);
    await outageApp.close();
    expect(report.statusCode).toBe(500);
    expect(report.body).toContain('Något gick fel');
    expect(logLines.join('')).toContain('request failed');
  });
});

describe('nobody locks anybody else out', () => {
  test('failed logins count per client: ten wrong passwords from one address, and the secretariat logs in from another', async () => {
    const limited = await buildWebApp({ ...deps, logger: false });
    // Posts another site makes a visitor's browser send (no token) are no attempts: the real user
    // behind that address still logs in.
    const visitor = new FormSession(limited, '10.7.7.7');
    for (let i = 0; i < 12; i++) expect((await visitor.post('/login', { password: `forged-${i}` })).statusCode).toBe(403);
    expect((await visitor.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD })).statusCode).toBe(303);

    const attacker = new FormSession(limited, '10.6.6.6');
    for (let i = 0; i < 10; i++) expect((await attacker.submit('/login', '/login', { password: `guess-${i}` })).statusCode).toBe(401);
    const blocked = await attacker.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    expect(blocked.statusCode).toBe(429);
    // The page says how long the block lasts, as the Retry-After header does: not "a minute".
    expect(blocked.body).toContain(`Försök igen om ${Math.ceil(Number(blocked.headers['retry-after']) / 60)} minuter.`);
    const secretariat = new FormSession(limited, '10.1.2.3');
    const login = await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/dashboard');
    await limited.close();
  });

  test('behind a proxy (FOLLOWUP_TRUST_PROXY), each client counts by its own forwarded address', async () => {
    const proxied = await buildWebApp({ ...deps, logger: false, trustProxy: '127.0.0.1' });
    const from = (client: string) => ({ 'x-forwarded-for': client });
    for (let i = 0; i < 30; i++) await proxied.inject({ method: 'GET', url: `/answer/junk-${i}`, headers: from('203.0.113.66') });
    expect((await proxied.inject({ method: 'GET', url: '/answer/junk-31', headers: from('203.0.113.66') })).statusCode).toBe(429);
    expect((await proxied.inject({ method: 'GET', url: '/answer/junk-31', headers: from('198.51.100.20') })).statusCode).toBe(404);
    await proxied.close();
  });

  test('a client that names a new address in X-Forwarded-For on every try still meets the sign-in limit, through the proxy and around it', async () => {
    /** One sign-in as a browser makes it: the page (for its form token), then the form, both with this X-Forwarded-For. */
    const signIn = async (web: FastifyInstance, remoteAddress: string, forwardedFor: string, password: string) => {
      const headers = { 'x-forwarded-for': forwardedFor };
      const page = await web.inject({ method: 'GET', url: '/login', remoteAddress, headers });
      const cookies = Object.fromEntries(page.cookies.map((c) => [c.name, c.value]));
      const form = new URLSearchParams({ _csrf: csrfOf(page.body), username: 'sekretariatet', password }).toString();
      return web.inject({ method: 'POST', url: '/login', remoteAddress, cookies, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
    };
    const PROXY = '10.0.0.5';
    // The proxy's address as the operator sets it, and a hop count with the web on the proxy's network.
    for (const setting of [{ FOLLOWUP_TRUST_PROXY: PROXY }, { FOLLOWUP_TRUST_PROXY: '1', FOLLOWUP_WEB_HOST: '10.0.0.7' }]) {
      const web = await buildWebApp({ ...deps, logger: false, trustProxy: readEnvironment(setting).FOLLOWUP_TRUST_PROXY });
      // The proxy adds the address it sees after whatever the client wrote there.
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await signIn(web, PROXY, `203.0.113.${i}, 198.51.100.7`, `guess-${i}`)).statusCode);
      expect({ setting, statuses }).toEqual({ setting, statuses: [...Array<number>(10).fill(401), ...Array<number>(15).fill(429)] });
      const blocked = await signIn(web, PROXY, '192.0.2.99, 198.51.100.7', PASSWORD);
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Nobody else behind the proxy is locked out.
      expect((await signIn(web, PROXY, '198.51.100.20', PASSWORD)).statusCode).toBe(303);
      await web.close();
    }
    // Around the proxy, straight to the web: its X-Forwarded-For is not believed at all.
    const web = await buildWebApp({ ...deps, logger: false, trustProxy: readEnvironment({ FOLLOWUP_TRUST_PROXY: PROXY }).FOLLOWUP_TRUST_PROXY });
    const direct: number[] = [];
    for (let i = 0; i < 25; i++) direct.push((await signIn(web, '198.51.100.8', `203.0.113.${i}`, `guess-${i}`)).statusCode);
    expect(direct).toEqual([...Array<number>(10).fill(401), ...Array<number>(15).fill(429)]);
    await web.close();
  });

  test('10,000 junk requests from one address while a real login and a real answer come from two others: both succeed', async () => {
    const flooded = await buildWebApp({ ...deps, logger: false, trustProxy: '127.0.0.1' });
    await flooded.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(flooded.server.address() as AddressInfo).port}`;
    const flooder = { 'x-forwarded-for': '203.0.113.66' };
    const statuses = new Map<number, number>();
    let sent = 0;
    const flood = Promise.all(
      Array.from({ length: 50 }, async () => {
        while (sent < 10_000) {
          const i = sent++;
          const response =
            i % 4 === 0
              ? await fetch(`${base}/login`, { method: 'POST', headers: { ...flooder, 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=nope' })
              : await fetch(`${base}/answer/junk.${i}`, { headers: flooder });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    const jar = (response: Response, cookies: Map<string, string>) => {
      for (const c of response.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const at = pair!.indexOf('=');
        cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
    };
    const asClient = async (client: string, url: string, form?: Record<string, string>, cookies = new Map<string, string>()) => {
      const headers: Record<string, string> = { 'x-forwarded-for': client, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
      const response = form
        ? await fetch(`${base}${url}`, { method: 'POST', redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })
        : await fetch(`${base}${url}`, { redirect: 'manual', headers });
      jar(response, cookies);
      return { status: response.status, location: response.headers.get('location'), body: await response.text(), cookies };
    };
    // Once the flood is under way, the real people arrive.
    await until(() => (sent > 1_000 ? true : undefined), 'the flood to be under way');
    const login = (async () => {
      const page = await asClient('198.51.100.10', '/login');
      return asClient('198.51.100.10', '/login', { _csrf: csrfOf(page.body), username: 'sekretariatet', password: PASSWORD, next: '/dashboard' }, page.cookies);
    })();
    const reply = (async () => {
      const url = linkPath('erik.andersson@solna.example');
      const page = await asClient('198.51.100.20', url);
      return asClient('198.51.100.20', url, { _csrf: csrfOf(page.body), submission: submissionOf(page.body), ...answer }, page.cookies);
    })();
    const [loggedIn, answered] = await Promise.all([login, reply]);
    await flood;
    await flooded.close();
    expect(loggedIn).toMatchObject({ status: 303, location: '/dashboard' });
    expect(answered.status).toBe(303);
    expect((await unitStatus(env.client, key, 'miljo-byggnad')).answer?.values.other_work).toBe('Vänort i Tartu');
    // The flooder itself was stopped.
    expect(statuses.get(429)).toBeGreaterThan(9_000);
  });
});

describe('sessions end when they should', () => {
  test('a session cookie replayed after logout opens nothing', async () => {
    const secretariat = new FormSession(app);
    await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    const copied = new Map(secretariat.cookies);
    expect((await secretariat.get('/dashboard')).statusCode).toBe(200);
    await secretariat.submit('/dashboard', '/logout', {});
    const replay = new FormSession(app);
    for (const [name, value] of copied) replay.cookies.set(name, value);
    expect((await replay.get('/dashboard')).statusCode).toBe(303);
  });

  test('a session made with the old password ends when the password changes', async () => {
    const secretariat = new FormSession(app);
    await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    expect((await secretariat.get('/dashboard')).statusCode).toBe(200);
    // The operator sets a new hash and restarts the web server with it.
    const changed = await buildWebApp({ ...deps, passwordHash: await hashPassword('ett helt annat lösenord'), logger: false });
    const same = new FormSession(changed);
    for (const [name, value] of secretariat.cookies) same.cookies.set(name, value);
    expect((await same.get('/dashboard')).statusCode).toBe(303);
    await changed.close();
  });
});

describe('forms of the wrong shape and remind-all', () => {
  test('arrays or objects where a form expects text are a 400 that says so, never a 500', async () => {
    const secretariat = new FormSession(app);
    const login = await secretariat.get('/login');
    const arrays = await app.inject({
      method: 'POST',
      url: '/login',
      cookies: Object.fromEntries(secretariat.cookies),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfOf(login.body))}&password=a&password=b`,
    });
    expect(arrays.statusCode).toBe(400);
    expect(arrays.body).toContain('Formuläret innehöll fält av fel slag');
    await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    const page = await secretariat.get(`/cycles/annual-follow-up/${key.period}`);
    const unitArray = await app.inject({
      method: 'POST',
      url: `/cycles/annual-follow-up/${key.period}/exempt`,
      cookies: Object.fromEntries(secretariat.cookies),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfOf(page.body))}&unit=omsorg&unit=tekniska&reason=x`,
    });
    expect(unitArray.statusCode).toBe(400);
    const answerArray = await app.inject({ method: 'POST', url: linkPath('mikael.oberg@solna.example'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'eu_projects=a&eu_projects=b' });
    expect(answerArray.statusCode).toBe(400);
  });

  test('remind all reminds every unit that owes an answer, a unit with a saved draft too', async () => {
    await saveDraft(env.client, key, 'tekniska', { eu_projects: 'Halvfärdigt' });
    expect((await unitStatus(env.client, key, 'tekniska')).state).toBe('draft');
    const secretariat = new FormSession(app);
    await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    const reminded = await secretariat.submit(`/cycles/annual-follow-up/${key.period}`, `/cycles/annual-follow-up/${key.period}/remind`, {});
    expect(reminded.statusCode).toBe(303);
    const units = new URL(reminded.headers.location as string, 'http://x').searchParams.get('unit')!.split(',');
    expect(units).toContain('tekniska');
    expect(units).not.toContain('omsorg'); // answered
    await until(() => (smtp.to('mikael.oberg@solna.example').some((m) => m.subject.startsWith('Påminnelse')) ? true : undefined), 'the reminder to the unit with a draft');
  });
});

describe('a report that did not reach everyone', () => {
  test('the cycle page names the address and the server\'s words, and "send the report again" reaches it once the mailbox works', async () => {
    const council = 'kf.sekreterare@solna.example';
    smtp.refuseRecipient = (address) => (address === council ? { code: 552, message: '5.2.2 Mailbox full' } : undefined);
    const secretariat = new FormSession(app);
    await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    const cyclePage = `/cycles/annual-follow-up/${key.period}`;
    await secretariat.submit(cyclePage, `${cyclePage}/close`, { confirm: 'yes' });
    const problem = await until(async () => {
      const page = await secretariat.get(cyclePage);
      return page.body.includes('Rapporten kom inte fram till') ? page : undefined;
    }, 'the undelivered report on the cycle page', 60_000);
    expect(problem.body).toContain(`Rapporten kom inte fram till ${council}: The mail server refused the mail permanently (552)`);
    expect(problem.body).toContain('Skicka rapporten igen');
    expect(smtp.to('int.kommitten@solna.example')).toHaveLength(1);

    // Someone who was typing when the cycle closed sees what they wrote, to copy it.
    const late = new FormSession(app);
    const lateUrl = linkPath('linnea.dahl@solna.example');
    const lateForm = await late.get(lateUrl);
    expect(lateForm.statusCode).toBe(410);
    const tooLate = await late.post(lateUrl, { _csrf: 'x', ...answer, effects: 'Skrivet medan den stängdes' });
    expect(tooLate.statusCode).toBe(410);
    expect(tooLate.body).toContain('Det här skrev ni. Det är inte sparat');
    expect(tooLate.body).toContain('<dd>Skrivet medan den stängdes</dd>');

    smtp.refuseRecipient = undefined;
    const again = await secretariat.submit(cyclePage, `${cyclePage}/redeliver`, {});
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toContain('done=redelivering');
    await until(() => (smtp.to(council).length > 0 ? true : undefined), 'the report at the mailbox that works again');
    const after = await until(async () => {
      const page = await secretariat.get(cyclePage);
      return page.body.includes('Rapporten kom inte fram till') ? undefined : page;
    }, 'the cycle page without the problem');
    expect(after.body).toContain('Öppna rapporten');
    expect(smtp.to('int.kommitten@solna.example')).toHaveLength(1);
  });
});
