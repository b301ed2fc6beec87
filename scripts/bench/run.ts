/**
 * `npm run bench`: one full cycle of N units in compressed time, against a floor of bare workflows
 * of the same shape, on the dev server and on Temporal's own server on PostgreSQL (each side against
 * its floor on the same server). With each cycle it times what the secretariat waits for: the
 * cycle's page and `cycle status --json`, and listing the organisation's cycles. Prints Markdown
 * tables and writes JSON, Markdown and an SVG chart to bench-results/. Our worker writes the
 * database of record as in production (DATABASE_URL): on the dev server to `npm start`'s embedded
 * PGlite, on the cluster to a database of its own on the cluster's PostgreSQL; each cycle's rows
 * written per second and the database's growth per 1,000 units are measured (`--records off`: our
 * worker without it, to see what it costs). `--units 10,100` chooses N,
 * `--server dev|cluster|both` the servers; `--report-only` times only the report in every format;
 * `--from release` (the default: built first) or `--from source` chooses what our worker runs;
 * `npm test` runs N = 10 on the dev server as a smoke.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { stringify } from 'yaml';
import { createActivities } from '../../activities';
import { createFileArchive } from '../../activities/archive';
import { createDirectory } from '../../activities/directory';
import { createSmtpMailer } from '../../activities/mailer';
import { createRenderer } from '../../activities/renderer';
import { listCycles, startCycle, submitAnswer } from '../../client/cycles';
import { parseConfigText } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { createAnswerLinks } from '../../domain/answer-links';
import { planCycle } from '../../domain/calendar';
import { cycleWorkflowId, unitWorkflowId, type CycleKey } from '../../domain/ids';
import { CYCLE_TASK_TIMEOUT } from '../../workflows/definitions';
import type { UnitStatus } from '../../domain/types';
import { PROJECT_ROOT, serverExecutable, TEMPORAL_CLI } from '../../workers/temporal-binaries';
import { registerSearchAttributes, SEARCH_ATTRIBUTE_CACHE_MS } from '../../workers/search-attributes';

/** gRPC's status NOT_FOUND (a namespace the frontend does not know yet). */
const GRPC_NOT_FOUND = 5;
import { benchUnitId, floorAnswer, type FloorPlan } from './floor-workflows';
import { parseLauncherLine, type Launcher } from './launcher';
import { answerFraction, percentile, phaseFigures, RssSampler, type Milestones, type PhaseFigures } from './timeline';
import { scrapeWorker, type WorkerProfile } from './worker-metrics';
import { emptyRegister } from '../../activities/register-reader';
import { buildWebApp } from '../../web/app';
import { hashPassword } from '../../web/password';
import { startTemporalCluster } from '../cluster/temporal-cluster';
import { freePorts } from '../cluster/ports';
import { prepareClusterRecords } from '../cluster/records-database';
import { describeDatabaseUrl, openRecords, type Records } from '../../records/database';
import { prepareRecords } from '../../records/startup';

const LINK_SECRET = 'benchmark-link-secret-benchmark-link-secret';
const FOLLOWUP_BIN = path.join(PROJECT_ROOT, 'bin/followup.js');
const ANSWERING = 0.9;

export interface SideFigures {
  wallSeconds: number;
  unitsPerSecond: number;
  actionsPerSecond: number;
  peakRssMb: number;
  updateP50Ms: number;
  updateP99Ms: number;
  /** Answers accepted per second, from the first answer sent to the last accepted. */
  updatesPerSecond: number;
  /** Updates the server gave up waiting for (RPC deadline) and the submitter sent again. */
  updatesResent: number;
  /** Answers refused because the cycle had closed: the machine fell behind the compressed timeline. */
  answersLate: number;
  /** Where the worker's workflow tasks spent their time, from its own metrics. */
  profile: WorkerProfile;
  /** Updates' p99 and the worker's RSS by phase of the cycle, and when the RSS peaked. */
  phases: PhaseFigures;
  /** The parent (cycle) workflow's history at the end: every replay of it reads all of this. */
  parentHistory: {
    events: number;
    megabytes: number;
    /** Each activity after the last unit ended (staging, the report, its delivery) and its seconds. */
    afterUnits?: { activity: string; seconds: number }[];
    /**
     * Its workflow tasks that ran out of time in a worker (start to close: a replay too slow, say)
     * and were handed out again. Repeats in a row count once: the server writes only the first.
     */
    tasksTimedOut: number;
    /** Tasks that failed, and the first one's cause (a search attribute the server did not know yet, say). */
    tasksFailed?: { count: number; firstCause?: string };
    milestones: Milestones;
  };
}

export type BenchServer = 'dev' | 'cluster';

/** What the secretariat waits for with a cycle of N units (median of three, read right after the cycle from the visibility store, which reads the same while it runs). */
export interface StatusFigures {
  /** The cycle's page in the web (its first 50 units, the counts of all). */
  pageSeconds: number;
  /** `followup cycle status --json`, the command as an operator runs it, process start included. */
  cliSeconds: number;
  /** The organisation's cycles from the visibility store. */
  listSeconds: number;
  /** Units the status listed: all N, or it would not count. */
  unitsListed: number;
}

/** What our cycle wrote to the database of record, from its start to its end (the floor writes none). */
export interface RecordsFigures {
  /** Which database: PGlite as `npm start` serves it, or the cluster's PostgreSQL. */
  database: string;
  /** Rows added to each table of the record during the cycle. */
  rows: Record<string, number>;
  /** All those rows over the cycle's wall time. */
  perSecond: number;
  /** pg_database_size after the cycle less before it, in MB, scaled to 1,000 units. */
  sizeMbPer1000Units: number;
  /** CPU seconds the database's process used during the cycle: PGlite's, which serves nothing else (not the cluster's PostgreSQL, which serves Temporal too). */
  databaseCpuSeconds?: number;
}

/** CPU seconds (user and system) a process has used so far, from /proc; undefined where there is none. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, the 14th and 15th fields of the line (12th and 13th after the name), in ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export interface BenchResult {
  server: BenchServer;
  units: number;
  status: StatusFigures;
  records: RecordsFigures;
  /** expectedMails: the mails the cycle recorded as sent in its units' outcomes. */
  ours: SideFigures & { mails: number; expectedMails: number };
  floor: SideFigures;
  /** Our throughput as a share of the floor's (1 = as fast as bare workflows). */
  ratioToFloor: number;
  reportRenderSeconds: number;
  mailsPerSecond: number;
}

export interface BenchRun {
  machine: string;
  date: string;
  /** How the contacts answered (--answers). */
  answers: AnswerPace;
  results: BenchResult[];
}

