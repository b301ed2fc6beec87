/**
 * A registered international project and the gate before its start: the owner is asked for the
 * definition the policy requires and reminded until it is submitted; the secretariat approves it or
 * returns it with a comment; a planned start without approval is told to the unit head and the
 * secretariat. Approved projects become ongoing on their start day and are closed later.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkAnswer, describeAnswerErrors } from '../domain/answers';
import { checkProjectChange, describeProblems, type ProjectChange, type ProjectRegistration, type ProjectState, type ProjectStatus, type ProjectSummary, type RecordEntry } from '../domain/registers';
import type { Questionnaire } from '../domain/types';
import {
  approveGoalsUpdate,
  approveOwnerUpdate,
  closeProjectUpdate,
  editProjectUpdate,
  projectStatusQuery,
  resendMailUpdate,
  returnGoalsUpdate,
  saveGoalsDraftUpdate,
  submitGoalsUpdate,
  type DraftInput,
  type ProjectInput,
} from './definitions';
import { keepOnRecord } from './case-record';
import { mailLog } from './mail-log';
import { refuse } from './refuse';
import { tellRegister } from './register-client';
import { mailRetry, planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });
// The project's record goes to the database however long it is away: tried until it is back.
const records = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });
/** Projects that write their goals versions, returns and approvals to the database of record; those from before replay as they ran. */
export const PROJECT_RECORDS_PATCH = 'project-steps-on-record';


