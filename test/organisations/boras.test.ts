/**
 * Borås's whole policy on the time-skipping server: the yearly follow-up of international
 * activities (one company never answers and its head is told), and the revision by a set date:
 * the owner asked from the start date, reminded every three months, the executive board told
 * when the date has passed without a decision, and the decision recorded afterwards.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { readRegister } from '../../client/registers';
import { recordRevision, revisionStatus } from '../../client/revisions';
import { obligationOf } from '../../config/schema';
import { planCycle, planRevision } from '../../domain/calendar';
import { until } from '../helpers/environment';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('boras');

const answer = (unit: string) => ({
  'activities.projects.took_part': true,
  'activities.projects.which': `${unit}: Erasmus+ KA1`,
  'activities.projects.results': 'Nya arbetssätt i verksamheten.',
  'activities.networks.took_part': true,
  'activities.networks.which': 'Eurocities',
  'activities.networks.results': 'Kontakter med fem städer.',
  'activities.conferences.took_part': false,
  'activities.benchmarking.took_part': unit !== 'miljoforvaltningen',
  ...(unit !== 'miljoforvaltningen' ? { 'activities.benchmarking.which': 'Studiebesök i Tammerfors', 'activities.benchmarking.results': 'En ny modell för skolmåltider.' } : {}),
  goals_met: unit === 'forskoleforvaltningen' ? 'fully' : 'largely',
});

test('Borås: the follow-up of international activities and the revision due by 31 December 2027', async () => {
  const run = organisation();
  const { config, step } = run;
  const client = run.client;
  const tq = run.tw.taskQueue;
  const owner = 'karin.lindahl@boras.example';
  const secretariat = 'internationell.samordnare@boras.example';
  const revision = obligationOf(config, 'revision');
  const periodId = 'by-2027-12-31';
  const plan = planRevision(revision.rule, periodId, revision.remindEvery, revision.sendTime, 'Europe/Stockholm');
  expect(plan.reminderTimes.map((t) => t.slice(0, 7))).toEqual(['2027-04', '2027-07', '2027-10']);
  // "No later than 31 December": New Year's Eve is not a working day, so it is due the day before, not in 2028.
  expect(plan.dueDate).toBe('2027-12-30');

  await step('revision started by its schedule');
  const kickoff = await client.workflow.execute('scheduledStartWorkflow', { taskQueue: tq, workflowId: 'followup/boras/policy-revision/run-test', args: [{ orgId: 'boras', obligationId: 'policy-revision' }] });
  expect(kickoff).toEqual({ workflowId: `revision/boras/policy-revision/${periodId}`, outcome: 'started' });

  await step('follow-up 2026');
  const key = { orgId: 'boras', obligationId: 'international-activities', period: '2026' };
  expect((await startCycle(client, tq, key, 'test')).outcome).toBe('started');
  const cycle = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
  await run.skipTo(cycle.opensAt, 60_000);
  const ask = await run.mailTo('elin.gustafsson@boras.example', /^Uppföljning av internationella aktiviteter 2026 – Förskoleförvaltningen$/);
  // Each activity type is a group of its own in the mail, answered on its own.
  expect(ask.mail.text).toContain('== Aktiviteter: Benchmarking, studiebesök och utbyten utanför Sverige ==');
  expect(ask.mail.text!.match(/Vad har de lett fram till\?/g)).toHaveLength(4);
  for (const unit of ['forskoleforvaltningen', 'grundskoleforvaltningen', 'miljoforvaltningen']) await submitAnswer(client, key, unit, answer(unit), 'contact');

  // Asked from 15 January 2027, the same week the follow-up opens.
  await run.skipTo(plan.askAt, 60_000);
  const request = await run.mailTo(owner, /^Dags att revidera: Revidering av den internationella policyn \(senast 30 december 2027\)$/);
  expect(request.mail.text).toContain('Den ska revideras med beslut senast 30 december 2027.');
  expect(request.mail.text).toContain('Kommunstyrelsen Fastställer övergripande prioriteringar');

  // Past the end of the escalation's window: every unit's has come.
  await run.skipTo(cycle.spreadUntil!.escalation, 3_600_000);
  const escalation = await run.mailTo('annika.falk@borasem.example', /^Svar saknas: Uppföljning av internationella aktiviteter 2026 – Borås Energi och Miljö AB$/);
  expect(escalation.mail.text).toContain('Jonas Wikström');
  expect(run.subjects('jonas.wikstrom@borasem.example').filter((s) => s.startsWith('Påminnelse'))).toHaveLength(2);
  await closeCycle(client, key, 'test');
  const delivered = await run.mailTo('ks@boras.example', /^Rapport: Uppföljning av internationella aktiviteter 2026$/);
  expect(delivered.mail.attachments.map((a) => a.filename)).toEqual(['boras-international-activities-2026.pdf', 'boras-international-activities-2026.docx', 'boras-international-activities-2026.html']);
  const report = readFileSync(path.join(run.tw.archiveDir, 'boras/international-activities/boras-international-activities-2026.md'), 'utf8');
  expect(report).toContain('- Svar: **3** / 4 (75 %');
  // The council reads each activity type's results side by side, and the tallies of the yes/no and scale questions.
  expect(report).toContain('### Aktiviteter: Benchmarking, studiebesök och utbyten utanför Sverige');
  expect(report).toMatch(/\| Ja \| 2 \| 67 % \|\n\| Nej \| 1 \| 33 % \|/);
  expect(report).toContain('| Grundskoleförvaltningen | En ny modell för skolmåltider. |');
  expect(report).toMatch(/\| Till stor del \| 2 \| 67 % \|/);
  expect(report).toContain('- Har inte svarat: **Borås Energi och Miljö AB**');
  expect(report).toContain('- Revidering av policyn: senast 30 december 2027: begärd, väntar på beslut');

  await step('revision overdue');
  await run.skipTo(plan.dueAt, 3_600_000);
  const overdue = await run.mailTo('ks@boras.example', /^Försenad revidering: Revidering av den internationella policyn \(senast 30 december 2027\)$/);
  expect(overdue.mail.cc).toMatchObject({ value: expect.arrayContaining([expect.objectContaining({ address: secretariat }), expect.objectContaining({ address: owner })]) });
  for (const copyHolder of [secretariat, owner]) await run.mailTo(copyHolder, /^Försenad revidering: Revidering av den internationella policyn \(senast 30 december 2027\)$/);
  expect(overdue.mail.text).toContain('Karin Lindahl');
  expect(run.subjects(owner).filter((s) => s.startsWith('Påminnelse: revidering'))).toHaveLength(3);
  expect((await revisionStatus(client, 'boras', 'policy-revision', periodId)).state).toBe('overdue');

  await step('decision');
  await recordRevision(client, 'boras', 'policy-revision', periodId, { decidedOn: '2028-02-26', body: 'Kommunfullmäktige', paragraph: '§ 41/2028', outcome: 'confirmed' });
  const recorded = await run.mailTo(secretariat, /^Revidering registrerad: Revidering av den internationella policyn/);
  expect(recorded.mail.text).toContain('§ 41/2028');
  // The register hears of the decision by a signal; it may take a moment to apply it.
  const register = await until(async () => {
    const contents = await readRegister(client, 'boras');
    return contents.revisions[0]?.state === 'decided' ? contents : undefined;
  }, 'the register to show the decision');
  expect(register.revisions).toEqual([expect.objectContaining({ periodId, state: 'decided', dueDate: '2027-12-30' })]);
});