/** Seconds from opening to deadline: long enough for every request to go out at this size. */
const windowSeconds = (n: number) => Math.max(6, Math.ceil(n / 12));

export function benchConfig(n: number): OrganisationConfig {
  const t = windowSeconds(n);
  const units = Array.from({ length: n }, (_, i) => {
    const id = benchUnitId(i);
    return { id, kind: 'department', name: { sv: `Förvaltning ${i + 1}`, en: `Department ${i + 1}` }, contacts: [{ name: `Kontakt ${i + 1}`, email: `${id}@bench.example` }], head: { name: `Chef ${i + 1}`, email: `${id}.chef@bench.example` } };
  });
  const doc = {
    organisation: { id: 'bench', name: 'Benchmark kommun' },
    secretariat: { name: 'Sekretariatet', email: 'sekretariatet@bench.example' },
    bodies: [{ id: 'council', kind: 'council', name: { sv: 'Kommunfullmäktige', en: 'Council' }, recipients: [{ name: 'KF', email: 'kf@bench.example' }] }],
    units,
    obligations: [
      {
        id: 'bench-call',
        kind: 'periodic-data-call',
        title: { sv: 'Årlig uppföljning', en: 'Annual follow-up' },
        source: 'Uppföljningen redovisas i samband med årsredovisningen.',
        period: 'annual',
        calendar: {
          workingDays: false,
          opensAfterPeriodEnd: 'PT0S',
          deadlineAfterPeriodEnd: `PT${t}S`,
          remindersBeforeDeadline: [`PT${(t * 0.4).toFixed(1)}S`, `PT${(t * 0.25).toFixed(1)}S`, `PT${(t * 0.1).toFixed(1)}S`],
          escalationAfterDeadline: 'PT2S',
          closesAfterPeriodEnd: `PT${t + 4 + Math.ceil(n / 400)}S`,
          // Each reminder spread over all the time until the next one (the last until the deadline,
          // the escalation until the close): the config's six hours, cut there. The floor spreads its
          // own the same way (floor-workflows.ts). A tenth of the answer window (8.4 s at 1,000 units)
          // left answers' p99 at 9.5 s against the floor's 2.7 s.
          spreadOver: 'PT6H',
        },
        questionnaire: [
          { id: 'projects', type: 'textarea', required: true, maxLength: 2000, label: { sv: 'Projekt', en: 'Projects' } },
          { id: 'effects', type: 'textarea', required: true, maxLength: 2000, label: { sv: 'Effekter', en: 'Effects' } },
        ],
        report: { recipients: ['council'] },
      },
    ],
  };
  return parseConfigText(stringify(doc), `bench-${n}.yaml`);
}

/**
 * The mails the cycle itself recorded as sent, from its units' results (the staged outcomes are
 * gone once the report is delivered): for each unit's one contact a request, the reminders and a
 * receipt per answer; an escalation to the head and, in a delivery of its own, its copy to the
 * secretariat; the report to the council and the secretariat. On a machine too slow for the
 * compressed timeline a unit wakes after its deadline and rightly sends no late reminder, so this,
 * not the plan, is what the mails received must match.
 */
