/**
 * The Temporal Schedules an organisation's config implies: one per scheduled obligation (data
 * calls, minimum occurrences, revisions), firing at the instants the calendar rules compute
 * (working days, the organisation's zone, daylight saving). Each run starts scheduledStartWorkflow,
 * which starts the obligation's workflow under its business key.
 */
import { createHash } from 'node:crypto';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, type CalendarSpec, type Client, type Month } from '@temporalio/client';
import { DateTime } from 'luxon';
import { kindOf } from '../activities/kinds';
import type { OrganisationConfig } from '../config/schema';
import { scheduleId } from '../domain/registers';
import type { ScheduledStartInput } from '../workflows/definitions';

const MONTHS: Month[] = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];

/** How far ahead the instants are written into each schedule; `schedules sync` (run by every worker start) moves it on. */
export const HORIZON_YEARS = 5;
/** A run missed while Temporal was down is still taken if the server is back within this window. */
export const CATCHUP_WINDOW = '30 days' as const;

export interface DesiredSchedule {
  scheduleId: string;
  orgId: string;
  obligationId: string;
  kind: string;
  timeZone: string;
  /** What each run follows up (period, year, mandate period) and when it fires. */
  runs: { label: string; at: string }[];
  /**
   * A year or revision period that is running now although its start passed before the schedule
   * existed: sync starts it, so a policy put into config mid-year is not a year late.
   */
  running?: string;
}

/** The schedules the config implies, from `now` on. Pure: the same config and day give the same schedules. */
export function desiredSchedules(config: OrganisationConfig, now: Date, horizonYears = HORIZON_YEARS): DesiredSchedule[] {
  const orgId = config.organisation.id;
  const zone = config.organisation.timeZone;
  const out: DesiredSchedule[] = [];
  for (const o of config.obligations) {
    const schedule = kindOf(o).schedule;
    // Gates and expiry reviews have none: they start when something is registered.
    if (!schedule) continue;
    const { runs, running } = schedule.runs(config, o as never, now, horizonYears);
    out.push({ scheduleId: scheduleId(orgId, o.id), orgId, obligationId: o.id, kind: o.kind, timeZone: zone, runs, ...(running ? { running } : {}) });
  }
  return out;
}

function calendarOf(at: string, zone: string, label: string): CalendarSpec {
  const local = DateTime.fromISO(at, { zone });
  return { year: local.year, month: MONTHS[local.month - 1]!, dayOfMonth: local.day, hour: local.hour, minute: local.minute, second: local.second, comment: label };
}

function fingerprint(desired: DesiredSchedule, taskQueue: string): string {
  const { running: _running, ...schedule } = desired;
  return `config ${createHash('sha256').update(JSON.stringify({ ...schedule, taskQueue, CATCHUP_WINDOW })).digest('hex').slice(0, 16)}`;
}

function scheduleOptions(desired: DesiredSchedule, taskQueue: string) {
  const input: ScheduledStartInput = { orgId: desired.orgId, obligationId: desired.obligationId };
  return {
    spec: { calendars: desired.runs.map((r) => calendarOf(r.at, desired.timeZone, r.label)), timezone: desired.timeZone },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'scheduledStartWorkflow',
      workflowId: `${desired.scheduleId}/run`,
      taskQueue,
      args: [input],
    },
    policies: { catchupWindow: CATCHUP_WINDOW, overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    state: { note: fingerprint(desired, taskQueue) },
  };
}

export type ScheduleChange = 'created' | 'updated' | 'unchanged' | 'removed' | 'started-now';

export interface SyncResult {
  scheduleId: string;
  change: ScheduleChange;
  detail?: string;
}

async function existingScheduleIds(client: Client, orgId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.schedule.list()) if (s.scheduleId.startsWith(`followup/${orgId}/`)) ids.push(s.scheduleId);
  return ids;
}

/**
 * Creates, updates and removes the organisation's schedules to match its config. Idempotent: a
 * second run with the same config reports every schedule unchanged and touches none.
 */
