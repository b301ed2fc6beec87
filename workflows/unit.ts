/**
 * One unit's part of a cycle: request, reminders, escalation, answers, until the cycle closes.
 * Deterministic sandboxed code: time only through condition() and the workflow's Date.
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkAnswer, checkDraft, describeAnswerErrors } from '../domain/answers';
import type { Draft, HistoryEntry, MailKind, MailingResult, MailProblem, SubmittedAnswer, UnitState, UnitStatus } from '../domain/types';
import { cycleWorkflowId } from '../domain/ids';
import { localDate } from '../domain/local-date';
import { unitStepTimes, unitTimes } from '../domain/spread';
import { owesAnswer } from '../domain/unit-states';
import {
  closeUnitSignal,
  exemptUnitUpdate,
  extendDeadlineUpdate,
  remindNowUpdate,
  saveDraftUpdate,
  submitAnswerUpdate,
  UNIT_ROW_MEMO,
  unitStatusQuery,
  type ActorInput,
  type UnitInput,
} from './definitions';
import { refuse } from './refuse';
import { activityProblem, mailRetry, mailRetryDelayMs, planningRetry } from './retry';
import { storedUnitRow, unitSearchAttributes, type UnitRowSinks } from './unit-row';
import { keepVisible } from './visibility';

const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });
const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
// An answer's version goes to the database of record however long the database is away: tried until it is back.
const records = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });
/**
 * The same write as a local activity: run by the worker inside the workflow task that took the
 * answer, so it costs no activity task on the server and no workflow task of its own. At 1,000
 * units an activity per answer added 900 workflow tasks to the cycle's 5,200 and cost a tenth of
 * its throughput (README, Performance). Retried as long as the other.
 */
const localRecords = wf.proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });
/** Units that write each version of their answer to the database of record; those from before replay as they ran. */
export const ANSWER_RECORDS_PATCH = 'answer-versions-on-record';
/** Units that write it as a local activity; those that wrote it as an activity replay as they ran. */
export const LOCAL_ANSWER_RECORDS_PATCH = 'answer-versions-local';
/** Units that send each reminder and the escalation at a moment of their own in its window; those from before replay at the plan's times. */
export const SPREAD_REMINDERS_PATCH = 'spread-reminders';
/**
 * Units whose receipt writes the answer's version before it goes out (the local activity only for
 * a version whose receipt did not): the workflow task that takes an answer waits for no database.
 */
export const ANSWER_WITH_RECEIPT_PATCH = 'answer-version-with-receipt';
/**
 * Units whose plan has an escalation ladder (config `escalation`) send its steps in order until they
 * answer or the cycle closes. Asked only by such units: a plan without steps escalates once, as
 * every unit did before, and histories from before replay without the marker.
 */
export const ESCALATION_LADDER_PATCH = 'escalation-ladder';