async function mailsRecorded(client: Client, key: CycleKey, unitIds: readonly string[]): Promise<number> {
  const perUnit = (u: UnitStatus) => (u.requestSentAt ? 1 : 0) + u.remindersSentAt.length + (u.escalatedAt ? 2 : 0) + (u.answer ? u.answer.revision : 0);
  let sum = 0;
  for (let i = 0; i < unitIds.length; i += 200) {
    const batch = await Promise.all(unitIds.slice(i, i + 200).map((id) => client.workflow.getHandle(unitWorkflowId(key, id)).result() as Promise<UnitStatus>));
    sum += batch.reduce((total, u) => total + perUnit(u), 0);
  }
  return sum + 2;
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** How our worker starts (bin/followup.js's first line: heap bound, malloc arenas); the floor's starts the same way. */
function workerLauncher(): Launcher {
  const launcher = parseLauncherLine(readFileSync(FOLLOWUP_BIN, 'utf8').split('\n')[0] ?? '');
  if (!launcher.nodeFlags.some((flag) => flag.startsWith('--max-old-space-size=')))
    throw new Error(`${FOLLOWUP_BIN} no longer bounds its heap on its first line; give the floor the same bound as ours`);
  return launcher;
}

/** BENCH_WORKER_NODE_OPTIONS reaches the workers only (a profiler's --require, say), not this process. */
async function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env, NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS ?? process.env.NODE_OPTIONS }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // A worker that dies mid-run would otherwise only show as a cycle that never finishes: say why.
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') console.error(`A benchmark worker (${args.at(-2) ?? command}) exited (code ${code}, signal ${signal}); its last output:\n${output.slice(-4000)}`);
  });
  const until = Date.now() + 60_000;
  while (!output.includes('Worker on')) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`A benchmark worker did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * How the answering 90 % answer. `asap` (the default, the measure of every run before 2026-12-06):
 * 50 people at a time, each once the request has reached it and at once, one answer after another:
 * nearly all answers come while the cycle is still starting its units. `timeline`: each contact
 * answers at a moment of its own between the request's arrival and the deadline (drawn once per
 * unit, the same for our cycle and the floor), as people answer over the weeks a call is open,
 * compressed like the rest of the timeline; those who answer late get the reminders first, and an
 * answer may come while thousands of reminders go out at once.
 */
export type AnswerPace = 'timeline' | 'asap';
const SUBMITTERS = 50;

/**
 * Each answer as the pace says: a contact answers once the request has reached it (ready), for our
 * cycle with the link in it, for the floor, which sends no mail, once its unit exists. 50 watchers
 * go through the units in order waiting for that; with `asap` each answers at once and waits for its
 * answer, with `timeline` each leaves the answer for its moment (deadlineAt) and goes on.
 * submit gets an update id of its own per answer: when the server gives up waiting for a busy
 * worker (WorkflowUpdateRPCTimeoutOrCancelledError), the submitter sends it again with the same id,
 * which joins the update if it was admitted, and the latency counts from the first attempt. An
 * answer refused because the window has closed (isLate) is counted, not fatal: on a machine too
 * slow for the compressed timeline the run still ends with figures that say so.
 */
async function submitAll(
  count: number,
  pace: { kind: AnswerPace; deadlineAt: number },
  ready: (i: number) => Promise<void>,
  submit: (i: number, updateId: string) => Promise<unknown>,
  isLate: (err: unknown) => boolean,
): Promise<{ latencies: number[]; sent: [number, number][]; perSecond: number; timedOut: number; late: number }> {
  const latencies: number[] = [];
  // When each update was first sent (epoch ms) and its latency: the phase of the cycle it met.
  const sent: [number, number][] = [];
  let next = 0;
  let timedOut = 0;
  let late = 0;
  let first = Infinity;
  let last = 0;
  const answer = async (i: number) => {
    const updateId = `bench-answer-${i}`;
    const firstAttempt = performance.now();
    const sentAt = Date.now();
    first = Math.min(first, sentAt);
    for (let attempt = 0; ; attempt++) {
      try {
        await submit(i, updateId);
        const ms = performance.now() - firstAttempt;
        latencies.push(ms);
        sent.push([sentAt, ms]);
        last = Math.max(last, Date.now());
        return;
      } catch (err) {
        if (isLate(err)) {
          late++;
          return;
        }
        if ((err as Error).name !== 'WorkflowUpdateRPCTimeoutOrCancelledError' || attempt >= 20) throw err;
        timedOut++;
      }
    }
  };
  const scheduled: Promise<void>[] = [];
  let failure: unknown;
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < count) {
        const i = next++;
        await ready(i);
        if (pace.kind === 'asap') {
          await answer(i);
          continue;
        }
        const arrived = Date.now();
        const at = arrived + answerFraction(i) * Math.max(0, pace.deadlineAt - arrived);
        scheduled.push(
          new Promise<void>((resolve) => setTimeout(resolve, at - arrived))
            .then(() => answer(i))
            .catch((err: unknown) => {
              failure ??= err;
            }),
        );
      }
    }),
  );
  await Promise.all(scheduled);
  if (failure !== undefined) throw failure;
  return { latencies: latencies.sort((a, b) => a - b), sent, perSecond: latencies.length / Math.max(0.001, (last - first) / 1000), timedOut, late };
}

/**
 * A history over a connection that takes large messages: at 5,800 units a page of the cycle's
 * history (each unit's start carries its questionnaire and plan, 25 starts in one batch of events
 * that the server does not split) is larger than gRPC's default 4 MB, whatever the page size asked.
 */
export async function historyEvents(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const connection = await Connection.connect({ address: (client.connection as Connection).options.address, channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
  try {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.getWorkflowExecutionHistory({ namespace: client.options.namespace, execution: { workflowId }, maximumPageSize: 250, nextPageToken });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return events;
  } finally {
    await connection.close();
  }
}

async function historyOf(client: Client, workflowId: string): Promise<SideFigures['parentHistory']> {
  const handle = client.workflow.getHandle(workflowId);
  const d = await handle.describe();
  const events = await historyEvents(client, workflowId);
  const tasksTimedOut = (events ?? []).filter((e) => e.workflowTaskTimedOutEventAttributes?.timeoutType === temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE).length;
  const at = (e: temporal.api.history.v1.IHistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
  const failed = (events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
  const firstCause = failed[0]?.workflowTaskFailedEventAttributes?.cause;
  const tasksFailed = { count: failed.length, ...(firstCause != null ? { firstCause: temporal.api.enums.v1.WorkflowTaskFailedCause[firstCause] } : {}) };
  const unitsStarted = (events ?? []).filter((e) => e.childWorkflowExecutionStartedEventAttributes).map(at);
  const unitsEnded = (events ?? []).filter((e) => e.childWorkflowExecutionCompletedEventAttributes).map(at);
  // The close timer: neither parent starts a timer before it, and the benchmark never closes a cycle early.
  const closing = (events ?? []).find((e) => e.timerFiredEventAttributes);
  const milestones: Milestones = {
    firstUnitStarted: unitsStarted[0],
    lastUnitStarted: unitsStarted.at(-1),
    closing: closing ? at(closing) : undefined,
    lastUnitEnded: unitsEnded.at(-1),
    ended: events?.length ? at(events.at(-1)!) : undefined,
  };
  // What the cycle did after its last unit ended (staging, the report, its delivery), each activity's
  // time from scheduled to completed: where a slow end of the cycle went.
  const scheduled = new Map<number, { type: string; at: number }>();
  const afterUnits: { activity: string; seconds: number }[] = [];
  for (const e of events ?? []) {
    if (milestones.lastUnitEnded === undefined || at(e) < milestones.lastUnitEnded) continue;
    const attributes = e.activityTaskScheduledEventAttributes;
    if (attributes) scheduled.set(Number(e.eventId), { type: attributes.activityType?.name ?? '?', at: at(e) });
    const ended = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    const start = ended ? scheduled.get(Number(ended.scheduledEventId)) : undefined;
    if (start) afterUnits.push({ activity: start.type, seconds: round((at(e) - start.at) / 1000) });
  }
  return { events: d.historyLength, megabytes: round((d.historySize ?? 0) / 2 ** 20), tasksTimedOut, tasksFailed, milestones, afterUnits };
}

/** Who has got mail in the sink, and waiting for someone's first. */
class Inboxes {
  private readonly seen = new Set<string>();
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Before each cycle (the units of every N share their addresses): whoever still waits stops waiting. */
  clear(): void {
    this.seen.clear();
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
    this.waiting.clear();
  }
  arrived(address: string): void {
    const key = address.toLowerCase();
    this.seen.add(key);
    for (const wake of this.waiting.get(key) ?? []) wake();
    this.waiting.delete(key);
  }
  /**
   * Resolves when the first mail to the address has arrived, or at `until` (epoch ms) if none has:
   * a unit that never sent its request (closed first, its mailing failed) is then answered anyway,
   * and its answer counts as late, not as a run that stops.
   */
  firstMail(address: string, until: number): Promise<void> {
    const key = address.toLowerCase();
    if (this.seen.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const wakers = this.waiting.get(key) ?? new Set<() => void>();
      this.waiting.set(key, wakers);
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, until - Date.now()));
      timer.unref();
      wakers.add(wake);
    });
  }
}

/** Waits for a workflow to exist, asking less often the longer it takes (at most once a second). */
async function untilExists(client: Client, workflowId: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    try {
      await client.workflow.getHandle(workflowId).describe();
      return;
    } catch {
      if (Date.now() > end) throw new Error(`${workflowId} was not started in time`);
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

/**
 * Actions by one formula for both sides: workflow starts, activities, timers, signals, updates. On
 * the timeline a contact who answers after a reminder's moment (60, 75 and 90 % of the way from the
 * request to the deadline) has had that reminder: counted as if every request went out at the opening.
 */
function actionCount(n: number, pace: AnswerPace): number {
  const answering = Math.round(n * ANSWERING);
  const late = n - answering;
  let remindersBeforeAnswers = 0;
  if (pace === 'timeline') for (let i = 0; i < answering; i++) remindersBeforeAnswers += [0.6, 0.75, 0.9].filter((r) => r < answerFraction(i)).length;
  const activities = n + answering + 4 * late + remindersBeforeAnswers + Math.ceil(n / 250) + 3;
  const timers = n + 3 * late + remindersBeforeAnswers + 1;
  return n + 1 + activities + timers + n + answering;
}

export async function renderFigure(n: number, config: OrganisationConfig): Promise<number> {
  const archiveDir = mkdtempSync(path.join(tmpdir(), 'bench-report-'));
  const activities = createActivities({
    mailer: { send: async () => ({ messageId: '', accepted: [], rejected: [] }), close: () => undefined },
    renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
    archive: createFileArchive(archiveDir),
    directory: createDirectory([config]),
    clock: () => new Date(),
    publicBaseUrl: 'http://localhost:3000',
    answerLinks: createAnswerLinks(LINK_SECRET),
    registers: { read: async (orgId: string) => emptyRegister(orgId) },
    starter: { start: async () => 'started' as const },
  });
  const key = { orgId: 'bench', obligationId: 'bench-call', period: '2025' };
  const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', '2025', 'Europe/Stockholm', new Date());
  const outcomes: UnitStatus[] = config.units.map((u, i) => ({
    unitId: u.id,
    state: i % 10 === 9 ? 'escalated' : 'answered',
    closed: true,
    plan,
    remindersSentAt: i % 10 === 9 ? plan.reminderTimes : [],
    mailProblems: [],
    answer: i % 10 === 9 ? undefined : { values: { projects: `Interreg-projekt ${i} med partner i Tallinn och Riga`, effects: 'Nya arbetssätt för medborgardialog' }, answeredAt: plan.opensAt, by: 'contact', revision: 1 },
  }));
  const started = performance.now();
  const parts: string[] = [];
  for (let i = 0; i < outcomes.length; i += 250) parts.push(await activities.stageOutcomes({ key, part: i / 250, outcomes: outcomes.slice(i, i + 250) }));
  await activities.compileReport({ key, closedAt: plan.closesAt, parts });
  return (performance.now() - started) / 1000;
}

async function mailFigure(smtpUrl: string, count: number): Promise<number> {
  const mailer = createSmtpMailer(smtpUrl, { pool: true });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < count) {
        const i = next++;
        await mailer.send({ from: { name: 'Sekretariatet', address: 's@bench.example' }, to: [{ name: `M ${i}`, address: `m${i}@bench.example` }], envelopeTo: `m${i}@bench.example`, subject: `Påminnelse ${i}`, text: 'Hej!\n'.repeat(20), messageId: `<m.${i}@bench.example>`, date: new Date(), language: 'sv' });
      }
    }),
  );
  mailer.close();
  return count / ((performance.now() - started) / 1000);
}

/** The cycle's page, `cycle status --json` and the organisation's cycles, each timed three times. */
async function statusFigures(client: Client, address: string, taskQueue: string, config: OrganisationConfig, configFile: string, key: CycleKey, passwordHash: string, password: string, withRecords?: { records: Records; url: string }): Promise<{ figures: StatusFigures }> {
  // The web and the command line over the database of record, as deployed.
  const app = await buildWebApp({
    config,
    client,
    ...(withRecords ? { records: withRecords.records } : {}),
    taskQueue,
    archive: createFileArchive(mkdtempSync(path.join(tmpdir(), 'bench-web-archive-'))),
    answerLinks: createAnswerLinks(LINK_SECRET),
    passwordHash,
    cookieSecret: 'benchmark-cookie-secret-benchmark-cookie',
    publicBaseUrl: 'http://localhost:3000',
    templatesDir: path.join(PROJECT_ROOT, 'templates'),
  });
  try {
    const loginPage = await app.inject({ method: 'GET', url: '/login' });
    const cookies = Object.fromEntries((loginPage.cookies as { name: string; value: string }[]).map((c) => [c.name, c.value]));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
    const login = await app.inject({ method: 'POST', url: '/login', cookies, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, username: 'sekretariatet', password }).toString() });
    for (const c of login.cookies as { name: string; value: string }[]) cookies[c.name] = c.value;
    const page = await medianSeconds(async () => {
      const response = await app.inject({ method: 'GET', url: `/cycles/${key.obligationId}/${key.period}`, cookies });
      if (response.statusCode !== 200) throw new Error(`The cycle page answered ${response.statusCode}`);
      return response.body;
    });
    const cli = await medianSeconds(() => runCli(['cycle', 'status', key.obligationId, '--period', key.period, '--json'], { TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, FOLLOWUP_CONFIG: configFile, ...(withRecords ? { DATABASE_URL: withRecords.url } : {}) }));
    const listed = await medianSeconds(() => listCycles(client, key.orgId));
    if (!listed.value.some((c) => c.key.period === key.period)) throw new Error('The cycle is missing from the organisation\'s cycles');
    const unitsListed = (JSON.parse(cli.value) as { units: unknown[] }).units.length;
    return { figures: { pageSeconds: page.seconds, cliSeconds: cli.seconds, listSeconds: listed.seconds, unitsListed } };
  } finally {
    await app.close();
  }
}

/** The time of `measure`, the median of three runs, and the last run's value. */
async function medianSeconds<T>(measure: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    value = await measure();
    times.push((performance.now() - started) / 1000);
  }
  return { seconds: Math.round(times.sort((a, b) => a - b)[1]! * 1000) / 1000, value: value! };
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(FOLLOWUP_BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`followup ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

