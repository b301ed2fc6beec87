/**
 * Agreements, events, revisions and the year's goals on record (npm start's PGlite over the wire
 * protocol, a dev server, a real SMTP server): each is taken through a decision by the secretariat
 * in the web; then its workflow's history is deleted through Temporal's API, as the namespace's
 * retention does, and its page still shows the decision, the history and who acted, read from the
 * database of record, said to be closed, and without the buttons that act on it. Seminars, kept by
 * the register, are on record as registered and as corrected.
 */
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { registerAgreement } from '../../client/agreements';
import { registerEvent } from '../../client/events';
import { loadConfigFile } from '../../config/load';
import { agreementWorkflowId, eventWorkflowId, goalsWorkflowId, registerWorkflowId, revisionWorkflowId, type SeminarRecord } from '../../domain/registers';
import { revisionPeriodOf } from '../../client/revisions';
import { caseOnRecord, caseVersions } from '../../records/cases';
import { buildWebApp } from '../../web/app';
import type { AgreementStatus, EventStatus } from '../../workflows/definitions';
import { PROJECT_ROOT, until, workflowBundle } from '../helpers/environment';
import { deleteHistory, startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';
import { unitRowSinks } from '../../workers/unit-row-sinks';

jest.setTimeout(600_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const ANNA = 'Anna Berg (anna.berg)';
let testbed: RecordsTestbed;
let app: FastifyInstance;
let secretariat: FormSession;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [config] });
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
  secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

/** The workflows' histories, with their writes to the record, replay as they ran (the writes are behind a patch). */
async function expectReplays(...workflowIds: string[]) {
  const histories = await Promise.all(workflowIds.map(async (workflowId) => ({ workflowId, history: await testbed.env.client.workflow.getHandle(workflowId).fetchHistory() })));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), sinks: unitRowSinks(undefined) }, histories)) if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  expect(failures).toEqual([]);
}

