/**
 * Vilhelmina's gender equality plan (an equality policy, modelled by configuration alone) over
 * two years on the time-skipping server: active measures area by area, shares and counts with
 * their bounds, a confirmation that the previous plan was followed up; the second year's report
 * reads question by question with the first year beside it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { AnswerValues } from '../../domain/types';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('vilhelmina-jamstalldhet');
const AREAS = ['arbetsforhallanden', 'arbetsliv-och-foraldraskap', 'trakasserier', 'kompetensutveckling-och-rekrytering', 'lonefragor'];

function answer(unit: string, progress: string, managers: number, reports: number): AnswerValues {
  const values: AnswerValues = { women_share_managers: managers, women_share_employees: 70, harassment_reports: reports, previous_plan_followed_up: true };
  for (const area of AREAS) {
    values[`area.${area}.actions`] = `${unit}: ${area}`;
    values[`area.${area}.progress`] = progress;
    if (progress === 'not-started') values[`area.${area}.obstacles`] = 'Ingen tid avsatt.';
  }
  return values;
}

test('Vilhelmina: two years of the gender equality plan, the report by area with the year before', async () => {
  const run = organisation();
  const { config, client, step } = run;
  const tq = run.tw.taskQueue;
  const dataCall = obligationOf(config, 'periodic-data-call');
  const first = (await run.now()).getUTCFullYear() + 1;
  const key = (year: number) => ({ orgId: 'vilhelmina-jamstalldhet', obligationId: dataCall.id, period: String(year) });
  const plan = (year: number) => planCycle(dataCall.calendar, dataCall.period, String(year), config.organisation.timeZone);

  await step(`follow-up ${first}`);
  await startCycle(client, tq, key(first), 'test');
  await run.skipTo(plan(first).opensAt, 60_000);
  const ask = await run.mailTo('sara.holmgren@vilhelmina.example', new RegExp(`^Årlig uppföljning av jämställdhetsplanen ${first} – Utbildningsförvaltningen$`));
  expect(ask.mail.text).toContain('uppföljning av jämställdhetsplanen');
  expect(ask.mail.text).toContain('== Aktiva åtgärder per område: Lönefrågor ==');
  // The person who reads English gets the questions in English.
  const english = await run.mailTo('amira.khalil@vilhelmina.example', new RegExp(`^Annual follow-up of the gender equality plan ${first} – Social Services Department$`));
  expect(english.mail.text).toContain('== Active measures by area: Pay ==');
  // Bounds, whole numbers, the confirmation, and "required if not started".
  const bad: AnswerValues = { ...answer('utb', 'not-started', 120, 1), harassment_reports: 1.5, previous_plan_followed_up: false };
  delete bad['area.lonefragor.obstacles'];
  await expect(submitAnswer(client, key(first), 'utbildningsforvaltningen', bad, 'contact')).rejects.toThrow(
    /Aktiva åtgärder per område: Lönefrågor – Varför har arbetet inte påbörjats, och vad behövs\?: måste fyllas i\..*Andel kvinnor bland förvaltningens chefer .*: får inte vara större än 100\..*ska vara ett heltal\..*bygger på den uppföljningen: måste bekräftas/,
  );
  await submitAnswer(client, key(first), 'utbildningsforvaltningen', answer('utb', 'not-started', 40, 1), 'contact');
  await submitAnswer(client, key(first), 'socialforvaltningen', answer('soc', 'started', 60, 3), 'contact');
  await closeCycle(client, key(first), 'test');
  await run.mailTo('ks@vilhelmina.example', new RegExp(`^Rapport: Uppföljning av jämställdhetsplanen för Vilhelmina kommun ${first}$`));

  await step(`follow-up ${first + 1}`);
  await startCycle(client, tq, key(first + 1), 'test');
  await run.skipTo(plan(first + 1).opensAt, 60_000);
  await run.mailTo('sara.holmgren@vilhelmina.example', new RegExp(`^Årlig uppföljning av jämställdhetsplanen ${first + 1}`));
  await submitAnswer(client, key(first + 1), 'utbildningsforvaltningen', answer('utb', 'partly-done', 45, 0), 'contact');
  await submitAnswer(client, key(first + 1), 'socialforvaltningen', answer('soc', 'largely-done', 62, 2), 'contact');
  await submitAnswer(client, key(first + 1), 'miljo-och-bygg', answer('mob', 'started', 50, 0), 'contact');
  await closeCycle(client, key(first + 1), 'test');
  await run.mailTo('ks@vilhelmina.example', new RegExp(`^Rapport: Uppföljning av jämställdhetsplanen för Vilhelmina kommun ${first + 1}$`));

  const report = readFileSync(path.join(run.tw.archiveDir, `vilhelmina-jamstalldhet/annual-follow-up/vilhelmina-jamstalldhet-annual-follow-up-${first + 1}.md`), 'utf8');
  expect(report).toContain(`- Svar: **3** / 4 (75 %; 3 i tid, 0 sent) · Föregående period ${first}: 2 / 4 (50 %)`);
  const pay = report.slice(report.indexOf('### Aktiva åtgärder per område: Lönefrågor'), report.indexOf('### Andel kvinnor bland förvaltningens chefer'));
  expect(pay).toContain('| Utbildningsförvaltningen | utb: lonefragor | utb: lonefragor |');
  expect(pay).toContain('| Miljö- och byggkontoret | mob: lonefragor | – |');
  expect(pay).toMatch(/\| Inte påbörjat \| 0 \| 0 % \| 1 \(50 %\) \|/);
  expect(pay).toMatch(/\| Delvis genomfört \| 1 \| 33 % \| 0 \(0 %\) \|/);
  // Numbers summed and averaged; the confirmation tallied.
  expect(report).toContain('Summa: **2** · Medelvärde: 0,7 (3 svar)');
  expect(report).toMatch(/\| Bekräftat \| 3 \| 100 % \| 2 \(100 %\) \|/);
});
