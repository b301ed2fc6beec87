/**
 * A project's definition on record: each version of its goals as submitted, and each return (with
 * the secretariat's comment) and approval. Written by an activity of the project's workflow; a
 * retried activity writes each once (the workflow gives each its revision or its time).
 */
import type { Records } from './database';
import type { ProjectStepKind } from './schema';

export type ProjectRecord =
  | { kind: 'goals'; revision: number; goals: Record<string, unknown>; at: string; actor: string }
  | { kind: 'step'; step: ProjectStepKind; at: string; actor: string; comment?: string };

export async function recordProject(db: Records, org: string, project: string, entries: readonly ProjectRecord[]): Promise<void> {
  for (const entry of entries) {
    if (entry.kind === 'goals') {
      await db
        .insertInto('goals_versions')
        .values({ org, project, revision: entry.revision, goals: JSON.stringify(entry.goals), submitted_at: entry.at, actor: entry.actor })
        .onConflict((c) => c.constraint('goals_versions_key').doNothing())
        .execute();
    } else {
      await db
        .insertInto('project_steps')
        .values({ org, project, step: entry.step, at: entry.at, actor: entry.actor, comment: entry.comment ?? null })
        .onConflict((c) => c.constraint('project_steps_key').doNothing())
        .execute();
    }
  }
}

export interface ProjectOnRecord {
  goals: { revision: number; goals: Record<string, unknown>; at: Date; actor: string }[];
  steps: { step: ProjectStepKind; at: Date; actor: string; comment?: string }[];
}

/** Everything on record of one project, oldest first. */
export async function projectOnRecord(db: Records, org: string, project: string): Promise<ProjectOnRecord> {
  const goals = await db.selectFrom('goals_versions').selectAll().where('org', '=', org).where('project', '=', project).orderBy('revision').execute();
  const steps = await db.selectFrom('project_steps').selectAll().where('org', '=', org).where('project', '=', project).orderBy('at').orderBy('id').execute();
  return {
    goals: goals.map((g) => ({ revision: g.revision, goals: g.goals, at: g.submitted_at, actor: g.actor })),
    steps: steps.map((s) => ({ step: s.step, at: s.at, actor: s.actor, ...(s.comment !== null ? { comment: s.comment } : {}) })),
  };
}
