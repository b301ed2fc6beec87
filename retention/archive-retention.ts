/**
 * Removal of archived files on the organisation's retention schedule (gallring): for each data call,
 * the staged answers, the period's answers and the compiled reports, each after the period its
 * config's `retention` gives (counted from when the file was archived), or kept. `plan` only lists;
 * `apply` removes and writes every removal to the organisation's retention log in the archive
 * (<org>/retention-log.jsonl), which is itself never removed.
 */
import { appendFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { OrganisationConfig } from '../config/schema';
import { parseIsoDuration } from '../domain/calendar';

export type RetentionCategory = 'stagedAnswers' | 'answers' | 'reports';

export interface DueRemoval {
  orgId: string;
  obligationId: string;
  period: string;
  category: RetentionCategory;
  /** Relative to the archive's root; a folder for staged answers. */
  ref: string;
  archivedAt: string;
  /** When the rule let it go. */
  dueSince: string;
  rule: string;
  decision?: string;
}

export interface RetentionPlan {
  due: DueRemoval[];
  /** Files kept, by category, with the rule that keeps them (for the report). */
  kept: { orgId: string; obligationId: string; category: RetentionCategory; count: number; rule: string }[];
}

const REPORT_EXTENSIONS = ['.html', '.md', '.pdf', '.docx'];

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A folder's age is its newest file's. */
async function archivedAt(full: string): Promise<Date> {
  const s = await stat(full);
  if (!s.isDirectory()) return s.mtime;
  const times = await Promise.all((await entries(full)).map((f) => archivedAt(path.join(full, f))));
  return times.reduce((a, b) => (b > a ? b : a), s.mtime);
}

/** The archive's files of each data call, sorted into the retention's categories, with what is due at `now`. */
export async function planRetention(archiveRoot: string, configs: readonly OrganisationConfig[], now: Date): Promise<RetentionPlan> {
  const due: DueRemoval[] = [];
  const kept: RetentionPlan['kept'] = [];
  for (const config of configs) {
    const orgId = config.organisation.id;
    for (const obligation of config.obligations) {
      if (obligation.kind !== 'periodic-data-call') continue;
      const folder = path.join(archiveRoot, orgId, obligation.id);
      const prefix = `${orgId}-${obligation.id}-`;
      const files: { category: RetentionCategory; period: string; ref: string }[] = [];
      for (const name of await entries(folder)) {
        if (!name.startsWith(prefix)) continue;
        const ext = path.extname(name);
        const period = name.slice(prefix.length, -ext.length);
        if (ext === '.json') files.push({ category: 'answers', period, ref: path.posix.join(orgId, obligation.id, name) });
        else if (REPORT_EXTENSIONS.includes(ext)) files.push({ category: 'reports', period, ref: path.posix.join(orgId, obligation.id, name) });
      }
      // Staged answers of a cycle not yet compiled are what its report will be made of (it may still
      // be running): only those of a compiled period, whose answers are archived, can go.
      const compiled = new Set(files.filter((f) => f.category === 'answers').map((f) => f.period));
      for (const period of await entries(path.join(folder, '.outcomes'))) {
        if (compiled.has(period)) files.push({ category: 'stagedAnswers', period, ref: path.posix.join(orgId, obligation.id, '.outcomes', period) });
      }
      const counts = new Map<RetentionCategory, number>();
      for (const file of files) {
        const rule = obligation.retention[file.category];
        if (rule === 'keep') {
          counts.set(file.category, (counts.get(file.category) ?? 0) + 1);
          continue;
        }
        const at = await archivedAt(path.join(archiveRoot, file.ref));
        const dueSince = DateTime.fromJSDate(at).plus(parseIsoDuration(rule)).toJSDate();
        if (dueSince <= now) {
          due.push({ orgId, obligationId: obligation.id, period: file.period, category: file.category, ref: file.ref, archivedAt: at.toISOString(), dueSince: dueSince.toISOString(), rule, decision: obligation.retention.decision });
        } else counts.set(file.category, (counts.get(file.category) ?? 0) + 1);
      }
      for (const [category, count] of counts) kept.push({ orgId, obligationId: obligation.id, category, count, rule: obligation.retention[category] });
    }
  }
  due.sort((a, b) => a.ref.localeCompare(b.ref));
  return { due, kept };
}

/**
 * Removes what is due. Each removal is logged before it is made: a removal that cannot be logged is
 * not made, and one that fails afterwards is logged as failed.
 */
export async function applyRetention(archiveRoot: string, due: readonly DueRemoval[], by: string, now: Date): Promise<{ removed: DueRemoval[]; failed: { removal: DueRemoval; error: string }[] }> {
  const removed: DueRemoval[] = [];
  const failed: { removal: DueRemoval; error: string }[] = [];
  for (const removal of due) {
    const log = path.join(archiveRoot, removal.orgId, 'retention-log.jsonl');
    const entry = (fields: object) => appendFile(log, `${JSON.stringify({ at: now.toISOString(), by, ...fields })}\n`, { mode: 0o600 });
    try {
      await entry({ removed: removal.ref, category: removal.category, period: removal.period, archivedAt: removal.archivedAt, rule: removal.rule, decision: removal.decision });
    } catch (err) {
      failed.push({ removal, error: `not removed: the retention log cannot be written (${(err as Error).message})` });
      continue;
    }
    try {
      await rm(path.join(archiveRoot, removal.ref), { recursive: true, force: true });
      removed.push(removal);
    } catch (err) {
      failed.push({ removal, error: (err as Error).message });
      await entry({ failed: removal.ref, error: (err as Error).message }).catch(() => undefined);
    }
  }
  return { removed, failed };
}
