/**
 * Carries a data folder made by the release before the database of record into the database, so
 * that nothing of it is lost on the upgrade (`followup records import`, and the first start of the
 * new release for the folders' part):
 *
 * - the accounts file (FOLLOWUP_DATA_DIR/accounts.json) → `accounts`;
 * - every file of the archive folder (FOLLOWUP_ARCHIVE_DIR: compiled reports and their data under
 *   <org>/<obligation>/, the outcomes a running cycle has staged, the sender's record of mails the
 *   server took under .sent-mail/, each organisation's retention-log.jsonl) → `record_files`, under
 *   the same reference, with the file's time;
 * - the cases still on the Temporal server (each project, agreement, revision, event and year's
 *   goals of the register, through their status queries, the register's seminars, and each data
 *   call's cycles with their overview) →
 *   `case_records`, and each project's goals versions, returns and approval → `goals_versions` and
 *   `project_steps`.
 *
 * A case's imported state is its version 0. Its workflow numbers the states it writes itself from
 * 1 (workflows/case-record.ts), also a workflow that started before the database and goes on after
 * the import, so the two never take each other's number, and the workflow's first write after the
 * import is its newest version, as `caseOnRecord` reads it. A case of which anything is on record
 * already is left as it is: its workflow has written its state, which holds all that the import
 * would (a state carries the case's whole history).
 *
 * Everything is keyed as the workflows and the archive key it, and written only where nothing is:
 * a second import writes nothing, and says why for each thing it skipped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { agreementStatus } from '../client/agreements';
import { cycleOverview, listCycles } from '../client/cycles';
import { eventStatus } from '../client/events';
import { projectStatus } from '../client/projects';
import { readRegister } from '../client/registers';
import { revisionStatus } from '../client/revisions';
import { goalsStatus } from '../client/yearly-goals';
import type { OrganisationConfig } from '../config/schema';
import { projectWorkflowId, type ProjectStatus, type RecordEntry } from '../domain/registers';
import { accountsFile, readAccountsFile } from '../web/accounts';
import { countAccounts, insertAccount } from './accounts';
import { caseOnRecord, recordCase, type CaseKind } from './cases';
import type { Records } from './database';
import { mediaTypeOf } from './files';

/** The version an imported state takes: below every version a workflow writes (from 1). */
export const IMPORTED_VERSION = 0;

export type ImportKind = 'accounts' | 'files' | CaseKind | 'goals versions' | 'project steps';
const KIND_ORDER: readonly ImportKind[] = ['accounts', 'files', 'project', 'goals versions', 'project steps', 'agreement', 'revision', 'goals', 'event', 'seminar', 'cycle'];
const KIND_WORDS: Record<ImportKind, string> = {
  accounts: 'accounts',
  files: 'archive files',
  project: 'projects',
  'goals versions': "projects' goals versions",
  'project steps': "projects' returns and approvals",
  agreement: 'agreements',
  revision: 'revisions',
  goals: "years' goals",
  event: 'events',
  seminar: 'seminars',
  cycle: 'cycles',
};

/** What an import carried, by kind, and what it skipped, by kind and reason (with what it was). */
export class ImportReport {
  readonly carried = new Map<ImportKind, number>();
  readonly skipped = new Map<ImportKind, Map<string, string[]>>();

  carry(kind: ImportKind, count = 1): void {
    this.carried.set(kind, (this.carried.get(kind) ?? 0) + count);
  }

  skip(kind: ImportKind, what: string, why: string): void {
    const reasons = this.skipped.get(kind) ?? new Map<string, string[]>();
    this.skipped.set(kind, reasons);
    reasons.set(why, [...(reasons.get(why) ?? []), what]);
  }

  /** For the record of imports: how many were skipped for each reason (an archive may have thousands of files). */
  counts(): { carried: Record<string, number>; skipped: Record<string, Record<string, number>> } {
    return {
      carried: Object.fromEntries(this.carried),
      skipped: Object.fromEntries([...this.skipped].map(([kind, reasons]) => [kind, Object.fromEntries([...reasons].map(([why, what]) => [why, what.length]))])),
    };
  }

