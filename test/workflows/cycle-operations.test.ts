/**
 * What the secretariat does to a running cycle, and how mail failures show, on the time-skipping
 * server. Each test follows its own year, so the tests' timelines do not overlap.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import ICAL from 'ical.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { closeCycle, cycleStatus, exemptUnit, extendDeadline, RejectedError, startCycle, submitAnswer, unitStatus } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle, replanDeadline } from '../../domain/calendar';
import { unitTimes } from '../../domain/spread';
import { cycleWorkflowId, unitWorkflowId, type CycleKey } from '../../domain/ids';
import type { CycleResult } from '../../domain/types';
import { createTestWorker, skipTo, SOLNA_CONFIG, timeSkippingServer, type TestWorker } from '../helpers/environment';
import { interceptHandles } from '../helpers/intercept-handles';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const solna = loadConfigFile(SOLNA_CONFIG);
const obligation = obligationOf(solna, 'periodic-data-call');
const zone = solna.organisation.timeZone;
let nextYear = new Date().getUTCFullYear() + 2;

function newCycle() {
  const period = String(nextYear++);
  const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period };
  return { key, plan: planCycle(obligation.calendar, obligation.period, period, zone) };
}

const goodAnswer = {
  eu_projects: 'Inga pågående EU-projekt.',
  other_work: 'Nätverket Eurocities.',
  effects: 'Ökad kunskap om EU:s klimatarbete.',
};

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;

beforeAll(async () => {
  [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url);
});

afterAll(async () => {
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

beforeEach(() => {
  smtp.received.length = 0;
  smtp.refuseConnections = undefined;
  smtp.refuseRecipient = undefined;
  smtp.recipientAttempts.clear();
});

const sleepUntil = (iso: string, plusMs = 0) => skipTo(env, iso, plusMs);

/**
 * Awaiting a result through the time-skipping client lets the server skip ahead freely (by years
 * once nothing is pending), which would leak into the next test: time moves only by sleepUntil.
 */
const result = (key: CycleKey): Promise<CycleResult> =>
  new Client({ connection: env.connection, namespace: env.namespace }).workflow.getHandle(cycleWorkflowId(key)).result();

