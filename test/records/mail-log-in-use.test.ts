/**
 * The mail log as the secretariat meets it: a project's goals request, an agreement's reminder and
 * an event's notice refused at one address all stand in that person's mail log with the server's
 * words, beside what was delivered; written by the real activities through a real SMTP
 * conversation into the database of record (npm start's PGlite over the wire protocol), read by the
 * web's mail log page.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { registerAgreement } from '../../client/agreements';
import { registerEvent } from '../../client/events';
import { registerProject } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { mailsTo } from '../../records/mail-log';
import { buildWebApp } from '../../web/app';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const refused = 'nekad.agare@solna.example';
let testbed: RecordsTestbed;
let app: FastifyInstance;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [config] });
  testbed.smtp.refuseRecipient = (address) => (address === refused ? { code: 550, message: '5.1.1 No such user here' } : undefined);
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

test("a refused address stands in the person's mail log with the server's words, for a project, an agreement and an event notice", async () => {
  const owner = { name: 'Nekad Ägare', email: refused };
  await registerProject(testbed.env.client, testbed.tw.taskQueue, config, { id: 'vanort-tartu', title: 'Vänort Tartu', unitId: 'omsorg', owner, plannedStart: inDays(200), partners: [], euFunded: false }, undefined, 'test');
  // Ending within the first reminder's time: reminded at once.
  await registerAgreement(testbed.env.client, testbed.tw.taskQueue, config, { id: 'avtal-tartu', title: 'Vänortsavtal Tartu', partner: 'Tartu stad', unitId: 'omsorg', owner, endsOn: inDays(20) }, undefined, 'test');
  await registerEvent(testbed.env.client, testbed.tw.taskQueue, config, { id: 'besok-tartu', title: 'Besök från Tartu', date: inDays(10), place: 'Solna stadshus', unitId: 'kultur-fritid', concerned: [owner] }, undefined, 'test');

  const logged = await until(async () => {
    const mails = await mailsTo(testbed.records, refused);
    return new Set(mails.map((m) => m.kind)).size >= 3 ? mails : undefined;
  }, 'three refused mails in the log', 60_000);
  expect(logged.map((m) => m.kind).sort()).toEqual(expect.arrayContaining(['agreement-review', 'event-notice', 'goals-request']));
  for (const mail of logged) {
    expect(mail.outcome).toBe('refused');
    expect(mail.serverResponse).toContain('No such user here');
    expect(mail.messageId).toMatch(/^<.+@.+>$/);
  }
  // The secretariat's copy of the same notice was delivered, and says so.
  const secretariatCopy = await until(async () => (await mailsTo(testbed.records, 'internationella.sekretariatet@solna.example')).find((m) => m.kind === 'event-notice'), "the secretariat's copy in the log");
  expect(secretariatCopy.outcome).toBe('delivered');

  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  const page = await secretariat.get(`/mail-log?address=${encodeURIComponent(refused)}`);
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(`E-post till ${refused}`);
  for (const kind of ['Begäran om mål', 'Påminnelse om avtalet', 'Besked om händelsen']) expect(page.body).toContain(kind);
  expect(page.body.match(/avvisat/g)?.length).toBeGreaterThanOrEqual(3);
  expect(page.body).toContain('5.1.1 No such user here');
  expect(page.body).toContain('href="/mail-log"');
  // An address nothing was sent to says so, and an address with nothing in it shows only the form.
  expect((await secretariat.get('/mail-log?address=ingen%40solna.example')).body).toContain('Ingen e-post har skickats till adressen.');
  expect((await secretariat.get('/mail-log')).body).toContain('Visa e-post till en adress');
});