  get total(): number {
    return [...this.carried.values()].reduce((a, b) => a + b, 0);
  }

  /** For `--json`: what was skipped, by name. */
  toJSON(): { carried: Record<string, number>; skipped: Record<string, Record<string, string[]>> } {
    return {
      carried: Object.fromEntries(this.carried),
      skipped: Object.fromEntries([...this.skipped].map(([kind, reasons]) => [kind, Object.fromEntries(reasons)])),
    };
  }

  /** What a person reads: a line per kind carried, then each kind's skips with their reason. */
  lines(): string[] {
    const sorted = <T>(map: Map<ImportKind, T>) => [...map].sort(([a], [b]) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
    const carried = sorted(this.carried).filter(([, n]) => n > 0);
    const out = [carried.length ? 'Carried into the records database:' : 'Nothing new to carry into the records database.'];
    for (const [kind, n] of carried) out.push(`  ${KIND_WORDS[kind].padEnd(32)} ${n}`);
    if (this.skipped.size) out.push('Skipped:');
    for (const [kind, reasons] of sorted(this.skipped)) {
      for (const [why, what] of reasons) {
        const named = what.slice(0, 5).join(', ') + (what.length > 5 ? `, and ${what.length - 5} more` : '');
        out.push(`  ${KIND_WORDS[kind]}: ${what.length} ${why} (${named})`);
      }
    }
    return out;
  }
}

export interface DataFolders {
  /** FOLLOWUP_DATA_DIR: the accounts file. */
  dataDir: string;
  /** FOLLOWUP_ARCHIVE_DIR: the reports and the rest of the archive. */
  archiveDir: string;
}

/** The accounts of the data folder's file, each added where the database has none of its name. */
export async function importAccounts(db: Records, dataDir: string, report: ImportReport): Promise<void> {
  for (const account of readAccountsFile(accountsFile(dataDir))) {
    if (await insertAccount(db, account)) report.carry('accounts');
    else report.skip('accounts', account.name, 'already in the database (kept as they are there)');
  }
}

// A file the folder archive was writing when its process stopped: "<name>.<pid>.tmp", never read.
const HALF_WRITTEN = /\.\d+\.tmp$/;

/** Every file under the archive folder, by its reference (a relative path with "/"), oldest layout first. */
function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return found;
}

/** Whether the archive folder has any file to carry. */
export function archiveHasFiles(archiveDir: string): boolean {
  return filesUnder(archiveDir).some((ref) => !HALF_WRITTEN.test(ref));
}

/**
 * Each file of the archive folder into `record_files` under the same reference, with its time (a
 * retention period counts from when the report was made, not from the import). A file the
 * database has already is left as it is there.
 */
export async function importArchiveFiles(db: Records, archiveDir: string, report: ImportReport): Promise<void> {
  for (const ref of filesUnder(archiveDir)) {
    if (HALF_WRITTEN.test(ref)) {
      report.skip('files', ref, 'half written when their process stopped (never read)');
      continue;
    }
    const full = path.join(archiveDir, ...ref.split('/'));
    const content = readFileSync(full);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const on = await db.selectFrom('record_files').select('sha256').where('ref', '=', ref).executeTakeFirst();
    if (on) {
      report.skip('files', ref, on.sha256 === sha256 ? 'already in the database' : 'in the database already in a newer version, written by this release (kept)');
      continue;
    }
    const at = statSync(full).mtime;
    const result = await db
      .insertInto('record_files')
      .values({ ref, content, sha256, size: content.length, media_type: mediaTypeOf(ref) ?? null, created_at: at, updated_at: at })
      .onConflict((c) => c.column('ref').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) report.carry('files');
    else report.skip('files', ref, 'already in the database');
  }
}

/** Notes the import in `record_imports`: the first time, and what the last one carried and skipped. */
async function noteImport(db: Records, source: string, report: ImportReport, now = new Date()): Promise<void> {
  const summary = JSON.stringify(report.counts());
  await db
    .insertInto('record_imports')
    .values({ source, first_at: now, last_at: now, summary })
    .onConflict((c) => c.column('source').doUpdateSet({ last_at: now, summary }))
    .execute();
}