test('a second start returns the running cycle; a wrong answer is rejected and changes nothing; corrections are receipted', async () => {
  const { key, plan } = newCycle();
  await (async () => {
    const first = await startCycle(env.client, tw.taskQueue, key, 'test');
    const second = await startCycle(env.client, tw.taskQueue, key, 'test');
    expect(second).toEqual({ ...first, outcome: 'running' });
    // A cycle's task may take a minute, not Temporal's 10 s: replaying a big cycle's history must not run out of time.
    const { raw } = await env.client.workflow.getHandle(cycleWorkflowId(key)).describe();
    expect(Number(raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds)).toBe(60);

    await sleepUntil(plan.opensAt, 60_000);
    await smtp.waitFor(7);
    // A unit's row comes into the visibility store with its start; after that the unit writes it
    // at most once per task, only when it changed, and asks no patch: every write is a visibility
    // record the server writes.
    const { EventType } = temporal.api.enums.v1;
    const rowWrites = async (unitId: string) => {
      const events = (await env.client.workflow.getHandle(unitWorkflowId(key, unitId)).fetchHistory()).events ?? [];
      const perTask: number[][] = [[0, 0]];
      for (const e of events) {
        if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) perTask.push([0, 0]);
        if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED) perTask.at(-1)![0]!++;
        if (e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) perTask.at(-1)![1]!++;
      }
      return { events, perTask };
    };
    const { events, perTask: writesPerTask } = await rowWrites('omsorg');
    const started = events[0]!.workflowExecutionStartedEventAttributes!;
    expect(Object.keys(started.memo?.fields ?? {})).toEqual(['unitRow']);
    expect(Object.keys(started.searchAttributes?.indexedFields ?? {})).toEqual(expect.arrayContaining(['FollowupCycle', 'FollowupState']));
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED)).toEqual([]);
    expect(writesPerTask[1]).toEqual([0, 0]);
    expect(writesPerTask.flat().every((n) => n <= 1)).toBe(true);
    expect(writesPerTask.some(([memo, attributes]) => memo === 1 && attributes === 1)).toBe(true);

    const wrong = { eu_projects: 'x'.repeat(5001), other_work: '   ', reported_to_board: 'kanske', color: 'blå' };
    const rejection = await submitAnswer(env.client, key, 'omsorg', wrong, 'contact').catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(RejectedError);
    const message = (rejection as RejectedError).message;
    expect(message).toContain('color: finns inte i frågeformuläret.');
    expect(message).toContain('Pågående EU-projekt, andra internationella projekt och inlämnade ansökningar: får vara högst 5000 tecken.');
    expect(message).toContain('Övrigt internationellt arbete som genomförts under året: måste fyllas i.');
    expect(message).toContain('Konkreta effekter av det internationella arbetet i verksamheten: måste fyllas i.');
    expect(message).toContain('ska vara ja eller nej.');
    expect((rejection as RejectedError).type).toBe('InvalidAnswer');

    const unchanged = await unitStatus(env.client, key, 'omsorg');
    expect(unchanged.state).toBe('requested');
    expect(unchanged.answer).toBeUndefined();

    const firstAnswer = await submitAnswer(env.client, key, 'omsorg', goodAnswer, 'contact');
    expect(firstAnswer.revision).toBe(1);
    const corrected = await submitAnswer(env.client, key, 'omsorg', { ...goodAnswer, effects: 'Två nya partnerskap.' }, 'secretariat');
    expect(corrected).toMatchObject({ revision: 2, by: 'secretariat', values: { effects: 'Två nya partnerskap.' } });
    await smtp.waitFor(9);
    expect(smtp.to('karin.sandberg@solna.example').map((m) => m.subject)).toEqual([
      `Årlig uppföljning av internationell policy ${key.period} – Omsorgsförvaltningen`,
      `Kvitto: Årlig uppföljning av internationell policy ${key.period} – Omsorgsförvaltningen`,
      `Kvitto (rättat svar): Årlig uppföljning av internationell policy ${key.period} – Omsorgsförvaltningen`,
    ]);
    expect(smtp.to('karin.sandberg@solna.example')[2]!.mail.text).toContain('registrerat av sekretariatet');

    // Close early: the report is compiled now, before the closing day. While its delivery waits
    // for the mail server, the units have closed: whoever answers then is told the cycle is closed.
    smtp.refuseConnections = () => ({ code: 421, message: 'Service not available, try later' });
    await closeCycle(env.client, key, 'test');
    const unitHandle = env.client.workflow.getHandle(unitWorkflowId(key, 'barn-utbildning'));
    while ((await unitHandle.describe()).status.name === 'RUNNING') await new Promise((r) => setTimeout(r, 100));
    // Closing wrote no row of its own: the store marks the ended workflow closed.
    const closing = (await rowWrites('barn-utbildning')).perTask;
    expect(closing.at(-1)).toEqual([0, 0]);
    expect((await env.client.workflow.getHandle(cycleWorkflowId(key)).describe()).status.name).toBe('RUNNING');
    const whileCompiling = await submitAnswer(env.client, key, 'barn-utbildning', goodAnswer, 'contact').catch((e: unknown) => e);
    expect(whileCompiling).toMatchObject({ type: 'CycleClosed', message: 'Uppföljningen är stängd och tar inte emot fler ändringar.' });
    // Late answers arriving together learn that the cycle is closed from its overview in the
    // visibility store, while it runs and after it has finished: no query, so no worker replays
    // the cycle's whole history for them.
    const cycleId = cycleWorkflowId(key);
    const units = solna.units.map((u) => u.id);
    const lateTogether = async () => {
      let cycleQueries = 0;
      const counting = interceptHandles(env.client, (workflowId, member) => {
        if (member === 'query' && workflowId === cycleId) cycleQueries++;
        return undefined;
      });
      const refusals = await Promise.all(Array.from({ length: 30 }, (_, i) => submitAnswer(counting, key, units[i % units.length]!, goodAnswer, 'contact').catch((e: unknown) => e)));
      return { allClosed: refusals.every((e) => e instanceof RejectedError && e.type === 'CycleClosed'), cycleQueries };
    };
    expect(await lateTogether()).toEqual({ allClosed: true, cycleQueries: 0 });
    smtp.refuseConnections = undefined;
    await env.sleep(3_600_000);
    const closed = await result(key);
    expect(Date.parse(closed.closedAt)).toBeLessThan(Date.parse(plan.closesAt));
    expect(closed.report).toMatchObject({ asked: 6, answered: 1 });
    const markdown = readFileSync(path.join(tw.archiveDir, closed.report.markdown), 'utf8');
    expect(markdown).toContain('> Två nya partnerskap.');
    expect(markdown).not.toContain('Ökad kunskap');

    const late = await submitAnswer(env.client, key, 'barn-utbildning', goodAnswer, 'contact').catch((e: unknown) => e);
    expect((late as RejectedError).message).toBe('Uppföljningen är stängd och tar inte emot fler ändringar.');

    expect(await lateTogether()).toEqual({ allClosed: true, cycleQueries: 0 });
    const again = await startCycle(env.client, tw.taskQueue, key, 'test');
    expect(again.outcome).toBe('closed');
    await expect(closeCycle(env.client, key)).rejects.toThrow('Uppföljningen är stängd och tar inte emot fler ändringar.');
  })();
});

