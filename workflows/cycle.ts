/**
 * One cycle of a periodic data call for (organisation, obligation, period): starts a unit workflow
 * per unit, waits for the closing day (or an early close), then compiles, archives and delivers.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { unitWorkflowId, type CycleKey } from '../domain/ids';
import type { ArchivedReport, CycleInfo, CycleOverview, CycleResult, CycleSetup, HistoryEntry, MailingResult, RecipientOutcome, UnitStatus } from '../domain/types';
import {
  closeCycleUpdate,
  closeUnitSignal,
  CYCLE_OVERVIEW_MEMO,
  cycleInfoQuery,
  redeliverReportUpdate,
  SEARCH_ATTRIBUTES,
  UNIT_ROW_MEMO,
  UNIT_START_BATCH,
  UNIT_TASK_PRIORITY,
  type ActorInput,
  type CycleInput,
} from './definitions';
import { keepOnRecord } from './case-record';
import { refuse } from './refuse';
import { activityProblem, archiveRetry, boardPartRetry, mailRetry, mailRetryDelayMs, planningRetry, reportRetry } from './retry';
import { unitWorkflow } from './unit';
import { unitRowAtStart, unitSearchAttributes } from './unit-row';
import { keepVisible } from './visibility';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const archive = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: archiveRetry });
const compiling = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: reportRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });
// The report's delivery as the cycle retries it itself: a mailing that fails as a whole (its files
// gone) is a visible problem after a few tries, not an endless retry inside one activity.
const delivering = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: reportRetry });
const boardParts = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: boardPartRetry });

/**
 * How long a closed cycle whose report some recipient refused waits for `cycle redeliver` (after
 * the address is fixed) before it ends. Its report stays in the archive after that.
 */
const REDELIVERY_WINDOW_MS = 60 * 86_400_000;
/** After a week of hourly tries, what is still put off (or not compiled) is tried daily: the history stays small. */
const HOURLY_FOR_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

/** Units started per task of the cycle before 'paced-unit-starts' (and the close signals, still). */
const START_BATCH = 250;
const OUTCOMES_PER_PART = 250;