/** The data folder's accounts and archive files: the part of an import that needs no Temporal server. */
export async function importDataFolders(db: Records, folders: DataFolders, report: ImportReport = new ImportReport()): Promise<ImportReport> {
  await importAccounts(db, folders.dataDir, report);
  await importArchiveFiles(db, folders.archiveDir, report);
  return report;
}

/** How the record of imports names a data folder. */
export const importSource = (folders: DataFolders) => `${path.resolve(folders.dataDir)} (archive ${path.resolve(folders.archiveDir)})`;

/**
 * `followup records import`: the data folders, then each organisation's cases from the Temporal
 * server (without a client, the folders only). Noted in `record_imports`.
 */
export async function importAll(db: Records, folders: DataFolders, options: { client?: Client; configs?: readonly OrganisationConfig[] } = {}): Promise<ImportReport> {
  const report = await importDataFolders(db, folders);
  if (options.client) for (const config of options.configs ?? []) await importCases(db, options.client, config, report);
  await noteImport(db, importSource(folders), report);
  return report;
}

/**
 * At the first start of this release (`npm start`, a worker with DATABASE_URL): where the database
 * is new (no import on record, no account and no file in it) and the data folders hold an accounts
 * file or archive files, they are carried over. Returns what was done, or undefined when there was
 * nothing to do. The cases on the Temporal server are left to `followup records import`.
 */
export async function importAtFirstStart(db: Records, folders: DataFolders): Promise<ImportReport | undefined> {
  const imported = await db.selectFrom('record_imports').select('source').limit(1).executeTakeFirst();
  if (imported) return undefined;
  const files = await db.selectFrom('record_files').select('ref').limit(1).executeTakeFirst();
  if (files || (await countAccounts(db)) > 0) return undefined;
  if (readAccountsFile(accountsFile(folders.dataDir)).length === 0 && !archiveHasFiles(folders.archiveDir)) return undefined;
  const report = await importDataFolders(db, folders);
  await noteImport(db, importSource(folders), report);
  return report;
}

/** The time of a case's last change, from the times its status keeps. */
const latest = (...times: (string | undefined)[]): string => times.filter((t): t is string => Boolean(t)).sort().at(-1) ?? new Date().toISOString();

/** A case's state as its version 0, where nothing of the case is on record. */
async function importCase(db: Records, report: ImportReport, entry: { org: string; kind: CaseKind; caseId: string; title: string; year?: number; state: object; at: string }): Promise<void> {
  const on = await caseOnRecord(db, entry.org, entry.kind, entry.caseId);
  if (on) {
    report.skip(entry.kind, entry.caseId, on.version === IMPORTED_VERSION ? 'already on record, imported before' : 'already on record, written by their workflows (which hold all the import would)');
    return;
  }
  const year = entry.year !== undefined && Number.isFinite(entry.year) ? { year: entry.year } : {};
  await recordCase(db, { org: entry.org, kind: entry.kind, caseId: entry.caseId, runId: 'import', version: IMPORTED_VERSION, title: entry.title, ...year, state: JSON.parse(JSON.stringify(entry.state)) as Record<string, unknown>, at: entry.at });
  report.carry(entry.kind);
}

/** Reads a case's status, or notes why it could not be (its history deleted, no worker to answer). */
async function statusOf<T>(report: ImportReport, kind: CaseKind, id: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    report.skip(kind, id, `not readable from the Temporal server (${(err as Error).message.split('\n')[0]}): only the register's summary is left, and the register is not a record`);
    return undefined;
  }
}

