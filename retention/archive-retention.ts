/**
 * Removal of the archive folder's files on the organisation's retention schedule (gallring): for
 * each data call, the staged answers, the period's answers and the compiled reports, each after the
 * period its rule gives (the data call's own `retention`, else the organisation's rule for answers
 * or reports; counted from when the file was archived), or kept. `plan` only lists; `apply` removes
 * and writes every removal to the organisation's retention log in the archive
 * (<org>/retention-log.jsonl), which is itself never removed. The database's records and files are
 * records/retention.ts's.
 */
import { appendFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { OrganisationConfig, RecordType } from '../config/schema';
import { CATEGORY_TYPE, classifyFile, dueSinceOf, fileRule, ruleText, type FileCategory } from './rules';

export type RetentionCategory = FileCategory;

export interface DueRemoval {
  orgId: string;
  obligationId: string;
  period: string;
  category: RetentionCategory;
  /** The kind of record whose rule it falls under (answers or reports). */
  recordType: RecordType;
  /** Relative to the archive's root; a folder for staged answers. */
  ref: string;
  archivedAt: string;
  /** When the rule let it go. */
  dueSince: string;
  /** "P2Y", or "P2Y (annual-follow-up's own)". */
  rule: string;
  decision?: string;
}

export interface RetentionPlan {
  due: DueRemoval[];
  /** Files kept, by category, with the rule that keeps them ("no rule", "forever", or a period not yet passed). */
  kept: { orgId: string; obligationId: string; category: RetentionCategory; recordType: RecordType; count: number; rule: string; decision?: string; forever: boolean }[];
}

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
      const refs = (await entries(folder)).map((name) => path.posix.join(orgId, obligation.id, name));
      const files = refs.map((ref) => classifyFile(config, ref)).filter((f) => f !== undefined && f.category !== 'stagedAnswers');
      // Staged answers of a cycle not yet compiled are what its report will be made of (it may still
      // be running): only those of a compiled period, whose answers are archived, can go.
      const compiled = new Set(files.filter((f) => f!.category === 'answers').map((f) => f!.period));
      for (const period of await entries(path.join(folder, '.outcomes'))) {
        if (compiled.has(period)) files.push({ org: orgId, obligation: obligation.id, period, category: 'stagedAnswers', record: path.posix.join(orgId, obligation.id, '.outcomes', period) });
      }
      const counts = new Map<RetentionCategory, number>();
      for (const file of files) {
        const { category, period, record: ref } = file!;
        const rule = fileRule(config, obligation.id, category);
        if (!rule || rule.keep === 'forever') {
          counts.set(category, (counts.get(category) ?? 0) + 1);
          continue;
        }
        const at = await archivedAt(path.join(archiveRoot, ref));
        const dueSince = dueSinceOf(rule, at);
        if (dueSince <= now) {
          due.push({ orgId, obligationId: obligation.id, period, category, recordType: CATEGORY_TYPE[category], ref, archivedAt: at.toISOString(), dueSince: dueSince.toISOString(), rule: ruleText(rule), ...(rule.decision ? { decision: rule.decision } : {}) });
        } else counts.set(category, (counts.get(category) ?? 0) + 1);
      }
      for (const [category, count] of counts) {
        const rule = fileRule(config, obligation.id, category);
        kept.push({ orgId, obligationId: obligation.id, category, recordType: CATEGORY_TYPE[category], count, rule: ruleText(rule), ...(rule?.decision ? { decision: rule.decision } : {}), forever: !rule || rule.keep === 'forever' });
      }
    }
  }
  due.sort((a, b) => a.ref.localeCompare(b.ref));
  return { due, kept };
}

/** One line of an organisation's retention-log.jsonl, as `applyRetention` writes it. */
export interface FolderLogEntry {
  at: string;
  by: string;
  removed?: string;
  failed?: string;
  error?: string;
  category?: RetentionCategory;
  period?: string;
  archivedAt?: string;
  rule?: string;
  decision?: string;
}

/** Every line of the organisation's retention-log.jsonl, oldest first (none when there is no log). */
export async function readFolderLog(archiveRoot: string, orgId: string): Promise<FolderLogEntry[]> {
  let text: string;
  try {
    text = await readFile(path.join(archiveRoot, orgId, 'retention-log.jsonl'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseFolderLog(text);
}

/** The lines of a retention-log.jsonl (the folder's, or its copy carried into the database by `followup records import`). */
export function parseFolderLog(text: string): FolderLogEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as FolderLogEntry);
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
