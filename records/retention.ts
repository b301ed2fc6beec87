/**
 * Retention by decision (gallring) in the database of record: for each kind of record the
 * organisation's config names a rule for (answers, goals, decisions, cycles, mail log, audit log,
 * reports and their files), what is due, and its removal. A kind without a rule is kept; nothing is
 * removed but by `apply`, which removes each kind in a transaction of its own together with one
 * line per removal in `retention_log` (the decision's reference, the rule, who, when), a table
 * retention never removes from. The archive folder's files are retention/archive-retention.ts's.
 *
 * Each record is counted from its time: a unit's answer (every version) from its newest version, a
 * project's goals, steps and case (its goals, returns and comments) together from the latest of
 * them, a case from its last change, a mail or an action from when it happened, a file from when it
 * was last archived. A cycle's case goes no sooner than its period's answers and report files: it
 * is judged under the longest of the cycles, answers and reports rules, from the latest of its last
 * change, its answers' newest version and its files' archiving.
 *
 * The people records too: a delegation from its withdrawal (one in force from the latest of its
 * handing over and its cycle's last change), a substitution from the latest of its last day, its
 * setting and its removal, a change of a unit's contacts from when the next change replaced it (the
 * one in force is kept).
 */
import { sql, type Transaction } from 'kysely';
import { RECORD_TYPES, type OrganisationConfig, type RecordType } from '../config/schema';
import { DateTime } from 'luxon';
import { parseIsoDuration } from '../domain/calendar';
import { auditLogRule, classifyFile, cutoffOf, dueSinceOf, fileRule, organisationRule, ruleText, type AppliedRule, type FileCategory } from '../retention/rules';
import type { Records } from './database';
import type { CaseKind } from './cases';
import type { RecordsDatabase } from './schema';

/** The case kinds whose records are decisions; a cycle's are `cycles`, a project's go with its goals (`goals`). */
export const DECISION_KINDS: readonly CaseKind[] = ['agreement', 'revision', 'goals', 'event', 'seminar'];

/**
 * The longest of some rules (the first of equals): none where one of them is none (that record is
 * kept, so what must outlast it is), else one that keeps for ever, else the longest period.
 */
export function longestRule(rules: readonly (AppliedRule | undefined)[]): AppliedRule | undefined {
  if (rules.length === 0 || rules.some((r) => r === undefined)) return undefined;
  const forever = rules.find((r) => r!.keep === 'forever');
  if (forever) return forever;
  const base = DateTime.fromISO('2000-01-01T00:00:00Z');
  return rules.reduce((a, b) => (base.plus(parseIsoDuration(b!.keep)) > base.plus(parseIsoDuration(a!.keep)) ? b : a));
}

/** "obligation/period" (a cycle's case id) → its two parts. */
function cycleParts(caseId: string): [string, string] {
  const slash = caseId.indexOf('/');
  return slash < 0 ? [caseId, ''] : [caseId.slice(0, slash), caseId.slice(slash + 1)];
}

/** How the report names a record of each kind, and a file by its category. */
export const RECORD_LABELS: Readonly<Record<RecordType | FileCategory, string>> = {
  answers: 'answers',
  goals: 'project goals',
  decisions: 'decision',
  cycles: 'cycle',
  mailLog: 'mail',
  auditLog: 'action',
  reports: 'report',
  delegations: 'delegation',
  substitutions: 'substitution',
  contactChanges: 'contact change',
  stagedAnswers: 'staged answers',
};

/** The time of a change of a unit's contacts still in force: never reached, so it is kept while it is. */
const IN_FORCE = new Date(8_640_000_000_000_000);

/** One record due for removal (or removed): a business key's rows, a mail, an action, a file. */
export interface DueRecord {
  /** The organisation whose rule it is; null for the audit log, which is the deployment's. */
  org: string | null;
  type: RecordType;
  /** What kind of it, as the report shows it: "answers", "answers file", "staged answers", "report" … */
  label: string;
  /** Its business key ("solna/annual-follow-up/2025/omsorg"), file reference or row key. */
  what: string;
  place: 'database' | 'folder';
  /** How many rows or files it is (each version of an answer, each step of a project). */
  rows: number;
  /** The record's time its rule counts from. */
  recordAt: string;
  dueSince: string;
  rule: string;
  decision: string | null;
}

