/**
 * People as they are, through the web on a real dev server, worker, SMTP server and database of
 * record: the secretariat sets a substitute and changes a unit's contacts (secretariat only, CSRF,
 * each change in the audit log and shown where the config is overridden), and the unit's next
 * reminder reaches them; a contact hands the unit's answer to a colleague from the answer form,
 * the colleague answers with their own link, and the answer's version and the cycle's history say
 * who answered on whose behalf; the contact (from their own link) or the secretariat (from /people)
 * withdraws a request, the colleague's link then says so, and the unit's mails go to its contact again.
 */
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { startCycle } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { answerVersions } from '../../records/answers';
import { recentActions } from '../../records/audit-log';
import { delegationsOf } from '../../records/people';
import { buildWebApp } from '../../web/app';
import { SOLNA_CONFIG, testAnswerLinks, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { answerLinkIn, csrfOf, FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const solna = loadConfigFile(SOLNA_CONFIG);
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const base = '/cycles/annual-follow-up/2025';
let testbed: RecordsTestbed;
let app: FastifyInstance;
let secretariat: FormSession;
/** Maria Johansson's link from her request, the care of the children and education department. */
let mariasLink: string;
/** Karin Sandberg's, the social care department's. */
let karinsLink: string;

const today = DateTime.now().setZone('Europe/Stockholm');
const pathOf = (url: string) => new URL(url).pathname;

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [solna] });
  app = await buildWebApp({ ...(await testWebDeps(solna, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
  // Started after its opening day: it opens at once and asks every unit's contacts.
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await testbed.smtp.waitFor(7, 120_000);
  mariasLink = pathOf(answerLinkIn(testbed.smtp.to('maria.johansson@solna.example')[0]!.mail.text!));
  karinsLink = pathOf(answerLinkIn(testbed.smtp.to('karin.sandberg@solna.example')[0]!.mail.text!));
  secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

test("the secretariat sets a substitute and changes a unit's contacts, and the next reminders reach them", async () => {
  // Not without signing in, and not without the form's token.
  expect((await new FormSession(app).get('/people')).statusCode).toBe(303);
  expect((await secretariat.post('/people/substitutes', { person: 'karin.sandberg@solna.example', substituteEmail: 'per.ek@solna.example', from: today.toISODate()!, until: today.toISODate()! })).statusCode).toBe(403);

  const page = await secretariat.get('/people');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('Ersättare och kontaktpersoner');
  expect(page.body).toContain('<a href="/people">Personer</a>');
  expect(page.body).toContain('Inga ersättare är satta.');

  // A form with mistakes comes back with them beside their fields, and what was typed.
  const wrong = await secretariat.submit('/people', '/people/substitutes', { person: 'karin.sandberg@solna.example', substituteEmail: 'inte en adress', from: '2026-13-01', until: today.toISODate()! });
  expect(wrong.statusCode).toBe(400);
  expect(wrong.body).toContain('Ange en e-postadress, till exempel namn@kommun.se.');
  expect(wrong.body).toContain('Ange ett datum som ÅÅÅÅ-MM-DD.');
  expect(wrong.body).toContain('value="karin.sandberg@solna.example"');

  // Two weeks from yesterday, Karin's mail to Per Ek, with a copy to her.
  const set = await secretariat.submit('/people', '/people/substitutes', {
    person: 'Karin.Sandberg@solna.example',
    substituteName: 'Per Ek',
    substituteEmail: 'per.ek@solna.example',
    from: today.minus({ days: 1 }).toISODate()!,
    until: today.plus({ days: 13 }).toISODate()!,
    copy: 'on',
  });
  expect(set.statusCode).toBe(303);
  expect(set.headers.location).toBe('/people?lang=sv&done=substitute-set');
  const listed = await secretariat.get('/people?lang=en');
  expect(listed.body).toContain('karin.sandberg@solna.example');
  expect(listed.body).toContain('Per Ek &lt;per.ek@solna.example&gt;');
  expect(listed.body).toContain('<h1>Substitutes and contact persons</h1>');
  // Back to Swedish, which the session remembers.
  expect((await secretariat.get('/people?lang=sv')).body).toContain('<h1>Ersättare och kontaktpersoner</h1>');

  // The culture department answers from a shared mailbox now, with Sofia Bergström beside it.
  const prefilled = await secretariat.get('/people?unit=kultur-fritid');
  expect(prefilled.body).toContain('Sofia Bergström &lt;sofia.bergstrom@solna.example&gt;</textarea>');
  const badContacts = await secretariat.submit('/people', '/people/contacts', { unit: 'kultur-fritid', contacts: 'Sofia <inte-en-adress>' });
  expect(badContacts.statusCode).toBe(400);
  expect(badContacts.body).toContain('Skriv en kontakt per rad');
  const changed = await secretariat.submit('/people', '/people/contacts', { unit: 'kultur-fritid', contacts: 'kultur.internationellt@solna.example\nSofia Bergström <sofia.bergstrom@solna.example>', head: 'Johan Nyberg <johan.nyberg@solna.example>' });
  expect(changed.statusCode).toBe(303);
  const overridden = await secretariat.get('/people');
  expect(overridden.body).toContain('Ändrat i webben av Sekretariatet (sekretariatet)');
  expect(overridden.body).toContain('kultur.internationellt@solna.example, Sofia Bergström &lt;sofia.bergstrom@solna.example&gt;');
  expect(overridden.body).toContain('Konfigurationen');

  const actions = await recentActions(testbed.records);
  expect(actions.find((a) => a.action === 'substitute-set')).toMatchObject({ actor: 'Sekretariatet (sekretariatet)', via: 'web', detail: { person: 'karin.sandberg@solna.example', substitute: 'per.ek@solna.example', copyPerson: true } });
  expect(actions.find((a) => a.action === 'unit-contacts-changed')).toMatchObject({ subject: '/people/contacts/kultur-fritid', detail: { contacts: ['kultur.internationellt@solna.example', 'sofia.bergstrom@solna.example'] } });

  // The next reminders: Karin's to Per Ek (and her copy), the culture department's to the mailbox too.
  testbed.smtp.received.length = 0;
  for (const unit of ['omsorg', 'kultur-fritid']) expect((await secretariat.submit(base, `${base}/remind`, { unit })).statusCode).toBe(303);
  await until(async () => (testbed.smtp.received.length >= 4 ? true : undefined), 'four reminders');
  expect(testbed.smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['karin.sandberg@solna.example', 'kultur.internationellt@solna.example', 'per.ek@solna.example', 'sofia.bergstrom@solna.example']);
  expect(testbed.smtp.to('per.ek@solna.example')[0]!.mail.text).toContain('Du får detta som ersättare för Karin Sandberg (karin.sandberg@solna.example)');

  // Removed, the substitute and the change are gone from the page and from the next mail.
  const id = /action="\/people\/substitutes\/([0-9a-f-]{36})\/remove"/.exec((await secretariat.get('/people')).body)![1]!;
  expect((await secretariat.submit('/people', `/people/substitutes/${id}/remove`, {})).headers.location).toBe('/people?lang=sv&done=substitute-removed');
  expect((await secretariat.submit('/people', '/people/contacts/remove', { unit: 'kultur-fritid' })).headers.location).toBe('/people?lang=sv&done=unit-contacts-restored');
  const after = await secretariat.get('/people');
  expect(after.body).toContain('Inga ersättare är satta.');
  expect(after.body).not.toContain('Ändrat i webben');
  testbed.smtp.received.length = 0;
  for (const unit of ['omsorg', 'kultur-fritid']) expect((await secretariat.submit(base, `${base}/remind`, { unit })).statusCode).toBe(303);
  await until(async () => (testbed.smtp.received.length >= 2 ? true : undefined), 'two reminders');
  await new Promise((r) => setTimeout(r, 1_000));
  expect(testbed.smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['karin.sandberg@solna.example', 'sofia.bergstrom@solna.example']);
});

test("a contact hands the answer to a colleague, who answers with their own link, on the contact's behalf", async () => {
  const link = mariasLink;
  const contact = new FormSession(app);
  const form = await contact.get(link);
  expect(form.body).toContain(`<a href="${link}/delegate?lang&#x3D;sv">Lämna över svaret till en kollega</a>`);

  const empty = await contact.submit(`${link}/delegate`, `${link}/delegate`, { lang: 'sv', email: 'olle.ombud@solna.example' });
  expect(empty.statusCode).toBe(400);
  expect(empty.body).toContain('Skriv ditt namn');
  testbed.smtp.received.length = 0;
  const handed = await contact.submit(`${link}/delegate`, `${link}/delegate`, { lang: 'sv', byName: 'Maria Johansson', name: 'Olle Ombud', email: 'olle.ombud@solna.example' });
  expect(handed.statusCode).toBe(303);
  expect(handed.headers.location).toBe(`${link}?lang=sv&done=delegated`);
  expect((await contact.get(handed.headers.location as string)).body).toContain('Svaret är överlämnat.');

  // The colleague's own mail, with a link of their own.
  const mail = await until(async () => testbed.smtp.to('olle.ombud@solna.example')[0], "the colleague's mail");
  expect(mail.mail.text).toMatch(/^Maria Johansson har lämnat över svaret för Barn- och utbildningsförvaltningen till dig\./);
  const own = pathOf(answerLinkIn(mail.mail.text!));
  expect(own).not.toBe(link);
  const colleague = new FormSession(app);
  const theirs = await colleague.get(own);
  expect(theirs.statusCode).toBe(200);
  expect(theirs.body).toContain('Maria Johansson har lämnat över svaret till dig.');
  const answered = await colleague.submit(own, own, { action: 'submit', lang: 'sv', eu_projects: 'Erasmus+', other_work: 'Studiebesök', effects: 'Nya kontakter', reported_to_board: 'true' });
  expect(answered.statusCode).toBe(303);

  // On record as the colleague's, on whose behalf; the receipt to both.
  const versions = await until(async () => {
    const found = await answerVersions(testbed.records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' }, 'barn-utbildning');
    return found.length ? found : undefined;
  }, 'the answer on record');
  expect(versions[0]!.actor).toBe('Olle Ombud (olle.ombud@solna.example), ombud, på uppdrag av Maria Johansson');
  await until(async () => (testbed.smtp.to('maria.johansson@solna.example').length && testbed.smtp.to('olle.ombud@solna.example').length >= 2 ? true : undefined), 'the receipt to both');

  const cycle = await secretariat.get(base);
  expect(cycle.body).toContain('Lämnade över svaret till ett ombud: Barn- och utbildningsförvaltningen (Olle Ombud, olle.ombud@solna.example)');
  expect((await recentActions(testbed.records)).find((a) => a.action === 'answer-delegated')).toMatchObject({ actor: 'Maria Johansson', subject: base, detail: { unit: 'barn-utbildning', to: 'olle.ombud@solna.example' } });

  // A link naming the delegation for another unit is no link, though signed.
  const claims = testAnswerLinks.check(own.split('/answer/')[1]!, new Date());
  if (!claims.ok) throw new Error('the colleague\'s link does not check');
  const otherUnit = testAnswerLinks.token({ ...claims.claims, unitId: 'omsorg' });
  expect((await colleague.get(`/answer/${otherUnit}`)).statusCode).toBe(404);
  // A link cannot be made to mail any number of strangers: five colleagues a unit and cycle.
  for (const n of [2, 3, 4, 5]) expect((await contact.submit(`${link}/delegate`, `${link}/delegate`, { lang: 'sv', byName: 'Maria Johansson', email: `kollega${n}@solna.example` })).statusCode).toBe(303);
  const sixth = await contact.submit(`${link}/delegate`, `${link}/delegate`, { lang: 'sv', byName: 'Maria Johansson', email: 'kollega6@solna.example' });
  expect(sixth.statusCode).toBe(400);
  expect(sixth.body).toContain('Svaret har redan lämnats över 5 gånger');
  // The form's token is needed to hand it over.
  expect((await new FormSession(app).post(`${link}/delegate`, { _csrf: csrfOf(form.body), byName: 'X', email: 'x@solna.example' })).statusCode).toBe(403);
});

test('a contact withdraws a request from their own link, the secretariat from /people: the link stops, the mails go to the contact again', async () => {
  const link = karinsLink;
  const contact = new FormSession(app);
  testbed.smtp.received.length = 0;
  for (const [name, email] of [['Kalle Kollega', 'kalle.kollega@solna.example'], ['Lisa Kollega', 'lisa.kollega@solna.example']]) {
    expect((await contact.submit(`${link}/delegate`, `${link}/delegate`, { lang: 'sv', byName: 'Karin Sandberg', name: name!, email: email! })).statusCode).toBe(303);
  }
  const kalles = pathOf(answerLinkIn((await until(async () => testbed.smtp.to('kalle.kollega@solna.example')[0], "Kalle's mail")).mail.text!));
  const lisas = pathOf(answerLinkIn((await until(async () => testbed.smtp.to('lisa.kollega@solna.example')[0], "Lisa's mail")).mail.text!));
  expect((await new FormSession(app).get(kalles)).statusCode).toBe(200);

  // Karin's page lists what she handed over, each with its button; a colleague's page does not, and a colleague cannot withdraw.
  const handedOver = await contact.get(`${link}/delegate?lang=sv`);
  expect(handedOver.body).toContain('Återkalla uppdraget till Kalle Kollega &lt;kalle.kollega@solna.example&gt;');
  const kallesId = new RegExp(`action="${link}/delegate/([0-9a-f-]{36})/withdraw`).exec(handedOver.body)![1]!;
  const colleague = new FormSession(app);
  const theirPage = await colleague.get(`${kalles}/delegate?lang=sv`);
  expect(theirPage.body).not.toContain('Återkalla uppdraget');
  expect((await colleague.post(`${kalles}/delegate/${kallesId}/withdraw`, { _csrf: csrfOf(theirPage.body), lang: 'sv' })).statusCode).toBe(403);
  // Not without the form's token.
  expect((await new FormSession(app).post(`${link}/delegate/${kallesId}/withdraw`, { _csrf: csrfOf(handedOver.body), lang: 'sv' })).statusCode).toBe(403);

  const withdrawn = await contact.submit(`${link}/delegate?lang=sv`, `${link}/delegate/${kallesId}/withdraw`, { lang: 'sv' });
  expect(withdrawn.statusCode).toBe(303);
  expect(withdrawn.headers.location).toBe(`${link}/delegate?lang=sv&done=delegation-withdrawn`);
  expect((await contact.get(withdrawn.headers.location as string)).body).toContain('Uppdraget är återkallat.');
  // Twice is nothing to withdraw.
  expect((await contact.submit(`${link}/delegate?lang=sv`, `${link}/delegate/${kallesId}/withdraw`, { lang: 'sv' })).statusCode).toBe(404);

  // Kalle's link now says why it does not work, in Swedish and in English, for the form and for an answer sent.
  const gone = await new FormSession(app).get(kalles);
  expect(gone.statusCode).toBe(410);
  expect(gone.body).toContain('Uppdraget är återkallat');
  expect(gone.body).toContain('den här länken fungerar inte längre');
  const goneEn = await new FormSession(app).get(`${kalles}?lang=en`);
  expect(goneEn.body).toContain('The request is withdrawn');
  expect(goneEn.body).toContain('this link no longer works');
  expect((await new FormSession(app).post(kalles, { action: 'submit', lang: 'sv', eu_projects: 'X' })).statusCode).toBe(410);

  // On record: the delegation's row and the audit log.
  const [kalle] = (await delegationsOf(testbed.records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' }, 'omsorg', { withdrawn: true })).filter((d) => d.id === kallesId);
  expect(kalle).toMatchObject({ email: 'kalle.kollega@solna.example', withdrawnBy: 'Kontaktperson för Omsorgsförvaltningen' });
  expect(kalle!.withdrawnAt).toBeInstanceOf(Date);
  expect((await recentActions(testbed.records)).find((a) => a.action === 'delegation-withdrawn')).toMatchObject({ actor: 'Kontaktperson för Omsorgsförvaltningen', via: 'web', subject: base, detail: { unit: 'omsorg', delegation: kallesId, to: 'kalle.kollega@solna.example' } });

  // The secretariat withdraws Lisa's from /people.
  const people = await secretariat.get('/people');
  expect(people.body).toContain('Överlämnade svar');
  const lisasId = (await delegationsOf(testbed.records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' }, 'omsorg')).find((d) => d.email === 'lisa.kollega@solna.example')!.id;
  expect(people.body).toContain(`action="/people/delegations/${lisasId}/withdraw"`);
  expect((await new FormSession(app).post(`/people/delegations/${lisasId}/withdraw`, {})).statusCode).toBe(303); // to the login
  expect((await secretariat.submit('/people', `/people/delegations/${lisasId}/withdraw`, {})).headers.location).toBe('/people?lang=sv&done=delegation-withdrawn');
  expect((await new FormSession(app).get(lisas)).statusCode).toBe(410);
  expect((await recentActions(testbed.records)).find((a) => a.action === 'delegation-withdrawn' && a.detail?.delegation === lisasId)).toMatchObject({ actor: 'Sekretariatet (sekretariatet)' });
  const cycle = await secretariat.get(base);
  expect(cycle.body).toContain('Återkallade uppdraget till ett ombud: Omsorgsförvaltningen (Lisa Kollega, lisa.kollega@solna.example)');

  // The unit's next reminder goes to Karin alone again.
  testbed.smtp.received.length = 0;
  expect((await secretariat.submit(base, `${base}/remind`, { unit: 'omsorg' })).statusCode).toBe(303);
  await until(async () => (testbed.smtp.received.length >= 1 ? true : undefined), 'the reminder');
  await new Promise((r) => setTimeout(r, 1_000));
  expect(testbed.smtp.received.map((r) => r.envelopeTo[0])).toEqual(['karin.sandberg@solna.example']);
});