/** The tables whose rows a cycle adds: what was received, sent and decided, and the files. */
export const RECORD_TABLES = ['answer_versions', 'mail_log', 'case_records', 'audit_log', 'record_files'] as const;

/** Rows in each table of the record (those this release has) and the database's size in bytes. */
async function recordsSnapshot(db: Records): Promise<{ rows: Record<string, number>; bytes: number }> {
  const rows: Record<string, number> = {};
  for (const table of RECORD_TABLES) {
    const found = await sql<{ found: string | null }>`select to_regclass(${table})::text as found`.execute(db);
    if (!found.rows[0]?.found) continue;
    const counted = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    rows[table] = Number(counted.rows[0]!.n);
  }
  const size = await sql<{ bytes: string }>`select pg_database_size(current_database()) as bytes`.execute(db);
  return { rows, bytes: Number(size.rows[0]!.bytes) };
}

function recordsFigures(database: string, n: number, wallSeconds: number, before: { rows: Record<string, number>; bytes: number; cpu?: number }, after: { rows: Record<string, number>; bytes: number; cpu?: number }): RecordsFigures {
  const rows = Object.fromEntries(Object.keys(after.rows).map((table) => [table, after.rows[table]! - (before.rows[table] ?? 0)]));
  const total = Object.values(rows).reduce((sum, r) => sum + r, 0);
  const cpu = before.cpu !== undefined && after.cpu !== undefined ? { databaseCpuSeconds: round(after.cpu - before.cpu) } : {};
  return { database, rows, perSecond: round(total / wallSeconds), sizeMbPer1000Units: round(((after.bytes - before.bytes) / 2 ** 20) * (1000 / n)), ...cpu };
}

