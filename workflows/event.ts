/**
 * A registered event (a twin-town visit, a delegation, a conference hosted): the bodies and people
 * concerned are told a configured time before it; a change after a notice is told at once with
 * the new details, and so is a cancellation. The event is over at the end of its last day.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { checkEventChange, describeProblems, type EventRegistration, type EventSummary } from '../domain/registers';
import { cancelEventUpdate, changeEventUpdate, eventStatusQuery, resendMailUpdate, type EventInput, type EventStatus } from './definitions';
import { mailLog } from './mail-log';
import { refuse } from './refuse';
import { keepOnRecord } from './case-record';
import { tellRegister } from './register-client';
import { mailRetry, planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

export async function eventWorkflow(input: EventInput): Promise<EventStatus> {
  const { orgId, obligationId } = input;
  let event: EventRegistration = { ...input.event };
  const now = () => new Date().toISOString();
  const status: EventStatus = {
    id: event.id,
    obligationId,
    title: event.title,
    date: event.date,
    ...(event.endDate ? { endDate: event.endDate } : {}),
    place: event.place,
    unitId: event.unitId,
    state: 'planned',
    noticesSent: 0,
    registeredAt: now(),
    concerned: event.concerned,
    ...(event.description ? { description: event.description } : {}),
    history: [{ at: now(), what: 'registered', ...(input.by ? { by: input.by } : {}) }],
  };
  // A change not yet acted on (re-planned, and told when people already had a notice).
  let changed = false;
  let cancelled: { reason?: string } | undefined;
  let sequence = 0;
  const summary = (): EventSummary => {
    const { concerned: _c, description: _d, history: _h, mailProblems, ...rest } = status;
    return { ...rest, ...(mailProblems?.length ? { mailProblems } : {}) };
  };
  const keep = keepOnRecord('event', orgId, event.id, () => ({ title: status.title, year: Number(status.date.slice(0, 4)) || undefined, state: status }));
  /** Tells the register, and keeps the event with its history on record. */
  const told = async () => {
    await tellRegister(orgId, { kind: 'event', summary: summary() });
    await keep();
  };
  const over = () => status.state === 'held' || status.state === 'cancelled';
  type NoticeKind = 'event-notice' | 'event-changed' | 'event-cancelled';
  const mails = mailLog<NoticeKind>(
    (m, at, skip) => mail.sendEventMail({ orgId, obligationId, event, kind: m.kind, sequence: m.sequence, at, reason: m.note, ...(skip ? { skip } : {}) }),
    (problems) => (status.mailProblems = problems),
  );
  /** What a notice that reached people is in the history; one that reached nobody is a problem, not a notice. */
  const HISTORY_OF: Record<NoticeKind, EventStatus['history'][number]['what']> = { 'event-notice': 'notice', 'event-changed': 'change-notice', 'event-cancelled': 'cancel-notice' };
  /** Sends a notice; whether it reached anyone (only then is it counted, and the event "noticed"). */
  const send = async (kind: NoticeKind, reason?: string) => {
    const had = mails.problems.length;
    const reached = await mails.send({ kind, sequence: ++sequence, ...(reason !== undefined ? { note: reason } : {}) }, now());
    if (reached) {
      status.noticesSent++;
      status.history.push({ at: now(), what: HISTORY_OF[kind] });
    }
    if (mails.problems.length > had) status.history.push({ at: now(), what: 'mail-failed', detail: `${kind}: ${mails.problems.at(-1)!.error}` });
    return reached;
  };

  wf.setHandler(eventStatusQuery, () => status);
  wf.setHandler(
    resendMailUpdate,
    async ({ by }) => {
      const sent = await mails.sendAgain(now());
      status.noticesSent += sent.length;
      status.history.push({ at: now(), what: 'mail-resent', ...(by ? { by } : {}), detail: `${sent.length}` });
      if (sent.length > 0 && status.state === 'planned') status.state = 'noticed';
      await told();
      return { sent: sent.length, problems: mails.problems.length };
    },
    { validator: (_actor: { by?: string }) => void (mails.problems.length === 0 && refuse('NothingToResend', 'en', { title: status.title })) },
  );
  wf.setHandler(
    changeEventUpdate,
    ({ change, by }) => {
      event = { ...event, ...change };
      Object.assign(status, { title: event.title, date: event.date, place: event.place, concerned: event.concerned }, event.endDate ? { endDate: event.endDate } : {}, event.description ? { description: event.description } : {});
      status.history.push({ at: now(), what: 'changed', ...(by ? { by } : {}) });
      changed = true;
      return status;
    },
    {
      validator: ({ change }) => {
        if (over()) refuse('AlreadyEnded', 'en', { what: `The event "${status.title}"`, when: status.cancelledAt ?? status.date });
        const problems = checkEventChange({ ...change, date: change?.date ?? event.date });
        if (problems.length) refuse('InvalidInput', 'en', { problems: describeProblems(problems) });
        const first = change?.date ?? event.date;
        if ((change?.endDate ?? event.endDate ?? first) < first) refuse('InvalidInput', 'en', { problems: 'endDate: not before the first day' });
      },
    },
  );
  wf.setHandler(
    cancelEventUpdate,
    ({ reason, by }) => {
      cancelled = { reason: reason?.trim() || undefined };
      status.history.push({ at: now(), what: 'cancelled', ...(by ? { by } : {}) });
      return status;
    },
    {
      validator: ({ reason }) => {
        if (over() || cancelled) refuse('AlreadyEnded', 'en', { what: `The event "${status.title}"`, when: status.cancelledAt ?? status.date });
        if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) refuse('InvalidInput', 'en', { problems: 'reason: at most 500 characters' });
      },
    },
  );

  await told();
  // Notices already sent for the event as it now stands: a change starts the count again.
  let toldOfThisVersion = false;
  for (;;) {
    const plan = await planning.planEventNotices({ orgId, obligationId, date: event.date, endDate: event.endDate, now: now() });
    const interrupted = () => changed || cancelled !== undefined;
    // Registered (or moved) after a notice's time but before the event: told at once, once.
    if (plan.late && !toldOfThisVersion) {
      if (await send('event-notice')) {
        status.state = 'noticed';
        toldOfThisVersion = true;
      }
      await told();
    }
    for (const at of plan.noticeTimes) {
      if (await wf.condition(interrupted, Math.max(1, Date.parse(at) - Date.now()))) break;
      if (await send('event-notice')) {
        status.state = 'noticed';
        toldOfThisVersion = true;
      }
      await told();
    }
    if (!interrupted()) await wf.condition(interrupted, Math.max(1, Date.parse(plan.endsAt) - Date.now()));
    if (cancelled) {
      // Nobody was told of it yet: nobody needs telling that it is off.
      if (status.noticesSent > 0) await send('event-cancelled', cancelled.reason);
      status.state = 'cancelled';
      status.cancelledAt = now();
      break;
    }
    if (changed) {
      changed = false;
      if (toldOfThisVersion) await send('event-changed');
      else if (status.noticesSent === 0) status.state = 'planned';
      // Those told of the change know it: later notices still come at their times.
      await told();
      continue;
    }
    status.state = 'held';
    status.history.push({ at: now(), what: 'held' });
    break;
  }
  await told();
  await wf.condition(wf.allHandlersFinished);
  // What a last handler changed (mail sent again) is on record too.
  await keep();
  return status;
}
