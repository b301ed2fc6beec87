/**
 * What the secretariat can do with a cycle, over a Temporal client. The CLI and the web server
 * both call these, so both behave alike.
 */
import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { startOnce, type Started } from './start';
import { isNotFound, isUnimplemented, rejectionOf, RejectedError } from './temporal';
import { cycleWorkflowId, unitWorkflowId, type CycleKey } from '../domain/ids';
import type { AnswerValues, CycleInfo, CycleOverview, Draft, StoredUnitRow, SubmittedAnswer, UnitPlan, UnitRow, UnitStatus } from '../domain/types';
import { countByState, displayState, DISPLAY_STATES, shownCounts, shownState, storedStatesOf, unitOwesAnswer, type DisplayState, type ShownState } from '../domain/unit-states';
import {
  closeCycleUpdate,
  CYCLE_OVERVIEW_MEMO,
  cycleInfoQuery,
  redeliverReportUpdate,
  exemptUnitUpdate,
  extendDeadlineUpdate,
  remindNowUpdate,
  saveDraftUpdate,
  SEARCH_ATTRIBUTES,
  submitAnswerUpdate,
  UNIT_ROW_MEMO,
  unitStatusQuery,
} from '../workflows/definitions';
import type { cycleWorkflow } from '../workflows/cycle';
import { caseOnRecord } from '../records/cases';
import type { Records } from '../records/database';

export { RejectedError };

export class CycleNotFoundError extends Error {
  override name = 'CycleNotFoundError';
}

/**
 * Cycles this process has found closed, with their language, and the checks under way. Asking a
 * cycle (a query) makes a worker replay its whole history when the cycle is not in its cache,
 * which at thousands of units it seldom is, and always once the cycle has finished: thousands of
 * answers arriving after the close, 50 at a time, held a worker at 1 to 3.4 GB. A closed cycle
 * never opens again, so each process asks once per cycle, however many answers come late.
 */
const closedCycles = new WeakMap<Client, Map<string, Promise<'sv' | 'en' | undefined>>>();

/** An update to a finished workflow fails as "not found"; tell the person the cycle is closed instead. */
function closedCycleLanguage(client: Client, key: CycleKey): Promise<'sv' | 'en' | undefined> {
  const workflowId = cycleWorkflowId(key);
  let checks = closedCycles.get(client);
  if (!checks) closedCycles.set(client, (checks = new Map()));
  const known = checks.get(workflowId);
  if (known) return known;
  const check = askWhetherClosed(client, workflowId).then((language) => {
    // Only "closed" is for ever; an open cycle (or one that did not answer) is asked again next time.
    if (!language) checks.delete(workflowId);
    return language;
  });
  checks.set(workflowId, check);
  return check;
}

async function askWhetherClosed(client: Client, workflowId: string): Promise<'sv' | 'en' | undefined> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const running = description.status.name === 'RUNNING';
    // The overview in the visibility store answers without a worker or a replay; a cycle from
    // before it was kept is asked.
    const kept = description.memo?.[CYCLE_OVERVIEW_MEMO] as CycleOverview | undefined;
    const info = kept
      ? { phase: kept.phase, closesAt: kept.plan?.closesAt, language: kept.language }
      : await handle
          .query(cycleInfoQuery)
          .then((i) => ({ phase: i.phase, closesAt: i.setup?.plan.closesAt, language: i.setup?.language }))
          .catch((err: unknown) => {
            // A finished cycle is closed even when no worker is there to say in which language.
            if (!running) return undefined;
            throw err;
          });
    // A unit closes at its own deadline, and the cycle compiles its report for a while after: for
    // whoever answers then, the cycle is closed even though its workflow still runs.
    const pastClosing = info?.closesAt !== undefined && Date.parse(info.closesAt) <= Date.now();
    if (running && info?.phase === 'open' && !pastClosing) return undefined;
    return info?.language ?? 'sv';
  } catch {
    return undefined;
  }
}

