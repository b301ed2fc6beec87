/**
 * Falun's whole policy on the time-skipping server: cooperation agreements limited in time (the
 * owner reminded before the end; one renewed, one left to expire and told to the secretariat) and
 * the network's annual report to the council, whose requests and summary draw on the agreements.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { agreementStatus, decideAgreement, registerAgreement } from '../../client/agreements';
import { readRegister } from '../../client/registers';
import { registerEvent } from '../../client/events';
import { DateTime } from 'luxon';
import { obligationOf } from '../../config/schema';
import { planCycle, planExpiryReminders } from '../../domain/calendar';
import { until } from '../helpers/environment';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('falun');

const answer = { twin_towns: 'Besök från Rovaniemi i maj.', eu_work: 'Interreg Aurora-ansökan.', goal_documents: true, proposed_changes: '' };

test('Falun: agreements reviewed before they end, and the network report to the council', async () => {
  const run = organisation();
  const { config, step } = run;
  const client = run.client;
  const tq = run.tw.taskQueue;
  const secretariat = 'internationellt@falun.example';
  const year = (await run.now()).getUTCFullYear() + 1;
  const review = obligationOf(config, 'expiry-review');

  await step('a visit from a twin town, told beforehand');
  const visitDay = DateTime.fromJSDate(await run.now(), { zone: 'Europe/Stockholm' }).plus({ days: 20 }).toISODate()!;
  await registerEvent(client, tq, config, {
    id: 'besok-rovaniemi',
    title: 'Besök från vänorten Rovaniemi',
    date: visitDay,
    place: 'Falu rådhus',
    unitId: 'kultur-och-fritid',
    concerned: [{ name: 'Maja Holm', email: 'maja.holm@falun.example' }],
  });
  // Registered less than three weeks ahead: told at once, and again two days before.
  const told = await run.mailTo('maja.holm@falun.example', /^Kommande: Besök från vänorten Rovaniemi/);
  expect(told.mail.text).toContain('Plats: Falu rådhus');
  await run.mailTo('ks@falun.example', /^Kommande: Besök från vänorten Rovaniemi/);

  await step('agreements');
  await registerAgreement(client, tq, config, {
    id: 'rovaniemi',
    title: 'Vänortsavtal Rovaniemi',
    partner: 'Rovaniemi stad',
    unitId: 'kultur-och-fritid',
    owner: { name: 'Ingrid Jonsson', email: 'ingrid.jonsson@falun.example' },
    endsOn: `${year}-06-30`,
  });
  await registerAgreement(client, tq, config, {
    id: 'kaunas',
    title: 'Skolsamarbete Kaunas',
    partner: 'Kaunas kommun',
    unitId: 'barn-och-utbildning',
    owner: { name: 'Ulrika Hedlund', email: 'ulrika.hedlund@falun.example' },
    endsOn: `${year}-03-31`,
  });
  await expect(
    registerAgreement(client, tq, config, { id: 'utan-slut', title: 'Utan slut', partner: 'X', unitId: 'samhallsbyggnad', owner: { name: 'x', email: 'x@falun.example' }, endsOn: '' }),
  ).rejects.toThrow(/endsOn/);

  // Six months before its end the owner is asked to evaluate, renew or end it.
  const reminders = planExpiryReminders(`${year}-06-30`, review.remindersBeforeEnd, review.sendTime, 'Europe/Stockholm', await run.now());
  expect(reminders).toHaveLength(3);
  await run.skipTo(reminders[0]!, 3_600_000);
  const asked = await run.mailTo('ingrid.jonsson@falun.example', /^Avtal löper ut .*: Vänortsavtal Rovaniemi$/);
  expect(asked.mail.text).toContain('Rovaniemi stad (Kultur- och fritidsförvaltningen)');

  await step('network report');
  const key = { orgId: 'falun', obligationId: 'network-report', period: String(year - 1) };
  expect((await startCycle(client, tq, key, 'test')).outcome).toBe('started');
  const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', String(year - 1), 'Europe/Stockholm');
  await run.skipTo(plan.opensAt, 60_000);
  const request = await run.mailTo('ingrid.jonsson@falun.example', new RegExp(`^Årlig rapport från nätverket för internationella kontakter och EU-arbete ${year - 1}`));
  expect(request.mail.text).toContain(`- Vänortsavtal Rovaniemi – Rovaniemi stad (→ ${year}-06-30)`);
  for (const unit of config.units) await submitAnswer(client, key, unit.id, answer, 'contact');
  await closeCycle(client, key, 'test');
  await run.mailTo('kf@falun.example', new RegExp(`^Rapport: Årlig rapport från nätverket för internationella kontakter och EU-arbete ${year - 1}$`));
  const report = readFileSync(path.join(run.tw.archiveDir, `falun/network-report/falun-network-report-${year - 1}.md`), 'utf8');
  expect(report).toContain('- Svar: **4** / 4');
  expect(report).toContain('- Samarbetsavtal: 0 gällande, 2 ska utvärderas, 0 löpt ut utan beslut');
  // The period's visits in the policy's own words (a visit that falls in the next year is not this period's).
  expect(report).toContain(visitDay.startsWith(`${year - 1}-`) ? `- Besök från vänorter ${year - 1}: 1: Besök från vänorten Rovaniemi (` : `- Besök från vänorter ${year - 1}: inga`);
  expect(run.subjects('maja.holm@falun.example').filter((s) => s.startsWith('Kommande'))).toHaveLength(2);

  await step('renew one, let one expire');
  await decideAgreement(client, 'falun', 'rovaniemi', { decision: 'renew', newEndsOn: `${year + 3}-06-30`, note: 'KS § 12' });
  await expect(decideAgreement(client, 'falun', 'rovaniemi', { decision: 'renew', newEndsOn: `${year - 2}-01-01` })).rejects.toThrow(/newEndsOn/);
  await run.skipTo(`${year}-04-01T12:00:00+02:00`);
  const expired = await run.mailTo(secretariat, /^Avtal har löpt ut utan beslut: Skolsamarbete Kaunas$/);
  expect(expired.mail.text).toContain('Kaunas kommun');
  // The renewed agreement asked nothing more before its old end.
  await run.skipTo(`${year}-07-02T12:00:00+02:00`);
  expect(run.subjects('ingrid.jonsson@falun.example').filter((s) => s.startsWith('Avtal löper ut'))).toHaveLength(1);
  expect((await agreementStatus(client, 'falun', 'rovaniemi')).state).toBe('renewed');
  expect((await agreementStatus(client, 'falun', 'kaunas')).state).toBe('expired');
  // Ulrika was reminded before Kaunas ended, but never answered.
  expect(run.subjects('ulrika.hedlund@falun.example').filter((s) => s.startsWith('Avtal löper ut')).length).toBeGreaterThanOrEqual(2);

  await decideAgreement(client, 'falun', 'rovaniemi', { decision: 'end', note: 'Samarbetet har fullgjort sitt syfte.' });
  await expect(decideAgreement(client, 'falun', 'kaunas', { decision: 'end' })).rejects.toThrow(/Agreement "kaunas" has already ended \(completed \d{4}-\d\d-\d\d\)/);
  await until(async () => (await readRegister(client, 'falun')).agreements.find((a) => a.id === 'rovaniemi')?.state === 'ended' || undefined, 'the register to show the ended agreement');
  const register = await readRegister(client, 'falun');
  expect(register.agreements.map((a) => [a.id, a.state, a.endsOn]).sort((a, b) => String(b[0]).localeCompare(String(a[0])))).toEqual([
    ['rovaniemi', 'ended', `${year + 3}-06-30`],
    ['kaunas', 'expired', `${year}-03-31`],
  ]);
});