/** How many records of a kind are due and kept under one rule, and why those kept are. */
export interface RetentionCount {
  org: string | null;
  type: RecordType;
  label: string;
  place: 'database' | 'folder';
  rule: string;
  decision: string | null;
  due: number;
  kept: number;
  /** "no rule", "kept for ever", or "not yet P10Y old". */
  why: string;
}

export interface RecordsRetentionPlan {
  due: DueRecord[];
  counts: RetentionCount[];
}

/** A record as its kind lists it, with its rule. */
interface Candidate {
  type: RecordType;
  label: string;
  what: string;
  rows: number;
  at: Date;
  rule: AppliedRule | undefined;
  /** What `remove` needs to take it away. */
  key: string[];
}

/** One kind of record of one organisation (or the deployment's audit log) in the database. */
interface Source {
  org: string | null;
  list(db: Records | Transaction<RecordsDatabase>): Promise<Candidate[]>;
  remove(trx: Transaction<RecordsDatabase>, due: readonly Candidate[]): Promise<void>;
}

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function sourcesOf(config: OrganisationConfig): Source[] {
  const org = config.organisation.id;
  const rule = (type: RecordType) => organisationRule(config, type);
  const answers: Source = {
    org,
    async list(db) {
      const rows = await db
        .selectFrom('answer_versions')
        .select(['obligation', 'period', 'unit'])
        .select((eb) => [eb.fn.max('at').as('last'), eb.fn.countAll().as('rows')])
        .where('org', '=', org)
        .groupBy(['obligation', 'period', 'unit'])
        .execute();
      return rows.map((r) => ({ type: 'answers', label: 'answers', what: `${org}/${r.obligation}/${r.period}/${r.unit}`, rows: Number(r.rows), at: toDate(r.last), rule: rule('answers'), key: [r.obligation, r.period, r.unit] }));
    },
    async remove(trx, due) {
      await sql`delete from answer_versions where org = ${org} and (obligation, period, unit) in (select * from unnest(${due.map((d) => d.key[0])}::text[], ${due.map((d) => d.key[1])}::text[], ${due.map((d) => d.key[2])}::text[]))`.execute(trx);
      // The files attached to those answers go with them.
      await sql`delete from answer_attachments where org = ${org} and (obligation, period, unit) in (select * from unnest(${due.map((d) => d.key[0])}::text[], ${due.map((d) => d.key[1])}::text[], ${due.map((d) => d.key[2])}::text[]))`.execute(trx);
    },
  };
  const goals: Source = {
    org,
    async list(db) {
      const versions = await db.selectFrom('goals_versions').select('project').select((eb) => [eb.fn.max('submitted_at').as('last'), eb.fn.countAll().as('rows')]).where('org', '=', org).groupBy('project').execute();
      const steps = await db.selectFrom('project_steps').select('project').select((eb) => [eb.fn.max('at').as('last'), eb.fn.countAll().as('rows')]).where('org', '=', org).groupBy('project').execute();
      // The project's case on record holds its goals, returns and comments too: it goes with them.
      const kept = await db
        .selectFrom('case_records')
        .select('case_id as project')
        .select((eb) => [eb.fn.max('at').as('last'), eb.fn.countAll().as('rows')])
        .where('org', '=', org)
        .where('kind', '=', 'project')
        .groupBy('case_id')
        .execute();
      const byProject = new Map<string, { at: Date; rows: number }>();
      for (const r of [...versions, ...steps, ...kept]) {
        const seen = byProject.get(r.project);
        const at = toDate(r.last);
        byProject.set(r.project, { at: seen && seen.at > at ? seen.at : at, rows: (seen?.rows ?? 0) + Number(r.rows) });
      }
      return [...byProject].map(([project, g]) => ({ type: 'goals', label: 'project goals', what: `${org}/${project}`, rows: g.rows, at: g.at, rule: rule('goals'), key: [project] }));
    },
    async remove(trx, due) {
      const projects = due.map((d) => d.key[0]);
      await sql`delete from goals_versions where org = ${org} and project = any(${projects}::text[])`.execute(trx);
      // The files attached to those goals go with them.
      await sql`delete from goals_attachments where org = ${org} and project = any(${projects}::text[])`.execute(trx);
      await sql`delete from project_steps where org = ${org} and project = any(${projects}::text[])`.execute(trx);
      await sql`delete from case_records where org = ${org} and kind = 'project' and case_id = any(${projects}::text[])`.execute(trx);
    },
  };
  const decisions: Source = {
    org,
    async list(db) {
      const rows = await db
        .selectFrom('case_records')
        .select(['kind', 'case_id'])
        .select((eb) => [eb.fn.max('at').as('last'), eb.fn.countAll().as('rows')])
        .where('org', '=', org)
        .where('kind', 'in', [...DECISION_KINDS])
        .groupBy(['kind', 'case_id'])
        .execute();
      return rows.map((r) => ({ type: 'decisions', label: r.kind, what: `${org}/${r.kind}/${r.case_id}`, rows: Number(r.rows), at: toDate(r.last), rule: rule('decisions'), key: [r.kind, r.case_id] }));
    },
    async remove(trx, due) {
      await sql`delete from case_records where org = ${org} and (kind, case_id) in (select * from unnest(${due.map((d) => d.key[0])}::text[], ${due.map((d) => d.key[1])}::text[]))`.execute(trx);
    },
  };
  const cycles: Source = {
    org,
    async list(db) {
      const rows = await db
        .selectFrom('case_records')
        .select('case_id')
        .select((eb) => [eb.fn.max('at').as('last'), eb.fn.countAll().as('rows')])
        .where('org', '=', org)
        .where('kind', '=', 'cycle')
        .groupBy('case_id')
        .execute();
      if (rows.length === 0) return [];
      // The period's answers and report files still kept: the cycle is not due before they are.
      const latest = new Map<string, Date>();
      const later = (key: string, at: Date) => {
        const seen = latest.get(key);
        if (!seen || at > seen) latest.set(key, at);
      };
      const answered = await db.selectFrom('answer_versions').select(['obligation', 'period']).select((eb) => eb.fn.max('at').as('last')).where('org', '=', org).groupBy(['obligation', 'period']).execute();
      for (const r of answered) later(`${r.obligation}/${r.period}`, toDate(r.last));
      const files = await db.selectFrom('record_files').select(['ref', 'updated_at']).where('ref', 'like', likePrefix(`${org}/`)).execute();
      for (const f of files) {
        const file = classifyFile(config, f.ref);
        if (file) later(`${file.obligation}/${file.period}`, toDate(f.updated_at));
      }
      return rows.map((r) => {
        const [obligation] = cycleParts(r.case_id);
        const last = toDate(r.last);
        const others = latest.get(r.case_id);
        const at = others && others > last ? others : last;
        const cycleRule = longestRule([rule('cycles'), rule('answers'), fileRule(config, obligation, 'answers'), fileRule(config, obligation, 'reports')]);
        return { type: 'cycles', label: 'cycle', what: `${org}/cycle/${r.case_id}`, rows: Number(r.rows), at, rule: cycleRule, key: [r.case_id] };
      });
    },
    async remove(trx, due) {
      await sql`delete from case_records where org = ${org} and kind = 'cycle' and case_id = any(${due.map((d) => d.key[0])}::text[])`.execute(trx);
    },
  };
  const mailLog: Source = {
    org,
    async list(db) {
      // Every mail's scope is its business key, the organisation's id first ("solna.annual-follow-up.2025").
      const rows = await db.selectFrom('mail_log').select(['id', 'message_id', 'address', 'at']).where('scope', 'like', likePrefix(`${org}.`)).execute();
      return rows.map((r) => ({ type: 'mailLog', label: 'mail', what: `${r.message_id} to ${r.address}`, rows: 1, at: r.at, rule: rule('mailLog'), key: [r.id] }));
    },
    async remove(trx, due) {
      await sql`delete from mail_log where id = any(${due.map((d) => d.key[0])}::bigint[])`.execute(trx);
    },
  };
  const files: Source = {
    org,
    async list(db) {
      const rows = await db.selectFrom('record_files').select(['ref', 'updated_at']).where('ref', 'like', likePrefix(`${org}/`)).execute();
      const classified = rows.map((r) => ({ file: classifyFile(config, r.ref), ref: r.ref, at: r.updated_at }));
      // Staged answers of a period not yet compiled are what its report will be made of: only those
      // of a compiled period (its answers file archived) can go, all of the period's parts as one.
      const compiled = new Set(classified.filter((c) => c.file?.category === 'answers').map((c) => `${c.file!.obligation}/${c.file!.period}`));
      const records = new Map<string, Candidate>();
      for (const { file, ref, at } of classified) {
        if (!file || (file.category === 'stagedAnswers' && !compiled.has(`${file.obligation}/${file.period}`))) continue;
        const seen = records.get(file.record);
        if (seen) {
          seen.rows += 1;
          seen.key.push(ref);
          if (at > seen.at) seen.at = at;
          continue;
        }
        const type = file.category === 'reports' ? 'reports' : 'answers';
        const label = file.category === 'reports' ? 'report' : file.category === 'answers' ? 'answers file' : 'staged answers';
        records.set(file.record, { type, label, what: file.record, rows: 1, at, rule: fileRule(config, file.obligation, file.category), key: [ref] });
      }
      return [...records.values()];
    },
    async remove(trx, due) {
      await sql`delete from record_files where ref = any(${due.flatMap((d) => d.key)}::text[])`.execute(trx);
    },
  };
  // The people records (records/people.ts): public records like the others, kept unless a rule lets them go.
  const delegations: Source = {
    org,
    async list(db) {
      const rows = await db.selectFrom('unit_delegations').select(['id', 'obligation', 'period', 'unit', 'email', 'delegated_at', 'withdrawn_at']).where('org', '=', org).execute();
      if (rows.length === 0) return [];
      // One in force goes no sooner than its cycle's last change: while the cycle runs, its link is the colleague's way in.
      const cycles = await db.selectFrom('case_records').select('case_id').select((eb) => eb.fn.max('at').as('last')).where('org', '=', org).where('kind', '=', 'cycle').groupBy('case_id').execute();
      const lastChange = new Map(cycles.map((r) => [r.case_id, toDate(r.last)]));
      return rows.map((r) => {
        const delegated = toDate(r.delegated_at);
        const cycle = lastChange.get(`${r.obligation}/${r.period}`);
        const at = r.withdrawn_at ? toDate(r.withdrawn_at) : cycle && cycle > delegated ? cycle : delegated;
        return { type: 'delegations', label: 'delegation', what: `${org}/${r.obligation}/${r.period}/${r.unit} to ${r.email} (${r.id})`, rows: 1, at, rule: rule('delegations'), key: [r.id] };
      });
    },
    async remove(trx, due) {
      await sql`delete from unit_delegations where org = ${org} and id = any(${due.map((d) => d.key[0])}::uuid[])`.execute(trx);
    },
  };
  const substitutions: Source = {
    org,
    async list(db) {
      const rows = await db.selectFrom('substitutions').select(['id', 'person_email', 'substitute_email', 'from_date', 'until_date', 'created_at', 'removed_at']).where('org', '=', org).execute();
      const zone = config.organisation.timeZone;
      return rows.map((r) => {
        // From the latest of its last day's end, its setting and its removal: never while it is in force.
        const ended = DateTime.fromISO(r.until_date, { zone }).plus({ days: 1 }).toJSDate();
        const at = [toDate(r.created_at), ended, ...(r.removed_at ? [toDate(r.removed_at)] : [])].reduce((a, b) => (b > a ? b : a));
        return { type: 'substitutions', label: 'substitution', what: `${org}: ${r.person_email} by ${r.substitute_email}, ${r.from_date}–${r.until_date} (${r.id})`, rows: 1, at, rule: rule('substitutions'), key: [r.id] };
      });
    },
    async remove(trx, due) {
      await sql`delete from substitutions where org = ${org} and id = any(${due.map((d) => d.key[0])}::uuid[])`.execute(trx);
    },
  };
  const contactChanges: Source = {
    org,
    async list(db) {
      const rows = await db.selectFrom('unit_contact_changes').select(['id', 'unit', 'contacts', 'changed_at']).where('org', '=', org).orderBy('unit').orderBy('changed_at').orderBy('id').execute();
      return rows.map((r, i) => {
        // A change counts from when the next one replaced it; the last of a unit is kept while it is in force (a return to the config is not one).
        const next = rows[i + 1]?.unit === r.unit ? rows[i + 1] : undefined;
        const at = next ? toDate(next.changed_at) : r.contacts ? IN_FORCE : toDate(r.changed_at);
        const changedAt = toDate(r.changed_at).toISOString();
        return { type: 'contactChanges', label: 'contact change', what: `${org}/${r.unit}: contacts ${r.contacts ? 'set' : 'back to the config'} at ${changedAt} (#${r.id})`, rows: 1, at, rule: rule('contactChanges'), key: [String(r.id)] };
      });
    },
    async remove(trx, due) {
      await sql`delete from unit_contact_changes where org = ${org} and id = any(${due.map((d) => d.key[0])}::bigint[])`.execute(trx);
    },
  };
  return [answers, goals, decisions, cycles, mailLog, files, delegations, substitutions, contactChanges];
}