export async function syncSchedules(client: Client, taskQueue: string, config: OrganisationConfig, now = new Date()): Promise<SyncResult[]> {
  const desired = desiredSchedules(config, now);
  const results: SyncResult[] = [];
  const existing = new Set(await existingScheduleIds(client, config.organisation.id));
  for (const d of desired) {
    if (d.running) results.push(await startRunning(client, taskQueue, d));
    if (d.runs.length === 0) {
      if (existing.has(d.scheduleId)) {
        await client.schedule.getHandle(d.scheduleId).delete();
        results.push({ scheduleId: d.scheduleId, change: 'removed', detail: 'no runs ahead' });
      }
      existing.delete(d.scheduleId);
      continue;
    }
    const options = scheduleOptions(d, taskQueue);
    if (!existing.has(d.scheduleId)) {
      await client.schedule.create({ scheduleId: d.scheduleId, ...options });
      results.push({ scheduleId: d.scheduleId, change: 'created' });
      continue;
    }
    existing.delete(d.scheduleId);
    const handle = client.schedule.getHandle(d.scheduleId);
    const current = await handle.describe();
    if (current.state.note === options.state.note) {
      results.push({ scheduleId: d.scheduleId, change: 'unchanged' });
      continue;
    }
    await handle.update((previous) => ({ ...previous, ...options, state: { ...previous.state, note: options.state.note } }));
    results.push({ scheduleId: d.scheduleId, change: 'updated' });
  }
  for (const stale of existing) {
    await client.schedule.getHandle(stale).delete();
    results.push({ scheduleId: stale, change: 'removed', detail: 'its obligation is no longer in the config' });
  }
  return results;
}

export interface ListedSchedule {
  scheduleId: string;
  obligationId: string;
  paused: boolean;
  /** The next runs, as instants (ISO) and as the organisation reads them. */
  nextRuns: { at: string; local: string; label?: string }[];
  recentRuns: { at: string; local: string; workflowId?: string }[];
  note?: string;
}

/**
 * Starts the running year or period the way a schedule run would (scheduledStartWorkflow), once:
 * the start's own id is a business key, so a second sync finds it and changes nothing.
 */
async function startRunning(client: Client, taskQueue: string, d: DesiredSchedule): Promise<SyncResult> {
  const input: ScheduledStartInput = { orgId: d.orgId, obligationId: d.obligationId };
  try {
    await client.workflow.start('scheduledStartWorkflow', { taskQueue, workflowId: `${d.scheduleId}/started-by-sync/${d.running}`, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return { scheduleId: d.scheduleId, change: 'started-now', detail: `${d.running} had already begun; started now` };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { scheduleId: d.scheduleId, change: 'unchanged', detail: `${d.running} already started` };
  }
}

/** A schedule's run as the organisation reads it: its local date and time, with the zone's name. */
export function localRunTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

export async function listSchedules(client: Client, config: OrganisationConfig, count = 3): Promise<ListedSchedule[]> {
  const zone = config.organisation.timeZone;
  const out: ListedSchedule[] = [];
  for (const id of (await existingScheduleIds(client, config.organisation.id)).sort()) {
    let description;
    try {
      description = await client.schedule.getHandle(id).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) continue;
      throw err;
    }
    const labels = new Map(description.spec.calendars?.map((c) => [`${c.year?.[0]?.start}-${c.month?.[0]?.start}-${c.dayOfMonth?.[0]?.start}`, c.comment]) ?? []);
    out.push({
      scheduleId: id,
      obligationId: id.split('/')[2] ?? id,
      paused: description.state.paused,
      note: description.state.note,
      nextRuns: description.info.nextActionTimes.slice(0, count).map((t) => {
        const local = DateTime.fromJSDate(t, { zone });
        return { at: t.toISOString(), local: localRunTime(t, zone), label: labels.get(`${local.year}-${MONTHS[local.month - 1]}-${local.day}`) };
      }),
      recentRuns: description.info.recentActions.map((a) => ({
        at: a.takenAt.toISOString(),
        local: localRunTime(a.takenAt, zone),
        workflowId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : undefined,
      })),
    });
  }
  return out;
}

export async function triggerSchedule(client: Client, config: OrganisationConfig, obligationId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId(config.organisation.id, obligationId)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}