type ChildHandle = wf.ChildWorkflowHandle<typeof unitWorkflow>;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function cycleWorkflow(input: CycleInput): Promise<CycleResult> {
  const key: CycleKey = { orgId: input.orgId, obligationId: input.obligationId, period: input.period };
  let phase: CycleInfo['phase'] = 'open';
  let setup: CycleSetup | undefined;
  let closeRequested = false;
  let closedAt: string | undefined;
  let report: ArchivedReport | undefined;
  let reportProblem: string | undefined;
  // The report's delivery, one outcome per person, the newest for each address.
  const delivery: RecipientOutcome[] = [];
  // Each unit's part to its own board, when the obligation says so: sent once, with the report.
  const boardDelivery: RecipientOutcome[] = [];
  const history: HistoryEntry[] = [{ at: new Date().toISOString(), what: 'started', by: input.startedBy }];
  let redeliverRequested = false;
  const language = () => setup?.language ?? 'sv';
  const units: ChildHandle[] = [];

  wf.setHandler(cycleInfoQuery, (): CycleInfo => ({ key, phase, setup, closedAt, report, reportProblem, delivery: [...delivery], ...(boardDelivery.length ? { boardDelivery: [...boardDelivery] } : {}), history: [...history] }));
  wf.setHandler(
    closeCycleUpdate,
    (request) => {
      closeRequested = true;
      history.push({ at: new Date().toISOString(), what: 'closed', ...(request?.by ? { by: request.by } : {}), ...(request?.reason ? { detail: request.reason } : {}) });
      return { closingAt: new Date().toISOString() };
    },
    {
      validator: (_request) => {
        if (phase !== 'open' || closeRequested) refuse('CycleClosed', language());
      },
    },
  );
  wf.setHandler(
    redeliverReportUpdate,
    // Histories from before "by" was sent have no argument here: request may be undefined.
    (request: ActorInput) => {
      redeliverRequested = true;
      history.push({ at: new Date().toISOString(), what: 'redelivery', ...(request?.by ? { by: request.by } : {}) });
      return { queuedAt: new Date().toISOString() };
    },
    {
      validator: (_request: ActorInput) => {
        if (phase === 'open') refuse('CycleStillOpen', language());
        if (report && delivery.length > 0 && delivery.every((d) => d.state === 'delivered')) refuse('NothingToRedeliver', language());
      },
    },
  );

  const overview = (): CycleOverview => ({
    key,
    phase,
    ...(setup ? { language: setup.language, plan: setup.plan, unitCount: setup.unitIds.length, unitsStarted: units.length } : {}),
    ...(closedAt ? { closedAt } : {}),
    ...(report ? { report } : {}),
    ...(reportProblem ? { reportProblem } : {}),
    delivery: [...delivery],
    ...(boardDelivery.length
      ? { boardDelivered: boardDelivery.filter((d) => d.state === 'delivered').length, boardDelivery: boardDelivery.filter((d) => d.state !== 'delivered') }
      : {}),
    history: [...history],
  });
  // Cycles from before their overview was kept in the visibility store are read by asking them.
  const writeOverview = wf.patched('cycle-overview-in-visibility')
    ? keepVisible(
        CYCLE_OVERVIEW_MEMO,
        overview,
        (overview) => [
          { key: SEARCH_ATTRIBUTES.organisation, value: key.orgId },
          { key: SEARCH_ATTRIBUTES.obligation, value: key.obligationId },
          { key: SEARCH_ATTRIBUTES.period, value: key.period },
          { key: SEARCH_ATTRIBUTES.state, value: overview.phase },
        ],
      )
    : () => undefined;

  setup = await planning.planCycle({ key, now: new Date().toISOString() });
  const { plan } = setup;
  const recorded = keepCycleOnRecord(key, overview, () => setup?.title);
  // In batches: one workflow task cannot carry thousands of child starts (gRPC message limits).
  const startBatch = wf.patched('paced-unit-starts') ? UNIT_START_BATCH : START_BATCH;
  for (const batch of chunks(setup.unitIds, startBatch)) {
    units.push(
      ...(await Promise.all(
        batch.map((unitId) => {
          // Its line goes into the visibility store with its start, not in writes of its own.
          const row = unitRowAtStart(unitId, plan, Date.now());
          return wf.startChild(unitWorkflow, {
            workflowId: unitWorkflowId(key, unitId),
            priority: { priorityKey: UNIT_TASK_PRIORITY },
            memo: { [UNIT_ROW_MEMO]: row },
            typedSearchAttributes: unitSearchAttributes(key, unitId, row),
            args: [{ key, unitId, language: setup!.language, questionnaire: setup!.questionnaire, plan, closesAt: plan.closesAt, rowFromStart: true, startedWithRow: true, spreadFromStart: true, ...(setup!.timeZone ? { timeZone: setup!.timeZone } : {}) }],
          });
        }),
      )),
    );
  }

  await wf.condition(() => closeRequested, Math.max(1, Date.parse(plan.closesAt) - Date.now()));
  phase = 'closing';
  closedAt = new Date().toISOString();
  for (const batch of chunks(units, START_BATCH)) await Promise.all(batch.map((u) => u.signal(closeUnitSignal)));
  const outcomes: UnitStatus[] = await Promise.all(units.map((u) => u.result()));

  // Outcomes go to the report by reference, in parts: all of them at once could exceed the payload limit.
  const parts: string[] = [];
  for (const [index, part] of chunks(outcomes, OUTCOMES_PER_PART).entries()) {
    parts.push(await archive.stageOutcomes({ key, part: index, outcomes: part }));
  }
  // From here on no recipient, template or archive problem fails the cycle: each is a state the
  // secretariat sees, tried again on its own and at once on `cycle redeliver`.
  const personByPerson = wf.patched('report-delivered-person-by-person');
  if (!personByPerson) {
    report = await archive.compileReport({ key, closedAt, parts });
    await mail.deliverReport({ key, closedAt, report });
    phase = 'closed';
    await wf.condition(wf.allHandlersFinished);
    await recorded();
    return { key, closedAt, report };
  }

  const merge = (result: MailingResult) => {
    // An address taken out of the config (corrected) no longer waits for the report.
    if (result.recipients) {
      const current = new Set(result.recipients.map((a) => a.toLowerCase()));
      for (let i = delivery.length - 1; i >= 0; i--) if (!current.has(delivery[i]!.address.toLowerCase())) delivery.splice(i, 1);
    }
    for (const outcome of result.outcomes ?? []) {
      const at = delivery.findIndex((d) => d.address.toLowerCase() === outcome.address.toLowerCase());
      if (at >= 0) delivery[at] = outcome;
      else delivery.push(outcome);
    }
  };
  const compile = async (): Promise<ArchivedReport | undefined> => {
    try {
      const compiled = await compiling.compileReport({ key, closedAt, parts, at: new Date().toISOString(), delivery: [...delivery] });
      reportProblem = undefined;
      return compiled;
    } catch (err) {
      reportProblem = activityProblem(err);
      if (reportProblem === undefined) throw err;
      return undefined;
    }
  };

  // (An earlier form of this, sent inline and under another id, never left development.)
  const toUnitBoards = wf.patched('unit-parts-to-boards-beside-report');
  // The boards' parts go out beside the report's own delivery and its retries, never holding them up.
  let unitParts: Promise<void> | undefined;
  /** Each unit's part to its board; a board that cannot be reached is a visible outcome, not a stuck cycle. */
  const sendUnitParts = async () => {
    const unitIds = setup!.unitIds;
    for (const unitId of await planning.unitsWithBoards({ key })) {
      const index = unitIds.indexOf(unitId);
      if (index < 0) continue;
      try {
        const result = await boardParts.deliverUnitPart({ key, unitId, closedAt: closedAt!, part: parts[Math.floor(index / OUTCOMES_PER_PART)]! });
        boardDelivery.push(...(result.outcomes ?? []));
      } catch (err) {
        const problem = activityProblem(err);
        if (problem === undefined) throw err;
        boardDelivery.push({ address: `(${unitId})`, state: 'failed', messageId: '', at: new Date().toISOString(), detail: problem });
      }
    }
  };

  // Which delivery problems the archived copy names, so it is compiled again only when they change.
  const problemsNamed = () => delivery.filter((d) => d.state !== 'delivered').map((d) => `${d.address}:${d.state}`).join(',');
  let archivedNames = '';
  let attempt = 0;
  for (;;) {
    redeliverRequested = false;
    if (!report) report = await compile();
    if (report) {
      // The first time everyone; later whoever has not got it, including anyone the config added since.
      reportProblem = undefined;
      try {
        merge(await delivering.deliverReport({ key, closedAt, report, skip: delivery.filter((d) => d.state === 'delivered').map((d) => d.address) }));
      } catch (err) {
        reportProblem = activityProblem(err);
        if (reportProblem === undefined) throw err;
      }
      phase = 'closed';
      if (toUnitBoards) unitParts ??= sendUnitParts();
      // The archived copy names whoever did not get it.
      const named = problemsNamed();
      if (named !== archivedNames) {
        const compiled = await compile();
        if (compiled) [report, archivedNames] = [compiled, named];
      }
    }
    // Put off by the server, or a template that failed: tried again by itself (after a fixed template
    // and a restarted worker it goes through). Refused for good: only a fixed address helps.
    const putOff = !report || reportProblem !== undefined || delivery.length === 0 || delivery.some((d) => d.state === 'retrying' || d.state === 'failed');
    const refused = delivery.some((d) => d.state === 'refused');
    if (!putOff && !refused) break;
    const sinceClosing = Date.now() - Date.parse(closedAt);
    // A report delivered to all but some refused or put-off addresses ends with the window; one not compiled never does.
    if (report && sinceClosing >= REDELIVERY_WINDOW_MS) break;
    attempt = putOff ? attempt + 1 : 0;
    const wait = putOff ? (sinceClosing < HOURLY_FOR_MS ? mailRetryDelayMs(attempt) : DAY_MS) : REDELIVERY_WINDOW_MS - sinceClosing;
    await wf.condition(() => redeliverRequested, Math.max(1, wait));
  }
  phase = 'closed';
  // Whoever was still put off when the window ended did not get the report.
  for (const d of delivery) if (d.state === 'retrying') d.state = 'failed';
  // The parts are read from the staged outcomes: they must be out before those go.
  await unitParts;
  await archive.discardStagedOutcomes({ key });
  await wf.condition(wf.allHandlersFinished);
  writeOverview();
  await recorded();
  return { key, closedAt, report: report!, delivery: [...delivery] };
}

