/**
 * A municipality's own templates, in a folder beside its config file (`organisation.templates`),
 * with no change in the product's templates/: one worker on the time-skipping server, serving Solna
 * (with its folder) and Södertälje (without), sends each project owner the gate's mail from their
 * own organisation's template over real SMTP; Solna's head gets Solna's mail on a start without
 * approval, and Solna's compiled report and its delivery carry Solna's own heading.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerProject } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { ProjectRegistration } from '../../domain/registers';
import { activitiesFor } from '../helpers/activities';
import { createTestWorker, PROJECT_ROOT, SOLNA_CONFIG, timeSkippingServer, until, type TestWorker } from '../helpers/environment';
import { exampleConfig } from '../helpers/organisation-run';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(180_000);

const PRODUCT = path.join(PROJECT_ROOT, 'templates');
const OVERRIDDEN = ['mail/sv/goals-request.txt.hbs', 'mail/sv/start-without-approval.txt.hbs', 'report/report.md.hbs', 'report/report.html.hbs'];
const digest = () => OVERRIDDEN.map((f) => createHash('sha256').update(readFileSync(path.join(PRODUCT, f))).digest('hex'));
const before = digest();

// Solna's file and its folder, as a municipality would keep them side by side.
const folder = mkdtempSync(path.join(tmpdir(), 'followup-own-templates-'));
const own = path.join(folder, 'solna-mallar');
const write = (file: string, content: string) => {
  mkdirSync(path.dirname(path.join(own, file)), { recursive: true });
  writeFileSync(path.join(own, file), content);
};
write('mail/sv/goals-request.txt.hbs', 'Subject: Projektdirektiv före start: {{project.title}}\n\nHej {{recipient.name}},\n\nSolna stads egen text: lämna projektdirektivet för "{{project.title}}" innan projektet startar.\n');
write('mail/sv/start-without-approval.txt.hbs', 'Subject: Solna: {{project.title}} startar utan projektdirektiv\n\nHej {{recipient.name}},\n\nSolnas egen text till förvaltningens chef om {{project.title}}.\n');
// The product's report with Solna's own heading on top: copied and changed, as a municipality would.
cpSync(path.join(PRODUCT, 'report'), path.join(own, 'report'), { recursive: true });
for (const [file, from, to] of [
  ['report/report.md.hbs', '# {{title}} {{period}}', '# Solna stads uppföljning: {{title}} {{period}}'],
  ['report/report.html.hbs', '<h1>{{title}} {{period}}</h1>', '<h1>Solna stads uppföljning: {{title}} {{period}}</h1>'],
] as const) {
  const text = readFileSync(path.join(own, file), 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer has the line ${from}: change the test's copy`);
  writeFileSync(path.join(own, file), text.replace(from, to));
}
const solnaFile = path.join(folder, 'solna.yaml');
writeFileSync(solnaFile, readFileSync(SOLNA_CONFIG, 'utf8').replace('  name: Solna stad\n', '  name: Solna stad\n  templates: ./solna-mallar\n'));
const solna = loadConfigFile(solnaFile);
const sodertalje = exampleConfig('sodertalje');

const project = (id: string, unitId: string, title: string, owner: string): ProjectRegistration => ({ id, title, unitId, owner: { name: 'Pia Lund', email: owner }, plannedStart: '2031-04-01', partners: ['Tartu'], euFunded: false });

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(() => smtp.close());

describe('one worker for two organisations', () => {
  let env: TestWorkflowEnvironment;
  let tw: TestWorker;
  beforeAll(async () => {
    env = await timeSkippingServer();
    tw = await createTestWorker(env, smtp.url, { configs: [solna, sodertalje] });
  });
  afterAll(async () => {
    await tw?.stop();
    await env?.teardown();
  });

  test("each owner's gate mail comes from their own organisation's template", async () => {
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    await registerProject(client, tw.taskQueue, solna, project('tartu', 'omsorg', 'Vänort Tartu', 'pia.lund@solna.example'), 'project-goals', 'test');
    await registerProject(client, tw.taskQueue, sodertalje, project('tallinn', 'stadsbyggnadskontoret', 'Vänort Tallinn', 'pia.lund@sodertalje.example'), 'eu-funding-check', 'test');
    const solnaMail = await until(() => smtp.to('pia.lund@solna.example')[0], "Solna's gate mail to the owner");
    expect(solnaMail.subject).toBe('Projektdirektiv före start: Vänort Tartu');
    expect(solnaMail.mail.text).toContain('Solna stads egen text: lämna projektdirektivet för "Vänort Tartu" innan projektet startar.');
    const sodertaljeMail = await until(() => smtp.to('pia.lund@sodertalje.example')[0], "Södertälje's gate mail to the owner");
    expect(sodertaljeMail.subject).toBe('Mål före start: Vänort Tallinn');
    expect(sodertaljeMail.mail.text).not.toContain('Solna stads egen text');
  });
});

test("the head's mail on a start without approval, and the compiled report with its delivery, are Solna's own", async () => {
  const archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-own-templates-'));
  const activities = activitiesFor([solna, sodertalje], archiveDir, { smtpUrl: smtp.url });
  const at = '2031-04-01T07:00:00Z';
  await activities.sendProjectMail({ orgId: 'solna', obligationId: 'project-goals', project: project('gator', 'tekniska', 'Gator i Tartu', 'pia.lund@solna.example'), kind: 'start-without-approval', sequence: 1, at });
  const head = smtp.to('gunnar.sjoberg@solna.example')[0]!;
  expect(head.subject).toBe('Solna: Gator i Tartu startar utan projektdirektiv');
  expect(head.mail.text).toContain('Solnas egen text till förvaltningens chef om Gator i Tartu.');
  // Södertälje's head, by the same activities, still gets the product's mail.
  await activities.sendProjectMail({ orgId: 'sodertalje', obligationId: 'eu-funding-check', project: project('bro', 'stadsbyggnadskontoret', 'Bro till Tallinn', 'pia.lund@sodertalje.example'), kind: 'start-without-approval', sequence: 1, at });
  expect(smtp.to('anders.holm@sodertalje.example')[0]!.subject).toBe('Startar utan godkända mål: Bro till Tallinn');

  const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2030' };
  const plan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2030', 'Europe/Stockholm');
  const parts = [await activities.stageOutcomes({ key, part: 0, outcomes: [{ unitId: 'omsorg', state: 'requested', closed: true, plan, remindersSentAt: [], mailProblems: [] }] })];
  const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts, at: '2031-03-02T10:00:00Z' });
  expect(readFileSync(path.join(archiveDir, report.markdown), 'utf8')).toMatch(/^# Solna stads uppföljning: .+ 2030\n/);
  expect(readFileSync(path.join(archiveDir, report.html), 'utf8')).toMatch(/<h1>Solna stads uppföljning: .+ 2030<\/h1>/);
  await activities.deliverReport({ key, closedAt: plan.closesAt, report });
  const delivered = smtp.to(solna.secretariat.email).find((m) => m.mail.attachments.some((a) => a.filename?.endsWith('.html')))!;
  expect(delivered.mail.attachments.find((a) => a.filename?.endsWith('.html'))!.content.toString('utf8')).toContain('Solna stads uppföljning: ');
});

test("the product's templates are as they were", () => {
  expect(digest()).toEqual(before);
});
