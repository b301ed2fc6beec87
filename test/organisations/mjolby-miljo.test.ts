/**
 * Mjölby's energy and climate strategy (an environmental policy, modelled by configuration
 * alone) over two years on the time-skipping server: each committee answers focus area by focus
 * area; the second year's report reads question by question, with the first year beside it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { AnswerValues } from '../../domain/types';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('mjolby-miljo');
const AREAS = ['energianvandning-geografiskt', 'solel-geografiskt', 'kommunala-fastigheter', 'fossilfria-transporter', 'upphandling'];

/** A committee with actions in some areas, at some progress, and its procurements with climate requirements. */
function answer(unit: string, progress: string, procurements: number, withActions: string[]): AnswerValues {
  const values: AnswerValues = { procurements_with_requirements: procurements, treated_by_committee: false };
  for (const area of AREAS) {
    const has = withActions.includes(area);
    values[`focus_area.${area}.has_actions`] = has;
    if (has) {
      values[`focus_area.${area}.done`] = `${unit}: åtgärder inom ${area}`;
      values[`focus_area.${area}.progress`] = progress;
    }
  }
  return values;
}

test('Mjölby: two years of the energy and climate strategy, the report by focus area with the year before', async () => {
  const run = organisation();
  const { config, client, step } = run;
  const tq = run.tw.taskQueue;
  const dataCall = obligationOf(config, 'periodic-data-call');
  const first = (await run.now()).getUTCFullYear() + 1;
  const periodKey = (year: number) => ({ orgId: 'mjolby-miljo', obligationId: dataCall.id, period: String(year) });
  const plan = (year: number) => planCycle(dataCall.calendar, dataCall.period, String(year), config.organisation.timeZone);

  await step(`follow-up ${first}`);
  await startCycle(client, tq, periodKey(first), 'test');
  await run.skipTo(plan(first).opensAt, 60_000);
  const ask = await run.mailTo('johan.ekstrom@mjolby.example', new RegExp(`^Årlig uppföljning av energi- och klimatstrategin ${first} – Tekniska nämnden$`));
  expect(ask.mail.text).toContain('uppföljning av energi- och klimatstrategin');
  expect(ask.mail.text).toContain('== Fokusområde: Fossilfria transporter i kommunorganisationen ==');
  // "Required if": a yes without what was done is refused, naming the focus area.
  const incomplete = answer('tekniska', 'started', 2, ['fossilfria-transporter']);
  delete incomplete['focus_area.fossilfria-transporter.done'];
  await expect(submitAnswer(client, periodKey(first), 'tekniska-namnden', incomplete, 'contact')).rejects.toThrow(
    'Fokusområde: Fossilfria transporter i kommunorganisationen – Vad har nämnden gjort under året inom fokusområdet?: måste fyllas i.',
  );
  await expect(submitAnswer(client, periodKey(first), 'tekniska-namnden', { ...answer('tekniska', 'started', 2, []), procurements_with_requirements: 2.5 }, 'contact')).rejects.toThrow(/ska vara ett heltal/);
  await submitAnswer(client, periodKey(first), 'tekniska-namnden', answer('tekniska', 'started', 2, ['fossilfria-transporter', 'kommunala-fastigheter']), 'contact');
  await submitAnswer(client, periodKey(first), 'utbildningsnamnden', answer('utbildning', 'started', 0, ['kommunala-fastigheter']), 'contact');
  await submitAnswer(client, periodKey(first), 'miljonamnden', answer('miljo', 'not-started', 1, ['upphandling']), 'contact');
  await closeCycle(client, periodKey(first), 'test');
  await run.mailTo('ks@mjolby.example', new RegExp(`^Rapport: Uppföljning av energi- och klimatstrategin ${first}$`));

  await step(`follow-up ${first + 1}`);
  await startCycle(client, tq, periodKey(first + 1), 'test');
  await run.skipTo(plan(first + 1).opensAt, 60_000);
  await run.mailTo('johan.ekstrom@mjolby.example', new RegExp(`^Årlig uppföljning av energi- och klimatstrategin ${first + 1} – Tekniska nämnden$`));
  await submitAnswer(client, periodKey(first + 1), 'tekniska-namnden', answer('tekniska', 'mostly-done', 5, ['fossilfria-transporter', 'kommunala-fastigheter']), 'contact');
  await submitAnswer(client, periodKey(first + 1), 'utbildningsnamnden', answer('utbildning', 'halfway', 3, ['kommunala-fastigheter']), 'contact');
  await submitAnswer(client, periodKey(first + 1), 'miljonamnden', answer('miljo', 'started', 2, ['upphandling']), 'contact');
  await submitAnswer(client, periodKey(first + 1), 'kultur-och-fritidsnamnden', answer('kultur', 'started', 1, ['kommunala-fastigheter']), 'contact');
  await closeCycle(client, periodKey(first + 1), 'test');
  await run.mailTo('ks@mjolby.example', new RegExp(`^Rapport: Uppföljning av energi- och klimatstrategin ${first + 1}$`));

  const report = readFileSync(path.join(run.tw.archiveDir, `mjolby-miljo/annual-follow-up/mjolby-miljo-annual-follow-up-${first + 1}.md`), 'utf8');
  // Year over year: the response rate beside last year's.
  expect(report).toContain(`- Svar: **4** / 6 (67 %; 4 i tid, 0 sent) · Föregående period ${first}: 3 / 6 (50 %)`);
  // By question: the focus area on municipal buildings, the committees side by side with last year's answers.
  const buildings = report.slice(report.indexOf('### Fokusområde: Minskad energianvändning och ökad andel solceller i kommunala fastigheter'), report.indexOf('### Fokusområde: Fossilfria transporter'));
  expect(buildings).toContain(`| Tekniska nämnden | tekniska: åtgärder inom kommunala-fastigheter | tekniska: åtgärder inom kommunala-fastigheter |`);
  expect(buildings).toContain(`| Kultur- och fritidsnämnden | kultur: åtgärder inom kommunala-fastigheter | – |`);
  // The progress scale tallied, now and the year before.
  expect(buildings).toMatch(new RegExp(`\\| Svarsalternativ \\| Antal \\| Andel \\| Föregående period ${first} \\|`));
  expect(buildings).toMatch(/\| Påbörjade \| 1 \| 33 % \| 2 \(100 %\) \|/);
  expect(buildings).toMatch(/\| Till hälften genomförda \| 1 \| 33 % \| 0 \(0 %\) \|/);
  // A number summed across the committees.
  expect(report).toContain('Summa: **11** · Medelvärde: 2,8 (4 svar)');
  // The revision's line in the strategy's own words (reportLine).
  expect(report).toContain('- Energi- och klimatstrategin uppdateras en gång per mandatperiod');
});
