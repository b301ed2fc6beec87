/**
 * Reminders that do not come all at once: a cycle of 200 units on the time-skipping server, nobody
 * answering. Each unit's reminder and escalation arrive at a moment of their own inside the window
 * (the first working hours of the day), and the preview lists the same moments, per unit.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startCycle, unitStatus } from '../../client/cycles';
import { createRegisterReader } from '../../activities/register-reader';
import { createRenderer } from '../../activities/renderer';
import { loadConfigFile } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { CycleKey } from '../../domain/ids';
import { unitTimes } from '../../domain/spread';
import { previewMails } from '../../preview/mails';
import { createTestWorker, PROJECT_ROOT, skipTo, SOLNA_CONFIG, timeSkippingServer, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { DateTime } from 'luxon';

const UNITS = 200;
const solna = loadConfigFile(SOLNA_CONFIG);
const config = structuredClone(solna) as OrganisationConfig;
const model = solna.units[0]!;
config.units = Array.from({ length: UNITS }, (_, i) => {
  const n = String(i + 1).padStart(3, '0');
  return { ...model, id: `enhet-${n}`, name: { sv: `Enhet ${n}`, en: `Unit ${n}` }, contacts: [{ name: `Kontakt ${n}`, email: `kontakt-${n}@solna.example` }], head: { name: `Chef ${n}`, email: `chef-${n}@solna.example` }, board: undefined };
});
const obligation = obligationOf(config, 'periodic-data-call');
// One reminder a week before the deadline, the escalation three days after it: 800 mails in all.
obligation.calendar.remindersBeforeDeadline = ['P7D'];
obligation.showRegisters = [];
const period = String(new Date().getUTCFullYear() + 1);
const key: CycleKey = { orgId: config.organisation.id, obligationId: obligation.id, period };
const zone = config.organisation.timeZone;
const plan = planCycle(obligation.calendar, obligation.period, period, zone);
const unitIds = config.units.map((u) => u.id);
const local = (at: string | Date) => DateTime.fromJSDate(new Date(at), { zone }).toFormat('HH:mm:ss');

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

test("200 units' reminders and escalations each come at the unit's own moment inside the working hours' window, as the preview shows", async () => {
  // The window: from the send time, six hours, inside the working day.
  expect(plan.reminderTimes.map(local)).toEqual(['09:00:00']);
  expect(plan.spreadUntil?.reminders.map(local)).toEqual(['15:00:00']);
  expect([local(plan.escalationAt), local(plan.spreadUntil!.escalation)]).toEqual(['09:00:00', '15:00:00']);

  const preview = await previewMails({
    org: config,
    obligationId: obligation.id,
    period,
    renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
    registers: createRegisterReader(env.client),
    publicBaseUrl: 'http://localhost:3000',
    now: new Date(await env.currentTimeMs()),
  });
  expect(preview.spread.map((w) => [w.kind, w.from, w.until])).toEqual([
    ['reminder', plan.reminderTimes[0], plan.spreadUntil!.reminders[0]],
    ['escalation', plan.escalationAt, plan.spreadUntil!.escalation],
  ]);
  expect(preview.spread[0]!.text).toMatch(/^Påminnelse 1 sprids över \d{1,2} \S+ \d{4} 09:00–15:00: varje enhet får sin vid en egen tidpunkt/);

  await startCycle(env.client, tw.taskQueue, key, 'test');
  await skipTo(env, plan.spreadUntil!.escalation, 60_000);
  // Each unit: the request, the reminder, the escalation to its head with a copy to the secretariat.
  await smtp.waitFor(4 * UNITS, 60_000);

  const reminders = new Map<string, string>();
  const escalations = new Map<string, string>();
  for (const [i, unitId] of unitIds.entries()) {
    const n = String(i + 1).padStart(3, '0');
    const own = unitTimes(plan, key, unitId);
    const toContact = smtp.to(`kontakt-${n}@solna.example`);
    expect(toContact.map((m) => m.subject.split(':')[0])).toEqual([expect.stringMatching(/^Årlig uppföljning/), 'Påminnelse 1']);
    const reminderAt = toContact[1]!.date.toISOString();
    const escalation = smtp.to(`chef-${n}@solna.example`);
    expect(escalation).toHaveLength(1);
    const escalationAt = escalation[0]!.date.toISOString();
    // Inside the window, at the unit's own moment.
    expect(reminderAt >= plan.reminderTimes[0]! && reminderAt < plan.spreadUntil!.reminders[0]!).toBe(true);
    expect(escalationAt >= plan.escalationAt && escalationAt < plan.spreadUntil!.escalation).toBe(true);
    expect([reminderAt, escalationAt]).toEqual([own.reminderTimes[0], own.escalationAt]);
    reminders.set(unitId, reminderAt);
    escalations.set(unitId, escalationAt);
  }
  // Each at a moment of its own, over the whole window: not all at once.
  expect(new Set(reminders.values()).size).toBeGreaterThanOrEqual(195);
  expect(new Set(escalations.values()).size).toBeGreaterThanOrEqual(195);
  const hours = (times: Iterable<string>) => new Set([...times].map((t) => local(t).slice(0, 2)));
  expect([...hours(reminders.values())].sort()).toEqual(['09', '10', '11', '12', '13', '14']);
  expect([...hours(escalations.values())].sort()).toEqual(['09', '10', '11', '12', '13', '14']);
  // The units' own histories say the same (to the second of the mail's Date: the workflow woke a little after its timer).
  const second = (at: string | undefined) => at?.slice(0, 19);
  for (const unitId of unitIds.slice(0, 5)) {
    const status = await unitStatus(env.client, key, unitId);
    expect([status.remindersSentAt.map(second), second(status.escalatedAt)]).toEqual([[second(reminders.get(unitId))], second(escalations.get(unitId))]);
  }

  // The preview listed exactly these mails, at these moments, to these people.
  const shape = (m: { at: string; to: string; messageId: string }) => `${m.at} ${m.to} ${m.messageId}`;
  const spreadKinds = /^(Påminnelse|Svar saknas)/;
  expect(smtp.received.filter((m) => spreadKinds.test(m.subject)).map((m) => shape({ at: m.date.toISOString(), to: m.envelopeTo[0]!, messageId: m.messageId })).sort()).toEqual(
    preview.mails.filter((m) => m.kind === 'reminder' || m.kind === 'escalation').map(shape).sort(),
  );
});
