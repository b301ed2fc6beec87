/**
 * Whom a unit's mail reaches when people are not where the config says, with the real SMTP server
 * and the database of record (PGlite): a substitute set for two weeks gets the reminder that falls
 * in them (the person a copy or not, as the substitution says) and nothing outside them; a
 * colleague a contact handed the answer to gets their own mail with their own link, and the
 * unit's reminder after it beside the contact; a unit's contacts set in the web, a shared mailbox
 * without a name among them, get the next request. The report names an answer a colleague gave,
 * and on whose behalf, beside the unit's answer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createActivities } from '../../activities';
import { createFileArchive } from '../../activities/archive';
import { createDirectory } from '../../activities/directory';
import { createSmtpMailer } from '../../activities/mailer';
import { emptyRegister } from '../../activities/register-reader';
import { createRenderer } from '../../activities/renderer';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { addDelegation, addSubstitution, setUnitContacts } from '../../records/people';
import { answerActorKey, recordAnswerVersion } from '../../records/answers';
import { buildReportContext } from '../../activities/report';
import { reportDocument } from '../../activities/documents/report-document';
import type { UnitStatus } from '../../domain/types';
import { delegateActor } from '../../web/pages/answer';
import { PROJECT_ROOT, SOLNA_CONFIG, testAnswerLinks } from '../helpers/environment';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn } from '../helpers/web';

jest.setTimeout(60_000);

const solna = loadConfigFile(SOLNA_CONFIG);
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const plan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
const reminderAt = plan.reminderTimes[0]!;
const reminderDay = DateTime.fromISO(reminderAt, { zone: 'Europe/Stockholm' });
const day = (d: DateTime) => d.toISODate()!;

let smtp: TestSmtpServer;
let backend: RecordsBackend;
let records: Records;
let activities: ReturnType<typeof createActivities>;
let archiveDir: string;

beforeAll(async () => {
  [smtp, backend] = await Promise.all([startTestSmtpServer(), startEmbeddedBackend()]);
  records = await openRecords(await backend.freshDatabase());
  await migrateToLatest(records);
  activities = createActivities({
    mailer: createSmtpMailer(smtp.url, { pool: false }),
    renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
    archive: createFileArchive((archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-archive-')))),
    directory: createDirectory([solna]),
    clock: () => new Date(reminderAt),
    publicBaseUrl: 'http://localhost:3000',
    answerLinks: testAnswerLinks,
    registers: { read: async () => emptyRegister('solna') },
    starter: { start: async () => 'started' as const },
    records,
  });
});
afterAll(async () => {
  await smtp?.close();
  await records?.destroy();
  await backend?.stop();
});
beforeEach(() => {
  smtp.received.length = 0;
});

const tokenOf = (url: string) => url.split('/answer/')[1]!;

test('a substitute set for two weeks gets the reminder in them, the person a copy or not as set, and nothing after them', async () => {
  const set = { org: 'solna', createdBy: 'Anna Berg (anna.berg)', createdAt: new Date('2026-01-10T10:00:00Z') };
  // Two weeks around the reminder's day: Mikael's substitute copies him, Linnea's does not.
  await addSubstitution(records, { ...set, personEmail: 'mikael.oberg@solna.example', substitute: { name: 'Per Ek', email: 'per.ek@solna.example' }, from: day(reminderDay.minus({ days: 3 })), until: day(reminderDay.plus({ days: 10 })), copyPerson: true });
  await addSubstitution(records, { ...set, personEmail: 'linnea.dahl@solna.example', substitute: { email: 'tekniska.funktion@solna.example' }, from: day(reminderDay.minus({ days: 3 })), until: day(reminderDay.plus({ days: 10 })), copyPerson: false });

  const sent = await activities.sendUnitMail({ key, unitId: 'tekniska', kind: 'reminder', sequence: 1, at: reminderAt, plan, closesAt: plan.closesAt });
  expect(sent.rejected).toEqual([]);
  expect(smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['mikael.oberg@solna.example', 'per.ek@solna.example', 'tekniska.funktion@solna.example']);
  const [substitute] = smtp.to('per.ek@solna.example');
  expect(substitute!.mail.text).toMatch(/^Du får detta som ersättare för Mikael Öberg \(mikael\.oberg@solna\.example\) till och med \d{4}-\d{2}-\d{2}\./);
  expect(substitute!.mail.text).toContain('Hej Mikael Öberg,');
  expect((substitute!.mail.to as { value: { address: string }[] }).value.map((v) => v.address)).toEqual(['per.ek@solna.example']);
  // The substitute answers with the unit's link, the same as the person's.
  expect(answerLinkIn(substitute!.mail.text!)).toBe(answerLinkIn(smtp.to('mikael.oberg@solna.example')[0]!.mail.text!));
  expect(smtp.to('mikael.oberg@solna.example')[0]!.mail.text).not.toContain('ersättare');
  expect(smtp.to('linnea.dahl@solna.example')).toEqual([]);
  // Each result names the addresses mailed: the unit's status shows the substitute's.
  expect([...(sent.recipients ?? [])].sort()).toEqual(['mikael.oberg@solna.example', 'per.ek@solna.example', 'tekniska.funktion@solna.example']);

  // A reminder after the two weeks goes to the people themselves.
  smtp.received.length = 0;
  const after = reminderDay.plus({ days: 11 }).toUTC().toISO()!;
  await activities.sendUnitMail({ key, unitId: 'tekniska', kind: 'reminder', sequence: 2, at: after, plan, closesAt: plan.closesAt });
  expect(smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['linnea.dahl@solna.example', 'mikael.oberg@solna.example']);
});

test("a colleague handed the answer gets their own mail and link, and the unit's next reminder beside the contact", async () => {
  const delegation = await addDelegation(records, { org: 'solna', obligation: 'annual-follow-up', period: '2026', unit: 'omsorg', name: 'Olle Ombud', email: 'olle.ombud@solna.example', delegatedBy: 'Karin Sandberg', delegatedAt: new Date(plan.opensAt) });
  const handed = await activities.sendDelegationMail({ key, unitId: 'omsorg', delegationId: delegation.id, at: plan.opensAt, plan, closesAt: plan.closesAt });
  expect(handed.rejected).toEqual([]);
  expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(['olle.ombud@solna.example']);
  const colleague = smtp.received[0]!.mail.text!;
  expect(colleague).toMatch(/^Karin Sandberg har lämnat över svaret för Omsorgsförvaltningen till dig\./);
  expect(colleague).toContain('Hej Olle Ombud,');
  const own = testAnswerLinks.check(tokenOf(answerLinkIn(colleague)), new Date(plan.opensAt));
  expect(own).toMatchObject({ ok: true, claims: { key, unitId: 'omsorg', delegation: delegation.id } });

  // A delegation of another unit is not mailed.
  await expect(activities.sendDelegationMail({ key, unitId: 'tekniska', delegationId: delegation.id, at: plan.opensAt, plan, closesAt: plan.closesAt })).rejects.toThrow(/No delegation/);

  smtp.received.length = 0;
  await activities.sendUnitMail({ key, unitId: 'omsorg', kind: 'reminder', sequence: 1, at: reminderAt, plan, closesAt: plan.closesAt });
  expect(smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['karin.sandberg@solna.example', 'olle.ombud@solna.example']);
  const karinsLink = testAnswerLinks.check(tokenOf(answerLinkIn(smtp.to('karin.sandberg@solna.example')[0]!.mail.text!)), new Date(plan.opensAt));
  expect(karinsLink.ok && karinsLink.claims.delegation).toBeUndefined();
  const ollesLink = testAnswerLinks.check(tokenOf(answerLinkIn(smtp.to('olle.ombud@solna.example')[0]!.mail.text!)), new Date(plan.opensAt));
  expect(ollesLink.ok && ollesLink.claims.delegation).toBe(delegation.id);
  // The escalation is the head's, not the colleague's.
  smtp.received.length = 0;
  await activities.sendUnitMail({ key, unitId: 'omsorg', kind: 'escalation', sequence: 1, at: plan.escalationAt, plan, closesAt: plan.closesAt });
  expect(smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['eva.lundgren@solna.example', 'internationella.sekretariatet@solna.example']);
});

test("a unit's contacts set in the web get its next request, a shared mailbox greeted by its address; a head set there gets the escalation", async () => {
  await setUnitContacts(records, { org: 'solna', unit: 'kultur-fritid', contacts: [{ email: 'kultur.internationellt@solna.example' }], head: { name: 'Nina Ny', email: 'nina.ny@solna.example' }, changedBy: 'Anna Berg (anna.berg)', changedAt: new Date('2026-01-05T08:00:00Z') });
  await activities.sendUnitMail({ key, unitId: 'kultur-fritid', kind: 'request', sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt });
  expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(['kultur.internationellt@solna.example']);
  expect(smtp.received[0]!.mail.text).toContain('Hej kultur.internationellt@solna.example,');
  smtp.received.length = 0;
  await activities.sendUnitMail({ key, unitId: 'kultur-fritid', kind: 'escalation', sequence: 1, at: plan.escalationAt, plan, closesAt: plan.closesAt });
  expect(smtp.received.map((r) => r.envelopeTo[0]).sort()).toEqual(['internationella.sekretariatet@solna.example', 'nina.ny@solna.example']);
});

test('the report names the colleague who answered for a unit, and on whose behalf, in Swedish and in English', async () => {
  const reportKey = { ...key, period: '2025' };
  const reportPlan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2025', 'Europe/Stockholm');
  const delegation = await addDelegation(records, { org: 'solna', obligation: 'annual-follow-up', period: '2025', unit: 'omsorg', name: 'Olle Ombud', email: 'olle.ombud@solna.example', delegatedBy: 'Karin Sandberg', delegatedAt: new Date(reportPlan.opensAt) });
  const values = { eu_projects: 'Interreg Östersjö', other_work: 'Vänort Tartu', effects: 'Nya arbetssätt' };
  const answer = (unitId: string, revision: number): UnitStatus => ({ unitId, state: 'answered', closed: true, plan: reportPlan, remindersSentAt: [], mailProblems: [], answer: { values, answeredAt: reportPlan.opensAt, by: 'contact', revision } });
  // Omsorg's second version is the colleague's, as the answer form records it; kultur-fritid's contact answered in person.
  const version = (unit: string, revision: number, actor: string) =>
    recordAnswerVersion(records, { org: 'solna', obligation: 'annual-follow-up', period: '2025', unit, revision, submissionId: `${unit}-${revision}`, actor, answers: values, at: new Date(reportPlan.opensAt) });
  await version('omsorg', 1, 'contact');
  await version('omsorg', 2, delegateActor(delegation, 'sv'));
  await version('kultur-fritid', 1, 'contact');
  const parts = [await activities.stageOutcomes({ key: reportKey, part: 0, outcomes: [answer('omsorg', 2), answer('kultur-fritid', 1)] })];
  const report = await activities.compileReport({ key: reportKey, closedAt: reportPlan.closesAt, parts, at: reportPlan.closesAt });

  const line = 'Registrerat av Olle Ombud (olle.ombud@solna.example), ombud, på uppdrag av Karin Sandberg';
  const markdown = readFileSync(path.join(archiveDir, report.markdown), 'utf8');
  const omsorg = markdown.slice(markdown.indexOf('### Omsorgsförvaltningen'));
  expect(omsorg.slice(0, 400)).toContain(line);
  // A contact who answered in person is the contact person, as before.
  expect(markdown).toContain('Registrerat av kontaktpersonen');
  expect(markdown.match(/på uppdrag av/g)).toHaveLength(1);
  const html = readFileSync(path.join(archiveDir, report.html), 'utf8');
  expect(html).toContain(line);
  // The PDF and the Word document say it from the same context.
  expect(JSON.stringify(reportDocument(buildReportContext({ org: solna, obligation: obligationOf(solna, 'periodic-data-call'), period: '2025', closedAt: reportPlan.closesAt, compiledAt: reportPlan.closesAt, outcomes: [answer('omsorg', 2)], actors: new Map([[answerActorKey('omsorg', 2), delegateActor(delegation, 'sv')]]) }), reportPlan.closesAt))).toContain(line);

  // An English-speaking organisation's form records it in English, and its report says so.
  const english = { ...solna, organisation: { ...solna.organisation, language: 'en' as const } };
  const context = buildReportContext({ org: english, obligation: obligationOf(english, 'periodic-data-call'), period: '2025', closedAt: reportPlan.closesAt, compiledAt: reportPlan.closesAt, outcomes: [answer('omsorg', 2)], actors: new Map([[answerActorKey('omsorg', 2), delegateActor(delegation, 'en')]]) });
  const renderer = createRenderer(path.join(PROJECT_ROOT, 'templates'));
  expect(renderer.report('markdown', context)).toContain('Recorded by Olle Ombud (olle.ombud@solna.example), delegate, on behalf of Karin Sandberg');
  expect(renderer.report('html', context)).toContain('Recorded by Olle Ombud (olle.ombud@solna.example), delegate, on behalf of Karin Sandberg');
});