/** Each case of an organisation's register on the Temporal server, and each project's goals versions and steps. */
export async function importCases(db: Records, client: Client, config: OrganisationConfig, report: ImportReport): Promise<void> {
  const org = config.organisation.id;
  const register = await readRegister(client, org);
  for (const summary of register.projects) {
    const status = await statusOf(report, 'project', summary.id, () => projectStatus(client, org, summary.id));
    if (!status) continue;
    await importCase(db, report, { org, kind: 'project', caseId: status.id, title: status.title, year: Number(status.plannedStart.slice(0, 4)), state: status, at: latest(status.registeredAt, status.history?.at(-1)?.at, status.closedAt) });
    await importProjectDefinition(db, client, org, status, report);
  }
  for (const summary of register.agreements) {
    const status = await statusOf(report, 'agreement', summary.id, () => agreementStatus(client, org, summary.id));
    if (!status) continue;
    const year = Number((status.decisions.at(-1)?.at ?? status.registeredAt ?? '').slice(0, 4)) || undefined;
    await importCase(db, report, { org, kind: 'agreement', caseId: status.id, title: status.title, ...(year ? { year } : {}), state: status, at: latest(status.registeredAt, status.decidedAt, status.decisions.at(-1)?.at) });
  }
  for (const summary of register.revisions) {
    const caseId = `${summary.obligationId}/${summary.periodId}`;
    const status = await statusOf(report, 'revision', caseId, () => revisionStatus(client, org, summary.obligationId, summary.periodId));
    if (!status) continue;
    const year = Number((status.dueDate || status.periodId).slice(0, 4)) || undefined;
    await importCase(db, report, { org, kind: 'revision', caseId, title: `${status.obligationId} ${status.periodId}`, ...(year ? { year } : {}), state: status, at: latest(status.startedAt, status.askedAt, status.recordedAt, status.escalatedAt, ...status.remindersSentAt) });
  }
  for (const summary of register.events ?? []) {
    const status = await statusOf(report, 'event', summary.id, () => eventStatus(client, org, summary.id));
    if (!status) continue;
    const year = Number(status.date.slice(0, 4)) || undefined;
    await importCase(db, report, { org, kind: 'event', caseId: status.id, title: status.title, ...(year ? { year } : {}), state: status, at: latest(status.registeredAt, status.cancelledAt, status.history.at(-1)?.at) });
  }
  for (const summary of register.goals ?? []) {
    const caseId = `${summary.obligationId}/${summary.year}`;
    const status = await statusOf(report, 'goals', caseId, () => goalsStatus(client, config, summary.obligationId, summary.year));
    if (!status) continue;
    await importCase(db, report, { org, kind: 'goals', caseId, title: `${status.obligationId} ${status.year}`, year: status.year, state: status, at: latest(...status.remindersSentAt) });
  }
  for (const seminar of register.seminars) {
    await importCase(db, report, { org, kind: 'seminar', caseId: seminar.id, title: seminar.title, year: Number(seminar.date.slice(0, 4)), state: { ...seminar }, at: latest(seminar.registeredAt, seminar.editedAt) });
  }
  // Each data call's cycles, as the cycle workflow keeps its overview on record (workflows/cycle.ts):
  // its phase, plan, close, report and history (the report's files come with the archive folder).
  for (const listed of await listCycles(client, org, 10_000).catch(() => [])) {
    const { key } = listed;
    const caseId = `${key.obligationId}/${key.period}`;
    const overview = await statusOf(report, 'cycle', caseId, () => cycleOverview(client, key));
    if (!overview) continue;
    const { unitsStarted: _started, ...state } = overview;
    const obligation = config.obligations.find((o) => o.id === key.obligationId);
    const title = `${obligation ? obligation.title[config.organisation.language] : key.obligationId} ${key.period}`;
    const year = /^\d{4}/.test(key.period) ? { year: Number(key.period.slice(0, 4)) } : {};
    await importCase(db, report, { org, kind: 'cycle', caseId, title, ...year, state, at: latest(listed.startTime.toISOString(), ...(overview.history ?? []).map((h) => h.at)) });
  }
}

/** Who did a step, as the project's history names them. */
const byOf = (history: RecordEntry[] | undefined, what: RecordEntry['what'], detail?: string): string | undefined =>
  history?.find((h) => h.what === what && (detail === undefined || h.detail === detail))?.by;

/**
 * Every version of a project's goals the workflow still knows (each submission in its history; the
 * newest as its status has it), each return with its comment and the approval, each with who and
 * when, as the workflow writes them (records/projects.ts's keys): what is on record stays.
 */
