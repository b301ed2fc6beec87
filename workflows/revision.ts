/**
 * The revision of the policy once per period (a mandate period, or up to a set date): the document
 * owner is asked at the start and reminded on a rhythm; the decision is recorded; a revision not
 * decided by its due day is escalated to the executive board.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkRevisionDecision, describeProblems, type RevisionDecision } from '../domain/registers';
import { recordRevisionUpdate, resendMailUpdate, revisionStatusQuery, type RevisionInput, type RevisionStatus } from './definitions';
import { mailLog } from './mail-log';
import { refuse } from './refuse';
import { keepOnRecord } from './case-record';
import { tellRegister } from './register-client';
import { mailRetry, planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

export async function revisionWorkflow(input: RevisionInput): Promise<RevisionStatus> {
  const { orgId, obligationId, periodId } = input;
  // Handlers before the first await: a query or a decision may come with the start.
  const status: RevisionStatus = { obligationId, periodId, state: 'scheduled', dueDate: '', remindersSentAt: [], startedAt: new Date().toISOString(), ...(input.by ? { startedBy: input.by } : {}) };
  let decision: RevisionDecision | undefined;
  let sequence = 0;
  const summary = () => ({ obligationId, periodId, state: status.state, dueDate: status.dueDate, decision: status.decision, ...(status.mailProblems?.length ? { mailProblems: status.mailProblems } : {}) });
  /** The year the revision belongs to in the archive: its due day's, else its period's first. */
  const year = () => Number((status.dueDate || periodId).slice(0, 4)) || undefined;
  const keep = keepOnRecord('revision', orgId, `${obligationId}/${periodId}`, () => ({ title: `${obligationId} ${periodId}`, year: year(), state: status }));
  /** Tells the register, and keeps the revision with its decision on record. */
  const told = async () => {
    await tellRegister(orgId, { kind: 'revision', summary: summary() });
    await keep();
  };
  type MailKind = 'revision-request' | 'revision-reminder' | 'revision-overdue' | 'revision-recorded';
  const mails = mailLog<MailKind>(
    (m, at, skip) => mail.sendRevisionMail({ orgId, obligationId, periodId, kind: m.kind, sequence: m.sequence, at, dueDate: plan.dueDate, decision: status.decision, ...(skip ? { skip } : {}) }),
    (problems) => (status.mailProblems = problems),
  );
  /** Sends a mail; whether it reached anyone. One that did not shows in the status and the register, not as sent. */
  const send = async (kind: MailKind) => {
    const had = mails.problems.length;
    const reached = await mails.send({ kind, sequence: ++sequence }, new Date().toISOString());
    if (mails.problems.length > had) await told();
    return reached;
  };

  wf.setHandler(revisionStatusQuery, () => status);
  wf.setHandler(
    resendMailUpdate,
    async () => {
      const sent = await mails.sendAgain(new Date().toISOString());
      for (const m of sent) if (m.kind === 'revision-reminder') status.remindersSentAt.push(new Date().toISOString());
      await told();
      return { sent: sent.length, problems: mails.problems.length };
    },
    { validator: (_actor: { by?: string }) => void (mails.problems.length === 0 && refuse('NothingToResend', 'en', { title: `revision ${periodId}` })) },
  );
  wf.setHandler(
    recordRevisionUpdate,
    (d) => {
      decision = d;
      status.decision = d;
      status.state = 'decided';
      status.recordedAt = new Date().toISOString();
      return summary();
    },
    {
      validator: (d: RevisionDecision) => {
        if (status.state === 'decided') refuse('AlreadyDecided', 'en', { period: periodId, paragraph: status.decision?.paragraph ?? '' });
        const problems = checkRevisionDecision(d);
        if (problems.length) refuse('InvalidInput', 'en', { problems: describeProblems(problems) });
      },
    },
  );
  const plan = await planning.planRevisionPeriod({ orgId, obligationId, periodId });
  status.dueDate = plan.dueDate;
  const decided = () => decision !== undefined;
  const waitUntil = (iso: string) => wf.condition(decided, Math.max(1, Date.parse(iso) - Date.now()));

  await told();
  if (!(await waitUntil(plan.askAt))) {
    status.state = 'requested';
    status.askedAt = new Date().toISOString();
    await told();
    await send('revision-request');
    for (const at of plan.reminderTimes) {
      if (await waitUntil(at)) break;
      const remindedAt = new Date().toISOString();
      if (await send('revision-reminder')) status.remindersSentAt.push(remindedAt);
      await keep();
    }
    if (!decided() && !(await waitUntil(plan.dueAt))) {
      status.state = 'overdue';
      status.escalatedAt = new Date().toISOString();
      await told();
      await send('revision-overdue');
    }
  }
  if (!decided()) await waitUntil(plan.endsAt);
  if (!decided()) status.state = 'not-decided';
  await told();
  if (decided()) await send('revision-recorded');
  await wf.condition(wf.allHandlersFinished);
  // What the last mail or a last handler changed is on record too.
  await keep();
  return status;
}