/** `npm start`'s embedded database of record (PGlite over the wire protocol) in a process of its own. */
export async function startEmbeddedRecordsProcess(dataDir?: string): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/bench/embedded-records.ts'), dataDir ?? mkdtempSync(path.join(tmpdir(), 'bench-records-'))], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const ready = /^\{"url":.*\}$/m.exec(output);
      if (ready) resolve((JSON.parse(ready[0]) as { url: string }).url);
    });
    child.once('exit', () => reject(new Error(`The embedded records database did not start: ${output}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A Temporal server for the run: the dev server, or Temporal's own server on PostgreSQL
 * (scripts/cluster); and the database of record beside it, as each is run: `npm start`'s PGlite
 * with the dev server, a database and role of its own on the cluster's PostgreSQL. Migrated.
 */
async function startServer(server: BenchServer, units: number[], log: (line: string) => void): Promise<{ address: string; client: Client; recordsUrl: string; recordsDatabase: string; recordsPid?: number; teardown(): Promise<void> }> {
  // A cycle has one child per unit, and the server allows 2,000 pending children per workflow by
  // default; 5,800 units in one cycle need the limit raised (or a layer of group workflows).
  const manyChildren = units.some((n) => n > 2000);
  if (server === 'dev') {
    // Every port chosen here: left to itself the server takes its HTTP and metrics ports from the
    // kernel, which can hand out again the port just freed for its gRPC.
    const [grpc, http, metrics] = await freePorts(3);
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: serverExecutable(TEMPORAL_CLI),
        ip: '127.0.0.1',
        port: grpc!,
        extraArgs: ['--http-port', String(http), '--metrics-port', String(metrics), ...(manyChildren ? ['--dynamic-config-value', 'limit.numPendingChildExecutions.error=10000'] : [])],
      },
    });
    const records = await startEmbeddedRecordsProcess().catch(async (err: unknown) => {
      await env.teardown();
      throw err;
    });
    await prepareRecords(records.url, { migrate: true });
    return {
      address: (env.connection.options as { address?: string }).address ?? '',
      client: new Client({ connection: env.connection, namespace: env.namespace }),
      recordsUrl: records.url,
      ...(records.pid ? { recordsPid: records.pid } : {}),
      recordsDatabase: 'PGlite (npm start\'s embedded database, a process of its own)',
      teardown: async () => {
        await env.teardown();
        await records.stop();
      },
    };
  }
  const cluster = await startTemporalCluster({ dir: mkdtempSync(path.join(tmpdir(), 'bench-cluster-')), log, ...(manyChildren ? { pendingChildrenLimit: 10_000 } : {}) });
  const records = await prepareClusterRecords(cluster.postgres, { password: randomBytes(18).toString('base64url') }).catch(async (err: unknown) => {
    await cluster.stop();
    throw err;
  });
  const connection = await Connection.connect({ address: cluster.address });
  // Registered before the first cycle, as an operator sets up a namespace: each service of a cluster
  // reads the search attributes into a cache it refreshes once a minute, and until the history
  // service's refresh a cycle setting one fails its task with BAD_SEARCH_ATTRIBUTES and the server
  // retries it with a growing backoff (ours waited 60 s for its first unit in such runs, the floor,
  // which sets none, not at all).
  // The namespace was just created: the frontend knows it after its own cache's refresh (2 s).
  const register = async (until: number): Promise<string[]> => {
    try {
      return await registerSearchAttributes(connection, 'default');
    } catch (err) {
      if ((err as { code?: number }).code !== GRPC_NOT_FOUND || Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return register(until);
    }
  };
  if ((await register(Date.now() + 30_000)).length > 0) {
    log(`Search attributes registered; waiting ${SEARCH_ATTRIBUTE_CACHE_MS / 1000} s for the cluster's services to refresh their cache of them.`);
    await new Promise((resolve) => setTimeout(resolve, SEARCH_ATTRIBUTE_CACHE_MS));
  }
  return {
    address: cluster.address,
    client: new Client({ connection }),
    recordsUrl: records.url,
    recordsDatabase: `PostgreSQL (the cluster's, database ${records.database})`,
    teardown: async () => {
      await connection.close();
      await cluster.stop();
    },
  };
}

/** records: false runs our worker without the database of record (`--records off`), to measure what writing it costs. */
export async function runBenchmark(options: { units: number[]; servers?: BenchServer[]; answers?: AnswerPace; outDir?: string; log?: (line: string) => void; records?: boolean }): Promise<BenchRun> {
  const withRecords = options.records ?? true;
  const log = options.log ?? ((line: string) => console.log(line));
  const answers = options.answers ?? 'asap';
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by the caller (the smoke test shares a process with others).
  }
  let mails = 0;
  const inboxes = new Inboxes();
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        mails++;
        for (const { address } of session.envelope.rcptTo) inboxes.arrived(address);
        callback();
      });
    },
  });
  // A worker stopped with its pooled connections open resets them; that is no reason to stop the run.
  sink.on('error', () => undefined);
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as { port: number }).port}`;
  const results: BenchResult[] = [];
  const workers: ChildProcess[] = [];
  const password = 'benchmark-password-benchmark';
  const passwordHash = await hashPassword(password);
  try {
   for (const server of options.servers ?? ['dev']) {
    const { address, client, recordsUrl, recordsDatabase, recordsPid, teardown } = await startServer(server, options.units, log);
    log(`${server}: the records in ${recordsDatabase} at ${describeDatabaseUrl(recordsUrl)}`);
    const records = await openRecords(recordsUrl, { onConnectionError: () => undefined });
    try {
    for (const [index, n] of options.units.entries()) {
      const config = benchConfig(n);
      const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-config-')), 'bench.yaml');
      writeFileSync(configFile, stringify(config));
      const period = String(2000 + index);
      const key: CycleKey = { orgId: 'bench', obligationId: 'bench-call', period };
      const answering = Math.round(n * ANSWERING);

      // Ours: a worker process with the real activities.
      const archiveDir = mkdtempSync(path.join(tmpdir(), 'bench-archive-'));
      const ourMetrics = `127.0.0.1:${await freePort()}`;
      // Run as an operator runs it: the executable itself, with the node options of its first line.
      const ours = await startProcess(FOLLOWUP_BIN, ['worker'], {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TASK_QUEUE: `bench-ours-${n}`,
        SMTP_URL: smtpUrl,
        FOLLOWUP_CONFIG: configFile,
        FOLLOWUP_ARCHIVE_DIR: archiveDir,
        FOLLOWUP_LINK_SECRET: LINK_SECRET,
        FOLLOWUP_METRICS_ADDRESS: ourMetrics,
        // The records as in production; a data folder of its own, so that no earlier one is carried into them.
        ...(withRecords ? { DATABASE_URL: recordsUrl } : {}),
        FOLLOWUP_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bench-data-')),
      });
      workers.push(ours);
      mails = 0;
      inboxes.clear();
      const recordsBefore = { ...(await recordsSnapshot(records)), cpu: cpuSecondsOf(recordsPid) };
      let started = performance.now();
      const ourStartedAt = Date.now();
      const ourRssSamples = new RssSampler(ours.pid);
      const ourPlan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', period, 'Europe/Stockholm', new Date());
      const closesAt = Date.parse(ourPlan.closesAt);
      await startCycle(client, `bench-ours-${n}`, key, 'bench');
      const values = { projects: 'Interreg-projekt med partner i Tallinn', effects: 'Nya arbetssätt' };
      const ourSubmissions = await submitAll(
        answering,
        { kind: answers, deadlineAt: Date.parse(ourPlan.deadlineAt) },
        // A contact answers with the link in the request: once it has arrived, not before.
        async (i) => {
          await untilExists(client, unitWorkflowId(key, config.units[i]!.id), 900_000);
          await inboxes.firstMail(config.units[i]!.contacts[0]!.email, closesAt);
        },
        (i, updateId) => submitAnswer(client, key, config.units[i]!.id, values, 'contact', updateId),
        (err) => (err as { type?: string }).type === 'CycleClosed',
      );
      await client.workflow.getHandle(cycleWorkflowId(key)).result();
      const ourWall = (performance.now() - started) / 1000;
      const recordsWritten = recordsFigures(withRecords ? recordsDatabase : 'none: our worker without DATABASE_URL (--records off)', n, ourWall, recordsBefore, { ...(await recordsSnapshot(records)), cpu: cpuSecondsOf(recordsPid) });
      // The cycle's own time: what the benchmark reads afterwards is not the worker's doing.
      const ourRssDuringCycle = ourRssSamples.stop();
      // Read from the visibility store, the same for a running cycle as for this finished one, and
      // timed outside the cycle so that the two CPUs are the worker's while it runs.
      const status = await statusFigures(client, address, `bench-ours-${n}`, config, configFile, key, passwordHash, password, withRecords ? { records, url: recordsUrl } : undefined);
      const ourHistory = await historyOf(client, cycleWorkflowId(key));
      const ourMails = mails;
      const ourRss = peakRssMb(ours.pid);
      const ourPhases = phaseFigures(ourStartedAt, ourHistory.milestones, ourSubmissions.sent, ourRssDuringCycle);
      const ourProfile = await scrapeWorker(ourMetrics);
      const expectedMails = await mailsRecorded(client, key, config.units.map((u) => u.id));
      ours.kill('SIGTERM');

      // The floor: the same shape, activities that do nothing.
      const floorMetrics = `127.0.0.1:${await freePort()}`;
      const floorLauncher = workerLauncher();
      // Compiled where ours runs the release: through tsx both would run with source maps on, which
      // makes every script the workflow sandbox compiles slower.
      const floorEntry = process.env.FOLLOWUP_FROM === 'release' ? [path.join(PROJECT_ROOT, 'dist-bench/scripts/bench/floor-worker.js')] : ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/bench/floor-worker.ts')];
      const floorWorker = await startProcess(process.execPath, [...floorLauncher.nodeFlags, ...floorEntry], {
        ...floorLauncher.env,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TASK_QUEUE: `bench-floor-${n}`,
        FOLLOWUP_METRICS_ADDRESS: floorMetrics,
      });
      workers.push(floorWorker);
      const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', period, 'Europe/Stockholm', new Date());
      const floorPlan: FloorPlan = { unitCount: n, reminderTimes: plan.reminderTimes, escalationAt: plan.escalationAt, closesAt: plan.closesAt, spreadUntil: plan.spreadUntil, key };
      const prefix = `floor/${n}`;
      started = performance.now();
      const floorStartedAt = Date.now();
      const floorRssSamples = new RssSampler(floorWorker.pid);
      const floor = await client.workflow.start('floorCycleWorkflow', { taskQueue: `bench-floor-${n}`, workflowId: prefix, args: [floorPlan, prefix], workflowTaskTimeout: CYCLE_TASK_TIMEOUT });
      const floorSubmissions = await submitAll(
        answering,
        { kind: answers, deadlineAt: Date.parse(plan.deadlineAt) },
        (i) => untilExists(client, `${prefix}/unit/${i}`, 900_000),
        (i, updateId) => client.workflow.getHandle(`${prefix}/unit/${i}`).executeUpdate(floorAnswer, { args: [values], updateId }),
        () => Date.now() >= Date.parse(floorPlan.closesAt),
      );
      await floor.result();
      const floorWall = (performance.now() - started) / 1000;
      const floorRssDuringCycle = floorRssSamples.stop();
      const floorHistory = await historyOf(client, prefix);
      const floorRss = peakRssMb(floorWorker.pid);
      const floorPhases = phaseFigures(floorStartedAt, floorHistory.milestones, floorSubmissions.sent, floorRssDuringCycle);
      const floorProfile = await scrapeWorker(floorMetrics);
      floorWorker.kill('SIGTERM');

      const side = (wall: number, rss: number, { latencies, perSecond, timedOut, late }: { latencies: number[]; perSecond: number; timedOut: number; late: number }, profile: WorkerProfile, parentHistory: SideFigures['parentHistory'], phases: PhaseFigures): SideFigures => ({
        wallSeconds: round(wall),
        unitsPerSecond: round(n / wall),
        actionsPerSecond: round(actionCount(n, answers) / wall),
        peakRssMb: rss,
        updateP50Ms: round(percentile(latencies, 50)),
        updateP99Ms: round(percentile(latencies, 99)),
        updatesPerSecond: round(perSecond),
        updatesResent: timedOut,
        answersLate: late,
        profile,
        phases,
        parentHistory,
      });
      const result: BenchResult = {
        server,
        units: n,
        status: status.figures,
        records: recordsWritten,
        ours: { ...side(ourWall, ourRss, ourSubmissions, ourProfile, ourHistory, ourPhases), mails: ourMails, expectedMails },
        floor: side(floorWall, floorRss, floorSubmissions, floorProfile, floorHistory, floorPhases),
        ratioToFloor: round(floorWall / ourWall),
        reportRenderSeconds: round(await renderFigure(n, config)),
        mailsPerSecond: Math.round(await mailFigure(smtpUrl, Math.max(500, Math.min(n, 3000)))),
      };
      results.push(result);
      if (options.outDir) writeResults(options.outDir, { machine: machineName(), date: new Date().toISOString(), answers, results });
      log(`${server} N=${n}: records ${JSON.stringify(recordsWritten.rows)}, ${recordsWritten.perSecond} rows/s, ${recordsWritten.sizeMbPer1000Units} MB per 1,000 units; status page ${status.figures.pageSeconds}s, cycle status --json ${status.figures.cliSeconds}s, list ${status.figures.listSeconds}s; ours ${result.ours.wallSeconds}s, floor ${result.floor.wallSeconds}s, ratio ${result.ratioToFloor}, RSS ${ourRss} MB, update p99 ${result.ours.updateP99Ms} ms, mails ${result.ours.mails}/${expectedMails}, answers late ${result.ours.answersLate} (floor ${result.floor.answersLate})`);
    }
    } finally {
      for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
      await records.destroy();
      await teardown();
    }
   }
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
  return { machine: machineName(), date: new Date().toISOString(), answers, results };
}

const machineName = () => `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** Written after every N, so a run that fails at a larger N keeps what it measured. */
function writeResults(outDir: string, run: BenchRun): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'bench.json'), JSON.stringify(run, null, 2));
  writeFileSync(path.join(outDir, 'bench.md'), markdownTable(run));
  writeFileSync(path.join(outDir, 'bench.svg'), chart(run));
}