async function explain<T>(key: CycleKey, call: () => Promise<T>, client?: Client): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (client && isNotFound(err)) {
      const language = await closedCycleLanguage(client, key);
      if (language) throw RejectedError.of('CycleClosed', language);
    }
    const rejected = rejectionOf(err);
    if (rejected) throw rejected;
    if (isNotFound(err)) {
      throw new CycleNotFoundError(
        `No cycle ${key.obligationId} ${key.period} for ${key.orgId} (or no such unit in it). Start it with: followup cycle start ${key.obligationId} --period ${key.period}`,
      );
    }
    throw err;
  }
}

/** 'started' now, or the cycle that already had this key: still 'running', or 'closed'. */
export type StartedCycle = Started;

/**
 * A cycle that has run and is archived: its workflow is gone (its history deleted after the
 * namespace's retention) and its case is in the database of record. It is not started again: its
 * answers and report files would be written over by a second run of the same period.
 */
export class CycleArchivedError extends Error {
  override name = 'CycleArchivedError';
  /** The cycle's page, where it is shown as it stood last. */
  readonly page: string;
  constructor(readonly key: CycleKey) {
    super(
      `The ${key.obligationId} cycle for ${key.period} has already run and is archived: its answers and report are in the database of record, and starting it again would write over them. Nothing was started. See it, as it stood last, on its page /cycles/${key.obligationId}/${key.period} or in the archive package of its year. To follow up another period, give its --period.`,
    );
    this.page = `/cycles/${encodeURIComponent(key.obligationId)}/${encodeURIComponent(key.period)}`;
  }
}

/**
 * Starts the period's cycle, once: starting it again finds the running or closed one. With the
 * database of record (`records`), a cycle whose workflow is gone but whose case is on record is
 * refused (CycleArchivedError) rather than run a second time.
 */
export async function startCycle(client: Client, taskQueue: string, key: CycleKey, startedBy: string, options: { records?: Records } = {}): Promise<StartedCycle> {
  if (options.records && (await caseOnRecord(options.records, key.orgId, 'cycle', `${key.obligationId}/${key.period}`))) {
    const gone = await client.workflow
      .getHandle(cycleWorkflowId(key))
      .describe()
      .then(
        () => false,
        (err: unknown) => (isNotFound(err) ? true : Promise.reject(err)),
      );
    if (gone) throw new CycleArchivedError(key);
  }
  // One cycle per business key, ever: a finished cycle is not silently run again.
  const input: Parameters<typeof cycleWorkflow>[0] = { ...key, startedBy };
  return startOnce(client, taskQueue, 'cycleWorkflow', cycleWorkflowId(key), [input]);
}

/** What the status and the cycle page read: the cycle's overview and its units' rows. */
export interface CycleStatus {
  info: CycleOverview;
  units: UnitRow[];
  /** Whether some of the cycle's units are still being started (their rows are not there yet). */
  starting: boolean;
  /** The lines were read from the database of record's copy (checked against the visibility store's counts), not listed. */
  fromRecords?: true;
}

/** Everything the cycle holds, questionnaire and unit ids too: asks the cycle (a replay when it is not cached). */
export async function cycleInfo(client: Client, key: CycleKey): Promise<CycleInfo> {
  return explain(key, () => client.workflow.getHandle(cycleWorkflowId(key)).query(cycleInfoQuery));
}

function overviewOf(info: CycleInfo): CycleOverview {
  const { setup, ...rest } = info;
  const { boardDelivery, ...others } = rest;
  const board = boardDelivery?.length ? { boardDelivered: boardDelivery.filter((d) => d.state === 'delivered').length, boardDelivery: boardDelivery.filter((d) => d.state !== 'delivered') } : {};
  return { ...others, ...board, ...(setup ? { language: setup.language, plan: setup.plan, unitCount: setup.unitIds.length, unitsStarted: setup.unitIds.length } : {}) };
}

