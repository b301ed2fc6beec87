/**
 * Webhooks as a receiving system meets them: a real HTTP server in the test gets a signed POST
 * (Standard Webhooks, checked with the standardwebhooks package's own verify) when an answer is
 * received in a real cycle on the dev server; an event emitted again by a retried activity, and a
 * delivery tried again after it got through, reach it once; a receiver that answers 500 twice gets
 * the event on the third try, and the secretariat's page shows the failures, then the delivery.
 * Endpoints are registered from the web (the secret shown once) and the CLI; a receiver that
 * answers 410 Gone disables its endpoint. A receiver that is down while three events are emitted
 * gets them, once it is up, in the order they were emitted, each once. Retries are short here
 * through the worker's deps.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { createActivities } from '../../activities';
import { createFileArchive } from '../../activities/archive';
import { createDirectory } from '../../activities/directory';
import { createRenderer } from '../../activities/renderer';
import { clientWebhookDelivery, createWebhookEmitter, webhookEventId } from '../../activities/webhooks';
import { createWorkflowStarter } from '../../activities/workflow-starter';
import { runCli } from '../../cli/program';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { approveGoals, projectStatus, registerProject, submitGoals } from '../../client/projects';
import type { CycleKey } from '../../domain/ids';
import { webhookDeliveryWorkflowId, type WebhookPayload } from '../../domain/webhook-events';
import { addWebhookEndpoint, webhookDelivery, webhookEndpoints } from '../../records/webhooks';
import { buildWebApp } from '../../web/app';
import { PROJECT_ROOT, testAnswerLinks, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const answer = { eu_projects: 'Inga', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };
const RETRY = { initialIntervalMs: 2_000, maximumIntervalMs: 4_000, giveUpAfterMs: 120_000 };

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** A receiving system: answers each path with its statuses in turn (the last one from then on), 200 by default. */
function startReceiver() {
  const received: Received[] = [];
  const answers = new Map<string, { status: number; body: string }[]>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const queue = answers.get(request.url ?? '') ?? [];
      const next = queue.length > 1 ? queue.shift()! : (queue[0] ?? { status: 200, body: 'ok' });
      received.push({ path: request.url ?? '', headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status: next.status });
      response.writeHead(next.status, { 'content-type': 'text/plain' }).end(next.body);
    });
  });
  return new Promise<{ url: string; received: Received[]; answers: typeof answers; at: (p: string) => Received[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, received, answers, at: (p) => received.filter((r) => r.path === p), close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

let testbed: RecordsTestbed;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let app: FastifyInstance;
let secretariat: FormSession;

beforeAll(async () => {
  // The worker retries deliveries in seconds, and reads new endpoints at once.
  testbed = await startRecordsTestbed({ webhooks: { retry: RETRY, refreshMs: 100 } });
  receiver = await startReceiver();
  app = await buildWebApp({ ...(await testWebDeps(testbed.tw.configs[0]!, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
  secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await testbed?.close();
});

const payloadOf = (r: Received) => JSON.parse(r.body) as WebhookPayload;

test('an answer received in a real cycle reaches the receiver once, signed; emitted again by a retried activity, and tried again after it got through, it is not sent twice', async () => {
  const { secret } = await addWebhookEndpoint(testbed.records, { org: 'solna', url: `${receiver.url}/diarium`, events: ['answer.received'], createdBy: 'test', at: new Date() });
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await until(() => (testbed.smtp.received.length >= 6 ? true : undefined), 'the requests', 60_000);
  // Before any answer, nothing: the cycle's start, its mails and its units are no events of this endpoint's.
  expect(receiver.at('/diarium')).toHaveLength(0);

  await submitAnswer(testbed.env.client, key, 'omsorg', answer, 'contact', 'form-1');
  const [delivery] = await until(() => (receiver.at('/diarium').length >= 1 ? receiver.at('/diarium') : undefined), 'the POST to the receiver', 60_000);
  // The signature holds, by the Standard Webhooks library's own check (which also checks the timestamp is fresh).
  const verified = new Webhook(secret).verify(delivery!.body, delivery!.headers) as WebhookPayload;
  expect(verified.type).toBe('answer.received');
  expect(verified.data).toMatchObject({ organisation: 'solna', obligation: 'annual-follow-up', period: '2025', unit: 'omsorg', revision: 1, by: 'contact', answers: answer, url: 'http://localhost:3000/cycles/annual-follow-up/2025' });
  expect(verified.data.unitName).toBeTruthy();
  expect(delivery!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
  expect(delivery!.headers['content-type']).toBe('application/json');
  // A signature made with another secret does not hold.
  expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(delivery!.body, delivery!.headers)).toThrow();

  // The activity that recorded the answer, tried again (as Temporal does after a lost completion): the same event, not sent again.
  const activities = createActivities({
    mailer: { send: async () => ({ messageId: '', accepted: [], rejected: [] }), close: () => undefined },
    renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
    archive: createFileArchive(testbed.tw.archiveDir),
    directory: createDirectory(testbed.tw.configs),
    clock: () => new Date(),
    publicBaseUrl: 'https://uppfoljning.solna.example',
    answerLinks: testAnswerLinks,
    registers: { read: async () => ({ projects: [], seminars: [], agreements: [], events: [], revisions: [] }) as never },
    starter: createWorkflowStarter(testbed.env.client),
    records: testbed.records,
    webhooks: { retry: RETRY },
  });
  const retried = new MockActivityEnvironment({ attempt: 2, taskQueue: testbed.tw.taskQueue });
  await retried.run(activities.recordAnswerVersion, { key, unitId: 'omsorg', answer: { revision: 1, values: answer, answeredAt: verified.timestamp } as never, submissionId: 'form-1', actor: 'contact' });
  // And the delivery's own activity, tried again after the receiver took it.
  const eventId = delivery!.headers['webhook-id']!;
  const endpointId = (await webhookEndpoints(testbed.records, 'solna'))[0]!.id;
  expect(await new MockActivityEnvironment({ attempt: 3 }).run(activities.deliverWebhook, { endpointId, eventId })).toBe('delivered');
  await new Promise((r) => setTimeout(r, 3_000));
  expect(receiver.at('/diarium').map((r) => r.headers['webhook-id'])).toEqual([eventId]);
});

test('a receiver that answers 500 twice gets the event on the third try, under the same id; the page shows the failures, then the delivery', async () => {
  const { secret } = await addWebhookEndpoint(testbed.records, { org: 'solna', url: `${receiver.url}/intranat`, events: ['answer.received'], createdBy: 'test', at: new Date() });
  receiver.answers.set('/intranat', [
    { status: 500, body: 'Internt fel: databasen svarar inte' },
    { status: 500, body: 'Internt fel: databasen svarar inte' },
    { status: 200, body: 'tack' },
  ]);
  await submitAnswer(testbed.env.client, key, 'tekniska', answer, 'contact', 'form-2');

  // Two tries failed: the page names them, with the receiver's status and words, and when it tries again.
  const failing = await until(
    async () => {
      const page = await secretariat.get('/webhooks');
      return (page.body.match(/Internt fel: databasen svarar inte/g) ?? []).length >= 2 ? page.body : undefined;
    },
    'two failed tries on the page',
    60_000,
  );
  expect(failing).toContain(`Senaste leveranser till ${receiver.url}/intranat`);
  expect(failing).toContain('500');
  expect(failing).toMatch(/misslyckades, nytt försök omkring/);
  expect(failing.slice(failing.indexOf(`Senaste leveranser till ${receiver.url}/intranat`))).not.toContain('<td>levererad</td>');

  const tries = await until(() => (receiver.at('/intranat').length >= 3 ? receiver.at('/intranat') : undefined), 'the third try', 60_000);
  expect(tries.map((t) => t.status)).toEqual([500, 500, 200]);
  // One event, one id, each try signed afresh.
  expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
  for (const t of tries) expect((new Webhook(secret).verify(t.body, t.headers) as WebhookPayload).data).toMatchObject({ unit: 'tekniska' });
  expect(payloadOf(tries[2]!)).toEqual(payloadOf(tries[0]!));

  const delivered = await until(
    async () => {
      const page = await secretariat.get('/webhooks');
      const section = page.body.slice(page.body.indexOf(`Senaste leveranser till ${receiver.url}/intranat`));
      return section.includes('<td>levererad</td>') ? section : undefined;
    },
    'the delivery on the page',
    30_000,
  );
  // The delivery first, the two failures below it, each with its try's number.
  const [deliveredAt, firstFailure] = [delivered.indexOf('<td>levererad</td>'), delivered.indexOf('Internt fel')];
  expect(deliveredAt).toBeGreaterThan(0);
  expect(firstFailure).toBeGreaterThan(deliveredAt);
  expect(delivered).toContain('<td>tack</td>');
  await new Promise((r) => setTimeout(r, 2_000));
  expect(receiver.at('/intranat')).toHaveLength(3);
});

test('a receiver that is down while three events are emitted gets them, once it is up, in the order they were emitted, each once and signed', async () => {
  const { endpoint, secret } = await addWebhookEndpoint(testbed.records, { org: 'solna', url: `${receiver.url}/i-ordning`, events: ['revision.recorded'], createdBy: 'test', at: new Date() });
  const down = { status: 503, body: 'Nere för underhåll' };
  receiver.answers.set('/i-ordning', [down, down, down, { status: 200, body: 'tack' }]);
  const emitter = createWebhookEmitter(testbed.records, clientWebhookDelivery(testbed.env.client, testbed.tw.taskQueue), { retry: RETRY });
  const events = [1, 2, 3].map((n) => ({ org: 'solna', type: 'revision.recorded' as const, key: `i-ordning/${n}`, at: new Date().toISOString(), data: { revision: n } }));
  for (const event of events) await emitter.emitTo(endpoint.id, event);
  // The second event told again (an activity tried again): still one event.
  await emitter.emitTo(endpoint.id, events[1]!);
  const ids = events.map((e) => webhookEventId(e.type, e.key));

  const got = await until(() => (receiver.at('/i-ordning').filter((r) => r.status === 200).length >= 3 ? receiver.at('/i-ordning') : undefined), 'the three events', 90_000);
  // While it was down only the first was tried; then the first, second and third, one after another.
  expect(got.map((r) => r.headers['webhook-id'])).toEqual([ids[0], ids[0], ids[0], ids[0], ids[1], ids[2]]);
  expect(got.map((r) => r.status)).toEqual([503, 503, 503, 200, 200, 200]);
  for (const r of got) expect(new Webhook(secret).verify(r.body, r.headers)).toBeTruthy();
  expect(got.filter((r) => r.status === 200).map((r) => payloadOf(r).data.revision)).toEqual([1, 2, 3]);
  // One workflow for the endpoint's deliveries, still there for the next event.
  expect((await testbed.env.client.workflow.getHandle(webhookDeliveryWorkflowId('solna', endpoint.id)).describe()).status.name).toBe('RUNNING');
  for (const [i, id] of ids.entries()) expect(await webhookDelivery(testbed.records, endpoint.id, id)).toMatchObject({ attempts: i === 0 ? 4 : 1, deliveredAt: expect.any(Date) });

  // Nothing twice: emitted again after it got through, an event is not sent again.
  await emitter.emitTo(endpoint.id, events[0]!);
  await new Promise((r) => setTimeout(r, 3_000));
  expect(receiver.at('/i-ordning')).toHaveLength(6);
});

test('the secretariat registers an endpoint on the page, its secret shown once; a test event reaches it signed; 410 Gone disables it; the CLI lists and removes endpoints', async () => {
  const added = await secretariat.submit('/webhooks', '/webhooks', { url: `${receiver.url}/arende`, 'report.compiled': 'on', 'agreement.decided': 'on' });
  expect(added.statusCode).toBe(200);
  const secret = /whsec_[A-Za-z0-9+/=]+/.exec(added.body)?.[0];
  expect(secret).toBeDefined();
  expect(added.body).toContain('visas bara nu');
  // Shown once: the page says nothing of it again.
  const again = await secretariat.get('/webhooks');
  expect(again.body).not.toContain('whsec_');
  expect(again.body).toContain(`${receiver.url}/arende`);
  expect(again.body).toContain('report.compiled, agreement.decided');
  // Without an event or with no web address, the form comes back with the problem beside its field.
  const wrong = await secretariat.submit('/webhooks', '/webhooks', { url: 'ftp://arende.solna.example' });
  expect(wrong.statusCode).toBe(400);
  expect(wrong.body).toContain('Ange en adress som börjar med https:// eller http://.');
  expect(wrong.body).toContain('Välj minst en händelse.');

  const endpoint = (await webhookEndpoints(testbed.records, 'solna')).find((e) => e.url.endsWith('/arende'))!;
  const sent = await secretariat.submit('/webhooks', `/webhooks/${endpoint.id}/test`, {});
  expect(sent.statusCode).toBe(303);
  const [test] = await until(() => (receiver.at('/arende').length ? receiver.at('/arende') : undefined), 'the test event', 30_000);
  expect((new Webhook(secret!).verify(test!.body, test!.headers) as WebhookPayload).type).toBe('webhook.test');
  expect((await secretariat.get('/webhooks?done=webhook-test-sent')).body).toContain('Testhändelsen är skickad');

  // The receiving system is gone for good: the endpoint is disabled, and the page says why.
  receiver.answers.set('/arende', [{ status: 410, body: 'gone' }]);
  await secretariat.submit('/webhooks', `/webhooks/${endpoint.id}/test`, {});
  const disabled = await until(async () => ((await webhookEndpoints(testbed.records, 'solna')).find((e) => e.id === endpoint.id)?.disabledAt ? true : undefined), 'the endpoint disabled', 30_000);
  expect(disabled).toBe(true);
  expect((await secretariat.get('/webhooks')).body).toMatch(/avstängd [^<]*410 Gone/);

  // The command line sees the same endpoints, and registers and removes them.
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: { ...process.env, DATABASE_URL: testbed.url, TEMPORAL_ADDRESS: testbed.address } };
  expect(await runCli(['webhooks', 'add', 'https://integration.solna.example/followup', '--event', 'unit.late', '--event', 'report.delivered'], io)).toBe(0);
  expect(out.join('\n')).toMatch(/Signing secret \(shown only now; put it in the receiving system\): whsec_/);
  expect(await runCli(['webhooks', 'add', 'https://integration.solna.example/x', '--event', 'unit.gone'], io)).toBe(1);
  expect(out.at(-1)).toContain('Unknown event unit.gone');
  out.length = 0;
  expect(await runCli(['webhooks', 'list'], io)).toBe(0);
  const listing = out.join('\n');
  expect(listing).toContain('https://integration.solna.example/followup');
  expect(listing).toContain('unit.late,report.delivered');
  expect(listing).toMatch(/disabled \(the receiver answered 410 Gone/);
  expect(listing).not.toContain('whsec_');
  const cliEndpoint = (await webhookEndpoints(testbed.records, 'solna')).find((e) => e.url === 'https://integration.solna.example/followup')!;
  expect(await runCli(['webhooks', 'remove', cliEndpoint.id], io)).toBe(0);
  expect((await webhookEndpoints(testbed.records, 'solna')).some((e) => e.id === cliEndpoint.id)).toBe(false);
  // The page in English.
  const english = await secretariat.get('/webhooks?lang=en');
  expect(english.body).toContain('Register an endpoint');
  expect(english.body).toContain('Recent deliveries to');
  // Back to Swedish: the choice is kept in a cookie.
  await secretariat.get('/webhooks?lang=sv');
});

test('closing the cycle sends report.compiled once and report.delivered, signed, with the report\'s figures and links', async () => {
  const { secret } = await addWebhookEndpoint(testbed.records, { org: 'solna', url: `${receiver.url}/rapporter`, events: ['report.compiled', 'report.delivered'], createdBy: 'test', at: new Date() });
  await closeCycle(testbed.env.client, key, 'test', 'test');
  const got = await until(
    () => {
      const r = receiver.at('/rapporter').map((x) => new Webhook(secret).verify(x.body, x.headers) as WebhookPayload);
      return r.some((p) => p.type === 'report.compiled') && r.some((p) => p.type === 'report.delivered') ? r : undefined;
    },
    'the report events',
    120_000,
  );
  const compiled = got.find((p) => p.type === 'report.compiled')!;
  expect(compiled.data).toMatchObject({ organisation: 'solna', obligation: 'annual-follow-up', period: '2025', asked: 6, answered: 2, exempt: 0 });
  expect((compiled.data.files as Record<string, string>).pdf).toBe('http://localhost:3000/cycles/annual-follow-up/2025/report.pdf');
  const delivered = got.find((p) => p.type === 'report.delivered')!;
  expect(delivered.data.deliveredTo).toContain('internationella.sekretariatet@solna.example');
  // Compiled again to name its delivery, the report is still one event.
  await new Promise((r) => setTimeout(r, 3_000));
  const types = receiver.at('/rapporter').map((x) => payloadOf(x).type);
  expect(types.filter((t) => t === 'report.compiled')).toHaveLength(1);
  expect(new Set(receiver.at('/rapporter').map((x) => x.headers['webhook-id'])).size).toBe(types.length);
});

test("a project's goals submitted and approved reach the receiver as two events, with the goals and who approved them", async () => {
  const config = testbed.tw.configs[0]!;
  const gate = config.obligations.find((o) => o.kind === 'gate-before-start')!.id;
  const { secret } = await addWebhookEndpoint(testbed.records, { org: 'solna', url: `${receiver.url}/projekt`, events: ['goals.submitted', 'goals.approved'], createdBy: 'test', at: new Date() });
  const id = 'skolutbyte-tartu';
  const plannedStart = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  await registerProject(testbed.env.client, testbed.tw.taskQueue, config, { id, title: 'Skolutbyte Tartu', unitId: 'omsorg', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart, partners: ['Tartu'], euFunded: false }, gate, 'test');
  await until(async () => ((await projectStatus(testbed.env.client, 'solna', id)).state === 'awaiting-goals' ? true : undefined), 'the project awaiting goals');
  const goals = { purpose: 'Utbyte mellan skolor', goals: 'Två utbyten per år', activities: 'Besök och webbinarier', partner_commitments: 'Tartu tar emot', timetable: '2027–2028', evaluation: 'Enkät' };
  await submitGoals(testbed.env.client, 'solna', id, goals);
  await approveGoals(testbed.env.client, 'solna', id, 'Sekretariatet (sekretariatet)');
  const got = await until(
    () => {
      const r = receiver.at('/projekt').map((x) => new Webhook(secret).verify(x.body, x.headers) as WebhookPayload);
      return r.some((p) => p.type === 'goals.approved') && r.some((p) => p.type === 'goals.submitted') ? r : undefined;
    },
    'the goals events',
    60_000,
  );
  expect(got.find((p) => p.type === 'goals.submitted')!.data).toMatchObject({ organisation: 'solna', project: id, revision: 1, goals });
  expect(got.find((p) => p.type === 'goals.approved')!.data).toMatchObject({ organisation: 'solna', project: id, by: 'Sekretariatet (sekretariatet)' });
  await new Promise((r) => setTimeout(r, 2_000));
  expect(receiver.at('/projekt')).toHaveLength(2);
});

test('a receiver that never takes an event is given up when its time is out, and the page says so', async () => {
  const { endpoint } = await addWebhookEndpoint(testbed.records, { org: 'solna', url: `${receiver.url}/nere`, events: ['revision.recorded'], createdBy: 'test', at: new Date() });
  receiver.answers.set('/nere', [{ status: 503, body: 'Underhåll pågår' }]);
  const emitter = createWebhookEmitter(testbed.records, clientWebhookDelivery(testbed.env.client, testbed.tw.taskQueue), {
    retry: { initialIntervalMs: 1_000, maximumIntervalMs: 1_000, giveUpAfterMs: 4_000 },
  });
  await emitter.emitTo(endpoint.id, { org: 'solna', type: 'webhook.test', key: 'given-up', at: new Date().toISOString(), data: {} });
  const givenUp = await until(async () => (await webhookDelivery(testbed.records, endpoint.id, webhookEventId('webhook.test', 'given-up')))?.abandonedAt, 'the delivery given up', 30_000);
  expect(givenUp).toBeInstanceOf(Date);
  expect(receiver.at('/nere').length).toBeGreaterThanOrEqual(2);
  // The next event to the endpoint is not held behind the one given up: it is tried (and given up) in its turn.
  await emitter.emitTo(endpoint.id, { org: 'solna', type: 'webhook.test', key: 'given-up-2', at: new Date().toISOString(), data: {} });
  await until(async () => (await webhookDelivery(testbed.records, endpoint.id, webhookEventId('webhook.test', 'given-up-2')))?.abandonedAt, 'the next delivery given up', 30_000);
  const page = (await secretariat.get('/webhooks')).body;
  const section = page.slice(page.indexOf(`Senaste leveranser till ${receiver.url}/nere`));
  expect(section).toContain('gav upp');
  expect(section).toContain('Underhåll pågår');
});

test('an event no endpoint takes costs no query and starts nothing: the endpoints are read once and kept in memory', async () => {
  let queries = 0;
  const counted = testbed.records.withPlugin({ transformQuery: (args) => (queries++, args.node), transformResult: async (args) => args.result });
  const started: string[] = [];
  const emitter = createWebhookEmitter(counted, async (id) => void started.push(id), { refreshMs: 60_000 });
  const began = performance.now();
  for (let i = 0; i < 1_000; i++) {
    await emitter.emit({ org: 'solna', type: 'unit.late', key: `solna/annual-follow-up/2025/unit-${i}/x`, at: new Date().toISOString(), data: {} });
    await emitter.emit({ org: 'falun', type: 'answer.received', key: `falun/x/2025/unit-${i}/1`, at: new Date().toISOString(), data: {} });
  }
  const elapsed = performance.now() - began;
  expect(started).toEqual([]);
  expect(queries).toBe(1);
  // Two thousand events in well under a second (measured: a few milliseconds).
  expect(elapsed).toBeLessThan(500);
});