/** The deployment's audit log, under the rule every organisation agrees to (retention/rules.ts auditLogRule). */
function auditSource(configs: readonly OrganisationConfig[]): Source {
  const rule = auditLogRule(configs);
  return {
    org: null,
    async list(db) {
      const rows = await db.selectFrom('audit_log').select(['id', 'at', 'action', 'subject', 'actor']).execute();
      return rows.map((r) => ({ type: 'auditLog', label: 'action', what: `audit_log #${r.id}: ${r.action} on ${r.subject} by ${r.actor}`.slice(0, 300), rows: 1, at: r.at, rule, key: [r.id] }));
    },
    async remove(trx, due) {
      await sql`delete from audit_log where id = any(${due.map((d) => d.key[0])}::bigint[])`.execute(trx);
    },
  };
}

function dueOf(candidates: readonly Candidate[], now: Date): { due: Candidate[]; kept: Candidate[] } {
  const due: Candidate[] = [];
  const kept: Candidate[] = [];
  const cutoffs = new Map<AppliedRule | undefined, Date | undefined>();
  for (const c of candidates) {
    if (!cutoffs.has(c.rule)) cutoffs.set(c.rule, cutoffOf(c.rule, now));
    const cutoff = cutoffs.get(c.rule);
    (cutoff && c.at <= cutoff ? due : kept).push(c);
  }
  return { due, kept };
}