/** The overview, and whether it came from the memo (then the units keep their rows in the visibility store too). */
async function readOverview(client: Client, key: CycleKey): Promise<{ overview: CycleOverview; kept: boolean; startedAt: number }> {
  const handle = client.workflow.getHandle(cycleWorkflowId(key));
  const description = await handle.describe();
  const overview = description.memo?.[CYCLE_OVERVIEW_MEMO] as CycleOverview | undefined;
  const startedAt = description.startTime.getTime();
  if (overview) return { overview, kept: true, startedAt };
  // Started a moment ago, its first task not yet run: it is about to plan and start its units.
  if (description.status.name === 'RUNNING' && (description.historyLength ?? 0) <= 3) return { overview: { key, phase: 'open' }, kept: true, startedAt };
  return { overview: overviewOf(await handle.query(cycleInfoQuery)), kept: false, startedAt };
}

/**
 * A cycle's overview from its memo in the visibility store: no worker and no replay, however long ago
 * it finished. A cycle from before the memo was kept is asked instead.
 */
export async function cycleOverview(client: Client, key: CycleKey): Promise<CycleOverview> {
  return explain(key, async () => (await readOverview(client, key)).overview);
}

const quoted = (value: string) => `'${value.replace(/['\\]/g, (c) => `\\${c}`)}'`;

/** Every unit row of the cycle, in one listing of the visibility store; undefined where the server keeps no such list. */
async function listedUnitRows(client: Client, key: CycleKey, cycle: CycleOverview): Promise<UnitRow[] | undefined> {
  try {
    return await listRows(client, `${SEARCH_ATTRIBUTES.cycle.name} = ${quoted(cycleWorkflowId(key))}`, cycle);
  } catch (err) {
    // Temporal's time-skipping test server keeps no visibility store; units there are asked.
    if (isUnimplemented(err)) return undefined;
    throw err;
  }
}

/**
 * The cycle and its units' rows: two calls to Temporal however many units (the rows in pages of a
 * thousand). Cycles from before rows were kept, and servers without a visibility store, ask each unit.
 * closedRows: where a closed cycle's lines are kept in one piece (its report's data in the archive),
 * read instead of listing them, at about 4,000 rows a second on the dev server.
 */
export async function cycleStatus(
  client: Client,
  key: CycleKey,
  options: { unitsToo?: boolean; closedRows?: () => Promise<UnitRow[] | undefined>; openRows?: (since: Date) => Promise<StoredUnitRow[] | undefined> } = {},
): Promise<CycleStatus> {
  return explain(key, async () => {
    const { overview: info, kept, startedAt } = await readOverview(client, key);
    if (options.unitsToo === false) return { info, units: [], starting: false };
    // A closed cycle's lines no longer change: where they are kept in one piece (its report's data), they are read from there.
    const closed = info.phase === 'closed' && options.closedRows ? await options.closedRows() : undefined;
    if (closed) return { info, units: closed, starting: false };
    // Still planning: no unit has started, and none has a row to list.
    const planning = info.phase === 'open' && info.unitCount === undefined;
    // A running cycle whose every unit has its line in the database of record: one query instead of a listing.
    const onRecord = kept && !planning && options.openRows && info.phase === 'open' && !stillStarting(info) ? await rowsOnRecord(client, key, info, startedAt, options.openRows) : undefined;
    if (onRecord) return { info, units: onRecord, starting: false, fromRecords: true };
    const listed = !kept ? undefined : planning ? [] : await listedUnitRows(client, key, info);
    if (listed === undefined) {
      const { setup } = await client.workflow.getHandle(cycleWorkflowId(key)).query(cycleInfoQuery);
      const units = await Promise.all((setup?.unitIds ?? []).map((u) => client.workflow.getHandle(unitWorkflowId(key, u)).query(unitStatusQuery).then(rowOf)));
      return { info, units, starting: false };
    }
    const missing = listed.length < (info.unitCount ?? 0);
    const starting = stillStarting(info) || (missing && info.phase === 'open' && settling(startedAt));
    if (starting || !missing) return { info, units: listed, starting };
    // Every unit started, yet some have no row: started by a worker from before rows were kept (a
    // rolling upgrade), or not yet through their first task. Those few are asked.
    const { setup } = await client.workflow.getHandle(cycleWorkflowId(key)).query(cycleInfoQuery);
    const have = new Set(listed.map((u) => u.unitId));
    const asked = await Promise.all(
      (setup?.unitIds ?? [])
        .filter((u) => !have.has(u))
        .map((u) => client.workflow.getHandle(unitWorkflowId(key, u)).query(unitStatusQuery).then(rowOf, () => undefined)),
    );
    return { info, units: [...listed, ...asked.filter((u): u is UnitRow => u !== undefined)], starting };
  });
}