test("an agreement's decision and an event's notices and cancellation are shown from the record once their workflows' histories are deleted", async () => {
  const owner = { name: 'Pia Lund', email: 'pia.lund@solna.example' };
  // Ending within the first reminder's time: reminded at once.
  await registerAgreement(testbed.env.client, testbed.tw.taskQueue, config, { id: 'avtal-tartu', title: 'Vänortsavtal Tartu', partner: 'Tartu stad', unitId: 'omsorg', owner, endsOn: inDays(20) }, undefined, ANNA);
  // Registered within the first notice's time: told at once.
  await registerEvent(testbed.env.client, testbed.tw.taskQueue, config, { id: 'besok-tartu', title: 'Besök från Tartu', date: inDays(10), place: 'Solna stadshus', unitId: 'kultur-fritid', concerned: [owner] }, undefined, ANNA);
  await until(async () => ((await caseOnRecord<EventStatus>(testbed.records, 'solna', 'event', 'besok-tartu'))?.state.state === 'noticed' ? true : undefined), 'the notice on record', 60_000);

  // The secretariat decides in the web: the agreement ends, the visit is cancelled.
  expect((await secretariat.submit('/agreements/avtal-tartu', '/agreements/avtal-tartu/decide', { decision: 'end', note: 'Samarbetet avslutas efter utvärderingen.' })).statusCode).toBe(303);
  expect((await secretariat.submit('/events/besok-tartu', '/events/besok-tartu/cancel', { reason: 'Delegationen kunde inte resa.' })).statusCode).toBe(303);
  const agreement = await until(async () => {
    const kept = await caseOnRecord<AgreementStatus>(testbed.records, 'solna', 'agreement', 'avtal-tartu');
    return kept?.state.state === 'ended' ? kept : undefined;
  }, 'the decision on record');
  expect(agreement.title).toBe('Vänortsavtal Tartu');
  expect(agreement.year).toBe(new Date().getFullYear());
  expect(agreement.state.decisions).toEqual([expect.objectContaining({ decision: 'end', by: 'Sekretariatet (sekretariatet)' })]);
  // The cancelled event's workflow is over once the cancellation is told; the ended agreement's runs until its end day.
  await testbed.env.client.workflow.getHandle(eventWorkflowId('solna', 'besok-tartu')).result();
  await expectReplays(eventWorkflowId('solna', 'besok-tartu'), agreementWorkflowId('solna', 'avtal-tartu'));
  await deleteHistory(testbed.env, eventWorkflowId('solna', 'besok-tartu'));
  await deleteHistory(testbed.env, agreementWorkflowId('solna', 'avtal-tartu'));

  const agreementPage = await secretariat.get('/agreements/avtal-tartu');
  expect(agreementPage.statusCode).toBe(200);
  expect(agreementPage.body).toContain('Vänortsavtal Tartu');
  expect(agreementPage.body).toContain('Avslutat och arkiverat');
  expect(agreementPage.body).toContain('Sidan visar det som är bevarat i registret');
  expect(agreementPage.body).toContain('<dd>avslutat</dd>');
  expect(agreementPage.body).toContain('Samarbetet avslutas efter utvärderingen.');
  // The history: registered by Anna, ended by the secretariat.
  expect(agreementPage.body).toMatch(/<td>Anna Berg \(anna\.berg\)<\/td><td>Registrerade<\/td>/);
  expect(agreementPage.body).toMatch(/<td>Sekretariatet \(sekretariatet\)<\/td><td>Avslutade avtalet \(Samarbetet avslutas efter utvärderingen\.\)<\/td>/);
  expect(agreementPage.body).not.toContain('action="/agreements/avtal-tartu/decide"');

  const eventPage = await secretariat.get('/events/besok-tartu');
  expect(eventPage.statusCode).toBe(200);
  expect(eventPage.body).toContain('Besök från Tartu');
  expect(eventPage.body).toContain('Avslutat och arkiverat');
  expect(eventPage.body).toContain('Händelsen är avslutad och arkiverad.');
  expect(eventPage.body).toMatch(/<td>Anna Berg \(anna\.berg\)<\/td><td>Registrerade<\/td>/);
  expect(eventPage.body).toMatch(/<td>Sekretariatet \(sekretariatet\)<\/td><td>Ställde in händelsen<\/td>/);
  expect(eventPage.body.match(/<td>Skickade besked<\/td>/g)).toHaveLength(2); // the notice, and the cancellation's
  expect(eventPage.body).toContain('Pia Lund &lt;pia.lund@solna.example&gt;');
  expect(eventPage.body).not.toContain('action="/events/besok-tartu/cancel"');
  expect(eventPage.body).not.toContain('action="/events/besok-tartu/change"');
  // In English too.
  expect((await secretariat.get('/events/besok-tartu?lang=en')).body).toContain('The event is over and archived.');
  await secretariat.get('/events/besok-tartu?lang=sv');

  // Acting on them now is refused, saying why.
  const refused = await secretariat.submit('/events/besok-tartu', '/events/besok-tartu/change', { title: 'Besök från Tartu (nytt datum)' });
  expect(refused.statusCode).toBe(409);
  expect(refused.body).toContain('Händelsen är avslutad och arkiverad, så inget mer kan göras i den.');
  const again = await secretariat.submit('/agreements/avtal-tartu', '/agreements/avtal-tartu/decide', { decision: 'renew', newEndsOn: inDays(400) });
  expect(again.statusCode).toBe(409);
  expect(again.body).toContain('Avtalet är avslutat och arkiverat, så inget mer kan göras i det.');
  // A case never registered is still a page that does not exist.
  expect((await secretariat.get('/agreements/inget-avtal')).statusCode).toBe(404);
});

