/**
 * A cycle as the database of record keeps it, for when its workflows are gone (their histories
 * deleted once the namespace's retention ran out): its overview as the cycle wrote it after each
 * change (case_records, kind "cycle", id "obligation/period"), its units' lines as they stood at the
 * close (in the report's data, record_files), its answers with every version (answer_versions) and
 * its mail (mail_log, by the cycle's scope).
 */
import { readIfPresent, reportDataRef, type Archive } from '../activities/archive';
import type { PeriodData, PeriodUnit } from '../activities/report';
import { messageIdScope, type CycleKey } from '../domain/ids';
import type { CycleOverview, CyclePlan, UnitRow } from '../domain/types';
import { caseOnRecord, casesOfKind } from './cases';
import type { Records } from './database';
import { mailsOfScope, type LoggedMail } from './mail-log';

export interface CycleOnRecord {
  title: string;
  info: CycleOverview;
  /** Each unit's line as the cycle closed; none before its report's data was compiled. */
  units: UnitRow[];
  /** When the cycle last changed on record. */
  at: Date;
}

export const cycleCaseId = (key: CycleKey) => `${key.obligationId}/${key.period}`;

/** A unit of a period compiled before its line went with it: what its answer tells, with the cycle's plan. */
function rowFromAnswer(unit: PeriodUnit, plan: CyclePlan): UnitRow {
  return {
    unitId: unit.id,
    state: unit.answered ? 'answered' : unit.exempt ? 'exempt' : 'requested',
    closed: true,
    plan,
    remindersSentAt: [],
    mailProblems: [],
    ...(unit.answered && unit.answeredAt ? { answer: { answeredAt: unit.answeredAt, by: unit.by ?? 'contact', revision: unit.revision ?? 1 } } : {}),
    ...(unit.exempt ? { exempt: { reason: unit.exemptReason ?? '', at: '' } } : {}),
  };
}

/**
 * Each unit's line as the cycle closed, from its report's data: one read, where listing thousands
 * of units from the visibility store takes seconds. undefined before the data is compiled, and for
 * a period compiled before the lines went with it.
 */
export async function closedUnitRows(archive: Archive, key: CycleKey): Promise<UnitRow[] | undefined> {
  const text = await readIfPresent(archive, reportDataRef(key));
  if (!text) return undefined;
  const { units } = JSON.parse(text) as PeriodData;
  return units.every((u) => u.row) ? units.map((u) => u.row!) : undefined;
}

/** The cycle on record, or undefined when nothing of it is (a cycle from before, or none). */
export async function cycleOnRecord(db: Records, archive: Archive, key: CycleKey): Promise<CycleOnRecord | undefined> {
  const found = await caseOnRecord<CycleOverview>(db, key.orgId, 'cycle', cycleCaseId(key));
  if (!found) return undefined;
  const info = { ...found.state, key };
  const text = await readIfPresent(archive, reportDataRef(key));
  const data = text ? (JSON.parse(text) as PeriodData) : undefined;
  const plan = info.plan;
  const units = (data?.units ?? []).flatMap((u) => (u.row ? [u.row] : plan ? [rowFromAnswer(u, plan)] : []));
  return { title: found.title, info, units, at: new Date(found.at) };
}

/** Every mail of the cycle to each person (requests, reminders, escalations, receipts, the report), oldest first. */
export function cycleMails(db: Records, key: CycleKey): Promise<LoggedMail[]> {
  return mailsOfScope(db, messageIdScope(key));
}

/** Every cycle of the organisation on record, as it last stood (a listing once their workflows are gone). */
export async function cyclesOnRecord(db: Records, org: string): Promise<{ key: CycleKey; overview: CycleOverview; at: Date }[]> {
  const kept = await casesOfKind<CycleOverview>(db, org, 'cycle');
  return kept.flatMap((c) => {
    const [obligationId, period, extra] = c.caseId.split('/');
    if (!obligationId || !period || extra !== undefined) return [];
    const key = { orgId: org, obligationId, period };
    return [{ key, overview: { ...c.state, key }, at: new Date(c.at) }];
  });
}