/**
 * The lines of a running cycle from the database of record's copy (records/unit-rows.ts), if they
 * are all there and agree with the visibility store: one line per unit, and as many units running
 * in each state as the store counts (a count is one query, however many units). Otherwise
 * undefined, and the caller lists the store: a line not yet written, a unit from before lines were
 * copied or whose workflow has ended, a database that cannot be read (not yet migrated, away).
 */
async function rowsOnRecord(client: Client, key: CycleKey, cycle: CycleOverview, startedAt: number, read: (since: Date) => Promise<StoredUnitRow[] | undefined>): Promise<UnitRow[] | undefined> {
  const running = `${SEARCH_ATTRIBUTES.cycle.name} = ${quoted(cycleWorkflowId(key))} AND ExecutionStatus = 'Running'`;
  // Lines of an earlier run of this cycle id are older than its retention; an hour's margin for clocks.
  const since = new Date(startedAt - 3_600_000);
  let counted: Record<DisplayState, number>;
  let stored: StoredUnitRow[] | undefined;
  try {
    [stored, counted] = await Promise.all([read(since).catch(() => undefined), countByDisplayState(client, running)]);
  } catch (err) {
    if (isUnimplemented(err)) return undefined;
    throw err;
  }
  if (!stored || stored.length !== cycle.unitCount) return undefined;
  if (DISPLAY_STATES.reduce((sum, state) => sum + counted[state], 0) !== cycle.unitCount) return undefined;
  const rows: UnitRow[] = [];
  const found = new Map<DisplayState, number>(DISPLAY_STATES.map((s) => [s, 0]));
  for (const line of stored) {
    const plan = line.plan ?? cycle.plan;
    if (!plan) return undefined;
    // Every unit is running (the counts say so): closed only where its line says so.
    const row: UnitRow = { ...line, plan, closed: line.closed ?? false };
    rows.push(row);
    const state = displayState(row);
    found.set(state, (found.get(state) ?? 0) + 1);
  }
  return DISPLAY_STATES.every((state) => found.get(state) === counted[state]) ? rows : undefined;
}

/** Units of a cycle in each state as the secretariat reads it, from the visibility store: one count per state, whatever N. */
export type UnitCounts = Record<ShownState, number>;

async function countUnits(client: Client, key: CycleKey, cycleOpen: boolean): Promise<UnitCounts> {
  return shownCounts(await countByDisplayState(client, `${SEARCH_ATTRIBUTES.cycle.name} = ${quoted(cycleWorkflowId(key))}`), cycleOpen);
}

/** The workflows a query finds in each stored state: one count per state, in parallel. */
async function countByDisplayState(client: Client, query: string): Promise<Record<DisplayState, number>> {
  const counts = await Promise.all(DISPLAY_STATES.map(async (state) => [state, (await client.workflow.count(`${query} AND ${SEARCH_ATTRIBUTES.state.name} = ${quoted(state)}`)).count] as const));
  return Object.fromEntries(counts) as Record<DisplayState, number>;
}