const asDue = (org: string | null, c: Candidate): DueRecord => ({
  org,
  type: c.type,
  label: c.label,
  what: c.what,
  place: 'database',
  rows: c.rows,
  recordAt: c.at.toISOString(),
  dueSince: dueSinceOf(c.rule!, c.at).toISOString(),
  rule: ruleText(c.rule),
  decision: c.rule?.decision ?? null,
});

/** Why a record under this rule is kept at `now`. */
export const whyKept = (rule: string): string => (rule === 'no rule' ? 'no rule: kept' : rule.startsWith('forever') ? 'kept for ever' : `not yet ${rule.split(' ')[0]} old`);

/**
 * Counts of due and kept records by organisation, kind, place and rule; every kind the
 * organisation has a rule for is counted, even with nothing on record.
 */
export function countRetention(due: readonly DueRecord[], kept: readonly Omit<DueRecord, 'dueSince' | 'recordAt' | 'what' | 'rows'>[], rules: readonly { org: string | null; type: RecordType; rule: string; decision: string | null }[] = []): RetentionCount[] {
  const counts = new Map<string, RetentionCount>();
  const at = (r: { org: string | null; type: RecordType; label: string; place: 'database' | 'folder'; rule: string; decision: string | null }) => {
    const key = JSON.stringify([r.org, r.type, r.place, r.label, r.rule, r.decision]);
    let count = counts.get(key);
    if (!count) counts.set(key, (count = { org: r.org, type: r.type, label: r.label, place: r.place, rule: r.rule, decision: r.decision, due: 0, kept: 0, why: whyKept(r.rule) }));
    return count;
  };
  for (const d of due) at(d).due += 1;
  for (const k of kept) at(k).kept += 1;
  for (const r of rules) {
    if (![...counts.values()].some((c) => c.org === r.org && c.type === r.type)) at({ ...r, label: RECORD_LABELS[r.type], place: 'database' });
  }
  const order = (c: RetentionCount) => [c.org ?? '~', String(RECORD_TYPES.indexOf(c.type)).padStart(2, '0'), c.place, c.label].join('\u0000');
  return [...counts.values()].sort((a, b) => order(a).localeCompare(order(b)));
}