const round = (x: number) => Math.round(x * 100) / 100;

export function markdownTable(run: BenchRun): string {
  const rows = run.results.map(
    (r) =>
      `| ${r.server} | ${r.units} | ${r.ours.wallSeconds} | ${r.floor.wallSeconds} | **${r.ratioToFloor}** | ${r.ours.unitsPerSecond} / ${r.floor.unitsPerSecond} | ${r.ours.actionsPerSecond} / ${r.floor.actionsPerSecond} | ${r.ours.peakRssMb} / ${r.floor.peakRssMb} | ${r.ours.updateP50Ms} / ${r.ours.updateP99Ms} (floor ${r.floor.updateP50Ms} / ${r.floor.updateP99Ms}) | ${r.reportRenderSeconds} | ${r.mailsPerSecond} | ${r.ours.mails} / ${r.ours.expectedMails} |`,
  );
  return [
    `Machine: ${run.machine}. Date: ${run.date}. Answers: ${run.answers === 'timeline' ? 'each contact at a moment of its own before the deadline (--answers timeline)' : '50 at a time, each as soon as its request has arrived (--answers asap)'}.`,
    '',
    '| server | N units | cycle wall s (ours) | wall s (floor) | throughput ratio to floor | units/s ours / floor | actions/s ours / floor | worker peak RSS MB ours / floor | answer update p50 / p99 ms | report render s | mails/s (pooled) | mails delivered / expected |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'What the secretariat waits for, read from the visibility store (median of three, right after the cycle): the cycle\'s page in the web, `followup cycle status --json` as a process (its start included), and listing the organisation\'s cycles.',
    '',
    '| server | N units | cycle page s | cycle status --json s | list cycles s | units in the status |',
    '|---|---:|---:|---:|---:|---:|',
    ...run.results.map((r) => `| ${r.server} | ${r.units} | ${r.status.pageSeconds} | ${r.status.cliSeconds} | ${r.status.listSeconds} | ${r.status.unitsListed} |`),
    '',
    `The database of record as our worker wrote it during the cycle (the floor writes none): rows added to ${RECORD_TABLES.join(', ')} over the cycle's wall time, and pg_database_size after the cycle less before it, scaled to 1,000 units.`,
    '',
    '| server | N units | database | rows added | records written /s | database growth MB per 1,000 units | database CPU s during the cycle |',
    '|---|---:|---|---|---:|---:|---:|',
    ...run.results.map((r) => `| ${r.server} | ${r.units} | ${r.records.database} | ${Object.entries(r.records.rows).map(([t, n]) => `${t} ${n}`).join(', ')} | ${r.records.perSecond} | ${r.records.sizeMbPer1000Units} | ${r.records.databaseCpuSeconds ?? '–'} |`),
    '',
    'Where the time goes (from each worker\'s metrics; ours / floor). A workflow task waits from being scheduled on the server until the worker picks it up, then runs in the worker; an answer\'s update is one such task.',
    '',
    '| server | N units | answers/s | answers resent after a server timeout | answers too late (cycle closed) | workflow tasks | task wait mean ms | task wait p99 ≤ ms | task run mean ms | task run p99 ≤ ms | served from cache | parent history events | parent history MB | parent tasks timed out | parent tasks failed (first cause) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...run.results.map((r) => {
      const [o, f] = [r.ours.profile, r.floor.profile];
      const pct = (x: number) => `${Math.round(x * 100)} %`;
      const failedTasks = (h: SideFigures['parentHistory']) => (h.tasksFailed?.count ? `${h.tasksFailed.count} (${h.tasksFailed.firstCause ?? '?'})` : '0');
      return `| ${r.server} | ${r.units} | ${r.ours.updatesPerSecond} / ${r.floor.updatesPerSecond} | ${r.ours.updatesResent} / ${r.floor.updatesResent} | ${r.ours.answersLate} / ${r.floor.answersLate} | ${o.workflowTasks} / ${f.workflowTasks} | ${o.workflowTaskWaitMeanMs} / ${f.workflowTaskWaitMeanMs} | ${o.workflowTaskWaitP99Ms} / ${f.workflowTaskWaitP99Ms} | ${o.workflowTaskRunMeanMs} / ${f.workflowTaskRunMeanMs} | ${o.workflowTaskRunP99Ms} / ${f.workflowTaskRunP99Ms} | ${pct(o.stickyCacheHitRate)} / ${pct(f.stickyCacheHitRate)} | ${r.ours.parentHistory.events} / ${r.floor.parentHistory.events} | ${r.ours.parentHistory.megabytes} / ${r.floor.parentHistory.megabytes} | ${r.ours.parentHistory.tasksTimedOut} / ${r.floor.parentHistory.tasksTimedOut} | ${failedTasks(r.ours.parentHistory)} / ${failedTasks(r.floor.parentHistory)} |`;
    }),
    '',
    'By phase of the cycle (ours / floor): answers sent in each phase and their p99, and the worker\'s highest RSS sampled in it (every 100 ms). The phases end with the last unit started, the close, and the last unit ended.',
    '',
    '| server | N units | phase | seconds | answers | update p99 ms | worker RSS MB | peak at s |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...run.results.flatMap((r) =>
      Object.keys(r.ours.phases?.phases ?? {}).map((name) => {
        const [o, f] = [r.ours.phases.phases[name]!, r.floor.phases.phases[name]!];
        return `| ${r.server} | ${r.units} | ${name} | ${o.seconds ?? '–'} / ${f.seconds ?? '–'} | ${o.updates} / ${f.updates} | ${o.updateP99Ms} / ${f.updateP99Ms} | ${o.peakRssMb} / ${f.peakRssMb} | ${r.ours.phases.peakRssAtSeconds} / ${r.floor.phases.peakRssAtSeconds} |`;
      }),
    ),
    '',
    'After the last unit ended, each activity of the cycle (ours) and its seconds from scheduled to completed:',
    '',
    ...run.results.map((r) => `- ${r.server}, ${r.units} units: ${(r.ours.parentHistory.afterUnits ?? []).map((a) => `${a.activity} ${a.seconds}`).join(', ') || '–'}`),
    '',
  ].join('\n');
}

