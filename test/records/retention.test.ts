/**
 * Retention by decision in the database of record, on both databases it runs on: records of every
 * kind written through the records modules, some from long ago and some recent; a config with rules
 * for some kinds (each with its decision's reference), none for others. The report lists exactly
 * what is due with its decision, apply removes that and only that and logs one line per removal,
 * a kind without a rule is untouched, and a second apply removes nothing. Then the same through
 * the real `followup retention report|log` against the database.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { parse, stringify } from 'yaml';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { answerVersions, recordAnswerVersion } from '../../records/answers';
import { recentActions, recordAction } from '../../records/audit-log';
import { caseVersions, recordCase } from '../../records/cases';
import { openRecords, type Records } from '../../records/database';
import { createRecordsArchive, recordFile } from '../../records/files';
import { mailsTo, recordMail } from '../../records/mail-log';
import { migrateToLatest } from '../../records/migrate';
import { RECORDS_MIGRATIONS } from '../../records/migrations';
import { projectOnRecord, recordProject } from '../../records/projects';
import { applyRecordsRetention, planRecordsRetention, retentionLog } from '../../records/retention';
import { auditLogRule } from '../../retention/rules';
import { PROJECT_ROOT, SOLNA_CONFIG } from '../helpers/environment';
import { RECORDS_BACKENDS, type RecordsBackend } from '../helpers/records';

jest.setTimeout(120_000);

const work = mkdtempSync(path.join(tmpdir(), 'followup-records-retention-'));
const DECISION = { answers: 'KS 2024/123 § 45', decisions: 'KS 2024/123 § 46', mailLog: 'KS 2024/123 § 47', auditLog: 'KS 2024/123 § 48', reports: 'KS 2024/123 § 49', cycles: 'KS 2024/123 § 50' };

/** Solna with rules for answers, decisions, the mail log, the audit log and reports; cycles kept for ever; none for goals. */
function solnaWithRules(): { file: string; config: OrganisationConfig } {
  const doc = parse(readFileSync(SOLNA_CONFIG, 'utf8')) as Record<string, unknown> & { obligations: Record<string, unknown>[] };
  doc.retention = {
    answers: { keep: 'P10Y', decision: DECISION.answers },
    decisions: { keep: 'P10Y', decision: DECISION.decisions },
    cycles: { keep: 'forever', decision: DECISION.cycles },
    mailLog: { keep: 'P2Y', decision: DECISION.mailLog },
    auditLog: { keep: 'P5Y', decision: DECISION.auditLog },
    reports: { keep: 'P10Y', decision: DECISION.reports },
  };
  // The data call's own retention from before keeps its answers files, whatever the organisation's rule for answers.
  doc.obligations.find((o) => o.id === 'annual-follow-up')!.retention = { decision: 'KS 2011/9 § 3', answers: 'keep' };
  const file = path.join(work, 'solna.yaml');
  writeFileSync(file, stringify(doc));
  return { file, config: loadConfigFile(file) };
}

const { file: CONFIG_FILE, config: solna } = solnaWithRules();
const LONG_AGO = new Date('2012-03-01T10:00:00Z');
const EARLIER = new Date('2011-12-01T10:00:00Z');
const RECENTLY = new Date(Date.now() - 30 * 86_400_000);
const THREE_YEARS_AGO = new Date(Date.now() - 3 * 365 * 86_400_000);
const FILES = {
  pdf: 'solna/annual-follow-up/solna-annual-follow-up-2012.pdf',
  html: 'solna/annual-follow-up/solna-annual-follow-up-2012.html',
  data: 'solna/annual-follow-up/solna-annual-follow-up-2012.json',
  staged: 'solna/annual-follow-up/.outcomes/2012/part-0000.json',
  stagedRunning: 'solna/annual-follow-up/.outcomes/2013/part-0000.json',
  newReport: 'solna/annual-follow-up/solna-annual-follow-up-2026.pdf',
  sentMail: '.sent-mail/solna.annual-follow-up.2012/0123456789abcdef.json',
};

