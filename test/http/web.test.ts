/**
 * Every route of the web interface through Fastify's inject, on a real dev server and worker,
 * with mails through a real SMTP server.
 */
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { unitStatus } from '../../client/cycles';
import { createAnswerLinks } from '../../domain/answer-links';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp, type WebDeps } from '../../web/app';
import { TEST_LINK_SECRET, testAnswerLinks, until } from '../helpers/environment';
import type { TestSmtpServer } from '../helpers/smtp';
import { losingUpdateReplies } from '../helpers/intercept-handles';
import { answerLinkIn, csrfOf, FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';

jest.setTimeout(120_000);

const PASSWORD = 'rätt häst batteri häftklammer';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const hostile = '<script>alert("x")</script> {{secretariat.email}}';

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let deps: WebDeps;
let app: FastifyInstance;
let logLines: string[];
let testbed: WebTestbed;

const linkPath = (address: string) => new URL(answerLinkIn(smtp.to(address)[0]!.mail.text ?? '')).pathname;

beforeAll(async () => {
  testbed = await startWebTestbed(key, PASSWORD);
  ({ env, smtp, deps, app, logLines } = testbed);
});

afterAll(() => testbed?.close());

describe('the answer form', () => {
  test('the request mail carries a personal link to the public base URL, and the page shows the questionnaire in Swedish or English', async () => {
    const link = answerLinkIn(smtp.to('karin.sandberg@solna.example')[0]!.mail.text ?? '');
    expect(link.startsWith('https://uppfoljning.solna.example/answer/')).toBe(true);
    const browser = new FormSession(app);
    const sv = await browser.get(linkPath('karin.sandberg@solna.example'));
    expect(sv.statusCode).toBe(200);
    expect(sv.headers['referrer-policy']).toBe('no-referrer');
    expect(sv.headers['cache-control']).toBe('no-store');
    expect(sv.headers['content-security-policy']).toContain("default-src 'none'");
    expect(sv.body).toContain('<html lang="sv">');
    expect(sv.body).toContain('<label for="field-eu_projects">Pågående EU-projekt, andra internationella projekt och inlämnade ansökningar <span class="req">(obligatorisk)</span></label>');
    expect(sv.body).toContain('<p class="help" id="help-eu_projects">Ange projektnamn');
    expect(sv.body).toContain('Omsorgsförvaltningen');
    const en = await browser.get(`${linkPath('karin.sandberg@solna.example')}?lang=en`);
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Ongoing EU projects, other international projects and submitted applications <span class="req">(required)</span>');
  });

  test('opening the page changes nothing (mail scanners open links first)', async () => {
    const browser = new FormSession(app);
    await browser.get(linkPath('sofia.bergstrom@solna.example'));
    await browser.get(linkPath('sofia.bergstrom@solna.example'));
    expect((await unitStatus(env.client, key, 'kultur-fritid')).state).toBe('requested');
  });

  test('a draft is kept in the workflow and prefills the form', async () => {
    const browser = new FormSession(app);
    const url = linkPath('maria.johansson@solna.example');
    const saved = await browser.submit(url, url, { action: 'save', lang: 'sv', eu_projects: 'Erasmus+ (halvfärdigt)', count: 'x' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?lang=sv&saved=1`);
    const status = await unitStatus(env.client, key, 'barn-utbildning');
    expect(status.state).toBe('draft');
    expect(status.draft?.values).toEqual({ eu_projects: 'Erasmus+ (halvfärdigt)' });
    const again = await browser.get(`${url}?lang=sv&saved=1`);
    expect(again.body).toContain('Utkastet är sparat');
    expect(again.body).toContain('>Erasmus+ (halvfärdigt)</textarea>');
  });

  test('a wrong answer shows each error beside its field and keeps what was typed; the right one gives a receipt page and mail', async () => {
    const browser = new FormSession(app);
    const url = linkPath('karin.sandberg@solna.example');
    const wrong = await browser.submit(url, url, { action: 'submit', lang: 'sv', eu_projects: hostile, other_work: '', effects: 'Ökad kunskap' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('<p class="error" id="error-other_work">Övrigt internationellt arbete som genomförts under året: måste fyllas i.</p>');
    expect(wrong.body).toMatch(/<textarea id="field-other_work"[^>]* aria-invalid="true" aria-describedby="help-other_work error-other_work">/);
    expect(wrong.body).toContain('<a href="#field-other_work">');
    expect(wrong.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; {{secretariat.email}}</textarea>');
    expect(wrong.body).not.toContain('<script>');
    expect(wrong.body).toContain('>Ökad kunskap</textarea>');
    expect((await unitStatus(env.client, key, 'omsorg')).answer).toBeUndefined();

    const right = await browser.post(url, { _csrf: csrfOf(wrong.body), action: 'submit', lang: 'sv', eu_projects: hostile, other_work: 'Studiebesök', effects: 'Ökad kunskap', reported_to_board: 'true' });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe(`${url}/receipt?lang=sv`);
    const receipt = await browser.get(right.headers.location as string);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).toContain('Tack, svaret är mottaget');
    expect(receipt.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; {{secretariat.email}}');
    const status = await unitStatus(env.client, key, 'omsorg');
    expect(status.answer).toMatchObject({ by: 'contact', revision: 1, values: { reported_to_board: true } });
    const mail = await until(() => smtp.to('karin.sandberg@solna.example').find((m) => m.subject.startsWith('Kvitto')), 'the receipt mail');
    expect(mail.mail.text).toContain(hostile);

    const correcting = await browser.get(url);
    expect(correcting.body).toContain('Ni svarade');
    expect(correcting.body).toContain('>Studiebesök</textarea>');
  });

  test('an answer whose confirmation was lost comes back with what was typed; sending it again counts it once', async () => {
    // The update reaches the workflow, but the server's reply does not reach the web server, as
    // when the server gives up waiting under load (WorkflowUpdateRPCTimeoutOrCancelledError).
    const lostReply = losingUpdateReplies(env.client);
    const busyApp = await buildWebApp({ ...deps, client: lostReply, logger: false });
    const url = linkPath('karin.sandberg@solna.example');
    const before = (await unitStatus(env.client, key, 'omsorg')).answer!.revision;
    const receiptsBefore = smtp.to('karin.sandberg@solna.example').filter((m) => m.subject.startsWith('Kvitto')).length;
    expect(receiptsBefore).toBe(1);

    const busy = new FormSession(busyApp);
    const form = await busy.get(url);
    const submission = /name="submission" value="([0-9a-f-]{36})"/.exec(form.body)![1]!;
    const answer = { action: 'submit', lang: 'sv', eu_projects: hostile, other_work: 'Vänort i Tartu', effects: 'Nya kontakter', reported_to_board: 'true' };
    const notConfirmed = await busy.post(url, { _csrf: csrfOf(form.body), submission, ...answer });
    expect(notConfirmed.statusCode).toBe(503);
    expect(notConfirmed.body).toContain('Svaret hann inte bekräftas');
    expect(notConfirmed.body).toContain('>Vänort i Tartu</textarea>');
    expect(notConfirmed.body).toContain(`name="submission" value="${submission}"`);
    await busyApp.close();

    // The contact person sends the returned form again from the same browser, and once more.
    const browser = new FormSession(app);
    for (const [name, value] of busy.cookies) browser.cookies.set(name, value);
    const again = await browser.post(url, { _csrf: csrfOf(notConfirmed.body), submission, ...answer });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`${url}/receipt?lang=sv`);
    const twice = await browser.post(url, { _csrf: csrfOf(notConfirmed.body), submission, ...answer });
    expect(twice.statusCode).toBe(303);
    expect((await unitStatus(env.client, key, 'omsorg')).answer).toMatchObject({ revision: before + 1, values: { other_work: 'Vänort i Tartu' } });

    // A form loaded afresh is a new submission: a correction.
    const corrected = await browser.submit(url, url, { ...answer, effects: 'Fler kontakter' });
    expect(corrected.statusCode).toBe(303);
    expect((await unitStatus(env.client, key, 'omsorg')).answer).toMatchObject({ revision: before + 2, values: { effects: 'Fler kontakter' } });
    const receipts = () => smtp.to('karin.sandberg@solna.example').filter((m) => m.subject.startsWith('Kvitto'));
    await until(() => (receipts().some((m) => m.mail.text?.includes('Fler kontakter')) ? true : undefined), 'the receipt of the correction');
    expect(receipts()).toHaveLength(receiptsBefore + 2);
  });

  test('a POST without the CSRF token is refused and changes nothing, and the form comes back with what was typed', async () => {
    const browser = new FormSession(app);
    const url = linkPath('ahmed.hassan@solna.example');
    await browser.get(url);
    const forged = await browser.post(url, { action: 'submit', eu_projects: 'a', other_work: 'b', effects: 'c' });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Formuläret hade hunnit bli för gammalt, så inget sparades.');
    expect(forged.body).toContain('>b</textarea>');
    const crossSite = await new FormSession(app).post(url, { _csrf: 'stolen', action: 'submit', eu_projects: 'a', other_work: 'b', effects: 'c' });
    expect(crossSite.statusCode).toBe(403);
    expect((await unitStatus(env.client, key, 'socialforvaltningen')).answer).toBeUndefined();
  });

  test('forged, foreign and expired links get a clear page with the right status and nothing else', async () => {
    const browser = new FormSession(app);
    const real = linkPath('erik.andersson@solna.example');
    const forged = real.slice(0, -3) + (real.endsWith('AAA') ? 'BBB' : 'AAA');
    const forgedPage = await browser.get(forged);
    expect(forgedPage.statusCode).toBe(404);
    expect(forgedPage.body).toContain('Länken fungerar inte');
    expect(forgedPage.body).not.toContain('Miljö');
    expect((await browser.get('/answer/nonsense')).statusCode).toBe(404);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const foreign = testAnswerLinks.token({ key: { orgId: 'sundsvall', obligationId: 'annual-follow-up', period: '2025' }, unitId: 'omsorg', expiresAt: future });
    expect((await browser.get(`/answer/${foreign}`)).statusCode).toBe(404);
    const otherSecret = createAnswerLinks(`${TEST_LINK_SECRET}-other`).token({ key, unitId: 'omsorg', expiresAt: future });
    expect((await browser.get(`/answer/${otherSecret}`)).statusCode).toBe(404);
    const noCycle = testAnswerLinks.token({ key: { ...key, period: '2019' }, unitId: 'omsorg', expiresAt: future });
    expect((await browser.get(`/answer/${noCycle}`)).statusCode).toBe(404);

    const expired = testAnswerLinks.token({ key, unitId: 'omsorg', expiresAt: new Date(Date.now() - 1000).toISOString() });
    const expiredPage = await browser.get(`/answer/${expired}`);
    expect(expiredPage.statusCode).toBe(410);
    expect(expiredPage.body).toContain('Länken har gått ut');
  });

  test('tokens never appear in the logs', () => {
    const token = linkPath('karin.sandberg@solna.example').split('/').pop()!;
    const logs = logLines.join('');
    expect(logs).toContain('/answer/[token]');
    expect(logs).not.toContain(token);
  });

  test('invalid links are limited per client, and a real link always opens, also from the address that sent them', async () => {
    const limited = await buildWebApp({ ...deps, logger: false });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await limited.inject({ method: 'GET', url: '/answer/x.y', remoteAddress: '10.9.9.9' })).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await limited.inject({ method: 'GET', url: linkPath('karin.sandberg@solna.example'), remoteAddress: '10.9.9.9' })).statusCode).toBe(200);
    expect((await limited.inject({ method: 'GET', url: linkPath('karin.sandberg@solna.example'), remoteAddress: '10.1.1.1' })).statusCode).toBe(200);
    await limited.close();
  });
});

describe("the secretariat's dashboard", () => {
  const secretariat = new FormSession({} as FastifyInstance);

  test('pages need a login; a wrong password is refused; the session cookie is HTTP-only', async () => {
    Object.assign(secretariat, { app });
    const anonymous = await secretariat.get('/dashboard');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fdashboard');
    const wrong = await secretariat.submit('/login', '/login', { password: 'fel', next: '/dashboard' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Fel användarnamn eller lösenord.');
    const right = await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/dashboard');
    expect(String(right.headers['set-cookie'])).toMatch(/followup_session=.*HttpOnly.*SameSite=Lax/);
    const unsafeNext = await new FormSession(app).submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '//evil.example/' });
    expect(unsafeNext.headers.location).toBe('/dashboard');
  });

  test('the dashboard lists the cycles and starts a new one', async () => {
    const dashboard = await until(async () => {
      const page = await secretariat.get('/dashboard');
      return page.body.includes('/cycles/annual-follow-up/2025') ? page : undefined;
    }, 'the cycle to show in the dashboard');
    expect(dashboard.body).toContain('Årlig uppföljning av internationell policy');
    const started = await secretariat.submit('/dashboard', '/cycles', { obligation: 'annual-follow-up', period: '2024' });
    expect(started.statusCode).toBe(303);
    expect(started.headers.location).toBe('/cycles/annual-follow-up/2024?done=started');
    const again = await secretariat.submit('/dashboard', '/cycles', { obligation: 'annual-follow-up', period: '2024' });
    expect(again.headers.location).toBe('/cycles/annual-follow-up/2024?done=running');
    const bad = await secretariat.submit('/dashboard', '/cycles', { obligation: 'annual-follow-up', period: 'förra året' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<p class="error" id="start-period-error">Ange perioden som ett år, t.ex. 2026, eller ett år med tillägg, t.ex. 2026-T1.</p>');
    expect(bad.body).toContain('value="förra året"');
  });

  test("the cycle page shows each unit's state and the response rate, and its actions work", async () => {
    const base = '/cycles/annual-follow-up/2025';
    const page = await secretariat.get(base);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 av 6 enheter har svarat (17 %).');
    expect(page.body).toMatch(/<th scope="row">Omsorgsförvaltningen<\/th>\s*<td><span class="state state-answered">besvarad<\/span>/);
    expect(page.body).toMatch(/<th scope="row">Barn- och utbildningsförvaltningen<\/th>\s*<td><span class="state state-draft">utkast sparat<\/span>/);
    expect(page.body).toContain('<svg class="chart"');

    const reminded = await secretariat.submit(base, `${base}/remind`, { unit: 'miljo-byggnad' });
    expect(reminded.headers.location).toBe(`${base}?done=reminded&unit=miljo-byggnad`);
    expect((await secretariat.get(reminded.headers.location as string)).body).toContain('Påminnelse skickad till: Miljö- och byggnadsförvaltningen.');
    await until(() => smtp.to('erik.andersson@solna.example').find((m) => m.subject.startsWith('Påminnelse 1')), 'the reminder');

    const until30 = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await secretariat.submit(base, `${base}/extend`, { unit: 'kultur-fritid', until: until30 })).headers.location).toBe(`${base}?done=extended&unit=kultur-fritid`);
    const past = await secretariat.submit(base, `${base}/extend`, { unit: 'kultur-fritid', until: '2001-01-01' });
    expect(past.statusCode).toBe(409);
    expect(past.body).toContain('2001-01-01 har redan passerat.');
    expect((await secretariat.submit(base, `${base}/exempt`, { unit: 'tekniska', reason: 'Ny förvaltning' })).statusCode).toBe(303);
    expect((await unitStatus(env.client, key, 'tekniska')).state).toBe('exempt');

    const all = await secretariat.submit(base, `${base}/remind`, {});
    expect(all.headers.location).toMatch(/done=reminded&unit=.*miljo-byggnad/);
    expect((await secretariat.post(`${base}/remind`, { unit: 'miljo-byggnad' })).statusCode).toBe(403);
    expect((await secretariat.submit(base, `${base}/remind`, { unit: 'brandkaren' })).statusCode).toBe(404);
    expect((await secretariat.get('/cycles/annual-follow-up/1999')).statusCode).toBe(404);
  });

  test('closing early needs a confirmation, then the report opens and downloads', async () => {
    const base = '/cycles/annual-follow-up/2025';
    const unconfirmed = await secretariat.submit(base, `${base}/close`, {});
    expect(unconfirmed.statusCode).toBe(409);
    const closing = await secretariat.submit(base, `${base}/close`, { confirm: 'yes' });
    expect(closing.headers.location).toBe(`${base}?done=closing`);
    const closed = await until(async () => {
      const page = await secretariat.get(base);
      return page.body.includes(`${base}/report.html`) ? page : undefined;
    }, 'the report');
    expect(closed.body).not.toContain('/close"');
    const html = await secretariat.get(`${base}/report.html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html.body).not.toContain('<script>');
    const markdown = await secretariat.get(`${base}/report.md?download=1`);
    expect(markdown.headers['content-disposition']).toBe('attachment; filename="solna-annual-follow-up-2025.md"');
    expect(markdown.body).toContain('- Undantagna: Tekniska förvaltningen');
    // The PDF for the register and the agenda opens in the browser; the Word document is saved.
    expect(closed.body).toContain(`href="${base}/report.pdf?download=1"`);
    expect(closed.body).toContain('Ladda ner för att redigera i Word (DOCX)');
    const pdf = await secretariat.get(`${base}/report.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBeUndefined();
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const docx = await secretariat.get(`${base}/report.docx`);
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(docx.headers['content-disposition']).toBe('attachment; filename="solna-annual-follow-up-2025.docx"');
    expect(docx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    // Every unit's answers for Excel, read from the archived period once the cycle is compiled.
    expect(closed.body).toContain(`href="${base}/answers.xlsx"`);
    const xlsx = await secretariat.get(`${base}/answers.xlsx`);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="solna-annual-follow-up-2025-svar.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('Svar')!;
    const cells = sheet.getRows(2, sheet.rowCount - 1)!.flatMap((r) => (r.values as unknown[]).slice(1));
    expect(cells).toContain(hostile);
    expect(cells).toContain('Undantagen');
    const csv = await secretariat.get(`${base}/answers.csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\uFEFFEnhetens id;Enhet;Läge;Svarade')).toBe(true);
    expect((await new FormSession(app).get(`${base}/report.html`)).statusCode).toBe(303);

    const contact = new FormSession(app);
    const closedForm = await contact.get(linkPath('karin.sandberg@solna.example'));
    expect(closedForm.statusCode).toBe(410);
    expect(closedForm.body).toContain('Uppföljningen är stängd');
  });

  test('logging out ends the session', async () => {
    const out = await secretariat.submit('/dashboard', '/logout', {});
    expect(out.headers.location).toBe('/login');
    expect((await secretariat.get('/dashboard')).statusCode).toBe(303);
  });

  test('unknown pages say so in the page language', async () => {
    const page = await app.inject({ method: 'GET', url: '/nope?lang=en' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page not found');
    expect((await app.inject({ method: 'GET', url: '/assets/style.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
  });
});