/** Rows of the listing, one per unit: a unit reset by an operator has two runs, and the newest counts. */
async function listRows(client: Client, query: string, cycle: Pick<CycleOverview, 'phase' | 'plan'>): Promise<UnitRow[]> {
  const rows = new Map<string, { row: UnitRow; started: number }>();
  const { payloadConverter } = client.options.loadedDataConverter;
  for await (const page of listingPages(client, query)) {
    for (const execution of page) {
      const memo = execution.memo?.fields?.[UNIT_ROW_MEMO];
      if (!memo) continue;
      const stored = payloadConverter.fromPayload<StoredUnitRow>(memo);
      // Units started with their line leave "closed" to the store, which knows when the workflow
      // ended, and to the cycle: once it has left its open phase, a unit still finishing a mail is closed.
      const plan = stored.plan ?? cycle.plan;
      // A cycle has its plan before it starts a unit; a row without either is not one of its units'.
      if (!plan) continue;
      const running = execution.status === temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
      const row: UnitRow = { ...stored, plan, closed: stored.closed ?? (!running || cycle.phase !== 'open') };
      const started = optionalTsToMs(execution.startTime) ?? 0;
      const seen = rows.get(row.unitId);
      if (!seen || seen.started < started) rows.set(row.unitId, { row, started });
    }
  }
  return [...rows.values()].map((r) => r.row);
}

/**
 * A listing's pages as the server sends them, each page asked for as soon as the one before has
 * come, so that the server prepares the next while this process reads the last; and read raw: a row
 * needs its memo, status and start, not the eight search attributes the client would decode with
 * them. At 5,800 units on the dev server, the server's own ~1.7 s are then the whole listing.
 */
async function* listingPages(client: Client, query: string): AsyncGenerator<temporal.api.workflow.v1.IWorkflowExecutionInfo[]> {
  const ask = (nextPageToken?: Uint8Array) => client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize: 1000, nextPageToken });
  let next = ask();
  for (;;) {
    const page = await next;
    const more = page.nextPageToken?.length ? page.nextPageToken : undefined;
    if (more) {
      next = ask(more);
      // A reader that stops early leaves this page unread; its failure then is no one's to handle.
      next.catch(() => undefined);
    }
    yield page.executions;
    if (!more) return;
  }
}

/**
 * The first minutes of a cycle, while its units run their first tasks (at thousands, behind a
 * queue) and write their rows: a missing row then is one on its way, not one to ask for.
 */
const SETTLING_MS = 10 * 60_000;
const settling = (startedAt: number) => Date.now() - startedAt < SETTLING_MS;

/** Whether the cycle is still starting its units (or planning them). */
function stillStarting(info: CycleOverview): boolean {
  if (info.phase !== 'open') return false;
  if (info.unitCount === undefined) return true;
  return (info.unitsStarted ?? info.unitCount) < info.unitCount;
}

/** A unit's line, whichever way it was read: the same shape (no answer text, no draft) either way. */
function rowOf(unit: UnitStatus | UnitRow): UnitRow {
  const { answer, ...rest } = unit;
  const { draft: _draft, ...row } = rest as typeof rest & { draft?: unknown };
  return { ...row, ...(answer ? { answer: { answeredAt: answer.answeredAt, by: answer.by, revision: answer.revision } } : {}) };
}

/** One page of a cycle's units for the secretariat: the counts of the whole cycle, the rows of the page. */
export interface CyclePage {
  info: CycleOverview;
  counts: UnitCounts;
  /** Units that match the filter, over all pages. */
  matching: number;
  /** The page's rows, in the order asked for. */
  units: UnitRow[];
  starting: boolean;
}

/**
 * A page of units, in `order` (the config's), optionally only those in `state` and among `among`
 * (those whose name matched a search): the counts are a count per state, the page one listing of
 * its own units, so the first page of a cycle of thousands costs what a cycle of fifty does. A
 * state filter lists that state's units. Cycles from before rows were kept, and servers without a
 * visibility store, are read whole and paged here.
 */
