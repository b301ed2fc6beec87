/**
 * Cases on record: each project, agreement, revision, year's goals, event, seminar and cycle as it
 * stood after every change, written by an activity of the workflow that runs it. When the workflow
 * is gone (its history deleted after the namespace's retention), its page, exports and the archive
 * package read the case from here.
 */
import type { Records } from './database';

export type CaseKind = 'cycle' | 'project' | 'agreement' | 'revision' | 'goals' | 'event' | 'seminar';
export const CASE_KINDS: readonly CaseKind[] = ['cycle', 'project', 'agreement', 'revision', 'goals', 'event', 'seminar'];

export interface CaseVersion<State = Record<string, unknown>> {
  org: string;
  kind: CaseKind;
  /** The business id within the organisation: a project's id, a cycle's "obligation/period". */
  caseId: string;
  /** 1, 2, …: the workflow counts its changes, so a retried write is the same version; 0: the state `followup records import` took from a workflow that ran before the database (records/import.ts). */
  version: number;
  /**
   * The workflow run that wrote the version: each run counts from 1, so a case whose workflow runs
   * again (started anew after its history was deleted, or reset) keeps both runs' versions; which
   * is newest is told by `at`. 'import' for records/import.ts's; '' for those written before it was kept.
   */
  runId?: string;
  title: string;
  /** The year the case belongs to in the archive (a project's planned start, a cycle's period). */
  year?: number;
  state: State;
  at: Date | string;
}

export async function recordCase(db: Records, entry: CaseVersion): Promise<void> {
  await db
    .insertInto('case_records')
    .values({ org: entry.org, kind: entry.kind, case_id: entry.caseId, run_id: entry.runId ?? '', version: entry.version, title: entry.title, year: entry.year ?? null, state: JSON.stringify(entry.state), at: entry.at })
    .onConflict((c) => c.constraint('case_records_key').doNothing())
    .execute();
}

const fromRow = <State>(r: { org: string; kind: string; case_id: string; run_id: string; version: number; title: string; year: number | null; state: Record<string, unknown>; at: Date }): CaseVersion<State> => ({
  org: r.org,
  kind: r.kind as CaseKind,
  caseId: r.case_id,
  version: r.version,
  runId: r.run_id,
  title: r.title,
  ...(r.year !== null ? { year: r.year } : {}),
  state: r.state as State,
  at: r.at,
});

/** The case as it stood last (its newest version by time, of whichever run), or undefined when nothing of it is on record. */
export async function caseOnRecord<State = Record<string, unknown>>(db: Records, org: string, kind: CaseKind, caseId: string): Promise<CaseVersion<State> | undefined> {
  const row = await db.selectFrom('case_records').selectAll().where('org', '=', org).where('kind', '=', kind).where('case_id', '=', caseId).orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? fromRow<State>(row) : undefined;
}

/** Every version of a case, of every run of its workflow, oldest first. */
export async function caseVersions<State = Record<string, unknown>>(db: Records, org: string, kind: CaseKind, caseId: string): Promise<CaseVersion<State>[]> {
  const rows = await db.selectFrom('case_records').selectAll().where('org', '=', org).where('kind', '=', kind).where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => fromRow<State>(r));
}

/**
 * Each case of an organisation's year (of one kind, where named) as it stands now, by kind and id:
 * a case belongs to the year of its newest version, so it is in one year's package only.
 */
export async function casesOfYear<State = Record<string, unknown>>(db: Records, org: string, year: number, kind?: CaseKind): Promise<CaseVersion<State>[]> {
  let newest = db.selectFrom('case_records').selectAll().distinctOn(['kind', 'case_id']).where('org', '=', org);
  if (kind) newest = newest.where('kind', '=', kind);
  const rows = await db
    .selectFrom(newest.orderBy('kind').orderBy('case_id').orderBy('at', 'desc').orderBy('id', 'desc').as('newest'))
    .selectAll()
    .where('year', '=', year)
    .orderBy('kind')
    .orderBy('case_id')
    .execute();
  return rows.map((r) => fromRow<State>(r));
}

/** The newest version of every case of a kind (a listing when the workflows are gone). */
export async function casesOfKind<State = Record<string, unknown>>(db: Records, org: string, kind: CaseKind): Promise<CaseVersion<State>[]> {
  const rows = await db.selectFrom('case_records').selectAll().distinctOn(['case_id']).where('org', '=', org).where('kind', '=', kind).orderBy('case_id').orderBy('at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => fromRow<State>(r));
}