/**
 * The cycle's overview (its phase, plan, close, report, delivery and history; not how many units it
 * has started so far) on record after each change, as the case "obligation/period" of its period's
 * year: its page reads it there once the workflow's history is deleted. Its units' rows go on record
 * with the report's data (activities/report.ts). Returns what to await before the workflow returns:
 * every write asked for so far, done.
 */
function keepCycleOnRecord(key: CycleKey, overview: () => CycleOverview, title: () => string | undefined): () => Promise<void> {
  const state = () => {
    const { unitsStarted: _started, ...rest } = overview();
    return rest;
  };
  const year = /^\d{4}/.test(key.period) ? Number(key.period.slice(0, 4)) : undefined;
  const write = keepOnRecord('cycle', key.orgId, `${key.obligationId}/${key.period}`, () => ({ title: title() ?? `${key.obligationId} ${key.period}`, ...(year !== undefined ? { year } : {}), state: state() }));
  // One write at a time, in order: awaiting the last awaits them all.
  let writes = Promise.resolve();
  const recorded = () => (writes = writes.then(write));
  let seen = '';
  // Looked at after every activation, like the memo (workflows/visibility.ts): whichever handler or timer changed it.
  void (async () => {
    for (;;) {
      seen = JSON.stringify(state());
      await recorded();
      await wf.condition(() => JSON.stringify(state()) !== seen);
    }
  })();
  return recorded;
}
