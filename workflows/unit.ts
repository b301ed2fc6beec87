/**
 * One unit's part of a cycle: request, reminders, escalation, answers, until the cycle closes.
 * Deterministic sandboxed code: time only through condition() and the workflow's Date.
 */
import * as wf from '@temporalio/workflow';
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkAnswer, checkDraft, describeAnswerErrors } from '../domain/answers';
import type { Draft, MailKind, MailProblem, SubmittedAnswer, UnitState, UnitStatus } from '../domain/types';
import {
  closeUnitSignal,
  exemptUnitUpdate,
  extendDeadlineUpdate,
  remindNowUpdate,
  saveDraftUpdate,
  submitAnswerUpdate,
  unitStatusQuery,
  type UnitInput,
} from './definitions';
import { mailRetry, planningRetry } from './retry';

const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });
const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });

interface QueuedMail {
  kind: MailKind;
  sequence: number;
  answer?: SubmittedAnswer;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function reject(type: string, sv: string, en: string, language: 'sv' | 'en', details?: unknown): never {
  throw ApplicationFailure.create({ type, message: language === 'sv' ? sv : en, nonRetryable: true, details: details ? [details] : [] });
}

export async function unitWorkflow(input: UnitInput): Promise<UnitStatus> {
  const { key, unitId, language, questionnaire } = input;
  let plan = input.plan;
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
  const remindersSentAt: string[] = [];
  const mailProblems: MailProblem[] = [];
  const outbox: QueuedMail[] = [];

  const nowIso = () => new Date().toISOString();
  const awaitingAnswer = () => requested && !answer && !exempt;

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
    answer,
    draft,
    exempt,
    mailProblems: [...mailProblems],
  });

  const rejectIfClosed = () => {
    if (closing) reject('CycleClosed', 'Uppföljningen är stängd och tar inte emot fler ändringar.', 'The cycle is closed and takes no more changes.', language);
  };

  wf.setHandler(unitStatusQuery, status);
  wf.setHandler(closeUnitSignal, () => {
    closing = true;
  });

  wf.setHandler(
    submitAnswerUpdate,
    (given) => {
      const previous = answer;
      const revision = (previous?.revision ?? 0) + 1;
      answer = { values: checkedValues(given.values), answeredAt: nowIso(), by: given.by, revision };
      draft = undefined;
      outbox.push({ kind: 'receipt', sequence: revision, answer });
      return answer;
    },
    {
      validator: (given) => {
        rejectIfClosed();
        if (exempt) reject('UnitExempt', 'Enheten är undantagen från denna uppföljning.', 'The unit is exempt from this cycle.', language);
        if (given?.by !== 'contact' && given?.by !== 'secretariat') reject('InvalidAnswer', 'Svaret saknar avsändare.', 'The answer does not say who gave it.', language);
        const check = checkAnswer(questionnaire, given.values);
        if (!check.ok) {
          throw ApplicationFailure.create({
            type: 'InvalidAnswer',
            message: describeAnswerErrors(check.errors, questionnaire, language),
            nonRetryable: true,
            details: [check.errors],
          });
        }
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
        if (exempt) reject('UnitExempt', 'Enheten är undantagen från denna uppföljning.', 'The unit is exempt from this cycle.', language);
        const check = checkDraft(questionnaire, given?.values);
        if (!check.ok) {
          throw ApplicationFailure.create({ type: 'InvalidDraft', message: describeAnswerErrors(check.errors, questionnaire, language), nonRetryable: true, details: [check.errors] });
        }
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
    async ({ until }) => {
      plan = await planning.planDeadline({ key, unitId, until, opensAt: plan.opensAt });
      const now = Date.now();
      remindersDone = plan.reminderTimes.filter((t) => Date.parse(t) <= now).length;
      wake = true;
      return plan;
    },
    {
      validator: ({ until }) => {
        rejectIfClosed();
        if (answer) reject('AlreadyAnswered', 'Enheten har redan svarat.', 'The unit has already answered.', language);
        if (exempt) reject('UnitExempt', 'Enheten är undantagen.', 'The unit is exempt.', language);
        if (typeof until !== 'string' || !ISO_DATE.test(until)) reject('InvalidDate', `"${String(until)}" är inget datum; skriv ÅÅÅÅ-MM-DD.`, `"${String(until)}" is not a date; write YYYY-MM-DD.`, language);
        const today = new Date().toISOString().slice(0, 10);
        if (until < today) reject('InvalidDate', `${until} har redan passerat.`, `${until} is in the past.`, language);
        if (until >= input.closesAt.slice(0, 10)) {
          reject('InvalidDate', `Den nya sista dagen måste ligga före stängningen (${input.closesAt.slice(0, 10)}).`, `The new deadline must be before the cycle closes (${input.closesAt.slice(0, 10)}).`, language);
        }
      },
    },
  );

  wf.setHandler(
    exemptUnitUpdate,
    ({ reason }) => {
      exempt = { reason: reason.trim(), at: nowIso() };
      wake = true;
      return { exemptAt: exempt.at };
    },
    {
      validator: ({ reason }) => {
        rejectIfClosed();
        if (answer) reject('AlreadyAnswered', 'Enheten har redan svarat.', 'The unit has already answered.', language);
        if (exempt) reject('UnitExempt', 'Enheten är redan undantagen.', 'The unit is already exempt.', language);
        if (typeof reason !== 'string' || !reason.trim() || reason.length > 500) {
          reject('InvalidReason', 'Ange ett skäl (högst 500 tecken).', 'Give a reason (at most 500 characters).', language);
        }
      },
    },
  );

  wf.setHandler(
    remindNowUpdate,
    () => {
      outbox.push({ kind: 'reminder', sequence: ++reminderSequence });
      return { queuedAt: nowIso() };
    },
    {
      validator: () => {
        rejectIfClosed();
        if (!requested) reject('NotOpen', 'Förfrågan har inte skickats ännu.', 'The request has not been sent yet.', language);
        if (answer) reject('AlreadyAnswered', 'Enheten har redan svarat.', 'The unit has already answered.', language);
        if (exempt) reject('UnitExempt', 'Enheten är undantagen.', 'The unit is exempt.', language);
      },
    },
  );

  async function send(queued: QueuedMail): Promise<void> {
    const at = nowIso();
    try {
      await mail.sendUnitMail({ key, unitId, kind: queued.kind, sequence: queued.sequence, at, plan, closesAt: input.closesAt, answer: queued.answer });
      if (queued.kind === 'request') requestSentAt = at;
      if (queued.kind === 'reminder') remindersSentAt.push(at);
      if (queued.kind === 'escalation') escalatedAt = at;
    } catch (err) {
      // A permanent failure (SMTP 5xx, unknown recipient) must not stop the cycle: it shows in the status.
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      mailProblems.push({ kind: queued.kind, sequence: queued.sequence, at, error: cause });
      if (queued.kind === 'escalation') escalatedAt = at;
    }
  }

  // Before the opening day, only closing or exemption can happen.
  const untilOpen = Date.parse(plan.opensAt) - Date.now();
  if (untilOpen > 0) await wf.condition(() => closing || exempt !== undefined, untilOpen);
  if (!closing && !exempt) {
    requested = true;
    outbox.push({ kind: 'request', sequence: 1 });
    // A cycle started late does not fire the reminders whose time has already passed.
    remindersDone = plan.reminderTimes.filter((t) => Date.parse(t) <= Date.now()).length;
  }

  for (;;) {
    while (outbox.length > 0) {
      await send(outbox[0]!);
      outbox.shift();
    }
    if (closing) break;
    const now = Date.now();
    if (awaitingAnswer()) {
      let reminderDue = false;
      while (remindersDone < plan.reminderTimes.length && Date.parse(plan.reminderTimes[remindersDone]!) <= now) {
        remindersDone++;
        reminderDue = true;
      }
      if (reminderDue && now < Date.parse(plan.deadlineAt)) outbox.push({ kind: 'reminder', sequence: ++reminderSequence });
      if (escalatedForDeadline !== plan.deadlineAt && now >= Date.parse(plan.escalationAt)) {
        escalatedForDeadline = plan.deadlineAt;
        outbox.push({ kind: 'escalation', sequence: ++escalationSequence });
      }
    }
    if (outbox.length > 0) continue;
    const upcoming: number[] = [];
    if (awaitingAnswer()) {
      const nextReminder = plan.reminderTimes[remindersDone];
      if (nextReminder) upcoming.push(Date.parse(nextReminder));
      if (escalatedForDeadline !== plan.deadlineAt) upcoming.push(Date.parse(plan.escalationAt));
    }
    const next = upcoming.length ? Math.min(...upcoming) : undefined;
    const woken = () => closing || wake || outbox.length > 0;
    if (next === undefined) await wf.condition(woken);
    else await wf.condition(woken, Math.max(1, next - now));
    wake = false;
  }
  await wf.condition(wf.allHandlersFinished);
  return status();
}
