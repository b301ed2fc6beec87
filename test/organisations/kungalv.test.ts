/**
 * Kungälv's whole policy on the time-skipping server: the revision once per mandate period (the
 * period computed from the election calendar, the owner asked at its start, the decision
 * recorded), projects registered without a gate, and the tertial report to the democracy committee
 * and the executive board, whose compliance summary shows the revision.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { projectStatus, registerProject, submitGoals } from '../../client/projects';
import { readRegister } from '../../client/registers';
import { recordRevision, revisionStatus } from '../../client/revisions';
import { obligationOf } from '../../config/schema';
import { formatDate, mandatePeriodOn, planCycle } from '../../domain/calendar';
import { until } from '../helpers/environment';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('kungalv');

test('a mandate period of Kungälv: the revision asked at its start, a tertial report with the register, the decision recorded', async () => {
  const run = organisation();
  const { config, step } = run;
  const client = run.client;
  const tq = run.tw.taskQueue;
  const owner = 'sofia.wennerberg@kungalv.example';
  const secretariat = 'internationell.samordning@kungalv.example';
  const now = await run.now();
  const mandate = mandatePeriodOn(now.toISOString().slice(0, 10));

  await step('revision');
  // The schedule's workflow starts the revision of the mandate period that is running now.
  const kickoff = await client.workflow.execute('scheduledStartWorkflow', { taskQueue: tq, workflowId: 'followup/kungalv/policy-revision/run-test', args: [{ orgId: 'kungalv', obligationId: 'policy-revision' }] });
  expect(kickoff).toEqual({ workflowId: `revision/kungalv/policy-revision/${mandate.id}`, outcome: 'started' });
  // Asked a month after 15 October; that has passed if the test runs late in the year, so at once.
  const askAt = Date.parse(`${mandate.start}T00:00:00+02:00`) + 31 * 86_400_000;
  if (now.getTime() < askAt) await run.skipTo(new Date(askAt).toISOString(), 86_400_000);
  const request = await run.mailTo(owner, new RegExp(`^Dags att revidera: Revidering av den internationella policyn \\(${mandate.id}\\)$`));
  expect(request.mail.text).toContain(`Den ska revideras under perioden ${mandate.id}, med beslut senast 15 oktober ${Number(mandate.start.slice(0, 4)) + 3}.`);
  const asked = await revisionStatus(client, 'kungalv', 'policy-revision', mandate.id);
  expect(asked.state).toBe('requested');
  expect(asked.dueDate.startsWith(String(Number(mandate.start.slice(0, 4)) + 3))).toBe(true);

  await step('project without a gate');
  // Kungälv's policy has no gate: a registered project is on the register, nobody is asked for goals.
  const year = Number(mandate.start.slice(0, 4)) + 1;
  await registerProject(client, tq, config, {
    id: 'nordplus-vuxen',
    title: 'Nordplus Vuxen',
    unitId: 'sektor-utbildning',
    owner: { name: 'Per Ägare', email: 'per.agare@kungalv.example' },
    plannedStart: `${year}-02-01`,
    plannedEnd: `${year}-12-31`,
    partners: ['Tønsberg'],
    euFunded: false,
  });
  const project = await projectStatus(client, 'kungalv', 'nordplus-vuxen');
  expect(project.state).toBe('registered');
  await expect(submitGoals(client, 'kungalv', 'nordplus-vuxen', { purpose: 'x' })).rejects.toThrow(/Inga mål efterfrågas/);

  await step('tertial report');
  const key = { orgId: 'kungalv', obligationId: 'tertial-report', period: `${year}-T1` };
  expect((await startCycle(client, tq, key, 'test')).outcome).toBe('started');
  const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'tertial', `${year}-T1`, 'Europe/Stockholm');
  // T1 ends 30 April; the opening day after it is 1 May, a public holiday, so the call opens later.
  expect(plan.opensAt.slice(0, 10) > `${year}-05-01`).toBe(true);
  await run.skipTo(plan.opensAt, 60_000);
  const ask = await run.mailTo('emma.lindgren@kungalv.example', new RegExp(`^Återrapportering av det internationella samarbetet ${year}-T1 – Sektor utbildning`));
  expect(ask.mail.text).toContain('Nordplus Vuxen');
  // Jelena reads English.
  await run.mailTo('jelena.petrovic@kungalv.example', new RegExp(`^Report on international cooperation ${year}-T1`));
  await submitAnswer(client, key, 'sektor-utbildning', { projects: 'Nordplus Vuxen med Tønsberg.', results: 'Två lärarutbyten.' }, 'contact');
  await submitAnswer(client, key, 'sektor-omsorg', { projects: 'Inga.', results: 'Inga.' }, 'contact');
  // The owner is reminded every six months while the decision is missing.
  await run.skipTo(`${year}-05-17T12:00:00+02:00`);
  await run.mailTo(owner, /^Påminnelse: revidering av Revidering av den internationella policyn/);
  await closeCycle(client, key, 'test');
  const delivered = await run.mailTo('demokratiberedningen@kungalv.example', new RegExp(`^Rapport: Återrapportering av det internationella samarbetet ${year}-T1$`));
  expect(delivered.mail.attachments).toHaveLength(3);
  await run.mailTo('ks@kungalv.example', new RegExp(`^Rapport: Återrapportering av det internationella samarbetet ${year}-T1$`));
  const report = readFileSync(path.join(run.tw.archiveDir, `kungalv/tertial-report/kungalv-tertial-report-${year}-T1.md`), 'utf8');
  expect(report).toContain('- Svar: **2** / 3');
  expect(report).toContain(`- Revidering av policyn: ${mandate.id}: begärd, väntar på beslut, senast ${formatDate(asked.dueDate, 'Europe/Stockholm', 'sv')}`);
  expect(report).toMatch(/### Andra internationella projekt\n\n- Nordplus Vuxen \(Sektor utbildning, kultur och fritid, \d{4}-02-01, pågående\) – Tønsberg/);

  await step('decision');
  await expect(recordRevision(client, 'kungalv', 'policy-revision', mandate.id, { decidedOn: `${year}-06-15`, body: 'Kommunfullmäktige', paragraph: '', outcome: 'revised' })).rejects.toThrow(/paragraph/i);
  await recordRevision(client, 'kungalv', 'policy-revision', mandate.id, { decidedOn: `${year}-06-15`, body: 'Kommunfullmäktige', paragraph: `§ 88/${year}`, outcome: 'revised' });
  const recorded = await run.mailTo(secretariat, /^Revidering registrerad: Revidering av den internationella policyn/);
  expect(recorded.mail.text).toContain(`Kommunfullmäktige 15 juni ${year}, § 88/${year}. Policyn reviderades.`);
  await run.mailTo(owner, /^Revidering registrerad: Revidering av den internationella policyn/);
  // Refused either by the revision itself or, once it has finished its period's work, as ended.
  await expect(recordRevision(client, 'kungalv', 'policy-revision', mandate.id, { decidedOn: `${year}-06-16`, body: 'Kommunfullmäktige', paragraph: `§ 89/${year}`, outcome: 'revised' })).rejects.toThrow(/is already recorded \(§ 88\/\d{4}\)|^The revision \d{4}-\d{4} has already ended/);
  // The register hears of the decision by a signal; it may take a moment to apply it.
  const register = await until(async () => {
    const contents = await readRegister(client, 'kungalv');
    return contents.revisions[0]?.state === 'decided' ? contents : undefined;
  }, 'the register to show the decision');
  expect(register.revisions).toEqual([expect.objectContaining({ periodId: mandate.id, state: 'decided', decision: expect.objectContaining({ paragraph: `§ 88/${year}` }) })]);
  // Nobody was escalated: the decision came before its due day.
  expect(run.subjects('ks@kungalv.example').some((s) => s.startsWith('Försenad revidering'))).toBe(false);
});
