/**
 * The goals a body sets for one year (Södertälje's council, in its budget): the secretariat is
 * reminded to record them once they should be decided, until it does; the recorded goals are what
 * the year's follow-up asks units about.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkGoalsDecision, describeProblems, type GoalsSummary } from '../domain/registers';
import { goalsStatusQuery, recordGoalsUpdate, resendMailUpdate, type GoalsInput, type GoalsStatus } from './definitions';
import { mailLog } from './mail-log';
import { refuse } from './refuse';
import { keepOnRecord } from './case-record';
import { tellRegister } from './register-client';
import { mailRetry, planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

const LATE_GRACE_MS = 3_600_000;

export async function goalsWorkflow(input: GoalsInput): Promise<GoalsStatus> {
  const { orgId, obligationId, year } = input;
  const status: GoalsStatus = { obligationId, year, state: 'awaited', remindersSentAt: [] };
  let sequence = 0;
  const summary = (): GoalsSummary => ({ obligationId, year, state: status.state, ...(status.decision ? { decision: status.decision } : {}), ...(status.mailProblems?.length ? { mailProblems: status.mailProblems } : {}) });
  const recorded = () => status.decision !== undefined;
  const keep = keepOnRecord('goals', orgId, `${obligationId}/${year}`, () => ({ title: `${obligationId} ${year}`, year, state: status }));
  /** Tells the register, and keeps the year's goals with their decision on record. */
  const told = async () => {
    await tellRegister(orgId, { kind: 'goals', summary: summary() });
    await keep();
  };
  type MailKind = 'goals-missing' | 'goals-recorded';
  const mails = mailLog<MailKind>(
    (m, at, skip) => mail.sendGoalsMail({ orgId, obligationId, year, kind: m.kind, sequence: m.sequence, at, ...(m.kind === 'goals-recorded' ? { decision: status.decision } : {}), ...(skip ? { skip } : {}) }),
    (problems) => (status.mailProblems = problems),
  );
  /** Sends a mail; whether it reached anyone. One that did not shows in the status and the register, not as sent. */
  const send = async (kind: MailKind) => {
    const had = mails.problems.length;
    const reached = await mails.send({ kind, sequence: ++sequence }, new Date().toISOString());
    if (mails.problems.length > had) await told();
    return reached;
  };

  wf.setHandler(goalsStatusQuery, () => status);
  wf.setHandler(
    resendMailUpdate,
    async () => {
      const sent = await mails.sendAgain(new Date().toISOString());
      for (const m of sent) if (m.kind === 'goals-missing') status.remindersSentAt.push(new Date().toISOString());
      await told();
      return { sent: sent.length, problems: mails.problems.length };
    },
    { validator: (_actor: { by?: string }) => void (mails.problems.length === 0 && refuse('NothingToResend', 'en', { title: `goals ${year}` })) },
  );
  wf.setHandler(
    recordGoalsUpdate,
    ({ decision, by }) => {
      status.decision = decision;
      status.state = 'recorded';
      if (by) status.recordedBy = by;
      return summary();
    },
    {
      validator: ({ decision }) => {
        if (recorded()) refuse('AlreadyDecided', 'en', { period: String(year), paragraph: status.decision?.paragraph ?? '' });
        const problems = checkGoalsDecision(decision);
        if (problems.length) refuse('InvalidInput', 'en', { problems: describeProblems(problems) });
      },
    },
  );

  // Handlers first: the recording that started this workflow may come with its first task.
  const plan = await planning.planGoalsYear({ orgId, obligationId, year });
  await told();
  // Until the goals are recorded: a reminder from the day they should be decided, then at intervals,
  // until the year ends. Started late (by hand, to record them), the reminders already due are one,
  // after an hour: long enough for the recording that started it to arrive first.
  const startedAt = Date.now();
  const ahead = plan.reminderTimes.filter((t) => Date.parse(t) > startedAt);
  const reminders = ahead.length < plan.reminderTimes.length ? [new Date(startedAt + LATE_GRACE_MS).toISOString(), ...ahead] : ahead;
  for (const at of reminders) {
    if (await wf.condition(recorded, Math.max(1, Date.parse(at) - Date.now()))) break;
    status.state = 'overdue';
    const remindedAt = new Date().toISOString();
    await told();
    if (await send('goals-missing')) status.remindersSentAt.push(remindedAt);
    await keep();
  }
  // No more reminders after the year, but goals recorded late still reach the year's follow-up
  // (it starts in the new year): they can be recorded until the next year ends.
  if (!recorded()) await wf.condition(recorded, Math.max(1, Date.parse(plan.endsAt) - Date.now()));
  if (!recorded()) {
    status.state = 'not-recorded';
    await told();
    await wf.condition(recorded, Math.max(1, Date.parse(plan.lateUntil) - Date.now()));
  }
  await told();
  if (recorded()) await send('goals-recorded');
  await wf.condition(wf.allHandlersFinished);
  // A recording that came during the last message is in the register too.
  await told();
  return status;
}
