/**
 * `followup preview` lists every mail a period will send; then the same cycle runs on the
 * time-skipping server with nobody answering, and the mails that arrive are exactly those listed:
 * the same times, recipients, subjects and Message-IDs.
 */
import { runCli } from '../../cli/program';
import { startCycle } from '../../client/cycles';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { Preview } from '../../preview/mails';
import { PROJECT_ROOT } from '../helpers/environment';
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
