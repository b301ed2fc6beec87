/**
 * Which retention rule applies to what: the organisation's rule for each kind of record
 * (config `retention:`), and for a data call's files its own `retention` where it gives one. Shared
 * by the archive folder (retention/archive-retention.ts) and the database of record
 * (records/retention.ts), so a file is judged alike wherever it is kept.
 */
import path from 'node:path';
import { DateTime } from 'luxon';
import type { OrganisationConfig, RecordType } from '../config/schema';
import { parseIsoDuration } from '../domain/calendar';

/** A data call's files, as its own `retention` names them. */
export type FileCategory = 'stagedAnswers' | 'answers' | 'reports';

/** The rule that applies, as the log and the report show it. */
export interface AppliedRule {
  /** An ISO-8601 duration ("P10Y"), or "forever". */
  keep: string;
  decision: string | undefined;
  /** Where it was given: the organisation's rule for its kind, or one data call's own retention. */
  from: 'organisation' | { obligation: string };
}

/** Which of the organisation's rules a data call's file category falls under when the data call gives none. */
export const CATEGORY_TYPE: Readonly<Record<FileCategory, RecordType>> = { stagedAnswers: 'answers', answers: 'answers', reports: 'reports' };

/** The rule for one kind of record of the organisation, or undefined: kept (no rule). */
export function organisationRule(config: OrganisationConfig, type: RecordType): AppliedRule | undefined {
  const rule = config.retention?.[type];
  return rule ? { keep: rule.keep, decision: rule.decision, from: 'organisation' } : undefined;
}

/**
 * The audit log is the deployment's, not one organisation's: an action goes only when every
 * organisation has a rule that lets it go, and the longest of them counts (its decision is logged).
 */
export function auditLogRule(configs: readonly OrganisationConfig[]): AppliedRule | undefined {
  const rules = configs.map((c) => organisationRule(c, 'auditLog'));
  if (rules.length === 0 || rules.some((r) => r === undefined)) return undefined;
  const forever = rules.find((r) => r!.keep === 'forever');
  if (forever) return forever;
  const base = DateTime.fromISO('2000-01-01T00:00:00Z');
  return rules.reduce((a, b) => (base.plus(parseIsoDuration(b!.keep)) > base.plus(parseIsoDuration(a!.keep)) ? b : a));
}

/**
 * The rule for a data call's file: the data call's own retention where it names the category
 * ("keep" there is kept for ever), else the organisation's rule for answers or reports, else none.
 */
export function fileRule(config: OrganisationConfig, obligationId: string, category: FileCategory): AppliedRule | undefined {
  const obligation = config.obligations.find((o) => o.id === obligationId);
  const own = obligation?.kind === 'periodic-data-call' ? obligation.retention : undefined;
  const given = own?.[category];
  if (given !== undefined) return { keep: given === 'keep' ? 'forever' : given, decision: own?.decision, from: { obligation: obligationId } };
  return organisationRule(config, CATEGORY_TYPE[category]);
}

/** "P10Y", "forever", "P2Y (annual-follow-up's own)", or "no rule" where there is none. */
export function ruleText(rule: AppliedRule | undefined): string {
  if (!rule) return 'no rule';
  return rule.from === 'organisation' ? rule.keep : `${rule.keep} (${rule.from.obligation}'s own)`;
}

/**
 * The latest time a record may have to be due at `now` under a rule: the record's time plus the
 * period is at or before now. Undefined for a rule that keeps for ever, or no rule.
 */
export function cutoffOf(rule: AppliedRule | undefined, now: Date): Date | undefined {
  if (!rule || rule.keep === 'forever') return undefined;
  return DateTime.fromJSDate(now).minus(parseIsoDuration(rule.keep)).toJSDate();
}

/** When a record of `at` became due under a (finite) rule. */
export function dueSinceOf(rule: AppliedRule, at: Date): Date {
  return DateTime.fromJSDate(at).plus(parseIsoDuration(rule.keep)).toJSDate();
}

const REPORT_EXTENSIONS = ['.html', '.md', '.pdf', '.docx'];

/** A data call's file in the archive, by its reference: which obligation, period and category. */
export interface ClassifiedFile {
  org: string;
  obligation: string;
  period: string;
  category: FileCategory;
  /** For staged answers, the period's folder ("solna/annual-follow-up/.outcomes/2025"); else the file's reference. */
  record: string;
}

/**
 * What a reference of the archive is, for the data calls of `config`: a report in one of its
 * formats, the period's answers (the report's data, .json), a staged part of a period's answers, or
 * undefined (the sender's record of mails, anything else: never removed by retention).
 */
export function classifyFile(config: OrganisationConfig, ref: string): ClassifiedFile | undefined {
  const orgId = config.organisation.id;
  const steps = ref.split('/');
  if (steps[0] !== orgId || steps.length < 3) return undefined;
  const obligation = config.obligations.find((o) => o.id === steps[1] && o.kind === 'periodic-data-call');
  if (!obligation) return undefined;
  if (steps.length === 3) {
    const name = steps[2]!;
    const prefix = `${orgId}-${obligation.id}-`;
    if (!name.startsWith(prefix)) return undefined;
    const ext = path.posix.extname(name);
    const period = name.slice(prefix.length, -ext.length);
    if (!period) return undefined;
    if (ext === '.json') return { org: orgId, obligation: obligation.id, period, category: 'answers', record: ref };
    if (REPORT_EXTENSIONS.includes(ext)) return { org: orgId, obligation: obligation.id, period, category: 'reports', record: ref };
    return undefined;
  }
  if (steps[2] === '.outcomes' && steps[3]) {
    return { org: orgId, obligation: obligation.id, period: steps[3], category: 'stagedAnswers', record: steps.slice(0, 4).join('/') };
  }
  return undefined;
}
