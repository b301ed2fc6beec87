/**
 * A registered cooperation agreement, limited in time: its owner is reminded a configured time
 * before the end to evaluate, renew or end it. A renewal moves the end and starts over; an end
 * passed without a decision is told to the secretariat.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkAgreementDecision, describeProblems, type AgreementDecision, type AgreementSummary } from '../domain/registers';
import { agreementStatusQuery, decideAgreementUpdate, resendMailUpdate, type AgreementInput, type AgreementStatus } from './definitions';
import { mailLog } from './mail-log';
import { refuse } from './refuse';
import { keepOnRecord } from './case-record';
import { tellRegister } from './register-client';
import { mailRetry, planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

export async function agreementWorkflow(input: AgreementInput): Promise<AgreementStatus> {
  const { orgId, obligationId } = input;
  const agreement = { ...input.agreement };
  const status: AgreementStatus = {
    id: agreement.id,
    obligationId,
    title: agreement.title,
    partner: agreement.partner,
    unitId: agreement.unitId,
    endsOn: agreement.endsOn,
    state: 'active',
    remindersSent: 0,
    owner: agreement.owner,
    decisions: [],
    registeredAt: new Date().toISOString(),
    ...(input.by ? { registeredBy: input.by } : {}),
  };
  let decision: AgreementDecision | undefined;
  let sequence = 0;
  const summary = (): AgreementSummary => {
    const { owner: _o, decisions: _d, registeredAt: _a, registeredBy: _b, mailProblems, ...rest } = status;
    return { ...rest, ...(mailProblems?.length ? { mailProblems } : {}) };
  };
  /** The year the agreement belongs to in the archive: its latest decision's, else its start's. */
  const year = () => Number((status.decisions.at(-1)?.at ?? agreement.startsOn ?? status.registeredAt ?? '').slice(0, 4)) || undefined;
  const keep = keepOnRecord('agreement', orgId, agreement.id, () => ({ title: status.title, year: year(), state: status }));
  /** Tells the register, and keeps the agreement with its decisions on record. */
  const told = async () => {
    await tellRegister(orgId, { kind: 'agreement', summary: summary() });
    await keep();
  };
  type MailKind = 'agreement-review' | 'agreement-expired';
  const mails = mailLog<MailKind>(
    (m, at, skip) => mail.sendAgreementMail({ orgId, obligationId, agreement: { ...agreement, endsOn: status.endsOn }, kind: m.kind, sequence: m.sequence, at, ...(skip ? { skip } : {}) }),
    (problems) => (status.mailProblems = problems),
  );
  /** Sends a mail; a reminder that reached nobody is not counted, and the register shows the problem. */
  const send = async (kind: MailKind) => {
    const had = mails.problems.length;
    const reached = await mails.send({ kind, sequence: ++sequence }, new Date().toISOString());
    if (!reached && kind === 'agreement-review') status.remindersSent--;
    if (mails.problems.length > had) await told();
  };

  wf.setHandler(agreementStatusQuery, () => status);
  wf.setHandler(
    resendMailUpdate,
    async () => {
      const sent = await mails.sendAgain(new Date().toISOString());
      // A reminder that reaches its owner now counts as sent.
      status.remindersSent += sent.filter((m) => m.kind === 'agreement-review').length;
      await told();
      return { sent: sent.length, problems: mails.problems.length };
    },
    { validator: (_actor: { by?: string }) => void (mails.problems.length === 0 && refuse('NothingToResend', 'en', { title: agreement.title })) },
  );
  wf.setHandler(
    decideAgreementUpdate,
    (d) => {
      decision = d;
      status.decidedAt = new Date().toISOString();
      status.decisions.push({ ...d, at: status.decidedAt });
      return { state: d.decision === 'renew' ? 'renewed' : 'ended' };
    },
    {
      validator: (d) => {
        if (status.state === 'ended' || status.state === 'expired') refuse('AgreementClosed', 'en', { title: agreement.title });
        const problems = checkAgreementDecision(d, status.endsOn);
        if (problems.length) refuse('InvalidInput', 'en', { problems: describeProblems(problems) });
      },
    },
  );

  await told();
  for (let registering = true; ; registering = false) {
    const plan = await planning.planAgreement({ orgId, obligationId, endsOn: status.endsOn, now: new Date().toISOString(), registering });
    for (const at of plan.reminderTimes) {
      if (await wf.condition(() => decision !== undefined, Math.max(1, Date.parse(at) - Date.now()))) break;
      status.state = 'review-due';
      status.remindersSent++;
      await told();
      await send('agreement-review');
    }
    await wf.condition(() => decision !== undefined, Math.max(1, Date.parse(plan.endsAt) - Date.now()));
    const decided = decision as AgreementDecision | undefined;
    decision = undefined;
    if (decided?.decision === 'renew') {
      status.endsOn = decided.newEndsOn;
      status.state = 'renewed';
      await told();
      continue;
    }
    if (decided?.decision === 'end') {
      // Ended by decision: it runs until its end day, then it is over.
      status.state = 'ended';
      await told();
      if (Date.now() < Date.parse(plan.endsAt)) await wf.sleep(Date.parse(plan.endsAt) - Date.now());
    } else {
      status.state = 'expired';
      await send('agreement-expired');
    }
    await told();
    break;
  }
  await wf.condition(wf.allHandlersFinished);
  // What a last handler changed (mail sent again) is on record too.
  await keep();
  return status;
}
