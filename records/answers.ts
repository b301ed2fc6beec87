/**
 * Every version of every answer a unit sent, as it was sent: the unit, who sent it, when, its
 * values and the submission it came in. Written by an activity once the unit's workflow has taken
 * the answer; a retried activity writes the version once.
 */
import type { Records } from './database';

export interface AnswerVersion {
  org: string;
  obligation: string;
  period: string;
  unit: string;
  revision: number;
  /** The form's or the command's submission id (the Workflow Update's id). */
  submissionId: string;
  /** "contact", or the secretariat member who recorded it for the unit. */
  actor: string;
  answers: Record<string, unknown>;
  at: Date;
}

export async function recordAnswerVersion(db: Records, version: AnswerVersion): Promise<void> {
  await db
    .insertInto('answer_versions')
    .values({ org: version.org, obligation: version.obligation, period: version.period, unit: version.unit, revision: version.revision, submission_id: version.submissionId, actor: version.actor, answers: JSON.stringify(version.answers), at: version.at })
    .onConflict((conflict) => conflict.constraint('answer_versions_key').doNothing())
    .execute();
}

/** A cycle's answers, every version, unit by unit and oldest first (one unit's where it is named). */
export async function answerVersions(db: Records, key: { org: string; obligation: string; period: string }, unit?: string): Promise<AnswerVersion[]> {
  let query = db.selectFrom('answer_versions').selectAll().where('org', '=', key.org).where('obligation', '=', key.obligation).where('period', '=', key.period);
  if (unit) query = query.where('unit', '=', unit);
  const rows = await query.orderBy('unit').orderBy('revision').execute();
  return rows.map((r) => ({ org: r.org, obligation: r.obligation, period: r.period, unit: r.unit, revision: r.revision, submissionId: r.submission_id, actor: r.actor, answers: r.answers, at: r.at }));
}

/**
 * Who gave each answer version a unit's contact did not give in person (a colleague it was handed
 * to: the actor names them and on whose behalf), by unit and revision: what the report names.
 */
export async function answerActorsOnBehalf(db: Records, key: { org: string; obligation: string; period: string }): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('answer_versions')
    .select(['unit', 'revision', 'actor'])
    .where('org', '=', key.org)
    .where('obligation', '=', key.obligation)
    .where('period', '=', key.period)
    .where('actor', 'not in', ['contact', 'secretariat'])
    .execute();
  return new Map(rows.map((r) => [answerActorKey(r.unit, r.revision), r.actor]));
}

export const answerActorKey = (unit: string, revision: number) => `${unit}#${revision}`;
