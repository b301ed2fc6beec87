/**
 * `followup preview` lists every mail a period will send; then the same cycle runs on the
 * time-skipping server with nobody answering, and the mails that arrive are exactly those listed:
 * the same times, recipients, subjects and Message-IDs. The event notices' preview keeps to the
 * period asked for.
 */
import { runCli } from '../../cli/program';
import { startCycle } from '../../client/cycles';
import { registerEvent } from '../../client/events';
import { createRegisterReader } from '../../activities/register-reader';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { Preview } from '../../preview/mails';
import { PROJECT_ROOT } from '../helpers/environment';
import { until } from '../helpers/environment';
import { useOrganisationRun } from '../helpers/organisation-run';
import path from 'node:path';

const organisation = useOrganisationRun('falun');

async function followup(args: string[], address: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { ...process.env, FOLLOWUP_CONFIG: path.join(PROJECT_ROOT, 'config/examples/falun.yaml'), TEMPORAL_ADDRESS: address },
  });
  return { code, out, err };
}

test('the preview lists exactly the mails the cycle then sends', async () => {
  const run = organisation();
  const address = (run.env.connection as unknown as { options: { address: string } }).options.address;
  const dataCall = obligationOf(run.config, 'periodic-data-call');
  const period = String(new Date().getUTCFullYear() + 2);

  const human = await followup(['preview', dataCall.id, '--period', period], address);
  expect(human.err).toBe('');
  expect(human.code).toBe(0);
  expect(human.out).toContain('Subject: ');
  expect(human.out).toContain('Note: Förhandsvisningen antar att ingen svarar');
  const json = await followup(['preview', dataCall.id, '--period', period, '--json'], address);
  const preview = JSON.parse(json.out) as Preview;
  expect(preview.mails.length).toBeGreaterThan(run.config.units.length);
  // Nothing was started or sent by the preview.
  expect(run.smtp.received).toHaveLength(0);

  const key = { orgId: run.config.organisation.id, obligationId: dataCall.id, period };
  await startCycle(run.client, run.tw.taskQueue, key, 'test');
  const plan = planCycle(dataCall.calendar, dataCall.period, period, run.config.organisation.timeZone);
  await run.skipTo(plan.closesAt, 3_600_000);
  const reportMails = preview.mails.filter((m) => m.kind === 'report').length;
  await run.mailTo(run.config.secretariat.email, /^Rapport/);
  const shape = (m: { at: string; to: string; subject: string; messageId: string }) => `${m.at} ${m.to} ${m.subject} ${m.messageId}`;
  expect(reportMails).toBeGreaterThan(0);
  expect(run.smtp.received.map((m) => shape({ at: m.date.toISOString(), to: m.envelopeTo[0]!, subject: m.subject, messageId: m.messageId })).sort()).toEqual(
    preview.mails.map(shape).sort(),
  );
});

test("the event notices' preview shows the notices of the period's events only", async () => {
  const run = organisation();
  const address = (run.env.connection as unknown as { options: { address: string } }).options.address;
  const events = obligationOf(run.config, 'event-notices');
  // Years after anything the time-skipping server has reached in this file: both events are still ahead.
  const year = new Date().getUTCFullYear() + 6;
  const visit = (id: string, title: string, date: string) => registerEvent(run.client, run.tw.taskQueue, run.config, { id, title, date, place: 'Falu rådhus', unitId: 'kultur-och-fritid', concerned: [] }, events.id, 'test');
  await visit('besok-jyvaskyla', 'Besök från Jyväskylä', `${year}-05-20`);
  await visit('besok-kongsberg', 'Besök från Kongsberg', `${year + 1}-05-20`);
  const registers = createRegisterReader(run.client);
  await until(async () => ((await registers.read(run.config.organisation.id)).events ?? []).filter((e) => e.state === 'planned').length === 2 || undefined, 'both events in the register');

  for (const [period, shown, hidden] of [[year, 'Jyväskylä', 'Kongsberg'], [year + 1, 'Kongsberg', 'Jyväskylä']] as const) {
    const json = await followup(['preview', events.id, '--period', String(period), '--json'], address);
    expect(json.err).toBe('');
    const preview = JSON.parse(json.out) as Preview;
    // Three weeks and two days before it, to the executive board with a copy to the secretariat.
    expect(preview.mails.length).toBeGreaterThan(0);
    expect(preview.mails.every((m) => m.kind === 'event-notice' && m.text.includes(shown) && !m.text.includes(hidden))).toBe(true);
    expect(new Set(preview.mails.map((m) => m.at.slice(0, 4)))).toEqual(new Set([String(period)]));
  }
  // A period with no events registered shows none.
  const empty = JSON.parse((await followup(['preview', events.id, '--period', String(year - 1), '--json'], address)).out) as Preview;
  expect(empty.mails).toEqual([]);
});