test("a revision's decision and the year's goals are shown from the record once their workflows' histories are deleted", async () => {
  const { periodId } = revisionPeriodOf(config, 'policy-revision', undefined, new Date());
  expect((await secretariat.submit('/revisions/policy-revision', '/revisions/policy-revision/start', {})).statusCode).toBe(303);
  expect((await secretariat.submit('/revisions/policy-revision', '/revisions/policy-revision/decide', { decidedOn: inDays(-1), body: 'Kommunfullmäktige', paragraph: '§ 311/2026', outcome: 'revised' })).statusCode).toBe(303);
  const year = new Date().getFullYear() + 1;
  expect(
    (await secretariat.submit('/yearly-goals/council-goals', '/yearly-goals/council-goals', { year: String(year), decidedOn: inDays(-2), body: 'Kommunfullmäktige', paragraph: '§ 200/2026', goals: 'Två nya vänortsutbyten\nEtt EU-projekt per förvaltning' })).statusCode,
  ).toBe(303);
  // Decided, both finish (after telling of the decision).
  await testbed.env.client.workflow.getHandle(revisionWorkflowId('solna', 'policy-revision', periodId)).result();
  await testbed.env.client.workflow.getHandle(goalsWorkflowId('solna', 'council-goals', year)).result();
  const revision = await caseOnRecord(testbed.records, 'solna', 'revision', `policy-revision/${periodId}`);
  expect(revision?.state).toEqual(expect.objectContaining({ state: 'decided', decision: expect.objectContaining({ paragraph: '§ 311/2026', by: 'Sekretariatet (sekretariatet)' }) }));
  const goals = await caseOnRecord(testbed.records, 'solna', 'goals', `council-goals/${year}`);
  expect(goals).toEqual(expect.objectContaining({ year, state: expect.objectContaining({ state: 'recorded', recordedBy: 'Sekretariatet (sekretariatet)' }) }));
  await expectReplays(revisionWorkflowId('solna', 'policy-revision', periodId), goalsWorkflowId('solna', 'council-goals', year));
  await deleteHistory(testbed.env, revisionWorkflowId('solna', 'policy-revision', periodId));
  await deleteHistory(testbed.env, goalsWorkflowId('solna', 'council-goals', year));

  const revisionPage = await secretariat.get('/revisions/policy-revision');
  expect(revisionPage.statusCode).toBe(200);
  expect(revisionPage.body).toContain('Avslutat och arkiverat');
  expect(revisionPage.body).toContain(`Revideringen för ${periodId} är avslutad och arkiverad.`);
  expect(revisionPage.body).toContain('§ 311/2026');
  expect(revisionPage.body).toMatch(/<td>Sekretariatet \(sekretariatet\)<\/td><td>Startade revideringen<\/td>/);
  expect(revisionPage.body).toMatch(/<td>Sekretariatet \(sekretariatet\)<\/td><td>Registrerade beslutet \(Kommunfullmäktige § 311\/2026\)<\/td>/);
  // Not offered to start again: that would ask for the period's decision anew.
  expect(revisionPage.body).not.toContain('action="/revisions/policy-revision/start"');
  expect(revisionPage.body).not.toContain('action="/revisions/policy-revision/decide"');
  const restart = await secretariat.submit('/revisions/policy-revision', '/revisions/policy-revision/start', {});
  expect(restart.statusCode).toBe(409);
  expect(restart.body).toContain('Revideringen för perioden är avslutad och arkiverad');

  const goalsPage = await secretariat.get('/yearly-goals/council-goals');
  expect(goalsPage.statusCode).toBe(200);
  expect(goalsPage.body).toContain(`Avslutat och arkiverat (${year})`);
  expect(goalsPage.body).toContain(`Målen för ${year} är avslutade och arkiverade.`);
  expect(goalsPage.body).toContain('Ett EU-projekt per förvaltning');
  expect(goalsPage.body).toMatch(new RegExp(`<td>Sekretariatet \\(sekretariatet\\)</td><td>Registrerade årets mål \\(${year}\\)</td>`));
});

test('a seminar is on record as registered and as corrected, written by the register', async () => {
  const date = inDays(30);
  expect((await secretariat.submit('/seminars', '/seminars', { title: 'Solna i Bryssel', date, place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'kultur-fritid' })).statusCode).toBe(303);
  const id = `${date}-1`;
  const registered = await until(async () => caseOnRecord<SeminarRecord>(testbed.records, 'solna', 'seminar', id), 'the seminar on record');
  expect(registered).toEqual(expect.objectContaining({ version: 1, title: 'Solna i Bryssel', year: Number(date.slice(0, 4)), state: expect.objectContaining({ place: 'Bryssel', country: 'BE', registeredBy: 'Sekretariatet (sekretariatet)' }) }));
  expect((await secretariat.submit(`/seminars/${id}`, `/seminars/${id}/edit`, { title: 'Solna i Bryssel', date, place: 'Solnas EU-kontor, Bryssel', country: 'BE', role: 'co-organiser', unitId: 'kultur-fritid' })).statusCode).toBe(303);
  const versions = await until(async () => {
    const all = await caseVersions<SeminarRecord>(testbed.records, 'solna', 'seminar', id);
    return all.length === 2 ? all : undefined;
  }, 'the correction on record');
  expect(versions[1]!.state).toEqual(expect.objectContaining({ place: 'Solnas EU-kontor, Bryssel', role: 'co-organiser', editedBy: 'Sekretariatet (sekretariatet)' }));
  expect(versions[0]!.state.place).toBe('Bryssel');
  await expectReplays(registerWorkflowId('solna'));
});
