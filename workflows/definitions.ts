/**
 * Every signal, query and update, defined once and imported by the workflows, the CLI and the web
 * server alike, so names and payloads cannot drift apart.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CycleKey } from '../domain/ids';
import type { AnswerValues, CycleInfo, Draft, Questionnaire, SubmittedAnswer, UnitPlan, UnitStatus } from '../domain/types';

export interface CycleInput extends CycleKey {
  /** Who started it, for the audit trail ("schedule", "cli", "web"); never personal data. */
  startedBy?: string;
}

export interface UnitInput {
  key: CycleKey;
  unitId: string;
  language: 'sv' | 'en';
  questionnaire: Questionnaire;
  plan: UnitPlan;
  closesAt: string;
}

export interface AnswerInput {
  values: AnswerValues;
  by: 'contact' | 'secretariat';
}

export interface DraftInput {
  values: Record<string, string>;
}

export interface ExtendInput {
  /** The new last day to answer, YYYY-MM-DD in the organisation's zone. */
  until: string;
}

export interface ExemptInput {
  reason: string;
}

export interface CloseInput {
  reason?: string;
}

// The cycle.
export const cycleInfoQuery = defineQuery<CycleInfo>('cycleInfo');
export const closeCycleUpdate = defineUpdate<{ closingAt: string }, [CloseInput]>('closeCycle');

// One unit of a cycle.
export const unitStatusQuery = defineQuery<UnitStatus>('unitStatus');
export const submitAnswerUpdate = defineUpdate<SubmittedAnswer, [AnswerInput]>('submitAnswer');
export const saveDraftUpdate = defineUpdate<Draft, [DraftInput]>('saveDraft');
export const extendDeadlineUpdate = defineUpdate<UnitPlan, [ExtendInput]>('extendDeadline');
export const exemptUnitUpdate = defineUpdate<{ exemptAt: string }, [ExemptInput]>('exemptUnit');
export const remindNowUpdate = defineUpdate<{ queuedAt: string }, []>('remindNow');
/** Sent by the cycle to its units when it closes; not for people. */
export const closeUnitSignal = defineSignal<[]>('closeUnit');