export async function projectWorkflow(input: ProjectInput): Promise<ProjectStatus> {
  const { orgId, obligationId } = input;
  // Edited in place by the secretariat: the mails that follow use what it says now.
  const project: ProjectRegistration = { ...input.project };
  const status: ProjectStatus = {
    id: project.id,
    title: project.title,
    unitId: project.unitId,
    plannedStart: project.plannedStart,
    plannedEnd: project.plannedEnd,
    partners: project.partners,
    euFunded: project.euFunded,
    stage: project.stage ?? 'project',
    owner: project.owner,
    // Until the plan says whether the policy sets a gate, the project is only registered.
    ...(obligationId ? { obligationId } : {}),
    state: 'registered',
    startedWithoutApproval: false,
    registeredAt: new Date().toISOString(),
    remindersSentAt: [],
    history: [],
    ...(input.ownerToConfirm ? { ownerApproval: 'awaited' as const } : {}),
  };
  const record = (what: RecordEntry['what'], by?: string, detail?: string) => status.history!.push({ at: new Date().toISOString(), what, ...(by ? { by } : {}), ...(detail ? { detail } : {}) });
  record('registered', input.by);
  let questionnaire: Questionnaire = [];
  let language: 'sv' | 'en' = 'sv';
  let closeRequested = false;
  /** An edit not yet acted on: the dates are planned again and the register is told. */
  let edited = false;
  const pending: { kind: 'goals-review' | 'goals-approved' | 'goals-returned'; comment?: string }[] = [];
  let mailSequence = 0;
  // Goals versions, returns and approvals not yet in the database of record, in the order they came.
  type ProjectRecord = Parameters<Activities['recordProjectSteps']>[0]['entries'][number];
  const unrecorded: ProjectRecord[] = [];
  // The project as it stands (its goals, returns and history with it), on record after each change: it outlives the workflow's history.
  // The owner's draft is theirs until they submit it: not a record, so never written with the case.
  const keepProject = keepOnRecord('project', orgId, project.id, () => {
    const { goalsDraft: _draft, ...state } = status;
    return { title: project.title, year: Number(project.plannedStart.slice(0, 4)), state };
  });
  const recordSteps = async () => {
    if (unrecorded.length > 0) {
      const entries = unrecorded.splice(0, unrecorded.length);
      if (wf.patched(PROJECT_RECORDS_PATCH)) await records.recordProjectSteps({ orgId, projectId: project.id, entries });
    }
    await keepProject();
  };
  /** The register told of the change, and the project's state put on record. */
  const tellChange = async () => {
    await tellRegister(orgId, { kind: 'project', summary: summary() });
    await keepProject();
  };

  const summary = (): ProjectSummary => {
    const { owner: _owner, goals: _goals, goalsDraft: _d, returned: _returned, remindersSentAt: _r, closedAt: _c, history: _h, mailProblems, ...rest } = status;
    return { ...rest, ...(mailProblems?.length ? { mailProblems } : {}) };
  };
  const setState = (state: ProjectState) => {
    status.state = state;
  };
  type MailKind = Parameters<Activities['sendProjectMail']>[0]['kind'];
  const mails = mailLog<MailKind>(
    (m, at, skip) => mail.sendProjectMail({ orgId, obligationId: obligationId ?? '', project, kind: m.kind, sequence: m.sequence, at, comment: m.note, goals: status.goals?.values, ...(skip ? { skip } : {}) }),
    (problems) => (status.mailProblems = problems),
  );
  /** The problems as the status and the register show them (absent when there are none, as before). */
  /** Sends a mail; one that reached nobody is in the history and the register as a problem, not as sent. */
  const send = async (kind: MailKind, comment?: string) => {
    // What the mail tells of is on record before it goes out.
    await recordSteps();
    const at = new Date().toISOString();
    const had = mails.problems.length;
    const reached = await mails.send({ kind, sequence: ++mailSequence, ...(comment !== undefined ? { note: comment } : {}) }, at);
    if (mails.problems.length > had) {
      record('mail-failed', undefined, `${kind}: ${mails.problems.at(-1)!.error}`);
      await tellChange();
    }
    return reached;
  };

  wf.setHandler(projectStatusQuery, () => status);
  wf.setHandler(
    resendMailUpdate,
    async ({ by }) => {
      const sent = await mails.sendAgain(new Date().toISOString());
      record('mail-resent', by, sent.map((m) => m.kind).join(', ') || '0');
      await tellChange();
      return { sent: sent.length, problems: mails.problems.length };
    },
    { validator: (_actor: { by?: string }) => void (mails.problems.length === 0 && refuse('NothingToResend', language, { title: project.title })) },
  );
  wf.setHandler(
    approveOwnerUpdate,
    ({ by }) => {
      status.ownerApproval = 'approved';
      record('owner-approved', by, project.owner.email);
      return { approvedAt: new Date().toISOString() };
    },
    { validator: (_actor: { by?: string }) => void (status.ownerApproval !== 'awaited' && refuse('NoOwnerToApprove', language, { title: project.title })) },
  );
  wf.setHandler(
    submitGoalsUpdate,
    ({ values, by }) => {
      const check = checkAnswer(questionnaire, values);
      if (!check.ok) refuse('InvalidAnswer', language, { problems: describeAnswerErrors(check.errors, questionnaire, language) }, check.errors);
      status.goals = { values: check.values, submittedAt: new Date().toISOString(), revision: (status.goals?.revision ?? 0) + 1 };
      record('goals-submitted', by ?? 'owner', `#${status.goals.revision}`);
      unrecorded.push({ kind: 'goals', revision: status.goals.revision, goals: check.values, at: status.goals.submittedAt, actor: by ?? 'owner' });
      delete status.goalsDraft;
      setState('goals-submitted');
      pending.push({ kind: 'goals-review' });
      return { revision: status.goals.revision };
    },
    {
      validator: ({ values }) => {
        if (status.state === 'registered' || status.state === 'closed') refuse('NoGoalsAsked', language, { title: project.title, state: status.state });
        if (!['awaiting-goals', 'returned', 'goals-submitted'].includes(status.state)) refuse('GoalsAlreadyApproved', language, { title: project.title });
        const check = checkAnswer(questionnaire, values);
        if (!check.ok) refuse('InvalidAnswer', language, { problems: describeAnswerErrors(check.errors, questionnaire, language) }, check.errors);
      },
    },
  );
  wf.setHandler(
    editProjectUpdate,
    ({ change, by }) => {
      Object.assign(project, change);
      const { id: _id, unitId: _u, ...shown } = project;
      Object.assign(status, shown, { stage: project.stage ?? 'project' });
      if (change.plannedEnd === undefined && 'plannedEnd' in change) delete status.plannedEnd;
      record('edited', by, Object.keys(change).join(', '));
      // The secretariat named the owner itself: nothing waits for its approval any more.
      if (change.owner && status.ownerApproval === 'awaited') status.ownerApproval = 'approved';
      edited = true;
      return summary();
    },
    {
      validator: ({ change }: { change: ProjectChange; by?: string }) => {
        if (status.state === 'closed') refuse('NotStarted', language, { title: project.title, state: status.state });
        const problems = checkProjectChange(project, change);
        if (problems.length) refuse('InvalidRegistration', 'en', { problems: describeProblems(problems) });
      },
    },
  );
  wf.setHandler(
    saveGoalsDraftUpdate,
    ({ values }) => {
      status.goalsDraft = { values, savedAt: new Date().toISOString() };
      return { savedAt: status.goalsDraft.savedAt };
    },
    {
      validator: ({ values }: DraftInput) => {
        if (status.state !== 'awaiting-goals' && status.state !== 'returned') refuse('NoGoalsAsked', language, { title: project.title, state: status.state });
        const entries = Object.entries(values ?? {});
        if (entries.length > 500 || entries.some(([k, v]) => typeof v !== 'string' || k.length > 200 || v.length > 100_000)) refuse('InvalidDraft', language, { problems: 'too large' });
      },
    },
  );
  wf.setHandler(
    approveGoalsUpdate,
    (actor: { by?: string }) => {
      status.approvedAt = new Date().toISOString();
      record('goals-approved', actor?.by);
      unrecorded.push({ kind: 'step', step: 'approved', at: status.approvedAt, actor: actor?.by ?? 'secretariat' });
      setState('approved');
      pending.push({ kind: 'goals-approved' });
      return { approvedAt: status.approvedAt };
    },
    { validator: (_actor: { by?: string }) => void (status.state !== 'goals-submitted' && refuse('NothingToApprove', language, { title: project.title, state: status.state })) },
  );
  wf.setHandler(
    returnGoalsUpdate,
    ({ comment, by }) => {
      const at = new Date().toISOString();
      record('goals-returned', by, comment);
      unrecorded.push({ kind: 'step', step: 'returned', at, actor: by ?? 'secretariat', comment });
      status.returned = [...(status.returned ?? []), { comment, at }];
      setState('returned');
      pending.push({ kind: 'goals-returned', comment });
      return { returnedAt: at };
    },
    {
      validator: ({ comment }) => {
        if (status.state !== 'goals-submitted') refuse('NothingToReturn', language, { title: project.title, state: status.state });
        if (typeof comment !== 'string' || !comment.trim() || comment.length > 2000) refuse('InvalidComment', language);
      },
    },
  );
  wf.setHandler(
    closeProjectUpdate,
    (actor: { by?: string }) => {
      closeRequested = true;
      record('closed', actor?.by);
      return { closedAt: new Date().toISOString() };
    },
    { validator: (_actor: { by?: string }) => void (!['registered', 'approved', 'ongoing'].includes(status.state) && refuse('NotStarted', language, { title: project.title, state: status.state })) },
  );

  let plan = await planning.planProject({ orgId, obligationId, plannedStart: project.plannedStart, plannedEnd: project.plannedEnd });
  /** After an edit: the dates planned again, a start moved ahead no longer "started without approval", the register told. */
  const afterEdit = async () => {
    edited = false;
    plan = await planning.planProject({ orgId, obligationId, plannedStart: project.plannedStart, plannedEnd: project.plannedEnd });
    if (Date.now() < Date.parse(plan.startAt)) {
      status.startedWithoutApproval = false;
      // Its start moved ahead: not ongoing until then.
      if (status.state === 'ongoing') setState(plan.gate ? 'approved' : 'registered');
    }
    await tellChange();
  };
  questionnaire = plan.questionnaire;
  language = plan.language;
  if (!plan.gate) {
    // The policy keeps an inventory but sets no gate: the project is listed and follows its dates.
    await tellChange();
    return runUntilClosed();
  }
  setState('awaiting-goals');
  await tellChange();
  if (status.ownerApproval === 'awaited') {
    // Nothing goes to an address outside the organisation that nobody there has approved.
    await wf.condition(() => status.ownerApproval !== 'awaited' || closeRequested);
    await tellChange();
  }
  await send('goals-request');

  let nextReminder = Date.now() + plan.remindEveryMs;
  // Until approved: reminders while the owner owes the definition, and a warning at the planned start.
  while (status.state !== 'approved') {
    const wakeAt = Math.min(nextReminder, status.startedWithoutApproval ? Infinity : Date.parse(plan.startAt));
    const changed = await wf.condition(() => pending.length > 0 || edited, Math.max(1, wakeAt - Date.now()));
    if (changed && pending.length === 0) {
      await afterEdit();
      continue;
    }
    if (changed) {
      const event = pending.shift()!;
      await tellChange();
      await send(event.kind, event.comment);
      if (event.kind === 'goals-returned') nextReminder = Date.now() + plan.remindEveryMs;
      continue;
    }
    if (!status.startedWithoutApproval && Date.now() >= Date.parse(plan.startAt)) {
      status.startedWithoutApproval = true;
      await tellChange();
      await send('start-without-approval');
    }
    if (Date.now() >= nextReminder) {
      if (status.state === 'awaiting-goals' || status.state === 'returned') {
        status.remindersSentAt.push(new Date().toISOString());
        await send('goals-reminder');
      }
      nextReminder = Date.now() + plan.remindEveryMs;
    }
  }
  while (pending.length) {
    const event = pending.shift()!;
    await send(event.kind, event.comment);
  }
  await tellChange();
  return runUntilClosed();

  async function runUntilClosed(): Promise<ProjectStatus> {
    // Edits wake it: the dates are planned again and it waits anew.
    for (;;) {
      if (Date.now() < Date.parse(plan.startAt)) {
        await wf.condition(() => closeRequested || edited, Date.parse(plan.startAt) - Date.now());
        if (edited && !closeRequested) {
          await afterEdit();
          continue;
        }
      }
      if (closeRequested) break;
      if (status.state !== 'ongoing') {
        setState('ongoing');
        await tellChange();
      }
      if (plan.endAt) await wf.condition(() => closeRequested || edited, Math.max(1, Date.parse(plan.endAt) - Date.now()));
      else await wf.condition(() => closeRequested || edited);
      if (edited && !closeRequested) {
        await afterEdit();
        continue;
      }
      break;
    }
    await recordSteps();
    setState('closed');
    status.closedAt = new Date().toISOString();
    await tellChange();
    await wf.condition(wf.allHandlersFinished);
    await keepProject();
    return status;
  }
}