export async function cyclePage(client: Client, key: CycleKey, options: { order: readonly string[]; state?: ShownState; among?: readonly string[]; offset: number; limit: number }): Promise<CyclePage> {
  return explain(key, async () => {
    const { overview: info, kept, startedAt } = await readOverview(client, key);
    const position = new Map(options.order.map((id, i) => [id, i]));
    const byOrder = (a: UnitRow, b: UnitRow) => (position.get(a.unitId) ?? Infinity) - (position.get(b.unitId) ?? Infinity) || a.unitId.localeCompare(b.unitId);
    const among = options.among ? new Set(options.among) : undefined;
    const inMemory = (units: UnitRow[], starting: boolean): CyclePage => {
      const counts = countByState(units);
      const matches = units.filter((u) => (!options.state || shownState(u) === options.state) && (!among || among.has(u.unitId))).sort(byOrder);
      return { info, counts, matching: matches.length, units: matches.slice(options.offset, options.offset + options.limit), starting };
    };
    const planning = info.phase === 'open' && info.unitCount === undefined;
    if (planning) return inMemory([], true);
    let counts: UnitCounts | undefined;
    try {
      counts = kept ? await countUnits(client, key, info.phase === 'open') : undefined;
    } catch (err) {
      if (!isUnimplemented(err)) throw err;
    }
    if (!counts) {
      const whole = await cycleStatus(client, key);
      return inMemory(whole.units, whole.starting);
    }
    const started = Object.values(counts).reduce((a, b) => a + b, 0);
    const missing = started < (info.unitCount ?? 0);
    const starting = stillStarting(info) || (missing && info.phase === 'open' && settling(startedAt));
    // Some units without a row after the first minutes (started by an older worker in a rolling upgrade): read whole.
    if (!starting && missing) {
      const whole = await cycleStatus(client, key);
      return inMemory(whole.units, whole.starting);
    }
    const cycle = `${SEARCH_ATTRIBUTES.cycle.name} = ${quoted(cycleWorkflowId(key))}`;
    if (options.state) {
      const stored = storedStatesOf(options.state, info.phase === 'open');
      const listed = stored.length ? await listRows(client, `${cycle} AND ${SEARCH_ATTRIBUTES.state.name} IN (${stored.map(quoted).join(', ')})`, info) : [];
      const rows = listed.filter((u) => shownState(u) === options.state && (!among || among.has(u.unitId))).sort(byOrder);
      return { info, counts, matching: rows.length, units: rows.slice(options.offset, options.offset + options.limit), starting };
    }
    const candidates = options.among ?? options.order;
    const ids = candidates.slice(options.offset, options.offset + options.limit);
    const units = ids.length ? (await listRows(client, `${cycle} AND ${SEARCH_ATTRIBUTES.unit.name} IN (${ids.map(quoted).join(', ')})`, info)).sort(byOrder) : [];
    return { info, counts, matching: candidates.length, units, starting };
  });
}

/** Counts of a cycle's units by state, for the overview; undefined where only asking each unit would tell. */
export async function unitCounts(client: Client, key: CycleKey): Promise<{ info: CycleOverview; counts?: UnitCounts }> {
  return explain(key, async () => {
    const { overview: info, kept } = await readOverview(client, key);
    if (!kept) return { info };
    try {
      return { info, counts: await countUnits(client, key, info.phase === 'open') };
    } catch (err) {
      if (isUnimplemented(err)) return { info };
      throw err;
    }
  });
}

export async function unitStatus(client: Client, key: CycleKey, unitId: string): Promise<UnitStatus> {
  return explain(key, () => client.workflow.getHandle(unitWorkflowId(key, unitId)).query(unitStatusQuery));
}

/** updateId: pass the same id when retrying after a timeout, so the retry joins the first update. */
export async function submitAnswer(
  client: Client,
  key: CycleKey,
  unitId: string,
  values: AnswerValues,
  by: 'contact' | 'secretariat',
  updateId?: string,
  /** Who in the secretariat records it, for the unit's history. */
  actor?: string,
): Promise<SubmittedAnswer> {
  return explain(key, () => client.workflow.getHandle(unitWorkflowId(key, unitId)).executeUpdate(submitAnswerUpdate, { args: [{ values, by, ...(actor ? { actor } : {}) }], updateId }), client);
}