test('extending a deadline re-plans the remaining reminders; an exempt unit is not reminded', async () => {
  const { key, plan } = newCycle();
  const final = await (async () => {
    await startCycle(env.client, tw.taskQueue, key, 'test');
    await sleepUntil(plan.opensAt, 60_000);
    await smtp.waitFor(7);

    // One week more for Kultur och fritid.
    const until = new Date(Date.parse(`${plan.deadlineDate}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const expected = replanDeadline(obligation.calendar, until, plan.opensAt, zone);
    const replanned = await extendDeadline(env.client, key, 'kultur-fritid', until);
    expect(replanned).toEqual(expected);
    expect(replanned.reminderTimes).not.toEqual(plan.reminderTimes);

    const bad = await extendDeadline(env.client, key, 'kultur-fritid', '2001-01-01').catch((e: unknown) => e);
    expect((bad as RejectedError).message).toBe('2001-01-01 har redan passerat.');

    await exemptUnit(env.client, key, 'omsorg', 'Verksamheten omorganiseras under året.');
    const exempt = await unitStatus(env.client, key, 'omsorg');
    expect(exempt.state).toBe('exempt');
    await expect(submitAnswer(env.client, key, 'omsorg', goodAnswer, 'contact')).rejects.toThrow('Enheten är undantagen från denna uppföljning.');

    await sleepUntil(expected.spreadUntil!.escalation, 60_000);
    const status = await cycleStatus(env.client, key);
    const culture = status.units.find((u) => u.unitId === 'kultur-fritid')!;
    expect(culture.state).toBe('escalated');
    await sleepUntil(plan.closesAt, 60_000);
    return { expected, final: await result(key) };
  })();

  const sofia = smtp.to('sofia.bergstrom@solna.example');
  const moved = sofia.filter((m) => m.subject.startsWith('Ny sista svarsdag'));
  expect(moved).toHaveLength(1);
  // Each unit's reminders and escalation at its own moments in the windows of its plan.
  const culture = unitTimes(final.expected, key, 'kultur-fritid');
  expect(sofia.filter((m) => m !== moved[0]).map((m) => m.date.toISOString())).toEqual([plan.opensAt, ...culture.reminderTimes]);
  // The calendar event of the request, moved by the later mail: same UID, a higher SEQUENCE, the new day.
  const events = [sofia[0]!, moved[0]!].map((m) => {
    const ics = m.mail.attachments.find((a) => a.contentType === 'text/calendar');
    expect(ics?.filename).toBe('sista-svarsdag.ics');
    const calendar = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    return new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  });
  expect(events[0]!.uid).toBe(`deadline.solna.annual-follow-up.${key.period}.kultur-fritid@policy-followup`);
  expect(events[1]!.uid).toBe(events[0]!.uid);
  expect(events[1]!.sequence).toBeGreaterThan(events[0]!.sequence);
  expect([events[0]!.startDate.toString(), events[1]!.startDate.toString()]).toEqual([plan.deadlineDate, final.expected.deadlineDate]);
  expect(events[0]!.startDate.isDate).toBe(true);
  expect(moved[0]!.mail.text).toContain(`Den nya sista svarsdagen är`);
  expect(smtp.to('johan.nyberg@solna.example').map((m) => m.date.toISOString())).toEqual([culture.escalationAt]);
  // Units on the original deadline were escalated at the original time.
  expect(smtp.to('lars.ekstrom@solna.example').map((m) => m.date.toISOString())).toEqual([unitTimes(plan, key, 'barn-utbildning').escalationAt]);
  // The exempt unit got the request and nothing after it.
  expect(smtp.to('karin.sandberg@solna.example')).toHaveLength(1);
  expect(smtp.to('eva.lundgren@solna.example')).toHaveLength(0);

  expect(final.final.report).toMatchObject({ asked: 5, answered: 0, exempt: 1 });
  const markdown = readFileSync(path.join(tw.archiveDir, final.final.report.markdown), 'utf8');
  expect(markdown).toContain('- Undantagna: Omsorgsförvaltningen');
  expect(markdown).toContain('Undantagna. Skäl: Verksamheten omorganiseras under året.');
});

test('SMTP refuses connections for days, across a reminder: afterwards every mail goes out, in order per recipient', async () => {
  // Three units and a first reminder four days after opening keep the hourly retries of a
  // multi-day outage few enough to run in seconds.
  const small = structuredClone(solna) as typeof solna & { units: typeof solna.units; obligations: typeof solna.obligations };
  small.units = solna.units.filter((u) => ['barn-utbildning', 'omsorg', 'miljo-byggnad'].includes(u.id));
  obligationOf(small, 'periodic-data-call').calendar.remindersBeforeDeadline = ['P27D'];
  const outageWorker = await createTestWorker(env, smtp.url, { configs: [small] });
  const { key } = newCycle();
  const plan = planCycle(obligationOf(small, 'periodic-data-call').calendar, obligation.period, key.period, zone);
  const downUntil = Date.parse(plan.reminderTimes[0]!) + 86_400_000;
  smtp.refuseConnections = async () => ((await env.currentTimeMs()) < downUntil ? { code: 421, message: 'Service not available, try later' } : undefined);
  smtp.refuseRecipient = (address) => (address === 'erik.andersson@solna.example' ? { code: 550, message: 'Mailbox unavailable' } : undefined);

  try {
    await startCycle(env.client, outageWorker.taskQueue, key, 'test');
    await sleepUntil(plan.opensAt, 2 * 86_400_000);
    expect(smtp.received).toHaveLength(0);
    expect(smtp.connectionAttempts).toBeGreaterThan(10);
    const waiting = await unitStatus(env.client, key, 'omsorg');
    expect(waiting.requestSentAt).toBeUndefined();
    // Visible while it lasts: put off, and tried again by itself.
    expect(waiting.mailProblems).toEqual([expect.objectContaining({ kind: 'request', address: 'karin.sandberg@solna.example', state: 'retrying', error: expect.stringContaining('421') })]);

    // The retry interval is capped at an hour: within two hours of the server's return, all is sent.
    await sleepUntil(new Date(downUntil).toISOString(), 2 * 3_600_000);
    await smtp.waitFor(4);
    const bounced = await unitStatus(env.client, key, 'miljo-byggnad');
    expect(bounced.mailProblems.map((p) => [p.kind, p.address, p.state, p.error.includes('550')])).toEqual([
      ['request', 'erik.andersson@solna.example', 'refused', true],
      ['reminder', 'erik.andersson@solna.example', 'refused', true],
    ]);
    // Once through, the put-off mails are no problem any more.
    expect((await unitStatus(env.client, key, 'omsorg')).mailProblems).toEqual([]);
    await closeCycle(env.client, key);
    await result(key);
  } finally {
    await outageWorker.stop();
  }
  for (const address of ['maria.johansson@solna.example', 'karin.sandberg@solna.example']) {
    const mails = smtp.to(address);
    // The request first, then the reminder that fell due during the outage.
    expect(mails.map((m) => m.subject.split(':')[0])).toEqual([expect.stringMatching(/^Årlig uppföljning/), 'Påminnelse 1']);
    expect(mails[0]!.date.toISOString()).toBe(plan.opensAt);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
  }
  expect(smtp.to('erik.andersson@solna.example')).toEqual([]);
});

test('a permanent 5xx is reported in the unit status and not retried', async () => {
  const { key, plan } = newCycle();
  smtp.refuseRecipient = (address) => (address === 'erik.andersson@solna.example' ? { code: 550, message: 'Mailbox unavailable' } : undefined);
  const closed = await (async () => {
    await startCycle(env.client, tw.taskQueue, key, 'test');
    await sleepUntil(plan.opensAt, 3_600_000);
    await smtp.waitFor(6);
    const status = await unitStatus(env.client, key, 'miljo-byggnad');
    expect(status.requestSentAt).toBeUndefined();
    expect(status.mailProblems).toEqual([
      { kind: 'request', sequence: 1, at: expect.stringMatching(plan.opensAt.slice(0, 16)), error: expect.stringContaining('550'), address: 'erik.andersson@solna.example', state: 'refused' },
    ]);
    expect(smtp.recipientAttempts.get('erik.andersson@solna.example')).toBe(1);
    await closeCycle(env.client, key);
    return result(key);
  })();
  const markdown = readFileSync(path.join(tw.archiveDir, closed.report.markdown), 'utf8');
  expect(markdown).toMatch(/Problem med e-post: förfrågan erik\.andersson@solna\.example: The mail server refused the mail permanently \(550\)/);
  expect(markdown).toContain('- E-post som inte kom fram: **erik.andersson@solna.example** (Miljö- och byggnadsförvaltningen, förfrågan)');
});

test("on New Year's night a deadline is checked against the organisation's date: at 00:30 in Stockholm 31 December has passed", async () => {
  const { key } = newCycle();
  const year = Number(key.period) + 1;
  // Started late, at 23:30 UTC on the last day of the year after its period: the cycle opens at once.
  await sleepUntil(`${year}-12-31T23:30:00Z`);
  await startCycle(env.client, tw.taskQueue, key, 'test');
  await smtp.waitFor(7);
  const passed = await extendDeadline(env.client, key, 'kultur-fritid', `${year}-12-31`).catch((e: unknown) => e);
  expect((passed as RejectedError).message).toBe(`${year}-12-31 har redan passerat.`);
  const extended = await extendDeadline(env.client, key, 'kultur-fritid', `${year + 1}-01-01`);
  expect(extended.deadlineDate >= `${year + 1}-01-01`).toBe(true);
  await closeCycle(env.client, key);
  await result(key);
});
