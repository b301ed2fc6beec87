/**
 * The audit log: who did what, when, and how they came in (the web, single sign-on, the command
 * line). Public records in themselves; written where an action is taken, read by the secretariat.
 */
import type { Records } from './database';
import type { ActedVia } from './schema';

export interface AuditEntry {
  at: Date;
  /** As histories name them: "Anna Berg (anna.berg)", "cli:anna", "owner". */
  actor: string;
  via: ActedVia;
  /** What was done: "project-registered", "cycle close" … */
  action: string;
  /** What it was done to: the page or command's object (a path, a business key). */
  subject: string;
  detail?: Record<string, unknown>;
}

export async function recordAction(db: Records, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ at: entry.at, actor: entry.actor, via: entry.via, action: entry.action, subject: entry.subject, detail: entry.detail ? JSON.stringify(entry.detail) : null })
    .execute();
}

/** The newest actions first, those on one subject where it is named. */
export async function recentActions(db: Records, options: { subject?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit ?? 200);
  if (options.subject) query = query.where('subject', '=', options.subject);
  const rows = await query.execute();
  return rows.map((r) => ({ at: r.at, actor: r.actor, via: r.via, action: r.action, subject: r.subject, ...(r.detail ? { detail: r.detail } : {}) }));
}
