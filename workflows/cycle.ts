/**
 * One cycle of a periodic data call for (organisation, obligation, period): starts a unit workflow
 * per unit, waits for the closing day (or an early close), then compiles, archives and delivers.
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { unitWorkflowId, type CycleKey } from '../domain/ids';
import type { ArchivedReport, CycleInfo, CycleResult, CycleSetup, UnitStatus } from '../domain/types';
import { closeCycleUpdate, closeUnitSignal, cycleInfoQuery, UNIT_TASK_PRIORITY, type CycleInput } from './definitions';
import { archiveRetry, mailRetry, planningRetry } from './retry';
import { unitWorkflow } from './unit';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const archive = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: archiveRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

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

  wf.setHandler(cycleInfoQuery, (): CycleInfo => ({ key, phase, setup, closedAt, report }));
  wf.setHandler(
    closeCycleUpdate,
    (_request) => {
      closeRequested = true;
      return { closingAt: new Date().toISOString() };
    },
    {
      validator: (_request) => {
        if (phase !== 'open' || closeRequested) {
          const message = setup?.language === 'en' ? 'The cycle is already closing or closed.' : 'Uppföljningen stängs redan eller är stängd.';
          throw ApplicationFailure.create({ type: 'CycleClosed', message, nonRetryable: true });
        }
      },
    },
  );

  setup = await planning.planCycle({ key, now: new Date().toISOString() });
  const { plan } = setup;
  const units: ChildHandle[] = [];
  // In batches: one workflow task cannot carry thousands of child starts (gRPC message limits).
  for (const batch of chunks(setup.unitIds, START_BATCH)) {
    units.push(
      ...(await Promise.all(
        batch.map((unitId) =>
          wf.startChild(unitWorkflow, {
            workflowId: unitWorkflowId(key, unitId),
            priority: { priorityKey: UNIT_TASK_PRIORITY },
            args: [{ key, unitId, language: setup!.language, questionnaire: setup!.questionnaire, plan, closesAt: plan.closesAt }],
          }),
        ),
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
  report = await archive.compileReport({ key, closedAt, parts });
  await mail.deliverReport({ key, closedAt, report });
  phase = 'closed';
  await wf.condition(wf.allHandlersFinished);
  return { key, closedAt, report };
}
