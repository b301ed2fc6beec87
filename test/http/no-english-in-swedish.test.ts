/**
 * No English on a Swedish page or in a Swedish mail: every page the secretariat, a unit's contact
 * (the answer form, its refusal, the receipt, the form to hand the answer over, the standing link), a
 * project owner, an agreement's owner and the public see, with an organisation that has data in
 * it (a cycle running with an answer, a project, a seminar, an event, an agreement), and its error
 * pages, read in Swedish against every English text of the catalogues and the English mail
 * templates (test/helpers/english-texts.ts); then every mail the real SMTP server took on the way.
 * Server-rendered pages through Fastify's inject, on a real dev server, worker and database of record.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse, stringify } from 'yaml';
import { registerAgreement } from '../../client/agreements';
import { startCycle } from '../../client/cycles';
import { registerEvent } from '../../client/events';
import { registerProject } from '../../client/projects';
import { registerSeminar } from '../../client/seminars';
import { parseConfigText } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp } from '../../web/app';
import { englishIn, englishPhrases, readable } from '../helpers/english-texts';
import { PROJECT_ROOT, testAnswerLinks, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import type { TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn, csrfOf, FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'rätt häst batteri häftklammer';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const CONTACT = 'karin.sandberg@solna.example';
const OWNER = 'pia.lund@solna.example';

/** Solna's workspace (every kind of obligation), with its project register published. */
const doc = parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'), 'utf8')) as Record<string, unknown>;
doc.publication = {
  title: { sv: 'Solna stads internationella projekt', en: 'International projects of Solna' },
  intro: { sv: 'Förteckningen över stadens internationella projekt.', en: "The city's international projects." },
  registers: { projects: { fields: ['title', 'unit', 'plannedStart', 'partners', 'euFunded'] } },
};
const config = parseConfigText(stringify(doc), 'workspace-published.yaml');

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let testbed: RecordsTestbed;
let smtp: TestSmtpServer;
let app: FastifyInstance;
let secretariat: FormSession;

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [config] });
  ({ smtp } = testbed);
  const { env, tw } = testbed;
  // The records: the people's pages, the mail log, handing an answer over.
  app = await buildWebApp({ ...(await testWebDeps(config, env.client, tw, PASSWORD)), records: testbed.records });
  secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  await startCycle(env.client, tw.taskQueue, key, 'test');
  await registerProject(env.client, tw.taskQueue, config, { id: 'skolutbyte-tartu', title: 'Skolutbyte Tartu', unitId: 'omsorg', owner: { name: 'Pia Lund', email: OWNER }, plannedStart: inDays(60), partners: ['Tartu'], euFunded: true }, undefined, 'test');
  await registerSeminar(env.client, tw.taskQueue, config, { date: inDays(60), title: 'Nordiskt möte om integration', place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'omsorg' });
  await registerEvent(env.client, tw.taskQueue, config, { id: 'besok-tartu', title: 'Besök från Tartu', date: inDays(10), place: 'Solna stadshus', unitId: 'kultur-fritid', concerned: [{ name: 'Anna Berg', email: 'anna.berg@solna.example' }], description: 'Delegationen besöker skolor.' }, undefined, 'test');
  await registerAgreement(env.client, tw.taskQueue, config, { id: 'vanort-tartu', title: 'Vänortsavtal Tartu', partner: 'Tartu stad', unitId: 'kultur-fritid', owner: { name: 'Anna Berg', email: 'anna.berg@solna.example' }, endsOn: inDays(400) }, undefined, 'test');
  await until(() => smtp.to(CONTACT).find((m) => m.subject.includes('2025')), 'the request to omsorg', 60_000);
  await until(() => smtp.to(OWNER).find((m) => m.subject.includes('Skolutbyte Tartu')), 'the request for goals', 60_000);
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

/** The English phrases on a Swedish page: its status as expected, in Swedish, with none of the catalogues' English. */
function englishOn(url: string, response: { statusCode: number; body: string }, status: number | 'error' = 200): string[] {
  expect([url, status === 'error' ? response.statusCode >= 400 : response.statusCode]).toEqual([url, status === 'error' ? true : status]);
  expect([url, response.body.includes('<html lang="sv">')]).toEqual([url, true]);
  return englishIn(url, readable(response.body));
}