interface QueuedMail {
  kind: MailKind;
  sequence: number;
  answer?: SubmittedAnswer;
  /** A copy for these people only: an earlier mail is still on its way to them. */
  only?: string[];
  /**
   * A retry goes to everyone but these: they got it, or refused it for good. (Not "only those
   * still waiting": a waiting address corrected in the config reaches the corrected one.)
   */
  settled?: string[];
  /** Whom a retry is still waiting for: the mails behind it wait for these people. */
  waitingFor?: string[];
  attempt?: number;
  /** An escalation of the ladder: its step, 0 for the first. */
  step?: number;
  /** A mail tried again waits until then. */
  notBefore?: number;
  /**
   * Whether the mails behind it wait for it: yes when the server put it off (each person gets their
   * mails in order); no when its template failed (it is tried again hourly, after a fix and a
   * restarted worker, and a broken reminder template must not hold back a receipt).
   */
  holdsBack?: boolean;
  /** When it was first sent: its Date header on every try, as its Message-ID stays the same. */
  firstAt?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A mail whose template failed is rendered again this often until the cycle closes (a fixed template and a restarted worker complete it). */
const TEMPLATE_RETRY_MS = 3_600_000;

export async function unitWorkflow(input: UnitInput): Promise<UnitStatus> {
  const { key, unitId, language, questionnaire } = input;
  let plan = input.plan;
  // Units of a cycle that spreads were started knowing it: no patch marker (definitions.ts, spreadFromStart).
  const spread = input.plan.spreadUntil !== undefined && (input.spreadFromStart === true || wf.patched(SPREAD_REMINDERS_PATCH));
  /** This unit's reminder and escalation times: its own moments in the plan's windows. */
  const own = (): Pick<typeof plan, 'reminderTimes' | 'escalationAt'> => (spread ? unitTimes(plan, key, unitId) : plan);
  const ladder = input.plan.escalationSteps !== undefined && wf.patched(ESCALATION_LADDER_PATCH);
  /** This unit's moment of each step of the ladder. */
  const ownSteps = (): string[] => (spread ? unitStepTimes(plan, key, unitId) : (plan.escalationSteps ?? []).map((s) => s.at));
  // Steps of the ladder due for the deadline the ladder counts from; the step the unit is on (1-based, 0: none).
  let stepsDone = 0;
  let ladderDeadline: string | undefined;
  let escalationStep = 0;
  let closing = false;
  let requested = false;
  let wake = false;
  let requestSentAt: string | undefined;
  let escalatedAt: string | undefined;
  let escalatedForDeadline: string | undefined;
  let answer: SubmittedAnswer | undefined;
  let draft: Draft | undefined;
  let exempt: { reason: string; at: string } | undefined;
  // Reminders with an index below this one are sent or were skipped.
  let remindersDone = 0;
  let reminderSequence = 0;
  let escalationSequence = 0;
  let deadlineMovedSequence = 0;
  const remindersSentAt: string[] = [];
  const mailProblems: MailProblem[] = [];
  // Answers taken but not yet in the database of record, in the order they came.
  const unrecorded: { answer: SubmittedAnswer; submissionId: string; actor: string }[] = [];
  // The version a receipt not yet tried will carry (it is sent in the same pass as the answer is taken).
  const receiptWillCarry = (version: (typeof unrecorded)[number]) =>
    outbox.some((queued) => queued.kind === 'receipt' && queued.sequence === version.answer.revision && queued.attempt === undefined && queued.only === undefined);
  // Whether the last mail was to carry a version and did not put it on record.
  let versionLeft = false;
  /** Writes the versions not on record, but for those a receipt will carry (unless `all`, at the close). */
  const recordAnswers = async ({ all = false } = {}) => {
    for (let i = 0; i < unrecorded.length; ) {
      const version = unrecorded[i]!;
      if (!all && receiptWillCarry(version) && wf.patched(ANSWER_WITH_RECEIPT_PATCH)) {
        i++;
        continue;
      }
      unrecorded.splice(i, 1);
      if (wf.patched(LOCAL_ANSWER_RECORDS_PATCH)) await localRecords.recordAnswerVersion({ key, unitId, ...version });
      else if (wf.patched(ANSWER_RECORDS_PATCH)) await records.recordAnswerVersion({ key, unitId, ...version });
    }
  };
  // Who did what to the unit: kept in its state, read by the cycle's page.
  const history: HistoryEntry[] = [];
  // Mails in the order they are due; the first may be waiting for another try.
  const outbox: QueuedMail[] = [];
  // No wake flag: the loop's condition sees a due mail itself (as it saw a non-empty outbox before).
  const enqueue = (queued: QueuedMail) => {
    outbox.push(queued);
  };
  /**
   * The first mail that is due, and the people it must skip for now: those an earlier mail is
   * still waiting to reach (the server put it off), so that each person gets their mails in order
   * while everyone else gets theirs at once. A mail only for such people waits behind.
   */
  const nextDue = (): { index: number; held: string[] } | undefined => {
    const held = new Set<string>();
    const now = Date.now();
    for (let i = 0; i < outbox.length; i++) {
      const queued = outbox[i]!;
      const blocked = queued.only !== undefined && queued.only.length > 0 && queued.only.every((a) => held.has(a.toLowerCase()));
      if ((queued.notBefore ?? 0) <= now && !blocked) return { index: i, held: [...held] };
      if (queued.holdsBack) for (const a of queued.waitingFor ?? queued.only ?? []) held.add(a.toLowerCase());
    }
    return undefined;
  };
  const nextTry = () => outbox.flatMap((queued) => (queued.notBefore !== undefined && queued.notBefore > Date.now() ? [queued.notBefore] : []));
  // Mails (kind.sequence) that have reached someone, so a retry does not count them twice.
  const reached = new Set<string>();

  const nowIso = () => new Date().toISOString();
  const awaitingAnswer = () => owesAnswer({ requested, answered: answer !== undefined, exempt: exempt !== undefined });

  const state = (): UnitState => {
    if (answer) return 'answered';
    if (exempt) return 'exempt';
    if (escalatedAt && escalatedForDeadline === plan.deadlineAt) return 'escalated';
    if (!requested) return 'scheduled';
    if (Date.now() >= Date.parse(plan.deadlineAt)) return 'late';
    return draft ? 'draft' : 'requested';
  };

  const status = (): UnitStatus => ({
    unitId,
    state: state(),
    closed: closing,
    plan,
    requestSentAt,
    remindersSentAt: [...remindersSentAt],
    escalatedAt,
    ...(escalationStep > 0 ? { escalationStep } : {}),
    answer,
    draft,
    exempt,
    mailProblems: [...mailProblems],
    history: [...history],
  });
  const note = (what: HistoryEntry['what'], by?: string, detail?: string) => history.push({ at: nowIso(), what, ...(by ? { by } : {}), ...(detail ? { detail } : {}) });

  const rejectIfClosed = () => {
    if (closing) refuse('CycleClosed', language);
  };

  wf.setHandler(unitStatusQuery, status);
  // Units from before their line was kept in the visibility store are read by asking them. Units
  // whose cycle says so were started knowing it: no patch marker (and its search-attribute write).
  const visible = input.rowFromStart === true || wf.patched('unit-row-in-visibility');
  const startedWithRow = input.startedWithRow === true;
  const row = () => storedUnitRow(status(), startedWithRow ? { withClosed: false, cyclePlan: input.plan } : { withClosed: true });
  const { unitRows } = wf.proxySinks<UnitRowSinks>();
  const cycleId = cycleWorkflowId(key);
  const writtenAtStart = startedWithRow ? (wf.workflowInfo().memo?.[UNIT_ROW_MEMO] as ReturnType<typeof row> | undefined) : undefined;
  const writeRow = visible
    ? keepVisible(UNIT_ROW_MEMO, row, (r) => unitSearchAttributes(key, unitId, r), {
        afterFirstTask: input.rowFromStart === true,
        writtenAtStart,
        written: (r) => unitRows.changed(cycleId, unitId, r),
      })
    : () => undefined;
  // The line the cycle started it with is in the visibility store already, and not yet beside it.
  if (visible && writtenAtStart) unitRows.changed(cycleId, unitId, writtenAtStart);
  wf.setHandler(closeUnitSignal, () => {
    closing = true;
  });

  wf.setHandler(
    submitAnswerUpdate,
    (given) => {
      const previous = answer;
      const revision = (previous?.revision ?? 0) + 1;
      answer = { values: checkedValues(given.values), answeredAt: nowIso(), by: given.by, revision };
      unrecorded.push({ answer, submissionId: wf.currentUpdateInfo()?.id ?? `revision-${revision}`, actor: given.actor ?? given.by });
      if (given.by === 'secretariat') note('answered-for-unit', given.actor, `version ${revision}`);
      draft = undefined;
      enqueue({ kind: 'receipt', sequence: revision, answer });
      return answer;
    },
    {
      validator: (given) => {
        rejectIfClosed();
        if (exempt) refuse('UnitExempt', language);
        if (given?.by !== 'contact' && given?.by !== 'secretariat') refuse('MissingSender', language);
        const check = checkAnswer(questionnaire, given.values);
        if (!check.ok) refuse('InvalidAnswer', language, { problems: describeAnswerErrors(check.errors, questionnaire, language) }, check.errors);
      },
    },
  );

  wf.setHandler(
    saveDraftUpdate,
    (given) => {
      const check = checkDraft(questionnaire, given.values);
      if (!check.ok) throw ApplicationFailure.nonRetryable('Draft changed between validation and handling.', 'InvalidDraft');
      draft = { values: check.values, savedAt: nowIso() };
      return draft;
    },
    {
      validator: (given) => {
        rejectIfClosed();
        if (exempt) refuse('UnitExempt', language);
        const check = checkDraft(questionnaire, given?.values);
        if (!check.ok) refuse('InvalidDraft', language, { problems: describeAnswerErrors(check.errors, questionnaire, language) }, check.errors);
      },
    },
  );

  function checkedValues(values: unknown) {
    const check = checkAnswer(questionnaire, values);
    // The validator already ran; this only normalises (trims, parses numbers).
    if (!check.ok) throw ApplicationFailure.nonRetryable('Answer changed between validation and handling.', 'InvalidAnswer');
    return check.values;
  }

  wf.setHandler(
    extendDeadlineUpdate,
    async ({ until, by }) => {
      note('deadline-extended', by, until);
      plan = await planning.planDeadline({ key, unitId, until, opensAt: plan.opensAt, ...(ladder ? { closesAt: input.closesAt } : {}) });
      const now = Date.now();
      remindersDone = own().reminderTimes.filter((t) => Date.parse(t) <= now).length;
      // People who have the request know the old date (and may have it in their calendar): tell them.
      // A close that came while the deadline was re-planned has ended the loop: nobody would send it.
      if (requested && wf.patched('deadline-moved-mail') && !closing) enqueue({ kind: 'deadline-moved', sequence: ++deadlineMovedSequence });
      wake = true;
      return plan;
    },
    {
      validator: ({ until }) => {
        rejectIfClosed();
        if (answer) refuse('AlreadyAnswered', language);
        if (exempt) refuse('UnitExempt', language);
        if (typeof until !== 'string' || !ISO_DATE.test(until)) refuse('NotADate', language, { value: String(until) });
        // The organisation's day: at 00:30 in Stockholm on 1 January, 31 December has passed though UTC is still in it.
        if (until < localDate(new Date(), input.timeZone)) refuse('DateInPast', language, { value: until });
        const closes = localDate(new Date(input.closesAt), input.timeZone);
        if (until >= closes) refuse('DeadlineAfterClosing', language, { closes });
      },
    },
  );

  wf.setHandler(
    exemptUnitUpdate,
    ({ reason, by }) => {
      exempt = { reason: reason.trim(), at: nowIso() };
      note('exempted', by, exempt.reason);
      wake = true;
      return { exemptAt: exempt.at };
    },
    {
      validator: ({ reason }) => {
        rejectIfClosed();
        if (answer) refuse('AlreadyAnswered', language);
        if (exempt) refuse('UnitExempt', language);
        if (typeof reason !== 'string' || !reason.trim() || reason.length > 500) refuse('InvalidReason', language);
      },
    },
  );

  wf.setHandler(
    remindNowUpdate,
    // Histories from before "by" was sent have no argument here: request may be undefined.
    (request: ActorInput) => {
      note('reminded', request?.by);
      enqueue({ kind: 'reminder', sequence: ++reminderSequence });
      return { queuedAt: nowIso() };
    },
    {
      validator: (_request: ActorInput) => {
        rejectIfClosed();
        if (!requested) refuse('NotOpen', language);
        if (answer) refuse('AlreadyAnswered', language);
        if (exempt) refuse('UnitExempt', language);
      },
    },
  );

  /** Keeps one problem per mail and person: the newest outcome replaces an earlier one. */
  function noteProblem(problem: MailProblem): void {
    const same = mailProblems.findIndex((p) => p.kind === problem.kind && p.sequence === problem.sequence && p.address === problem.address);
    if (same >= 0) mailProblems.splice(same, 1);
    mailProblems.push(problem);
  }

  /** A step of the ladder went out (or failed as a whole): the unit is on it, and its history says so. */
  const stepsNoted = new Set<number>();
  function onStep(queued: QueuedMail): void {
    if (queued.step === undefined || stepsNoted.has(queued.sequence)) return;
    stepsNoted.add(queued.sequence);
    escalationStep = queued.step + 1;
    note('escalated', undefined, `${escalationStep}/${plan.escalationSteps?.length ?? escalationStep}`);
  }

  /**
   * Sends a mail to all but `held`; returns what is left to do: the mail again for those the server
   * put off (with the time of the next try), and a copy for the held people, behind the mail they wait for.
   */
  async function send(queued: QueuedMail, held: string[]): Promise<QueuedMail[]> {
    const at = nowIso();
    const later: QueuedMail[] = held.length > 0 ? [{ kind: queued.kind, sequence: queued.sequence, answer: queued.answer, firstAt: queued.firstAt ?? at, only: held, holdsBack: true, ...(queued.step !== undefined ? { step: queued.step } : {}) }] : [];
    const skipped = [...(queued.settled ?? []), ...held];
    const skip = skipped.length > 0 ? skipped : undefined;
    let result: MailingResult;
    // Only a first try carries the version: recordAnswers wrote it before any other.
    const carried = queued.kind === 'receipt' && queued.attempt === undefined && queued.only === undefined ? unrecorded.find((v) => v.answer.revision === queued.sequence) : undefined;
    const answerVersion = carried && wf.patched(ANSWER_WITH_RECEIPT_PATCH) ? { submissionId: carried.submissionId, actor: carried.actor } : undefined;
    versionLeft = answerVersion !== undefined;
    try {
      result = await mail.sendUnitMail({ key, unitId, kind: queued.kind, sequence: queued.sequence, at: queued.firstAt ?? at, plan, closesAt: input.closesAt, answer: queued.answer, only: queued.only, skip, ...(answerVersion ? { answerVersion } : {}), ...(queued.step !== undefined ? { step: queued.step } : {}) });
    } catch (err) {
      // A mailing that fails as a whole (no such unit any more) must not stop the cycle: it shows in the status.
      const cause = activityProblem(err);
      if (cause === undefined) throw err;
      noteProblem({ kind: queued.kind, sequence: queued.sequence, at, error: cause, state: 'failed' });
      if (queued.kind === 'escalation') escalatedAt ??= at;
      onStep(queued);
      return later;
    }
    if (answerVersion && result.answerOnRecord) {
      unrecorded.splice(unrecorded.indexOf(carried!), 1);
      versionLeft = false;
    }
    // Histories recorded before mail went person by person carry no outcomes: all went out.
    const outcomes = result.outcomes ?? [];
    // A person taken out of the config (an address corrected) no longer waits for this mail.
    if (result.recipients) {
      const current = new Set(result.recipients.map((a) => a.toLowerCase()));
      for (let i = mailProblems.length - 1; i >= 0; i--) {
        const p = mailProblems[i]!;
        if (p.kind === queued.kind && p.sequence === queued.sequence && p.address && !current.has(p.address.toLowerCase())) mailProblems.splice(i, 1);
      }
    }
    for (const o of outcomes) {
      const resolved = mailProblems.findIndex((p) => p.kind === queued.kind && p.sequence === queued.sequence && p.address === o.address);
      if (o.state === 'delivered') {
        if (resolved >= 0) mailProblems.splice(resolved, 1);
      } else noteProblem({ kind: queued.kind, sequence: queued.sequence, at, error: o.detail ?? o.state, address: o.address, state: o.state });
    }
    const reachedSomeone = !result.outcomes || outcomes.some((o) => o.state === 'delivered');
    const mailKey = `${queued.kind}.${queued.sequence}`;
    if ((reachedSomeone || queued.kind === 'escalation') && !reached.has(mailKey)) {
      reached.add(mailKey);
      const sentAt = queued.firstAt ?? at;
      if (queued.kind === 'request') requestSentAt ??= sentAt;
      if (queued.kind === 'reminder') remindersSentAt.push(sentAt);
      if (queued.kind === 'escalation') escalatedAt ??= sentAt;
      onStep(queued);
    }
    const putOff = outcomes.filter((o) => o.state === 'retrying').map((o) => o.address);
    const unrendered = outcomes.filter((o) => o.state === 'failed').map((o) => o.address);
    if (putOff.length === 0 && unrendered.length === 0) return later;
    const attempt = (queued.attempt ?? 0) + 1;
    const holdsBack = putOff.length > 0;
    const delay = holdsBack ? mailRetryDelayMs(attempt) : TEMPLATE_RETRY_MS;
    const settled = [...(queued.settled ?? []), ...outcomes.filter((o) => o.state === 'delivered' || o.state === 'refused').map((o) => o.address)];
    return [{ ...queued, settled, waitingFor: [...putOff, ...unrendered], attempt, holdsBack, notBefore: Date.now() + delay, firstAt: queued.firstAt ?? at }, ...later];
  }

  // Before the opening day, only closing or exemption can happen.
  const untilOpen = Date.parse(plan.opensAt) - Date.now();
  if (untilOpen > 0) await wf.condition(() => closing || exempt !== undefined, untilOpen);
  if (!closing && !exempt) {
    requested = true;
    outbox.push({ kind: 'request', sequence: 1 });
    // A cycle started late does not fire the reminders whose time has already passed.
    remindersDone = own().reminderTimes.filter((t) => Date.parse(t) <= Date.now()).length;
  }

  for (;;) {
    await recordAnswers();
    for (let due = nextDue(); due; due = nextDue()) {
      const queued = outbox[due.index]!;
      // A reminder or escalation that waited for another try is moot once the unit has answered.
      if ((queued.attempt !== undefined || queued.only !== undefined) && (queued.kind === 'reminder' || queued.kind === 'escalation') && !awaitingAnswer()) {
        outbox.splice(due.index, 1);
        continue;
      }
      // An answer is on record before its receipt (or any other mail) goes out: written first or by the receipt.
      await recordAnswers();
      outbox.splice(due.index, 1, ...(await send(queued, due.held)));
      // A receipt that failed as a whole, or a worker from before that did not know to write it, left its version to write.
      if (versionLeft) await recordAnswers();
    }
    if (closing) break;
    const now = Date.now();
    if (awaitingAnswer()) {
      const { reminderTimes, escalationAt } = own();
      let reminderDue = false;
      while (remindersDone < reminderTimes.length && Date.parse(reminderTimes[remindersDone]!) <= now) {
        remindersDone++;
        reminderDue = true;
      }
      if (reminderDue && now < Date.parse(plan.deadlineAt)) outbox.push({ kind: 'reminder', sequence: ++reminderSequence });
      if (ladder) {
        // A moved deadline starts the ladder again from its first step.
        if (ladderDeadline !== plan.deadlineAt) {
          ladderDeadline = plan.deadlineAt;
          stepsDone = 0;
          escalationStep = 0;
        }
        const steps = ownSteps();
        while (stepsDone < steps.length && now >= Date.parse(steps[stepsDone]!)) {
          escalatedForDeadline = plan.deadlineAt;
          outbox.push({ kind: 'escalation', sequence: ++escalationSequence, step: stepsDone++ });
        }
      } else if (escalatedForDeadline !== plan.deadlineAt && now >= Date.parse(escalationAt)) {
        escalatedForDeadline = plan.deadlineAt;
        outbox.push({ kind: 'escalation', sequence: ++escalationSequence });
      }
    }
    if (nextDue()) continue;
    const upcoming: number[] = nextTry();
    if (awaitingAnswer()) {
      const { reminderTimes, escalationAt } = own();
      const nextReminder = reminderTimes[remindersDone];
      if (nextReminder) upcoming.push(Date.parse(nextReminder));
      if (ladder) {
        const nextStep = ownSteps()[stepsDone];
        if (nextStep) upcoming.push(Date.parse(nextStep));
      } else if (escalatedForDeadline !== plan.deadlineAt) upcoming.push(Date.parse(escalationAt));
      // Awake when the deadline passes, so that "late" reaches the visibility store then.
      if (visible && now < Date.parse(plan.deadlineAt)) upcoming.push(Date.parse(plan.deadlineAt));
    }
    const next = upcoming.length ? Math.min(...upcoming) : undefined;
    const woken = () => closing || wake || nextDue() !== undefined;
    if (next === undefined) await wf.condition(woken);
    else await wf.condition(woken, Math.max(1, next - now));
    wake = false;
  }
  await recordAnswers({ all: true });
  // What still waited for another try when the cycle closed was never delivered.
  for (const p of mailProblems) if (p.state === 'retrying') p.state = 'failed';
  for (const queued of outbox) {
    if (queued.attempt) continue; // its people already show as put off, now failed
    const error = 'not sent: the mail server put off an earlier mail to this person until the cycle closed';
    for (const address of queued.only ?? [undefined]) noteProblem({ kind: queued.kind, sequence: queued.sequence, at: nowIso(), error, address, state: 'failed' });
  }
  await wf.condition(wf.allHandlersFinished);
  writeRow();
  return status();
}
