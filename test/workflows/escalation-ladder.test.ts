/**
 * The escalation ladder on the time-skipping server, with the real activities and a real SMTP
 * server: a unit that never answers goes up three steps (the contact, with the reminder's words →
 * the head, the secretariat in copy → the director's role), each mail to its people with the step in
 * its Message-ID, the step in the unit's status and history; a unit that answers after the first
 * step gets no second.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cycleStatus, startCycle, submitAnswer, unitStatus } from '../../client/cycles';
import { formatStatus } from '../../cli/status-table';
import { loadConfigFile } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { planDataCall } from '../../domain/escalation';
import type { CycleKey } from '../../domain/ids';
import { unitStepTimes } from '../../domain/spread';
import { createRegisterReader } from '../../activities/register-reader';
import { createRenderer } from '../../activities/renderer';
import { previewMails } from '../../preview/mails';
import { formatPreview } from '../../cli/preview-text';
import path from 'node:path';
import { createTestWorker, PROJECT_ROOT, skipTo, SOLNA_CONFIG, timeSkippingServer, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const config = structuredClone(loadConfigFile(SOLNA_CONFIG)) as OrganisationConfig;
const model = config.units[0]!;
const unit = (id: string, n: string) => ({ ...model, id, name: { sv: `Enhet ${n}`, en: `Unit ${n}` }, contacts: [{ name: `Kontakt ${n}`, email: `kontakt-${n.toLowerCase()}@solna.example` }], head: { name: `Chef ${n}`, email: `chef-${n.toLowerCase()}@solna.example` }, board: undefined });
config.units = [unit('tyst', 'A'), unit('svarar', 'B')];
config.roles = { director: { name: { sv: 'Stadsdirektör', en: 'City manager' }, email: 'stadsdirektor@solna.example' } };
const obligation = obligationOf(config, 'periodic-data-call');
obligation.calendar.remindersBeforeDeadline = [];
obligation.showRegisters = [];
obligation.escalation = [
  { after: 'P3D', to: ['contact'], template: 'reminder' },
  { after: 'P7D', to: ['head'], cc: ['secretariat'] },
  { after: 'P10D', to: ['role:director'] },
];
const period = String(new Date().getUTCFullYear() + 1);
const key: CycleKey = { orgId: config.organisation.id, obligationId: obligation.id, period };
const plan = planDataCall(obligation, period, config.organisation.timeZone);
const steps = plan.escalationSteps!;
const secretariat = config.secretariat.email;

const answer = {
  eu_projects: 'Interreg Baltic Sea Region "Smart Cities" (pågående).',
  other_work: 'Studiebesök i Tallinn.',
  effects: 'Nya arbetssätt för medborgardialog.',
  reported_to_board: true,
};

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;

beforeAll(async () => {
  [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { configs: [config] });
});

afterAll(async () => {
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

test('a unit that never answers goes up three steps to the right people; one that answers after the first step gets no second', async () => {
  expect(steps).toHaveLength(3);
  await startCycle(env.client, tw.taskQueue, key, 'test');

  // Step 1: each unit's contact, in the reminder's words, at the unit's own moment of the step's window.
  await skipTo(env, steps[0]!.until!, 60_000);
  await smtp.waitFor(4, 60_000);
  for (const [unitId, n] of [['tyst', 'A'], ['svarar', 'B']] as const) {
    const toContact = smtp.to(`kontakt-${n.toLowerCase()}@solna.example`);
    expect(toContact.map((m) => m.subject.split(':')[0])).toEqual([expect.stringMatching(/^Årlig uppföljning/), 'Påminnelse 1']);
    expect(toContact[1]!.messageId).toContain(`.${unitId}.step-1.`);
    expect(toContact[1]!.date.toISOString()).toBe(unitStepTimes(plan, key, unitId)[0]);
  }
  expect(smtp.to(secretariat)).toEqual([]);
  expect((await unitStatus(env.client, key, 'tyst')).escalationStep).toBe(1);

  // Unit B answers after the first step.
  await submitAnswer(env.client, key, 'svarar', answer, 'contact');
  await smtp.waitFor(5, 30_000);

  await skipTo(env, steps[2]!.until!, 60_000);
  // A: step 2 to its head with a copy to the secretariat, step 3 to the director's role.
  await smtp.waitFor(8, 60_000);
  const toHead = smtp.to('chef-a@solna.example');
  expect(toHead.map((m) => m.subject)).toEqual([expect.stringMatching(/^Svar saknas: .* – Enhet A$/)]);
  expect(toHead[0]!.messageId).toContain('.tyst.step-2.');
  const copy = smtp.to(secretariat);
  expect(copy.map((m) => m.subject)).toEqual([toHead[0]!.subject]);
  expect(copy[0]!.mail.to).toMatchObject({ value: [{ address: 'chef-a@solna.example' }] });
  const toDirector = smtp.to('stadsdirektor@solna.example');
  expect(toDirector).toHaveLength(1);
  expect(toDirector[0]!.subject).toMatch(/– Enhet A$/);
  expect(toDirector[0]!.mail.text).toContain('Hej Stadsdirektör,');
  // Asked to act as the director, not as the unit's head; the head as the head.
  expect(toDirector[0]!.mail.text).toContain('Som stadsdirektör ber vi dig se till att svaret kommer in.');
  expect(toHead[0]!.mail.text).toContain('Som förvaltningschef ber vi dig se till att svaret kommer in.');
  expect(toDirector[0]!.messageId).toContain('.tyst.step-3.');
  expect(toDirector[0]!.date.toISOString()).toBe(unitStepTimes(plan, key, 'tyst')[2]);
  // B: nothing after its answer but the receipt; no step 2 to its head, no step 3.
  expect(smtp.to('chef-b@solna.example')).toEqual([]);
  expect(smtp.to('kontakt-b@solna.example').map((m) => m.subject.split(':')[0])).toEqual([expect.stringMatching(/^Årlig uppföljning/), 'Påminnelse 1', expect.stringMatching(/^Kvitto|^Tack|^Svar mottaget/)]);
  expect(smtp.received).toHaveLength(8);

  // The status and the history say which step each unit is on.
  const silent = await unitStatus(env.client, key, 'tyst');
  expect([silent.state, silent.escalationStep]).toEqual(['escalated', 3]);
  expect(silent.history?.filter((h) => h.what === 'escalated').map((h) => h.detail)).toEqual(['1/3', '2/3', '3/3']);
  const answered = await unitStatus(env.client, key, 'svarar');
  expect([answered.state, answered.escalationStep]).toEqual(['answered', 1]);
  const status = formatStatus(await cycleStatus(env.client, key), config);
  expect(status).toMatch(/Enhet A \(tyst\)\s+eskalerad, steg 3\/3/);
});

test("the preview lists the ladder's steps and the mails of each step, as they went out", async () => {
  const preview = await previewMails({
    org: config,
    obligationId: obligation.id,
    period,
    renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
    registers: createRegisterReader(env.client),
    publicBaseUrl: 'http://localhost:3000',
    now: new Date(Date.parse(plan.opensAt) - 86_400_000),
  });
  const ladder = preview.spread.filter((w) => w.kind === 'escalation').map((w) => w.text);
  expect(ladder).toEqual([
    expect.stringMatching(/^Eskaleringssteg 1 av 3 \(P3D efter sista svarsdagen\) till kontaktpersonen, mallen reminder: \d+ \S+ \d{4} 09:00–15:00\.$/),
    expect.stringMatching(/^Eskaleringssteg 2 av 3 \(P7D efter sista svarsdagen\) till förvaltningschefen, kopia till sekretariatet, mallen escalation: /),
    expect.stringMatching(/^Eskaleringssteg 3 av 3 \(P10D efter sista svarsdagen\) till Stadsdirektör, mallen escalation: /),
  ]);
  expect(formatPreview(preview, true)).toContain(ladder[2]!);
  // Unit A's step mails in the preview are the ones it was sent: the same people, moments and Message-IDs.
  const shape = (m: { at: string; to: string; messageId: string }) => `${m.at} ${m.to} ${m.messageId}`;
  const sent = smtp.received.filter((m) => /\.tyst\.step-/.test(m.messageId)).map((m) => shape({ at: m.date.toISOString(), to: m.envelopeTo[0]!, messageId: m.messageId }));
  expect(sent).toHaveLength(4);
  expect(preview.mails.filter((m) => m.kind === 'escalation' && /\.tyst\.step-/.test(m.messageId)).map(shape).sort()).toEqual(sent.sort());
});
