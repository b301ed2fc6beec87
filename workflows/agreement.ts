/**
 * A registered cooperation agreement, limited in time: its owner is reminded a configured time
 * before the end to evaluate, renew or end it. A renewal moves the end and starts over; an end
 * passed without a decision is told to the secretariat.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkAgreementDecision, describeProblems, type AgreementDecision, type AgreementSummary } from '../domain/registers';
import { agreementStatusQuery, decideAgreementUpdate, type AgreementInput, type AgreementStatus } from './definitions';
import { refuse } from './refuse';
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
    const { owner: _o, decisions: _d, registeredAt: _a, registeredBy: _b, ...rest } = status;
    return rest;
  };

  wf.setHandler(agreementStatusQuery, () => status);
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

  await tellRegister(orgId, { kind: 'agreement', summary: summary() });
  for (let registering = true; ; registering = false) {
    const plan = await planning.planAgreement({ orgId, obligationId, endsOn: status.endsOn, now: new Date().toISOString(), registering });
    for (const at of plan.reminderTimes) {
      if (await wf.condition(() => decision !== undefined, Math.max(1, Date.parse(at) - Date.now()))) break;
      status.state = 'review-due';
      status.remindersSent++;
      await tellRegister(orgId, { kind: 'agreement', summary: summary() });
      await mail.sendAgreementMail({ orgId, obligationId, agreement: { ...agreement, endsOn: status.endsOn }, kind: 'agreement-review', sequence: ++sequence, at: new Date().toISOString() });
    }
    await wf.condition(() => decision !== undefined, Math.max(1, Date.parse(plan.endsAt) - Date.now()));
    const decided = decision as AgreementDecision | undefined;
    decision = undefined;
    if (decided?.decision === 'renew') {
      status.endsOn = decided.newEndsOn;
      status.state = 'renewed';
      await tellRegister(orgId, { kind: 'agreement', summary: summary() });
      continue;
    }
    if (decided?.decision === 'end') {
      // Ended by decision: it runs until its end day, then it is over.
      status.state = 'ended';
      await tellRegister(orgId, { kind: 'agreement', summary: summary() });
      if (Date.now() < Date.parse(plan.endsAt)) await wf.sleep(Date.parse(plan.endsAt) - Date.now());
    } else {
      status.state = 'expired';
      await mail.sendAgreementMail({ orgId, obligationId, agreement: { ...agreement, endsOn: status.endsOn }, kind: 'agreement-expired', sequence: ++sequence, at: new Date().toISOString() });
    }
    await tellRegister(orgId, { kind: 'agreement', summary: summary() });
    break;
  }
  await wf.condition(wf.allHandlersFinished);
  return status;
}