test('the English list is the catalogues’, and finds English on a page where it is', () => {
  const phrases = englishPhrases();
  expect(phrases).toContain('Save draft');
  expect(englishIn('x', readable('<p>1 of 6 units have answered (17%).</p>'))).not.toEqual([]);
  expect(englishIn('x', readable('<a href="#main" aria-label="Skip to content">↓</a>'))).not.toEqual([]);
  // The link to the page in English names itself in English, marked as such; not a finding.
  expect(englishIn('x', readable('<a href="?lang=en" lang="en">Save draft</a>'))).toEqual([]);
});

test("the secretariat's pages in Swedish hold no English text", async () => {
  const seminarId = /href="\/seminars\/([^"?]+)"/.exec((await secretariat.get('/seminars')).body)?.[1];
  expect(seminarId).toBeDefined();
  const cycle = '/cycles/annual-follow-up/2025';
  const pages = [
    '/dashboard',
    cycle,
    `${cycle}/mail-log`,
    `${cycle}/units/omsorg/answer`,
    `${cycle}/units/omsorg/versions`,
    '/projects',
    '/projects/skolutbyte-tartu',
    '/projects/skolutbyte-tartu/goals',
    '/seminars',
    `/seminars/${seminarId}`,
    '/events',
    '/events/besok-tartu',
    '/agreements',
    '/agreements/vanort-tartu',
    '/revisions/policy-revision',
    '/yearly-goals/council-goals',
    '/schedules',
    '/preview',
    // Each obligation's mails, the period the page picks (the data call's running one).
    ...config.obligations.map((o) => `/preview?obligation=${o.id}${o.kind === 'periodic-data-call' ? '&period=2025' : ''}`),
    '/year',
    '/people',
    '/mail-log',
    '/webhooks',
    '/tokens',
    '/archive-package',
    '/accessibility',
  ];
  const found: string[] = [];
  for (const url of pages) found.push(...englishOn(url, await secretariat.get(url)));
  // The files the pages offer as text: the project's record and the cycle's answers as CSV, the year as a calendar.
  const feed = /[^"]*(\/year\.ics\?[^"]+)"/.exec((await secretariat.get('/year')).body)![1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  for (const url of ['/projects/skolutbyte-tartu/record', `${cycle}/answers.csv`, feed]) {
    const file = await secretariat.get(url);
    expect([url, file.statusCode]).toEqual([url, 200]);
    found.push(...englishIn(url, file.body));
  }
  expect(found).toEqual([]);
  // The walk reads what it should: the same pages in English (a session of its own: the language stays with it) are found out.
  const english = new FormSession(app);
  expect((await english.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  for (const url of ['/dashboard?lang=en', `${cycle}?lang=en`]) {
    const page = (await english.get(url)).body;
    expect(page).toContain('<html lang="en">');
    expect(englishIn(url, readable(page.replace('<html lang="en">', '<html>'))).length).toBeGreaterThan(5);
  }
});

test("a contact's pages in Swedish: the answer form, its refusal, the receipt, handing the answer over, the standing link", async () => {
  const request = smtp.to(CONTACT).find((m) => m.subject.includes('2025'))!.mail.text!;
  const answer = new URL(answerLinkIn(request)).pathname;
  const standing = new URL(/(https?:\/\/\S+\/unit\/\S+)/.exec(request)![1]!).pathname;
  const contact = new FormSession(app);
  const found: string[] = [];
  const form = await contact.get(answer);
  found.push(...englishOn(answer, form));
  // A refused answer: each error beside its field, in Swedish.
  const refused = await contact.post(answer, { _csrf: csrfOf(form.body), action: 'submit', lang: 'sv', eu_projects: 'Interreg Östersjön', other_work: '', effects: '' });
  found.push(...englishOn(`${answer} (refused)`, refused, 400));
  const saved = await contact.post(answer, { _csrf: csrfOf(refused.body), action: 'save', lang: 'sv', eu_projects: 'Interreg Östersjön' });
  expect(saved.statusCode).toBeLessThan(400);
  found.push(...englishOn(`${answer} (draft)`, await contact.get(answer)));
  const sent = await contact.submit(answer, answer, { action: 'submit', lang: 'sv', eu_projects: 'Interreg Östersjön', other_work: 'Studiebesök i Tallinn', effects: 'Nya arbetssätt', reported_to_board: 'true' });
  expect(sent.statusCode).toBe(303);
  found.push(...englishOn(`${answer}/receipt`, await contact.get(sent.headers.location as string)));
  found.push(...englishOn(`${answer} (answered)`, await contact.get(answer)));
  found.push(...englishOn(`${answer}/delegate`, await contact.get(`${answer}/delegate`)));
  // Handing over refused (no name, a bad address), then done: the colleague gets a mail and a link of their own.
  const delegate = `${answer}/delegate`;
  found.push(...englishOn(`${delegate} (refused)`, await contact.submit(delegate, delegate, { lang: 'sv', byName: '', name: '', email: 'inte-en-adress' }), 'error'));
  const handed = await contact.submit(delegate, delegate, { lang: 'sv', byName: 'Karin Sandberg', name: 'Olle Ombud', email: 'olle.ombud@solna.example' });
  expect(handed.statusCode).toBe(303);
  found.push(...englishOn(`${answer} (handed over)`, await contact.get(handed.headers.location as string)));
  found.push(...englishOn(`${delegate} (handed over)`, await contact.get(delegate)));
  const colleagues = await until(() => smtp.to('olle.ombud@solna.example')[0], "the colleague's mail");
  const colleague = new URL(answerLinkIn(colleagues.mail.text!)).pathname;
  found.push(...englishOn(`${colleague} (colleague)`, await new FormSession(app).get(colleague)));
  found.push(...englishOn(standing, await contact.get(standing)));
  // A seminar registered from the standing link with a field left out.
  found.push(...englishOn(`${standing}/seminars (refused)`, await contact.post(`${standing}/seminars`, { _csrf: csrfOf((await contact.get(standing)).body), lang: 'sv', title: '', date: 'i morgon' }), 'error'));
  expect(found).toEqual([]);
});