/** What is due in the database seeded below, with its decision. */
const EXPECTED_DUE = [
  ['answers', 'solna/annual-follow-up/.outcomes/2012', DECISION.answers],
  ['answers', 'solna/annual-follow-up/2012/omsorg', DECISION.answers],
  ['auditLog', 'audit_log #1: cycle close on annual-follow-up 2012 by cli:anna', DECISION.auditLog],
  ['decisions', 'solna/agreement/avtal-riga', DECISION.decisions],
  ['decisions', 'solna/goals/2012', DECISION.decisions],
  ['mailLog', '<request-2012@solna.example> to anna.berg@solna.example', DECISION.mailLog],
  ['reports', FILES.html, DECISION.reports],
  ['reports', FILES.pdf, DECISION.reports],
];

/** Records of every kind, long ago and recently, written as the activities write them. */
async function seed(db: Records): Promise<void> {
  const answer = (unit: string, revision: number, at: Date) =>
    recordAnswerVersion(db, { org: 'solna', obligation: 'annual-follow-up', period: '2012', unit, revision, submissionId: `${unit}-${revision}`, actor: 'contact', answers: { effects: `rev ${revision}` }, at });
  // Omsorg answered and corrected long ago; tekniska answered long ago and corrected recently (counted from its newest version: kept).
  await answer('omsorg', 1, EARLIER);
  await answer('omsorg', 2, LONG_AGO);
  await answer('tekniska', 1, LONG_AGO);
  await answer('tekniska', 2, RECENTLY);
  // A project's goals and approval long ago (goals have no rule: kept).
  await recordProject(db, 'solna', 'vanort-2011', [
    { kind: 'goals', revision: 1, goals: { aim: 'Utbyte' }, at: EARLIER.toISOString(), actor: 'owner' },
    { kind: 'step', step: 'approved', at: LONG_AGO.toISOString(), actor: 'Anna Berg (anna.berg)' },
  ]);
  await recordProject(db, 'solna', 'tartu-2026', [{ kind: 'goals', revision: 1, goals: { aim: 'Nätverk' }, at: RECENTLY.toISOString(), actor: 'owner' }]);
  const kase = (kind: 'agreement' | 'goals' | 'project' | 'event' | 'cycle', caseId: string, version: number, at: Date) =>
    recordCase(db, { org: 'solna', kind, caseId, version, title: `${kind} ${caseId}`, year: at.getUTCFullYear(), state: { version }, at });
  await kase('agreement', 'avtal-riga', 1, EARLIER);
  await kase('agreement', 'avtal-riga', 2, LONG_AGO);
  await kase('goals', '2012', 1, LONG_AGO);
  await kase('project', 'vanort-2011', 1, LONG_AGO);
  await kase('event', 'vanortsdagen', 1, LONG_AGO);
  await kase('event', 'vanortsdagen', 2, RECENTLY);
  await kase('cycle', 'annual-follow-up/2012', 1, LONG_AGO);
  // A cycle whose own last change is three years back, nothing else of its period on record.
  await kase('cycle', 'annual-follow-up/2022', 1, THREE_YEARS_AGO);
  const mail = (scope: string, messageId: string, at: Date) => recordMail(db, { scope, kind: 'request', messageId, address: 'anna.berg@solna.example', outcome: 'delivered', at });
  await mail('solna.annual-follow-up.2012', '<request-2012@solna.example>', LONG_AGO);
  await mail('solna.annual-follow-up.2026', '<request-2026@solna.example>', RECENTLY);
  // Another organisation's mail in the same database: not Solna's rule to judge.
  await mail('boras.annual-follow-up.2012', '<request-2012@boras.example>', LONG_AGO);
  await recordAction(db, { at: LONG_AGO, actor: 'cli:anna', via: 'cli', action: 'cycle close', subject: 'annual-follow-up 2012' });
  await recordAction(db, { at: RECENTLY, actor: 'cli:anna', via: 'cli', action: 'cycle start', subject: 'annual-follow-up 2026' });
  const archive = createRecordsArchive(db);
  for (const ref of Object.values(FILES)) await archive.put(ref, `content of ${ref}`);
  const aged = Object.values(FILES).filter((ref) => ref !== FILES.newReport);
  await sql`update record_files set updated_at = ${LONG_AGO}, created_at = ${LONG_AGO} where ref = any(${aged}::text[])`.execute(db);
}

