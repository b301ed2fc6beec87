/**
 * The floor of the benchmark: bare workflows of the same shape as a cycle (a parent, one child
 * per unit, the same timers, activities, updates and signals) whose activities do nothing. Our
 * figures are reported as a ratio to these, so the noise of a shared machine cancels out.
 */
import * as wf from '@temporalio/workflow';
import { UNIT_START_BATCH, UNIT_TASK_PRIORITY } from '../../workflows/definitions';
import type { CycleKey } from '../../domain/ids';
import type { UnitPlan } from '../../domain/types';
import { unitTimes } from '../../domain/spread';

type FloorActivities = { nothing(): Promise<void> };
const { nothing } = wf.proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export const floorAnswer = wf.defineUpdate<number, [unknown]>('submitAnswer');
export const floorClose = wf.defineSignal('closeUnit');

export interface FloorPlan {
  unitCount: number;
  reminderTimes: string[];
  escalationAt: string;
  closesAt: string;
  /** Our cycle's windows and key: each floor unit reminds at the moment the unit of the same id does in ours (domain/spread.ts). */
  spreadUntil?: UnitPlan['spreadUntil'];
  key?: CycleKey;
}

/** The benchmark's unit ids, the same in our cycle (run.ts benchConfig) and in the floor. */
export const benchUnitId = (index: number) => `u${String(index + 1).padStart(5, '0')}`;

export async function floorUnitWorkflow(plan: FloorPlan, unitId?: string): Promise<{ answered: boolean }> {
  let answered = false;
  let closing = false;
  let receipts = 0;
  wf.setHandler(floorAnswer, () => {
    answered = true;
    receipts++;
    return receipts;
  });
  wf.setHandler(floorClose, () => void (closing = true));
  await nothing(); // the request
  const own = plan.key && unitId !== undefined ? unitTimes(plan, plan.key, unitId) : plan;
  for (const at of [...own.reminderTimes, own.escalationAt]) {
    const wait = Date.parse(at) - Date.now();
    if (wait > 0) await wf.condition(() => answered || closing, wait);
    if (closing) break;
    if (answered) {
      await nothing(); // the receipt
      break;
    }
    await nothing(); // a reminder or the escalation
  }
  await wf.condition(() => closing);
  return { answered };
}

export async function floorCycleWorkflow(plan: FloorPlan, prefix: string): Promise<number> {
  const children: wf.ChildWorkflowHandle<typeof floorUnitWorkflow>[] = [];
  const ids = Array.from({ length: plan.unitCount }, (_, i) => `${prefix}/unit/${i}`);
  for (let i = 0; i < ids.length; i += UNIT_START_BATCH) {
    children.push(...(await Promise.all(ids.slice(i, i + UNIT_START_BATCH).map((workflowId, j) => wf.startChild(floorUnitWorkflow, { workflowId, args: [plan, benchUnitId(i + j)], priority: { priorityKey: UNIT_TASK_PRIORITY } })))));
  }
  await wf.sleep(Math.max(1, Date.parse(plan.closesAt) - Date.now()));
  for (let i = 0; i < children.length; i += 250) await Promise.all(children.slice(i, i + 250).map((c) => c.signal(floorClose)));
  const results = await Promise.all(children.map((c) => c.result()));
  for (let i = 0; i < Math.ceil(children.length / 250); i++) await nothing(); // staging
  await nothing(); // compile
  await nothing(); // deliver
  return results.filter((r) => r.answered).length;
}