test("a project owner's and an agreement owner's pages in Swedish", async () => {
  const owner = new FormSession(app);
  const goals = new URL(/(https?:\/\/\S+\/goals\/\S+)/.exec(smtp.to(OWNER).find((m) => m.subject.includes('Skolutbyte Tartu'))!.mail.text!)![1]!).pathname;
  const found: string[] = [];
  const form = await owner.get(goals);
  found.push(...englishOn(goals, form));
  found.push(...englishOn(`${goals} (refused)`, await owner.post(goals, { _csrf: csrfOf(form.body), action: 'submit', lang: 'sv' }), 'error'));
  const agreement = `/agreement/${testAnswerLinks.ownerToken({ purpose: 'agreement-review', orgId: 'solna', id: 'vanort-tartu', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), holder: 'anna.berg@solna.example' })}`;
  found.push(...englishOn(agreement, await owner.get(agreement)));
  expect(found).toEqual([]);
});

test('the public pages and the error pages in Swedish', async () => {
  const visitor = new FormSession(app);
  const found: string[] = [];
  for (const url of ['/public', '/login', '/accessibility']) found.push(...englishOn(url, await visitor.get(url)));
  const errors = [
    '/ingen-sida-har',
    '/projects/finns-inte',
    '/cycles/annual-follow-up/20x5',
    '/cycles/annual-follow-up/1999',
    // A revision's period is a term of office, not a year.
    '/preview?obligation=policy-revision&period=2026',
    '/answer/inte-en-riktig-lank',
    `/goals/${testAnswerLinks.ownerToken({ purpose: 'project-goals', orgId: 'solna', id: 'skolutbyte-tartu', expiresAt: new Date(Date.now() - 86_400_000).toISOString(), holder: OWNER })}`,
  ];
  for (const url of errors) found.push(...englishOn(url, await secretariat.get(url), 'error'));
  // Refused forms: a wrong password, a form without its token, a cycle for a period that is no period.
  found.push(...englishOn('/login (wrong password)', await visitor.submit('/login', '/login', { username: 'sekretariatet', password: 'fel', next: '/dashboard' }), 'error'));
  found.push(...englishOn('/login (no token)', await visitor.post('/login', { username: 'sekretariatet', password: 'fel' }), 'error'));
  found.push(...englishOn('/cycles (bad period)', await secretariat.submit('/dashboard', '/cycles', { obligation: 'annual-follow-up', period: 'förra året' }), 'error'));
  expect(found).toEqual([]);
});

test('every mail to a Swedish reader on the way holds no English text', () => {
  const english = new Set(config.units.flatMap((u) => [...u.contacts, u.head]).filter((p) => p.language === 'en').map((p) => p.email));
  const mails = smtp.received.filter((m) => !m.envelopeTo.some((to) => english.has(to)));
  // Requests, the receipt, the goals' request and its copy, the event's notice.
  expect(mails.length).toBeGreaterThan(8);
  const found = mails.flatMap((m) => englishIn(`${m.envelopeTo.join(', ')}: ${m.subject}`, `${m.subject}\n${m.mail.text ?? ''}`));
  expect(found).toEqual([]);
});
