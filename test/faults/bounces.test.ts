/**
 * Bounces and broken templates never stop a cycle: on the time-skipping server, with a real SMTP
 * server that refuses chosen addresses, the cycle reaches its report, everyone else gets their mail
 * exactly once, the problems are named, and the way out (`cycle redeliver`, a fixed template and a
 * restarted worker) completes what was stuck.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { outcomesFolderRef } from '../../activities/archive';
import { closeCycle, cycleStatus, redeliverReport, RejectedError, startCycle, submitAnswer, unitStatus } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { cycleWorkflowId, type CycleKey } from '../../domain/ids';
import type { CycleResult } from '../../domain/types';
import { createTestWorker, PROJECT_ROOT, skipTo, SOLNA_CONFIG, timeSkippingServer, until } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const solna = loadConfigFile(SOLNA_CONFIG);
const zone = solna.organisation.timeZone;
const COUNCIL = 'kf.sekreterare@solna.example';
const COUNCIL_FIXED = 'kf.registrator@solna.example';
const CONTACT = 'erik.andersson@solna.example';
let nextYear = new Date().getUTCFullYear() + 2;

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;

beforeAll(async () => {
  [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
});

afterAll(async () => {
  await smtp?.close();
  await env?.teardown();
});

beforeEach(() => {
  smtp.received.length = 0;
  smtp.refuseRecipient = undefined;
});

function newCycle(config: OrganisationConfig) {
  const period = String(nextYear++);
  const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period };
  const obligation = obligationOf(config, 'periodic-data-call');
  return { key, plan: planCycle(obligation.calendar, obligation.period, period, zone) };
}

/** Without time skipping: the test moves time only where it says so. */
const result = (key: CycleKey): Promise<CycleResult> => new Client({ connection: env.connection, namespace: env.namespace }).workflow.getHandle(cycleWorkflowId(key)).result();