export async function saveDraft(client: Client, key: CycleKey, unitId: string, values: Record<string, string>): Promise<Draft> {
  return explain(key, () => client.workflow.getHandle(unitWorkflowId(key, unitId)).executeUpdate(saveDraftUpdate, { args: [{ values }] }), client);
}

export interface ListedCycle {
  key: CycleKey;
  running: boolean;
  startTime: Date;
  /** From the cycle's memo; absent for cycles from before it was kept. */
  overview?: CycleOverview;
}

/**
 * The organisation's cycles, newest period first: one listing of the visibility store, filtered by
 * the organisation's search attribute (cycles from before it was set are matched by their id).
 */
export async function listCycles(client: Client, orgId: string, limit = 200): Promise<ListedCycle[]> {
  const cycles: ListedCycle[] = [];
  const org = SEARCH_ATTRIBUTES.organisation.name;
  const query = `WorkflowType = 'cycleWorkflow' AND (${org} = ${quoted(orgId)} OR ${org} IS NULL)`;
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
    const [kind, org, obligationId, period, extra] = wf.workflowId.split('/');
    if (kind !== 'cycle' || org !== orgId || !obligationId || !period || extra !== undefined) continue;
    const overview = wf.memo?.[CYCLE_OVERVIEW_MEMO] as CycleOverview | undefined;
    cycles.push({ key: { orgId, obligationId, period }, running: wf.status.name === 'RUNNING', startTime: wf.startTime, ...(overview ? { overview } : {}) });
    if (cycles.length >= limit) break;
  }
  return cycles.sort((a, b) => b.key.period.localeCompare(a.key.period));
}

// `by`: who does it (an account as the web shows it, "cli:<user>"), kept in the workflow's history.

export async function extendDeadline(client: Client, key: CycleKey, unitId: string, until: string, by?: string): Promise<UnitPlan> {
  return explain(key, () => client.workflow.getHandle(unitWorkflowId(key, unitId)).executeUpdate(extendDeadlineUpdate, { args: [{ until, by }] }), client);
}

export async function exemptUnit(client: Client, key: CycleKey, unitId: string, reason: string, by?: string): Promise<{ exemptAt: string }> {
  return explain(key, () => client.workflow.getHandle(unitWorkflowId(key, unitId)).executeUpdate(exemptUnitUpdate, { args: [{ reason, by }] }), client);
}

/** Reminds one unit, or every unit still owing an answer when unitId is left out. */
export async function remindNow(client: Client, key: CycleKey, unitId?: string, by?: string): Promise<string[]> {
  if (unitId) {
    await explain(key, () => client.workflow.getHandle(unitWorkflowId(key, unitId)).executeUpdate(remindNowUpdate, { args: [{ by }] }), client);
    return [unitId];
  }
  const { units } = await cycleStatus(client, key);
  const owing = units.filter(unitOwesAnswer);
  const reminded: string[] = [];
  for (const u of owing) {
    try {
      await remindNow(client, key, u.unitId, by);
      reminded.push(u.unitId);
    } catch (err) {
      // The list is read from the visibility store, a moment behind: a unit that answered (or was
      // exempted) meanwhile refuses the reminder, and the others still get theirs.
      if (!(err instanceof RejectedError) || err.type === 'CycleClosed') throw err;
    }
  }
  return reminded;
}

/** Compiles the report again if that failed, and sends it to everyone who has not got it. */
export async function redeliverReport(client: Client, key: CycleKey, by?: string): Promise<{ queuedAt: string }> {
  return explain(key, () => client.workflow.getHandle(cycleWorkflowId(key)).executeUpdate(redeliverReportUpdate, { args: [{ by }] }), client);
}

export async function closeCycle(client: Client, key: CycleKey, reason?: string, by?: string): Promise<{ closingAt: string }> {
  return explain(key, () => client.workflow.getHandle(cycleWorkflowId(key)).executeUpdate(closeCycleUpdate, { args: [{ reason, by }] }), client);
}
