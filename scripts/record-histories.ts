/**
 * Records the event histories of representative cycles into test/histories/, for the replay test
 * (test/replay) that fails CI when a code change breaks determinism. Run after an intended change
 * to workflow code: `npm run record-histories` (see the README, "Changing workflow code"), or
 * `npm run record-histories -- NAME …` to record only the scenarios named, keeping the others as
 * the old code recorded them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { closeCycle, cycleStatus, exemptUnit, extendDeadline, redeliverReport, remindNow, saveDraft, startCycle, submitAnswer } from '../client/cycles';
import { loadConfigFile } from '../config/load';
import { obligationOf } from '../config/schema';
import { planCycle } from '../domain/calendar';
import { planDataCall } from '../domain/escalation';
import { cycleWorkflowId, unitWorkflowId, type CycleKey } from '../domain/ids';
import { createTestWorker, PROJECT_ROOT, skipTo, SOLNA_CONFIG, timeSkippingServer } from '../test/helpers/environment';
import { startTestSmtpServer } from '../test/helpers/smtp';

const HISTORIES = path.join(PROJECT_ROOT, 'test', 'histories');
const answer = { eu_projects: 'Interreg Baltic Sea Region', other_work: 'Eurocities', effects: 'Nya arbetssätt', reported_to_board: true };

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  // The worker's own copy of the file, so a scenario can correct an address as an operator would.
  const solna = structuredClone(loadConfigFile(SOLNA_CONFIG));
  const obligation = obligationOf(solna, 'periodic-data-call');
  const [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
  const tw = await createTestWorker(env, smtp.url, { configs: [solna] });
  const plain = new Client({ connection: env.connection, namespace: env.namespace });
  // Periods just ahead of today, so the scenarios run through their whole calendar.
  let year = new Date().getUTCFullYear() + 1;
  const sleepUntil = (iso: string, plusMs = 60_000) => skipTo(env, iso, plusMs);
  const scenario = async (name: string, run: (key: CycleKey, plan: ReturnType<typeof planCycle>) => Promise<void>) => {
    // Only the scenarios recorded take a year: ten years ahead is past the test server's run timeout.
    if (only.length > 0 && !only.includes(name)) return;
    const key: CycleKey = { orgId: 'solna', obligationId: obligation.id, period: String(year++) };
    const plan = planCycle(obligation.calendar, obligation.period, key.period, solna.organisation.timeZone);
    await startCycle(env.client, tw.taskQueue, key, 'record');
    await run(key, plan);
    await plain.workflow.getHandle(cycleWorkflowId(key)).result();
    const dir = path.join(HISTORIES, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const ids = [cycleWorkflowId(key), ...solna.units.map((u) => unitWorkflowId(key, u.id))];
    for (const id of ids) {
      const history = await plain.workflow.getHandle(id).fetchHistory();
      writeFileSync(path.join(dir, `${id.replace(/\//g, '__')}.json`), historyToJSON(history));
    }
    console.log(`recorded ${name}: ${ids.length} histories`);
  };

  try {
    await scenario('whole-year', async (key, plan) => {
      await sleepUntil(plan.opensAt);
      await submitAnswer(env.client, key, 'barn-utbildning', answer, 'contact');
      await submitAnswer(env.client, key, 'barn-utbildning', { ...answer, effects: 'Rättat' }, 'contact');
      await submitAnswer(env.client, key, 'omsorg', answer, 'secretariat');
      await saveDraft(env.client, key, 'socialforvaltningen', { eu_projects: 'Utkast' });
      await sleepUntil(plan.reminderTimes[1]!, 3_600_000);
      await submitAnswer(env.client, key, 'socialforvaltningen', answer, 'contact');
      await sleepUntil(plan.closesAt);
    });
    // Recorded after units and cycles began to keep their rows in the visibility store (their memo,
    // search attributes and the unit's timer at its deadline): the patched paths replayed too.
    // Every change of a unit's row, to the visibility store.
    const everyRowChange = async (key: CycleKey, plan: ReturnType<typeof planCycle>) => {
      await sleepUntil(plan.opensAt);
      await submitAnswer(env.client, key, 'barn-utbildning', answer, 'contact');
      await saveDraft(env.client, key, 'socialforvaltningen', { eu_projects: 'Utkast' });
      await extendDeadline(env.client, key, 'kultur-fritid', new Date(Date.parse(plan.deadlineAt) + 7 * 86_400_000).toISOString().slice(0, 10));
      await exemptUnit(env.client, key, 'tekniska', 'Omorganisation');
      await sleepUntil(plan.deadlineAt, 3_600_000);
      await submitAnswer(env.client, key, 'omsorg', answer, 'contact');
      await sleepUntil(plan.closesAt);
    };
    // Recorded when units wrote their row at once and again as each task ended (behind a patch).
    await scenario('rows-in-visibility', everyRowChange);
    await scenario('secretariat-actions', async (key, plan) => {
      await sleepUntil(plan.opensAt);
      await extendDeadline(env.client, key, 'kultur-fritid', new Date(Date.parse(plan.deadlineAt) + 7 * 86_400_000).toISOString().slice(0, 10));
      await exemptUnit(env.client, key, 'tekniska', 'Omorganisation');
      await remindNow(env.client, key, 'miljo-byggnad');
      await submitAnswer(env.client, key, 'omsorg', answer, 'contact');
      await sleepUntil(plan.reminderTimes[0]!, 3_600_000);
      await closeCycle(env.client, key, 'record');
    });
    await scenario('mail-failures', async (key, plan) => {
      smtp.refuseRecipient = (address) => (address === 'erik.andersson@solna.example' ? { code: 550, message: 'No such user' } : undefined);
      const downUntil = Date.parse(plan.opensAt) + 6 * 3_600_000;
      smtp.refuseConnections = async () => ((await env.currentTimeMs()) < downUntil ? { code: 421, message: 'Try later' } : undefined);
      await sleepUntil(plan.opensAt, 8 * 3_600_000);
      await closeCycle(env.client, key, 'record');
    });
    await scenario('bounces-and-redelivery', async (key, plan) => {
      // A contact refused for good, another put off half-way, a council address refused, then fixed.
      const council = solna.bodies.flatMap((b) => b.recipients).find((r) => r.email === 'kf.sekreterare@solna.example')!;
      const refused = ['erik.andersson@solna.example', council.email];
      const refusedForGood = (address: string) => (refused.includes(address) ? { code: 550, message: 'No such user' } : undefined);
      smtp.refuseConnections = undefined;
      smtp.refuseRecipient = (address) => refusedForGood(address) ?? (address === 'linnea.dahl@solna.example' ? { code: 451, message: 'Greylisted' } : undefined);
      await sleepUntil(plan.opensAt, 60_000);
      smtp.refuseRecipient = refusedForGood;
      await sleepUntil(plan.opensAt, 3 * 3_600_000);
      await submitAnswer(env.client, key, 'omsorg', answer, 'contact');
      await closeCycle(env.client, key, 'record');
      for (;;) {
        const { info } = await cycleStatus(env.client, key, { unitsToo: false });
        if (info.delivery?.some((d) => d.state === 'refused')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      (council as { email: string }).email = 'kf.registrator@solna.example';
      await redeliverReport(env.client, key);
    });
    // Units started knowing that they keep their row: one write per task, no patch.
    await scenario('rows-once-per-task', async (key, plan) => {
      smtp.refuseRecipient = undefined;
      await everyRowChange(key, plan);
    });
    // Units started with their row (memo and search attributes given with the start): written only
    // when it changes, and not at the end only to say "closed".
    await scenario('rows-with-start', async (key, plan) => {
      smtp.refuseRecipient = undefined;
      await everyRowChange(key, plan);
    });
    // Units started 25 per task of the cycle (the 'paced-unit-starts' marker), not 250.
    await scenario('paced-starts', async (key, plan) => {
      smtp.refuseRecipient = undefined;
      await everyRowChange(key, plan);
    });
    // Recorded when each version of an answer went to the database of record (behind a patch),
    // with a correction and an answer the secretariat recorded for a unit.
    await scenario('answers-on-record', async (key, plan) => {
      await sleepUntil(plan.opensAt);
      await submitAnswer(env.client, key, 'barn-utbildning', answer, 'contact');
      await submitAnswer(env.client, key, 'barn-utbildning', { ...answer, effects: 'Rättat' }, 'contact');
      await submitAnswer(env.client, key, 'omsorg', answer, 'secretariat', undefined, 'Anna Berg (anna.berg)');
      await sleepUntil(plan.closesAt);
    });
    // Recorded when the receipt began to carry the answer's version to the record (no local activity).
    await scenario('answers-with-receipts', async (key, plan) => {
      await sleepUntil(plan.opensAt);
      await submitAnswer(env.client, key, 'barn-utbildning', answer, 'contact');
      await submitAnswer(env.client, key, 'barn-utbildning', { ...answer, effects: 'Rättat' }, 'contact');
      await submitAnswer(env.client, key, 'omsorg', answer, 'secretariat', undefined, 'Anna Berg (anna.berg)');
      await sleepUntil(plan.closesAt);
    });
    // Recorded after reminders and the escalation began to be spread over a window, each unit at a
    // moment of its own: an answer, a deadline extended while a reminder's window is open, an
    // answer after a spread reminder, and the spread escalation of those that never answered.
    await scenario('spread-reminders', async (key, plan) => {
      if (!plan.spreadUntil) throw new Error('The example calendar spreads nothing: record this scenario with a spreadOver.');
      await sleepUntil(plan.opensAt);
      await submitAnswer(env.client, key, 'barn-utbildning', answer, 'contact');
      await sleepUntil(plan.reminderTimes[0]!, 3_600_000);
      await extendDeadline(env.client, key, 'kultur-fritid', new Date(Date.parse(plan.deadlineAt) + 7 * 86_400_000).toISOString().slice(0, 10));
      await sleepUntil(plan.spreadUntil.reminders[1]!);
      await submitAnswer(env.client, key, 'omsorg', answer, 'contact');
      await sleepUntil(plan.closesAt);
    });
    // Recorded when the escalation ladder came (the 'escalation-ladder' marker): three steps, to the
    // contact, the head and the director's role; one unit answers after the first step, one has its
    // deadline moved after it (its ladder starts again from the new day), the others go up every step.
    solna.roles = { director: { name: { sv: 'Stadsdirektör', en: 'City manager' }, email: 'stadsdirektor@solna.example' } };
    obligation.escalation = [
      { after: 'P3D', to: ['contact'], template: 'reminder' },
      { after: 'P7D', to: ['head'], cc: ['secretariat'] },
      { after: 'P10D', to: ['role:director'] },
    ];
    await scenario('escalation-ladder', async (key) => {
      const plan = planDataCall(obligation, key.period, solna.organisation.timeZone);
      const first = plan.escalationSteps![0]!;
      await sleepUntil(first.until ?? first.at);
      await submitAnswer(env.client, key, 'barn-utbildning', answer, 'contact');
      await extendDeadline(env.client, key, 'kultur-fritid', new Date(Date.parse(plan.deadlineAt) + 7 * 86_400_000).toISOString().slice(0, 10));
      await sleepUntil(plan.closesAt);
    });
  } finally {
    await tw.stop();
    await smtp.close();
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