/** Each kind's rule as the organisations give them (the audit log's as they agree on it, where it is judged). */
function rulesOf(scope: RetentionScope) {
  const rules: { org: string | null; type: RecordType; rule: string; decision: string | null }[] = [];
  for (const config of scope.configs) {
    for (const type of RECORD_TYPES) {
      const rule = type === 'auditLog' ? undefined : organisationRule(config, type);
      if (rule) rules.push({ org: config.organisation.id, type, rule: ruleText(rule), decision: rule.decision ?? null });
    }
  }
  const audit = judgesAuditLog(scope) ? auditLogRule(scope.allConfigs ?? scope.configs) : undefined;
  if (audit) rules.push({ org: null, type: 'auditLog', rule: ruleText(audit), decision: audit.decision ?? null });
  return rules;
}

export interface RetentionScope {
  /** The organisations whose records are judged. */
  configs: readonly OrganisationConfig[];
  /**
   * Every organisation the deployment serves (default: `configs`): the audit log is theirs together,
   * so it is judged only when all of them are (not with --org in a deployment of several).
   */
  allConfigs?: readonly OrganisationConfig[];
}

/** Whether every organisation of the deployment is judged, so that their audit log is. */
function judgesAuditLog(scope: RetentionScope): boolean {
  return (scope.allConfigs ?? scope.configs).every((c) => scope.configs.some((x) => x.organisation.id === c.organisation.id));
}

