/**
 * `followup preview` of a gate before start with a project registered: the goals request the owner
 * got on registration, the weekly reminders while the goals are owed and the warning at the planned
 * start, each within the period asked for; the request as the project's workflow sent it.
 */
import path from 'node:path';
import { DateTime } from 'luxon';
import { createRegisterReader } from '../../activities/register-reader';
import { runCli } from '../../cli/program';
import { registerProject } from '../../client/projects';
import { obligationOf } from '../../config/schema';
import type { Preview } from '../../preview/mails';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('solna');

async function followup(args: string[], address: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { ...process.env, FOLLOWUP_CONFIG: path.join(PROJECT_ROOT, 'config/examples/solna.yaml'), TEMPORAL_ADDRESS: address },
  });
  return { code, out, err };
}

test("the gate's preview lists the registered projects' goals requests, reminders and start warning within the period", async () => {
  const run = organisation();
  const address = (run.env.connection as unknown as { options: { address: string } }).options.address;
  const gate = obligationOf(run.config, 'gate-before-start');
  const secretariat = run.config.secretariat.email;
  const head = run.config.units.find((u) => u.id === 'omsorg')!.head.email;
  const now = DateTime.fromJSDate(await run.now()).setZone(run.config.organisation.timeZone);
  const nextYear = now.year + 1;
  await registerProject(run.client, run.tw.taskQueue, run.config, { id: 'vanort-tartu', title: 'Vänort Tartu', unitId: 'omsorg', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart: `${nextYear}-03-02`, partners: ['Tartu'], euFunded: false }, gate.id, 'test');
  const requested = await run.mailTo(secretariat, /Vänort Tartu/);
  const registers = createRegisterReader(run.client);
  await until(async () => (await registers.read(run.config.organisation.id)).projects.find((p) => p.state === 'awaiting-goals'), 'the project awaiting goals in the register');

  // The period of the registration: the request (to the owner, a copy to the secretariat), then the reminders.
  const json = await followup(['preview', gate.id, '--period', String(now.year), '--json'], address);
  expect(json.err).toBe('');
  expect(json.code).toBe(0);
  const preview = JSON.parse(json.out) as Preview;
  const requests = preview.mails.filter((m) => m.kind === 'goals-request');
  expect(requests.map((m) => m.to).sort()).toEqual(['[projektägaren]', secretariat].sort());
  expect(requests.every((m) => m.text.includes('Vänort Tartu'))).toBe(true);
  // The secretariat's copy is the mail the workflow sent: its subject and Message-ID.
  const copy = requests.find((m) => m.to === secretariat)!;
  expect(copy.subject).toBe(requested.subject);
  expect(copy.messageId).toBe(requested.messageId);
  const reminders = preview.mails.filter((m) => m.kind === 'goals-reminder');
  expect(reminders.every((m) => m.to === '[projektägaren]' && DateTime.fromISO(m.at).setZone(run.config.organisation.timeZone).year === now.year)).toBe(true);
  expect(preview.mails.some((m) => m.kind === 'start-without-approval')).toBe(false);
  expect(preview.notes.join(' ')).toContain('[projektägaren]');

  // The year of the planned start: no request, a reminder a week, the head warned on the day.
  const later = JSON.parse((await followup(['preview', gate.id, '--period', String(nextYear), '--json'], address)).out) as Preview;
  expect(later.mails.some((m) => m.kind === 'goals-request')).toBe(false);
  expect(later.mails.filter((m) => m.kind === 'goals-reminder').length).toBeGreaterThanOrEqual(50);
  const warning = later.mails.filter((m) => m.kind === 'start-without-approval');
  expect(warning.map((m) => m.to).sort()).toEqual([head, secretariat].sort());
  expect(DateTime.fromISO(warning[0]!.at).setZone(run.config.organisation.timeZone).toISODate()).toBe(`${nextYear}-03-02`);
});
