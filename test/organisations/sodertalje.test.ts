/**
 * Södertälje's whole policy on the time-skipping server: the mandatory EU-funding check before a
 * project starts, the international office's yearly work plan (asked of the office only) and the
 * yearly reporting on EU work from every office and company, with reminders and an escalation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { recordGoals } from '../../client/yearly-goals';
import { approveGoals, projectStatus, registerProject, submitGoals } from '../../client/projects';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('sodertalje');

test('Södertälje: EU-funding check before start, the work plan and the EU reporting of offices and companies', async () => {
  const run = organisation();
  const { config, step } = run;
  const client = run.client;
  const tq = run.tw.taskQueue;
  const secretariat = 'internationella.kontoret@sodertalje.example';
  const year = (await run.now()).getUTCFullYear() + 1;
  const dataCalls = config.obligations.filter((o) => o.kind === 'periodic-data-call');
  const calendarOf = (id: string) => {
    const call = dataCalls.find((o) => o.id === id)!;
    return planCycle(call.calendar, 'annual', String(year - 1), 'Europe/Stockholm');
  };

  await step('EU-funding check');
  await registerProject(client, tq, config, {
    id: 'telge-solpark',
    title: 'Solpark Glasberga',
    unitId: 'telge-energi',
    owner: { name: 'Oskar Lund', email: 'oskar.lund@telge.example' },
    plannedStart: `${year}-04-01`,
    partners: [],
    euFunded: false,
  });
  const asked = await run.mailTo('oskar.lund@telge.example', /^Mål före start: Solpark Glasberga$/);
  expect(asked.mail.text).toContain('2. Möjligheten till EU-finansiering har undersökts (obligatorisk)');
  expect(asked.mail.text).toContain(obligationOf(config, 'gate-before-start').source.slice(0, 40));
  await expect(submitGoals(client, 'sodertalje', 'telge-solpark', { purpose: 'Solel till fjärrvärmen.', eu_funding_checked: true })).rejects.toThrow(/Resultat av undersökningen/);
  await submitGoals(client, 'sodertalje', 'telge-solpark', { purpose: 'Solel till fjärrvärmen.', eu_funding_checked: true, eu_funding_result: 'LIFE Clean Energy 2027 passar inte: projektet är för litet.' });
  const review = await run.mailTo(secretariat, /^Att granska: mål för Solpark Glasberga$/);
  expect(review.mail.text).toContain('LIFE Clean Energy 2027 passar inte');
  await approveGoals(client, 'sodertalje', 'telge-solpark');
  await run.mailTo('oskar.lund@telge.example', /^Godkänt: mål för Solpark Glasberga$/);

  await step("the council's goals for the year");
  // Recorded as decided in Mål och Budget; the EU reporting of the year asks each unit about each goal.
  const goals = [
    { id: 'eu-ansokningar', label: 'Fler ansökningar om EU-finansiering' },
    { id: 'utbyten', label: 'Fler medarbetare i internationella utbyten' },
  ];
  await recordGoals(client, tq, config, undefined, year - 1, { decidedOn: `${year - 2}-11-24`, body: 'Kommunfullmäktige', paragraph: '§ 140', goals }, 'test');
  await expect(recordGoals(client, tq, config, undefined, year - 1, { decidedOn: `${year - 2}-11-24`, body: 'Kommunfullmäktige', paragraph: '§ 141', goals })).rejects.toThrow(/already recorded/);
  await run.mailTo(secretariat, new RegExp(`^Mål registrerade för ${year - 1}: Kommunfullmäktiges mål för det internationella arbetet$`));

  await step('work plan and EU reporting');
  const workPlan = { orgId: 'sodertalje', obligationId: 'work-plan', period: String(year - 1) };
  const euReporting = { orgId: 'sodertalje', obligationId: 'eu-reporting', period: String(year - 1) };
  expect((await startCycle(client, tq, workPlan, 'test')).outcome).toBe('started');
  expect((await startCycle(client, tq, euReporting, 'test')).outcome).toBe('started');

  await run.skipTo(calendarOf('work-plan').opensAt, 60_000);
  const planRequest = await run.mailTo('amira.khalil@sodertalje.example', new RegExp(`^Internationella kontorets arbetsplan och uppföljning ${year - 1} – Internationella kontoret$`));
  expect(planRequest.mail.text).toContain('Arbetsplan för det kommande året');
  await submitAnswer(client, workPlan, 'internationella-kontoret', { evaluation: 'Åtta av tio aktiviteter genomförda.', work_plan: 'Fokus på EU-ansökningar och nätverk.', eu_work: 'Tre ansökningar inlämnade.' }, 'contact');

  const eu = calendarOf('eu-reporting');
  await run.skipTo(eu.opensAt, 60_000);
  await run.mailTo('nikolaos.papadopoulos@sodertalje.example', new RegExp(`^Reporting on EU work from offices and companies ${year - 1} – Education Office$`));
  const energy = await run.mailTo('oskar.lund@telge.example', new RegExp(`^Rapportering om EU-arbetet från kontor och bolag ${year - 1} – Telge Energi AB$`));
  expect(energy.mail.text).toContain(`- Solpark Glasberga (projekt/project, ${year}-04-01)`);
  expect(energy.mail.text).toContain('== Kommunfullmäktiges mål för året: Fler ansökningar om EU-finansiering ==');
  // The work plan is the office's alone: nobody else was asked for it.
  for (const unit of config.units.filter((u) => u.id !== 'internationella-kontoret')) {
    expect(run.subjects(unit.contacts[0]!.email).filter((s) => s.includes('arbetsplan') || s.includes('work plan'))).toEqual([]);
  }
  for (const unit of ['internationella-kontoret', 'stadsbyggnadskontoret', 'utbildningskontoret', 'telge-energi']) {
    await submitAnswer(
      client,
      euReporting,
      unit,
      {
        'goals.eu-ansokningar.done': `${unit}: två ansökningar till Interreg`,
        'goals.eu-ansokningar.reached': unit === 'telge-energi' ? 'reached' : 'started',
        'goals.utbyten.done': 'Jobbskuggning i Tammerfors',
        'goals.utbyten.reached': 'largely',
        eu_projects: 'Se registret.',
        funding_checked: true,
        needs: '',
      },
      'contact',
    );
  }
  // Past the end of the escalation's window: every unit's has come.
  await run.skipTo(eu.spreadUntil!.escalation, 3_600_000);
  const escalation = await run.mailTo('fredrik.aberg@telge.example', new RegExp(`^Svar saknas: Rapportering om EU-arbetet från kontor och bolag ${year - 1} – Telge Bostäder AB$`));
  expect(escalation.mail.text).toContain('Sara Nilsson');
  expect(run.subjects('sara.nilsson@telge.example').filter((s) => s.startsWith('Påminnelse'))).toHaveLength(3);

  await step('reports');
  await closeCycle(client, workPlan, 'test');
  await closeCycle(client, euReporting, 'test');
  const planReport = await run.mailTo('ks@sodertalje.example', new RegExp(`^Rapport: Internationella kontorets arbetsplan och uppföljning ${year - 1}$`));
  expect(planReport.envelopeTo).not.toContain('kf@sodertalje.example');
  const euDelivered = await run.mailTo('kf@sodertalje.example', new RegExp(`^Rapport: Rapportering om EU-arbetet från kontor och bolag ${year - 1}$`));
  expect(euDelivered.mail.attachments.map((a) => a.filename)).toEqual([`sodertalje-eu-reporting-${year - 1}.pdf`, `sodertalje-eu-reporting-${year - 1}.docx`, `sodertalje-eu-reporting-${year - 1}.html`]);
  await run.mailTo('ks@sodertalje.example', new RegExp(`^Rapport: Rapportering om EU-arbetet från kontor och bolag ${year - 1}$`));
  const archive = (id: string) => readFileSync(path.join(run.tw.archiveDir, `sodertalje/${id}/sodertalje-${id}-${year - 1}.md`), 'utf8');
  expect(archive('work-plan')).toContain('- Svar: **1** / 1');
  const euReport = archive('eu-reporting');
  expect(euReport).toContain('- Svar: **4** / 5');
  expect(euReport).toContain('- Har inte svarat: **Telge Bostäder AB**');
  expect(euReport).toContain('- Projekt som startat utan godkända mål: 0');
  expect(euReport).toContain(`- Kommunfullmäktiges internationella mål ${year - 1}: 2 mål (Kommunfullmäktige ${year - 2}-11-24 § 140)`);
  expect(euReport).toContain('### Kommunfullmäktiges mål för året: Fler ansökningar om EU-finansiering');
  expect(euReport).toMatch(/\| Påbörjat \| 3 \| 75 % \|\n\| Till stor del \| 0 \| 0 % \|\n\| Uppnått \| 1 \| 25 % \|/);
  expect((await projectStatus(client, 'sodertalje', 'telge-solpark')).state).toBe('approved');
});