async function importProjectDefinition(db: Records, client: Client, org: string, status: ProjectStatus, report: ImportReport): Promise<void> {
  const versions = new Map<number, { goals: Record<string, unknown>; at: string; actor: string }>();
  for (const submission of await submittedGoals(client, org, status.id)) versions.set(versions.size + 1, submission);
  if (status.goals) {
    const { revision, values, submittedAt } = status.goals;
    versions.set(revision, { goals: values as Record<string, unknown>, at: submittedAt, actor: byOf(status.history, 'goals-submitted', `#${revision}`) ?? versions.get(revision)?.actor ?? 'owner' });
  }
  for (const [revision, version] of [...versions].sort(([a], [b]) => a - b)) {
    if (status.goals && revision > status.goals.revision) continue;
    const result = await db
      .insertInto('goals_versions')
      .values({ org, project: status.id, revision, goals: JSON.stringify(version.goals), submitted_at: version.at, actor: version.actor })
      .onConflict((c) => c.constraint('goals_versions_key').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) report.carry('goals versions');
    else report.skip('goals versions', `${status.id} #${revision}`, 'already on record');
  }
  const returns = status.returned ?? [];
  const steps = [
    ...returns.map((r) => ({ step: 'returned' as const, at: r.at, comment: r.comment, actor: byOf(status.history, 'goals-returned', r.comment) ?? 'secretariat' })),
    ...(status.approvedAt ? [{ step: 'approved' as const, at: status.approvedAt, actor: byOf(status.history, 'goals-approved') ?? 'secretariat' }] : []),
  ];
  for (const step of steps) {
    const result = await db
      .insertInto('project_steps')
      .values({ org, project: status.id, step: step.step, at: step.at, actor: step.actor, comment: 'comment' in step ? step.comment : null })
      .onConflict((c) => c.constraint('project_steps_key').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) report.carry('project steps');
    else report.skip('project steps', `${status.id} ${step.step} ${step.at}`, 'already on record');
  }
}

/**
 * The goals each accepted submission carried, in order (revision 1, 2, …), from the project
 * workflow's history: the status keeps only the newest. None where the history cannot be read.
 */
async function submittedGoals(client: Client, org: string, projectId: string): Promise<{ goals: Record<string, unknown>; at: string; actor: string }[]> {
  const { defaultPayloadConverter } = await import('@temporalio/common');
  let history;
  try {
    history = await client.workflow.getHandle(projectWorkflowId(org, projectId)).fetchHistory();
  } catch {
    return [];
  }
  const found: { goals: Record<string, unknown>; at: string; actor: string }[] = [];
  for (const event of history.events ?? []) {
    const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (request?.input?.name !== 'submitGoals') continue;
    const [input] = (request.input.args?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p)) as [{ values?: Record<string, unknown>; by?: string } | undefined];
    const seconds = Number(event.eventTime?.seconds ?? 0);
    const at = new Date(seconds * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6)).toISOString();
    if (input?.values) found.push({ goals: input.values, at, actor: input.by ?? 'owner' });
  }
  return found;
}

/** What the first start says when it carried a data folder over. */
export function firstStartLines(report: ImportReport, folders: DataFolders): string[] {
  return [
    `Records database: first start of this release; carried over what the data folders held (${path.resolve(folders.dataDir)}, archive ${path.resolve(folders.archiveDir)}).`,
    ...report.lines().map((l) => `  ${l}`),
    '  The files stay where they were, but this release reads the accounts and reports from the database.',
    '  The projects, agreements, revisions, events and goals still on the Temporal server: put them on record with "followup records import".',
  ];
}

/** For a process of its own (a worker with DATABASE_URL): opens the database, carries the folders over if it is new, and closes it. */
export async function carryOverAtFirstStart(url: string, folders: DataFolders, log: (line: string) => void): Promise<void> {
  // require, not import(): a worker started by bin/followup.js runs CommonJS, where import() finds no .ts file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openRecords } = require('./database') as typeof import('./database');
  const db = await openRecords(url, { poolSize: 1 });
  try {
    const report = await importAtFirstStart(db, folders);
    if (report) for (const line of firstStartLines(report, folders)) log(line);
  } finally {
    await db.destroy();
  }
}