function sourcesIn(scope: RetentionScope): Source[] {
  return [...scope.configs.flatMap(sourcesOf), ...(judgesAuditLog(scope) ? [auditSource(scope.allConfigs ?? scope.configs)] : [])];
}

/** What is due at `now` in the database, and what is kept by which rule. Removes nothing. */
export async function planRecordsRetention(db: Records, scope: RetentionScope, now: Date): Promise<RecordsRetentionPlan> {
  const due: DueRecord[] = [];
  const kept: Omit<DueRecord, 'dueSince' | 'recordAt' | 'what' | 'rows'>[] = [];
  for (const source of sourcesIn(scope)) {
    const split = dueOf(await source.list(db), now);
    due.push(...split.due.map((c) => asDue(source.org, c)));
    kept.push(...split.kept.map((c) => ({ org: source.org, type: c.type, label: c.label, place: 'database' as const, rule: ruleText(c.rule), decision: c.rule?.decision ?? null })));
  }
  return { due, counts: countRetention(due, kept, rulesOf(scope)) };
}

/**
 * Removes what is due at `now`, each kind of each organisation in a transaction of its own that
 * also writes one line per removal to the retention log: what is removed is logged, and what is
 * logged is removed. Returns what was removed.
 */
export async function applyRecordsRetention(db: Records, scope: RetentionScope, now: Date, actor: string): Promise<DueRecord[]> {
  const removed: DueRecord[] = [];
  for (const source of sourcesIn(scope)) {
    const done = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        // Judged again inside the transaction: what is removed is what was due in one snapshot.
        const { due } = dueOf(await source.list(trx), now);
        if (due.length === 0) return [];
        await source.remove(trx, due);
        const records = due.map((c) => asDue(source.org, c));
        await writeRetentionLog(trx, records, now, actor);
        return records;
      });
    removed.push(...done);
  }
  return removed;
}

/** Writes removals to the retention log (the folder's files too, where there is a database). */
export async function writeRetentionLog(db: Records | Transaction<RecordsDatabase>, removals: readonly DueRecord[], at: Date, actor: string): Promise<void> {
  for (let i = 0; i < removals.length; i += 500) {
    await db
      .insertInto('retention_log')
      .values(removals.slice(i, i + 500).map((r) => ({ at, actor, org: r.org, record_type: r.type, what: r.what, place: r.place, rows: r.rows, record_at: r.recordAt, rule: r.rule, decision: r.decision })))
      .execute();
  }
}

export interface RetentionLogEntry {
  at: Date;
  actor: string;
  org: string | null;
  type: RecordType;
  what: string;
  place: 'database' | 'folder';
  rows: number;
  recordAt: Date;
  rule: string;
  decision: string | null;
}

/** The retention log, oldest first (of the organisations named, and the audit log's). */
export async function retentionLog(db: Records, options: { orgs?: readonly string[] } = {}): Promise<RetentionLogEntry[]> {
  let query = db.selectFrom('retention_log').selectAll().orderBy('at').orderBy('id');
  if (options.orgs) {
    const orgs = [...options.orgs];
    query = query.where((eb) => eb.or([eb('org', 'is', null), ...(orgs.length ? [eb('org', 'in', orgs)] : [])]));
  }
  const rows = await query.execute();
  return rows.map((r) => ({ at: r.at, actor: r.actor, org: r.org, type: r.record_type as RecordType, what: r.what, place: r.place, rows: r.rows, recordAt: r.record_at, rule: r.rule, decision: r.decision }));
}