/** Wall time and throughput against N, ours and the floor, log-scaled N. */
export function chart(all: BenchRun): string {
  // One server's line per side: the first server's (the dev server when both ran).
  const run = { ...all, results: all.results.filter((r) => r.server === all.results[0]?.server) };
  const w = 640;
  const h = 300;
  const pad = 50;
  const ns = run.results.map((r) => r.units);
  const lx = (n: number) => {
    const [lo, hi] = [Math.log10(Math.min(...ns)), Math.log10(Math.max(...ns))];
    return pad + ((Math.log10(n) - lo) / (hi - lo || 1)) * (w - 2 * pad);
  };
  const series = (values: number[], max: number, color: string, dash = '') =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''} points="${values.map((v, i) => `${lx(ns[i]!).toFixed(1)},${(h - pad - (v / (max || 1)) * (h - 2 * pad)).toFixed(1)}`).join(' ')}"/>`;
  const wallMax = Math.max(...run.results.flatMap((r) => [r.ours.wallSeconds, r.floor.wallSeconds]));
  const tputMax = Math.max(...run.results.flatMap((r) => [r.ours.unitsPerSecond, r.floor.unitsPerSecond]));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">
<title>Cycle wall time and throughput against N</title>
<rect width="${w}" height="${h}" fill="#fff"/>
<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#333"/>
${ns.map((n) => `<text x="${lx(n)}" y="${h - pad + 16}" text-anchor="middle">${n}</text>`).join('')}
<text x="${w / 2}" y="${h - 10}" text-anchor="middle">units (log scale)</text>
${series(run.results.map((r) => r.ours.wallSeconds), wallMax, '#005a9c')}
${series(run.results.map((r) => r.floor.wallSeconds), wallMax, '#005a9c', '6 4')}
${series(run.results.map((r) => r.ours.unitsPerSecond), tputMax, '#c4321e')}
${series(run.results.map((r) => r.floor.unitsPerSecond), tputMax, '#c4321e', '6 4')}
<text x="${pad}" y="20" fill="#005a9c">wall time (max ${wallMax} s)</text>
<text x="${pad + 200}" y="20" fill="#c4321e">units/s (max ${tputMax})</text>
<text x="${pad + 380}" y="20">solid: ours, dashed: floor</text>
</svg>
`;
}

