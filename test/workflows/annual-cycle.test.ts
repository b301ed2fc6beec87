/**
 * A whole year of Solna's annual follow-up on the time-skipping server: six units, four answer on
 * time, one after the second reminder, one never and is escalated to its head.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startCycle, submitAnswer, cycleStatus } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { unitTimes } from '../../domain/spread';
import type { CycleKey } from '../../domain/ids';
import type { CycleResult } from '../../domain/types';
import { createTestWorker, skipTo, SOLNA_CONFIG, timeSkippingServer, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const solna = loadConfigFile(SOLNA_CONFIG);
const obligation = obligationOf(solna, 'periodic-data-call');
// A period whose cycle lies ahead of the server's clock, whatever year the suite runs in.
const period = String(new Date().getUTCFullYear() + 1);
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period };
const plan = planCycle(obligation.calendar, obligation.period, period, solna.organisation.timeZone);

const answer = (unit: string) => ({
  eu_projects: `${unit}: Interreg Baltic Sea Region "Smart Cities" (pågående), Erasmus+ ansökan inlämnad.`,
  other_work: `${unit}: Studiebesök i Tallinn; deltagande i Eurocities.`,
  effects: `${unit}: Nya arbetssätt för medborgardialog.`,
  reported_to_board: true,
});

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

const sleepUntil = (iso: string, plusMs = 0) => skipTo(env, iso, plusMs);

const subjectsOf = (address: string) => smtp.to(address).map((m) => `${m.language}: ${m.subject}`);

test('a whole year: requests, reminders, escalation, receipts and the report to the council', async () => {
  const result: CycleResult = await (async () => {
    const started = await startCycle(env.client, tw.taskQueue, key, 'test');
    expect(started.outcome).toBe('started');

    await sleepUntil(plan.opensAt, 60_000);
    await smtp.waitFor(7); // six units, one with two contact persons

    for (const unit of ['barn-utbildning', 'kultur-fritid', 'omsorg', 'tekniska']) {
      await submitAnswer(env.client, key, unit, answer(unit), 'contact');
    }
    await smtp.waitFor(7 + 5);

    // The English-speaking contact answers after the second reminder (each unit's comes at its own moment in the window).
    await sleepUntil(plan.spreadUntil!.reminders[1]!, 60_000);
    await smtp.waitFor(12 + 4); // two reminders each to two units
    await submitAnswer(env.client, key, 'socialforvaltningen', answer('socialforvaltningen'), 'contact');
    await smtp.waitFor(17);

    const midway = await cycleStatus(env.client, key);
    expect(Object.fromEntries(midway.units.map((u) => [u.unitId, u.state]))).toEqual({
      'barn-utbildning': 'answered',
      'kultur-fritid': 'answered',
      omsorg: 'answered',
      socialforvaltningen: 'answered',
      'miljo-byggnad': 'requested',
      tekniska: 'answered',
    });

    return env.client.workflow.getHandle(`cycle/solna/annual-follow-up/${period}`).result();
  })();

  // Each person got exactly these mails, in this order and language.
  for (const address of ['maria.johansson@solna.example', 'sofia.bergstrom@solna.example', 'karin.sandberg@solna.example', 'mikael.oberg@solna.example', 'linnea.dahl@solna.example']) {
    const subjects = subjectsOf(address);
    expect(subjects).toHaveLength(2);
    expect(subjects[0]).toMatch(/^sv: Årlig uppföljning av internationell policy \d{4} – /);
    expect(subjects[1]).toMatch(/^sv: Kvitto: Årlig uppföljning/);
  }
  expect(subjectsOf('ahmed.hassan@solna.example')).toEqual([
    `en: Annual follow-up of the international policy ${period} – Social Services Department`,
    `en: Reminder 1: Annual follow-up of the international policy ${period} – Social Services Department`,
    `en: Reminder 2: Annual follow-up of the international policy ${period} – Social Services Department`,
    `en: Receipt: Annual follow-up of the international policy ${period} – Social Services Department`,
  ]);
  expect(subjectsOf('erik.andersson@solna.example')).toEqual([
    `sv: Årlig uppföljning av internationell policy ${period} – Miljö- och byggnadsförvaltningen`,
    `sv: Påminnelse 1: Årlig uppföljning av internationell policy ${period} – Miljö- och byggnadsförvaltningen`,
    `sv: Påminnelse 2: Årlig uppföljning av internationell policy ${period} – Miljö- och byggnadsförvaltningen`,
    `sv: Påminnelse 3: Årlig uppföljning av internationell policy ${period} – Miljö- och byggnadsförvaltningen`,
  ]);
  expect(subjectsOf('helena.forsberg@solna.example')).toEqual([`sv: Svar saknas: Årlig uppföljning av internationell policy ${period} – Miljö- och byggnadsförvaltningen`]);
  for (const head of ['lars.ekstrom@solna.example', 'johan.nyberg@solna.example', 'eva.lundgren@solna.example', 'ingrid.wallin@solna.example', 'gunnar.sjoberg@solna.example']) {
    expect(subjectsOf(head)).toEqual([]);
  }
  // The secretariat is copied on the escalation and gets the report, like the council and the committee.
  expect(subjectsOf('internationella.sekretariatet@solna.example')).toEqual([
    `sv: Svar saknas: Årlig uppföljning av internationell policy ${period} – Miljö- och byggnadsförvaltningen`,
    `sv: Rapport: Uppföljning av Solna stads internationella policy ${period}`,
  ]);
  for (const body of ['kf.sekreterare@solna.example', 'int.kommitten@solna.example']) {
    const [delivery, ...rest] = smtp.to(body);
    expect(rest).toEqual([]);
    expect(delivery!.subject).toBe(`Rapport: Uppföljning av Solna stads internationella policy ${period}`);
    expect(delivery!.mail.attachments.map((a) => a.filename)).toEqual([`solna-annual-follow-up-${period}.pdf`, `solna-annual-follow-up-${period}.docx`, `solna-annual-follow-up-${period}.html`]);
  }

  // Mail dates follow the calendar: the request on the opening day, the reminders before the deadline,
  // each at the unit's own moment in its window.
  const erik = smtp.to('erik.andersson@solna.example');
  const own = unitTimes(plan, key, 'miljo-byggnad');
  expect(erik.map((m) => m.date.toISOString())).toEqual([plan.opensAt, ...own.reminderTimes]);
  expect(new Date(smtp.to('helena.forsberg@solna.example')[0]!.date).toISOString()).toBe(own.escalationAt);
  // The request lists the questions and the deadline in the reader's language.
  const request = smtp.to('maria.johansson@solna.example')[0]!.mail.text ?? '';
  expect(request).toContain('1. Pågående EU-projekt, andra internationella projekt och inlämnade ansökningar (obligatorisk)');
  expect(request).toMatch(/senast \d{1,2} februari \d{4}/);

  // The report: every answer, who answered when, and who did not.
  expect(result.report).toMatchObject({ asked: 6, answered: 5, exempt: 0 });
  const markdown = readFileSync(path.join(tw.archiveDir, result.report.markdown), 'utf8');
  const html = readFileSync(path.join(tw.archiveDir, result.report.html), 'utf8');
  expect(result.report.markdown).toBe(`solna/annual-follow-up/solna-annual-follow-up-${period}.md`);
  // Answering after the second reminder is still before the deadline: on time.
  expect(markdown).toContain('- Svar: **5** / 6 (83 %; 5 i tid, 0 sent)');
  expect(markdown).toContain('- Har inte svarat: **Miljö- och byggnadsförvaltningen**');
  for (const unit of ['barn-utbildning', 'kultur-fritid', 'omsorg', 'tekniska', 'socialforvaltningen']) {
    expect(markdown).toContain(`> ${unit}: Interreg Baltic Sea Region "Smart Cities" (pågående), Erasmus+ ansökan inlämnad.`);
    expect(html).toContain(`${unit}: Nya arbetssätt för medborgardialog.`);
  }
  expect(markdown).toMatch(/### Socialförvaltningen\n\n_Svarade \d{1,2} februari \d{4} \d\d:\d\d · Registrerat av kontaktpersonen · version 1_/);
  expect(html).toContain('<span class="missing">Miljö- och byggnadsförvaltningen</span>');
  expect(html).toContain('Eskalerad till förvaltningschef');
});