/** What is left of each kind after an apply: everything but what was due. */
async function expectOnlyDueRemoved(db: Records): Promise<void> {
  const answers = await answerVersions(db, { org: 'solna', obligation: 'annual-follow-up', period: '2012' });
  expect(answers.map((a) => `${a.unit} ${a.revision}`)).toEqual(['tekniska 1', 'tekniska 2']);
  // No rule for goals: untouched, the project's case (its goals, returns and comments) with them, though decisions have a rule.
  expect((await projectOnRecord(db, 'solna', 'vanort-2011')).goals).toHaveLength(1);
  expect((await projectOnRecord(db, 'solna', 'vanort-2011')).steps).toHaveLength(1);
  expect(await caseVersions(db, 'solna', 'agreement', 'avtal-riga')).toEqual([]);
  expect(await caseVersions(db, 'solna', 'project', 'vanort-2011')).toHaveLength(1);
  expect(await caseVersions(db, 'solna', 'event', 'vanortsdagen')).toHaveLength(2);
  // Cycles kept for ever.
  expect(await caseVersions(db, 'solna', 'cycle', 'annual-follow-up/2012')).toHaveLength(1);
  expect((await mailsTo(db, 'anna.berg@solna.example')).map((m) => m.messageId)).toEqual(['<request-2012@boras.example>', '<request-2026@solna.example>']);
  expect((await recentActions(db)).map((a) => a.action)).toEqual(['cycle start']);
  const present = async (ref: string) => (await recordFile(db, ref)) !== undefined;
  expect(await present(FILES.pdf)).toBe(false);
  expect(await present(FILES.html)).toBe(false);
  expect(await present(FILES.staged)).toBe(false);
  for (const ref of [FILES.data, FILES.stagedRunning, FILES.newReport, FILES.sentMail]) expect(await present(ref)).toBe(true);
}

test('the audit log is the deployment\'s: it goes only when every organisation has a rule, after the longest', () => {
  const withAudit = (keep: string | undefined) => ({ ...solna, retention: keep ? { auditLog: { keep, decision: `decision ${keep}` } } : {} });
  expect(auditLogRule([withAudit('P5Y'), withAudit('P10Y')])).toMatchObject({ keep: 'P10Y', decision: 'decision P10Y' });
  expect(auditLogRule([withAudit('P5Y'), withAudit(undefined)])).toBeUndefined();
  expect(auditLogRule([withAudit('P5Y'), withAudit('forever')])).toMatchObject({ keep: 'forever' });
});