test('a refused council address and a refused contact: the cycle completes, everyone else gets each mail once, the report names both, and redeliver reaches the fixed address', async () => {
  // The worker's own copy of the organisation's file, corrected below as an operator would.
  const config = structuredClone(solna);
  const tw = await createTestWorker(env, smtp.url, { configs: [config] });
  const { key, plan } = newCycle(config);
  smtp.refuseRecipient = (address) => ([COUNCIL, CONTACT].includes(address) ? { code: 550, message: '5.1.1 No such mailbox' } : undefined);
  try {
    await startCycle(env.client, tw.taskQueue, key, 'test');
    await skipTo(env, plan.opensAt, 60_000);
    await submitAnswer(env.client, key, 'omsorg', { eu_projects: 'Inga', other_work: 'Eurocities', effects: 'Kunskap' }, 'contact');
    await closeCycle(env.client, key);

    const closed = await until(async () => {
      const status = await cycleStatus(env.client, key, { unitsToo: false });
      return status.info.phase === 'closed' && status.info.delivery?.length ? status.info : undefined;
    }, 'the report delivered to all but the refused address');
    expect(closed.delivery?.filter((d) => d.state !== 'delivered')).toEqual([expect.objectContaining({ address: COUNCIL, state: 'refused', detail: expect.stringContaining('550') })]);
    const bounced = await unitStatus(env.client, key, 'miljo-byggnad');
    expect(bounced.mailProblems).toEqual([expect.objectContaining({ kind: 'request', address: CONTACT, state: 'refused' })]);

    // Everyone else got each of their mails exactly once; nobody got a mail twice.
    const ids = smtp.received.map((r) => `${r.envelopeTo[0]} ${r.messageId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(smtp.to('int.kommitten@solna.example')).toHaveLength(1);
    expect(smtp.to('internationella.sekretariatet@solna.example').filter((m) => m.mail.attachments.length > 0)).toHaveLength(1);
    for (const contact of ['maria.johansson@solna.example', 'mikael.oberg@solna.example', 'linnea.dahl@solna.example']) {
      expect(smtp.to(contact).filter((m) => /^Årlig uppföljning/.test(m.subject))).toHaveLength(1);
    }
    expect(smtp.to(COUNCIL)).toEqual([]);
    expect(smtp.to(CONTACT)).toEqual([]);

    // The report names both: in the archive, and in the copy the secretariat got.
    const markdown = readFileSync(path.join(tw.archiveDir, closed.report!.markdown), 'utf8');
    expect(markdown).toContain(`- E-post som inte kom fram: **${CONTACT}** (Miljö- och byggnadsförvaltningen, förfrågan)`);
    expect(markdown).toContain(`- Rapporten kom inte fram till: **${COUNCIL}**`);
    const secretariatCopy = smtp.to('internationella.sekretariatet@solna.example').find((m) => m.mail.attachments.length > 0)!;
    expect(secretariatCopy.mail.attachments.find((a) => a.filename?.endsWith('.html'))!.content.toString('utf8')).toContain(CONTACT);

    // The address is fixed in the organisation's file (the worker's config); then redeliver.
    for (const body of config.bodies) for (const r of body.recipients) if (r.email === COUNCIL) r.email = COUNCIL_FIXED;
    await redeliverReport(env.client, key);
    const final = await result(key);
    expect(final.delivery?.every((d) => d.state === 'delivered')).toBe(true);
    // Every unit's answers were staged for the report; once it reached everyone they are gone.
    expect(existsSync(path.join(tw.archiveDir, outcomesFolderRef(key)))).toBe(false);
    expect(existsSync(path.join(tw.archiveDir, final.report.markdown))).toBe(true);
    expect(smtp.to(COUNCIL_FIXED)).toHaveLength(1);
    expect(smtp.to(COUNCIL_FIXED)[0]!.mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/html']);
    // The others are not mailed again.
    expect(smtp.to('int.kommitten@solna.example')).toHaveLength(1);
    // Redelivering what everyone has is refused, in the cycle's language.
    const again = await redeliverReport(env.client, key).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RejectedError);
  } finally {
    await tw.stop();
  }
});

test('a template name with a typo is a visible mail problem, not an endless retry; the cycle still reaches its report, and a fixed template completes the mail', async () => {
  const broken = structuredClone(solna);
  obligationOf(broken, 'periodic-data-call').templates.reminder = 'remnder';
  const tw = await createTestWorker(env, smtp.url, { configs: [broken] });
  const { key, plan } = newCycle(broken);
  try {
    await startCycle(env.client, tw.taskQueue, key, 'test');
    // Past the end of the first reminder's window: every unit's has come.
    await skipTo(env, plan.spreadUntil!.reminders[0]!, 60_000);
    const status = await until(async () => {
      const unit = await unitStatus(env.client, key, 'omsorg');
      return unit.mailProblems.length ? unit : undefined;
    }, 'the failed reminder in the unit status');
    expect(status.mailProblems).toEqual([expect.objectContaining({ kind: 'reminder', state: 'failed', address: 'karin.sandberg@solna.example', error: expect.stringContaining('remnder.txt.hbs is missing') })]);
    // The activity did not retry: one attempt, and no activity left pending.
    const pending = (await env.client.workflow.getHandle(`${cycleWorkflowId(key)}/unit/omsorg`).describe()).raw.pendingActivities ?? [];
    expect(pending).toEqual([]);

    // The name is corrected in the worker's config: within the hour the reminder goes out.
    obligationOf(broken, 'periodic-data-call').templates.reminder = 'reminder';
    await env.sleep(61 * 60_000);
    await until(() => (smtp.to('karin.sandberg@solna.example').some((m) => m.subject.startsWith('Påminnelse')) ? true : undefined), 'the reminder after the fix');
    expect((await unitStatus(env.client, key, 'omsorg')).mailProblems).toEqual([]);

    await closeCycle(env.client, key);
    const closed = await result(key);
    expect(closed.report.asked).toBe(6);
  } finally {
    await tw.stop();
  }
});

test('a report template that fails is shown on the cycle, and the report is compiled and delivered once it is fixed', async () => {
  // A copy of the templates whose report template is gone (a bad deploy).
  const templatesDir = path.join(mkdtempSync(path.join(tmpdir(), 'followup-templates-')), 'templates');
  cpSync(path.join(PROJECT_ROOT, 'templates'), templatesDir, { recursive: true });
  rmSync(path.join(templatesDir, 'report', 'report.html.hbs'));
  const tw = await createTestWorker(env, smtp.url, { templatesDir });
  const { key, plan } = newCycle(solna);
  try {
    await startCycle(env.client, tw.taskQueue, key, 'test');
    await skipTo(env, plan.opensAt, 60_000);
    await closeCycle(env.client, key);
    const stuck = await until(async () => {
      const { info } = await cycleStatus(env.client, key, { unitsToo: false });
      return info.reportProblem ? info : undefined;
    }, 'the report problem on the cycle', 60_000);
    expect(stuck.reportProblem).toMatch(/report\.html\.hbs is missing/);
    expect(stuck.report).toBeUndefined();

    // The template is put back; redeliver compiles and delivers at once.
    cpSync(path.join(PROJECT_ROOT, 'templates', 'report', 'report.html.hbs'), path.join(templatesDir, 'report', 'report.html.hbs'));
    await redeliverReport(env.client, key);
    const final = await result(key);
    expect(final.report.asked).toBe(6);
    expect(smtp.to(COUNCIL)).toHaveLength(1);
  } finally {
    await tw.stop();
  }
});

test('a contact whose mailbox puts mail off does not hold back the other contact: each gets every mail, in order', async () => {
  const tw = await createTestWorker(env, smtp.url);
  const { key, plan } = newCycle(solna);
  const slow = 'linnea.dahl@solna.example';
  smtp.refuseRecipient = (address) => (address === slow ? { code: 452, message: '4.2.2 Mailbox full, try later' } : undefined);
  try {
    await startCycle(env.client, tw.taskQueue, key, 'test');
    await skipTo(env, plan.opensAt, 60_000);
    await submitAnswer(env.client, key, 'tekniska', { eu_projects: 'Inga', other_work: 'Eurocities', effects: 'Kunskap' }, 'contact');
    // The other contact has the request and the receipt at once.
    await until(() => (smtp.to('mikael.oberg@solna.example').some((m) => m.subject.startsWith('Kvitto')) ? true : undefined), 'the receipt to the other contact');
    const waiting = await unitStatus(env.client, key, 'tekniska');
    expect(waiting.mailProblems).toEqual([expect.objectContaining({ kind: 'request', address: slow, state: 'retrying' })]);
    expect(smtp.to(slow)).toEqual([]);

    // The mailbox is emptied: the request, then the receipt, each once.
    smtp.refuseRecipient = undefined;
    await env.sleep(2 * 3_600_000);
    await until(() => (smtp.to(slow).length >= 2 ? true : undefined), 'both mails to the contact whose mailbox was full');
    expect(smtp.to(slow).map((m) => m.subject.split(':')[0])).toEqual([expect.stringMatching(/^Årlig uppföljning/), 'Kvitto']);
    expect(smtp.to('mikael.oberg@solna.example').map((m) => m.subject.split(':')[0])).toEqual([expect.stringMatching(/^Årlig uppföljning/), 'Kvitto']);
    expect((await unitStatus(env.client, key, 'tekniska')).mailProblems).toEqual([]);
    await closeCycle(env.client, key);
    await result(key);
  } finally {
    await tw.stop();
  }
});