/** `npm run build`, and the floor's worker compiled beside it (dist-bench/), so that neither side runs through tsx. */
async function buildRelease(): Promise<void> {
  await runToEnd('npm', ['run', 'build']);
  await runToEnd('npx', ['tsc', '-p', 'tsconfig.bench.json']);
}

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}); run it to see why, or bench the sources with --from source:\n${output.slice(-3000)}`))));
  });
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--units');
  const units = at > 0 ? (process.argv[at + 1] ?? '').split(',').map(Number).filter((n) => n > 0) : [10, 100, 1000, 5800];
  if (!units.length) throw new Error('--units takes a comma-separated list such as 10,100,1000,5800');
  const outAt = process.argv.indexOf('--out');
  const outDir = outAt > 0 ? path.resolve(process.argv[outAt + 1] ?? 'bench-results') : path.join(PROJECT_ROOT, 'bench-results');
  const serverAt = process.argv.indexOf('--server');
  const serverChoice = serverAt > 0 ? process.argv[serverAt + 1] : 'both';
  if (!['dev', 'cluster', 'both'].includes(serverChoice ?? '')) throw new Error('--server takes dev, cluster or both');
  const servers: BenchServer[] = serverChoice === 'both' ? ['dev', 'cluster'] : [serverChoice as BenchServer];
  if (process.argv.includes('--report-only')) {
    // The report in every format at each N, without servers: median of three.
    for (const n of units) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) runs.push(round(await renderFigure(n, benchConfig(n))));
      console.log(`N=${n}: the report compiled in every format (HTML, Markdown, PDF, Word) in ${[...runs].sort((a, b) => a - b)[1]} s (runs ${runs.join(', ')} s)`);
    }
    return;
  }
  const answersAt = process.argv.indexOf('--answers');
  const answers = answersAt > 0 ? process.argv[answersAt + 1] : 'asap';
  if (answers !== 'timeline' && answers !== 'asap') throw new Error('--answers takes asap (50 at a time, each as soon as its request has arrived) or timeline (each contact at a moment of its own before the deadline)');
  const recordsAt = process.argv.indexOf('--records');
  const recordsChoice = recordsAt > 0 ? process.argv[recordsAt + 1] : 'on';
  if (recordsChoice !== 'on' && recordsChoice !== 'off') throw new Error('--records takes on (our worker writes the database of record, as deployed; the default) or off (it does not: what writing it costs)');
  const fromAt = process.argv.indexOf('--from');
  const from = fromAt > 0 ? process.argv[fromAt + 1] : 'release';
  if (from !== 'release' && from !== 'source') throw new Error('--from takes release (npm run build, then our worker and `cycle status` run the compiled release as an operator runs it; the default) or source (the TypeScript sources through tsx, as in development)');
  if (from === 'release') {
    // As an operator runs it: compiled, no compiler loaded, and a large report's renderers start
    // compiled too (0.25-0.3 s each, against 0.4-0.46 s through tsx). The floor runs compiled too.
    console.log('Building the release (npm run build) to run it as an operator does; --from source runs the sources instead.');
    await buildRelease();
    process.env.FOLLOWUP_FROM = 'release';
  } else delete process.env.FOLLOWUP_FROM; // --from source means the sources, whatever the shell says
  const run = await runBenchmark({ units, servers, answers, outDir, records: recordsChoice === 'on' });
  console.log(`\n${markdownTable(run)}\nWritten to bench-results/ (bench.json, bench.md, bench.svg).`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
