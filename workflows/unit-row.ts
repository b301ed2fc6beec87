/**
 * A unit's line in the visibility store, built the same way by the cycle that starts the unit (its
 * line at start, given with the start) and by the unit that keeps it up to date: the two must agree
 * to the key, or the unit writes again what the start already wrote.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { Sinks } from '@temporalio/workflow';
import { cycleWorkflowId, type CycleKey } from '../domain/ids';
import type { StoredUnitRow, UnitPlan, UnitRow, UnitStatus } from '../domain/types';
import { displayState } from '../domain/unit-states';
import { SEARCH_ATTRIBUTES } from './definitions';

/**
 * The line as stored: the unit's status without the answer's text and the draft. Units started with
 * their line (`withClosed: false`) leave out "closed" (the store marks the workflow closed when it
 * ends, so the unit need not write its line again only to say so) and their plan while it is the
 * cycle's (`cyclePlan`; readers take it from the cycle's overview), which keeps each unit's start in
 * the cycle's history small.
 */
export function storedUnitRow(status: UnitStatus, options: { withClosed: true } | { withClosed: false; cyclePlan: UnitPlan }): StoredUnitRow {
  const { answer: given, draft: _draft, ...rest } = status;
  const summary = given ? { answer: { answeredAt: given.answeredAt, by: given.by, revision: given.revision } } : {};
  if (options.withClosed) return { ...rest, ...summary };
  const { closed: _closed, plan, ...open } = rest;
  // The same object unless the unit's deadline moved: compared by reference first, since the
  // visibility watcher builds this row after every activation of every unit.
  const ownPlan = plan === options.cyclePlan || JSON.stringify(plan) === JSON.stringify(options.cyclePlan) ? {} : { plan };
  const { unitId, state, ...others } = open;
  return { unitId, state, ...ownPlan, ...others, ...summary };
}

/**
 * The line of a unit about to start at `now`, as the unit's own first task would leave it: asked
 * for its answer if its window is open, nothing sent yet. If the first task comes later and finds
 * otherwise, it writes the line it finds.
 */
export function unitRowAtStart(unitId: string, plan: UnitPlan, now: number): StoredUnitRow {
  const open = Date.parse(plan.opensAt) <= now;
  const state = !open ? 'scheduled' : now >= Date.parse(plan.deadlineAt) ? 'late' : 'requested';
  const status: UnitStatus = { unitId, state, closed: false, plan, requestSentAt: undefined, remindersSentAt: [], escalatedAt: undefined, answer: undefined, draft: undefined, exempt: undefined, mailProblems: [], history: [] };
  return storedUnitRow(status, { withClosed: false, cyclePlan: plan });
}

/** What lists filter a unit on: its cycle, its unit id, and its state as the secretariat reads it. */
export function unitSearchAttributes(key: CycleKey, unitId: string, row: Pick<UnitRow, 'mailProblems' | 'state'>): SearchAttributePair[] {
  return [
    { key: SEARCH_ATTRIBUTES.organisation, value: key.orgId },
    { key: SEARCH_ATTRIBUTES.obligation, value: key.obligationId },
    { key: SEARCH_ATTRIBUTES.period, value: key.period },
    { key: SEARCH_ATTRIBUTES.cycle, value: cycleWorkflowId(key) },
    { key: SEARCH_ATTRIBUTES.unit, value: unitId },
    { key: SEARCH_ATTRIBUTES.state, value: displayState(row) },
  ];
}

/**
 * The worker's side of a unit's line: after the activation that changed it, the worker copies it to
 * the database of record (workers/unit-row-sinks.ts), where a status of thousands of units reads it
 * in one query. A sink, not an activity: it adds no command, task or event to the unit's history,
 * and is not called again when the history replays.
 */
export interface UnitRowSinks extends Sinks {
  unitRows: {
    changed(cycleId: string, unitId: string, row: StoredUnitRow): void;
  };
}