test('the rules are checked as the config loads: a kind of record by its name, a period of at least a day, a decision', () => {
  const doc = parse(readFileSync(CONFIG_FILE, 'utf8')) as Record<string, unknown>;
  const load = (retention: unknown) => {
    const file = path.join(work, 'checked.yaml');
    writeFileSync(file, stringify({ ...doc, retention }));
    return () => loadConfigFile(file);
  };
  expect(load({ answer: { keep: 'P10Y', decision: DECISION.answers } })).toThrow(/retention/);
  expect(load({ answers: { keep: 'P0D', decision: DECISION.answers } })).toThrow(/at least one day/);
  expect(load({ answers: { keep: 'ten years', decision: DECISION.answers } })).toThrow(/retention\.answers\.keep/);
  expect(load({ answers: { keep: 'P10Y' } })).toThrow(/retention\.answers\.decision/);
  expect(load({ answers: { keep: 'forever', decision: DECISION.answers } })().retention.answers).toEqual({ keep: 'forever', decision: DECISION.answers });
  // Without the section, everything is kept.
  expect(load(undefined)().retention).toEqual({});
});

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  const open: Records[] = [];
  const fresh = async () => {
    const url = await backend.freshDatabase();
    const db = await openRecords(url);
    open.push(db);
    await migrateToLatest(db);
    await seed(db);
    return { url, db };
  };

  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.destroy()));
    await backend?.stop();
  });

  test('the report lists exactly what is due with its decision; apply removes only that and logs each removal; a second apply removes nothing', async () => {
    const { db } = await fresh();
    const now = new Date();
    // Without rules, nothing is due.
    const withoutRules = { ...solna, retention: {}, obligations: solna.obligations.map((o) => (o.kind === 'periodic-data-call' ? { ...o, retention: {} } : o)) };
    expect((await planRecordsRetention(db, { configs: [withoutRules] }, now)).due).toEqual([]);

    const plan = await planRecordsRetention(db, { configs: [solna] }, now);
    const listed = (due: { type: string; what: string; decision: string | null }[]) => due.map((d) => [d.type, d.what, d.decision]).sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
    expect(listed(plan.due)).toEqual(EXPECTED_DUE);
    expect(plan.due.find((d) => d.what === 'solna/annual-follow-up/2012/omsorg')).toMatchObject({ rows: 2, rule: 'P10Y', recordAt: LONG_AGO.toISOString() });
    // What is kept, and why.
    const count = (type: string, label: string) => plan.counts.find((c) => c.type === type && c.label === label);
    expect(count('goals', 'project goals')).toMatchObject({ due: 0, kept: 2, rule: 'no rule', why: 'no rule: kept' });
    expect(count('cycles', 'cycle')).toMatchObject({ due: 0, kept: 2, rule: 'forever', why: 'kept for ever', decision: DECISION.cycles });
    expect(count('answers', 'answers')).toMatchObject({ due: 1, kept: 1, why: 'not yet P10Y old' });
    expect(count('answers', 'answers file')).toMatchObject({ due: 0, kept: 1, rule: "forever (annual-follow-up's own)", decision: 'KS 2011/9 § 3' });
    // The report removes nothing.
    expect(await answerVersions(db, { org: 'solna', obligation: 'annual-follow-up', period: '2012' })).toHaveLength(4);

    const removed = await applyRecordsRetention(db, { configs: [solna] }, now, 'cli:archivist');
    expect(listed(removed)).toEqual(EXPECTED_DUE);
    await expectOnlyDueRemoved(db);
    const log = await retentionLog(db);
    expect(listed(log)).toEqual(EXPECTED_DUE);
    expect(log.every((l) => l.actor === 'cli:archivist' && l.place === 'database' && l.at.getTime() === now.getTime())).toBe(true);
    expect(log.find((l) => l.what === 'solna/annual-follow-up/2012/omsorg')).toMatchObject({ org: 'solna', rows: 2, rule: 'P10Y' });
    expect(log.find((l) => l.type === 'auditLog')).toMatchObject({ org: null, rule: 'P5Y' });

    expect(await applyRecordsRetention(db, { configs: [solna] }, new Date(), 'cli:archivist')).toEqual([]);
    expect(await retentionLog(db)).toHaveLength(EXPECTED_DUE.length);
    expect((await planRecordsRetention(db, { configs: [solna] }, new Date())).due).toEqual([]);

    // A rule for goals made later: the old project's goals, steps and case go together, the recent one's stay.
    const withGoals = { ...solna, retention: { ...solna.retention, goals: { keep: 'P10Y', decision: 'KS 2025/7 § 2' } } };
    expect(listed(await applyRecordsRetention(db, { configs: [withGoals] }, new Date(), 'cli:archivist'))).toEqual([['goals', 'solna/vanort-2011', 'KS 2025/7 § 2']]);
    expect(await projectOnRecord(db, 'solna', 'vanort-2011')).toEqual({ goals: [], steps: [] });
    expect(await caseVersions(db, 'solna', 'project', 'vanort-2011')).toEqual([]);
    expect((await projectOnRecord(db, 'solna', 'tartu-2026')).goals).toHaveLength(1);
    expect((await retentionLog(db)).at(-1)).toMatchObject({ type: 'goals', what: 'solna/vanort-2011', rows: 3, decision: 'KS 2025/7 § 2', recordAt: LONG_AGO });
  });

  test("a project's case is judged with its goals, from the latest of the three; a cycle's goes no sooner than its period's answers and reports", async () => {
    const { db } = await fresh();
    const now = new Date();
    // A project whose goals and steps are old but whose case changed recently (a comment): all three kept together.
    await recordProject(db, 'solna', 'riga-2010', [{ kind: 'goals', revision: 1, goals: { aim: 'Hamnar' }, at: LONG_AGO.toISOString(), actor: 'owner' }]);
    await recordCase(db, { org: 'solna', kind: 'project', caseId: 'riga-2010', version: 1, title: 'project riga-2010', year: 2010, state: {}, at: RECENTLY });
    const goalsRule = { ...solna, retention: { ...solna.retention, goals: { keep: 'P1Y', decision: 'KS 2025/7 § 2' } } };
    const goalsPlan = await planRecordsRetention(db, { configs: [goalsRule] }, now);
    expect(goalsPlan.due.filter((d) => d.type === 'goals').map((d) => [d.what, d.rows])).toEqual([['solna/vanort-2011', 3]]);
    expect(goalsPlan.due.some((d) => d.what.includes('project'))).toBe(false);
    expect(goalsPlan.counts.find((c) => c.type === 'goals')).toMatchObject({ due: 1, kept: 2, why: 'not yet P1Y old' });
    await applyRecordsRetention(db, { configs: [goalsRule] }, now, 'cli:archivist');
    expect(await caseVersions(db, 'solna', 'project', 'vanort-2011')).toEqual([]);
    expect(await caseVersions(db, 'solna', 'project', 'riga-2010')).toHaveLength(1);
    expect((await projectOnRecord(db, 'solna', 'riga-2010')).goals).toHaveLength(1);

    // Cycles for a year, answers and reports for ten (the data call's own retention left out): each
    // cycle is kept as long as its answers and reports are, 2012's from its answer of a month ago.
    const ownRetentionOff = solna.obligations.map((o) => (o.kind === 'periodic-data-call' ? { ...o, retention: {} } : o));
    const shortCycles = { ...solna, obligations: ownRetentionOff, retention: { ...solna.retention, cycles: { keep: 'P1Y', decision: DECISION.cycles } } };
    const plan = await planRecordsRetention(db, { configs: [shortCycles] }, now);
    expect(plan.due.filter((d) => d.type === 'cycles')).toEqual([]);
    expect(plan.counts.find((c) => c.type === 'cycles')).toMatchObject({ due: 0, kept: 2, rule: 'P10Y', why: 'not yet P10Y old', decision: DECISION.answers });
    // With the data call's own "keep" for its answers files, the cycles are kept for ever with them.
    const kept = await planRecordsRetention(db, { configs: [{ ...solna, retention: shortCycles.retention }] }, now);
    expect(kept.counts.find((c) => c.type === 'cycles')).toMatchObject({ due: 0, kept: 2, rule: "forever (annual-follow-up's own)" });
    // Without a rule for answers, they are kept: so are the cycles.
    const { answers: _answers, ...noAnswersRule } = shortCycles.retention;
    const noRule = await planRecordsRetention(db, { configs: [{ ...shortCycles, retention: noAnswersRule }] }, now);
    expect(noRule.counts.find((c) => c.type === 'cycles')).toMatchObject({ due: 0, kept: 2, rule: 'no rule' });

    // Every rule at a year: 2022's cycle (three years old, nothing else of it kept) goes; 2012's stays
    // while its latest answer is not a year old, and its time is that answer's.
    const allShort = { ...shortCycles, retention: { ...shortCycles.retention, answers: { keep: 'P1Y', decision: DECISION.answers }, reports: { keep: 'P1Y', decision: DECISION.reports } } };
    const removed = await applyRecordsRetention(db, { configs: [allShort] }, now, 'cli:archivist');
    expect(removed.filter((d) => d.type === 'cycles').map((d) => [d.what, d.recordAt])).toEqual([['solna/cycle/annual-follow-up/2022', THREE_YEARS_AGO.toISOString()]]);
    expect(await caseVersions(db, 'solna', 'cycle', 'annual-follow-up/2022')).toEqual([]);
    expect(await caseVersions(db, 'solna', 'cycle', 'annual-follow-up/2012')).toHaveLength(1);
    expect((await planRecordsRetention(db, { configs: [allShort] }, now)).counts.find((c) => c.type === 'cycles')).toMatchObject({ due: 0, kept: 1, why: 'not yet P1Y old' });
  });

  test('the real followup: report shows each kind with its rule and decision, --apply removes and logs, log shows it', async () => {
    const { url, db } = await fresh();
    const archiveDir = mkdtempSync(path.join(work, 'archive-'));
    const followup = (...args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
          { env: { ...process.env, DATABASE_URL: url, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: archiveDir } },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
        );
      });

    const report = await followup('retention', 'report');
    expect(report.err).toBe('');
    expect(report.code).toBe(0);
    expect(report.out).toContain(`Due for removal (${EXPECTED_DUE.length}); remove with: followup retention report --apply`);
    expect(report.out).toMatch(/solna\/annual-follow-up\/2012\/omsorg\s+answers\s+2012-03-01\s+P10Y\s+\S+\s+KS 2024\/123 § 45/);
    expect(report.out).toMatch(/solna\s+mailLog\s+mail\s+database\s+1\s+1\s+P2Y\s+KS 2024\/123 § 47/);
    expect(report.out).toMatch(/solna\s+goals\s+project goals\s+database\s+0\s+2\s+no rule: kept/);
    expect(report.out).toMatch(/\(all\)\s+auditLog\s+action\s+database\s+1\s+1\s+P5Y\s+KS 2024\/123 § 48/);
    expect(report.out).toContain('Nothing is removed without --apply');
    expect(await answerVersions(db, { org: 'solna', obligation: 'annual-follow-up', period: '2012' })).toHaveLength(4);

    const json = JSON.parse((await followup('retention', 'report', '--json')).out) as { database: boolean; due: { what: string }[] };
    expect(json.database).toBe(true);
    expect(json.due).toHaveLength(EXPECTED_DUE.length);

    const applied = await followup('retention', 'report', '--apply');
    expect(applied.code).toBe(0);
    expect(applied.out).toContain(`Removed ${EXPECTED_DUE.length}, each logged in the retention log (followup retention log):`);
    expect(applied.out).toMatch(/solna\/agreement\/avtal-riga\s+agreement\s+2012-03-01\s+P10Y\s+KS 2024\/123 § 46/);
    await expectOnlyDueRemoved(db);

    // A removal from before the database, in the folder's log that `followup records import` carried into it.
    await createRecordsArchive(db).put(
      'solna/retention-log.jsonl',
      `${JSON.stringify({ at: '2020-01-02T08:00:00.000Z', by: 'cli:former', removed: 'solna/annual-follow-up/solna-annual-follow-up-2015.json', category: 'answers', rule: 'P2Y', decision: 'KS 2011/9 § 3' })}\n`,
    );
    const log = await followup('retention', 'log');
    expect(log.code).toBe(0);
    expect(log.out).toMatch(/cli:\S+\s+solna\s+answers\s+solna\/annual-follow-up\/2012\/omsorg \(2\)\s+database\s+P10Y\s+KS 2024\/123 § 45/);
    expect(log.out).toMatch(/cli:\S+\s+solna\s+reports\s+solna\/annual-follow-up\/solna-annual-follow-up-2012\.pdf\s+database\s+P10Y\s+KS 2024\/123 § 49/);
    expect(log.out).toMatch(/2020-01-02 08:00\s+cli:former\s+solna\s+answers\s+solna\/annual-follow-up\/solna-annual-follow-up-2015\.json\s+folder\s+P2Y\s+KS 2011\/9 § 3/);
    expect(log.out.trim().split('\n')).toHaveLength(1 + EXPECTED_DUE.length + 1);

    expect((await followup('retention', 'report', '--apply')).out).toContain('Nothing was due for removal.');
    expect(await retentionLog(db)).toHaveLength(EXPECTED_DUE.length);

    // A database not yet brought up to this release's schema (its worker not started yet): refused, saying what to do.
    const older = await backend.freshDatabase();
    const olderDb = await openRecords(older);
    open.push(olderDb);
    await new Migrator({ db: olderDb, provider: { getMigrations: async () => ({ ...RECORDS_MIGRATIONS }) } }).migrateTo('0004_files');
    const refused = await new Promise<{ code: number; err: string }>((resolve) =>
      execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), 'retention', 'report', '--apply'], { env: { ...process.env, DATABASE_URL: older, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: archiveDir } }, (error, _out, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, err: stderr }),
      ),
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/schema is older than this release \(it lacks 0005_retention_log.*\)\. Start this release's worker or "npm start" once.*Nothing was removed\./);
  });
});
