/**
 * Removal on the retention schedule, as an archivist runs it: a compiled cycle whose retention has
 * passed, `followup retention report` listing what is due, `--apply` removing it and logging each
 * removal, and the report itself kept because the config keeps reports.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { activitiesFor } from '../helpers/activities';
import { PROJECT_ROOT, SOLNA_CONFIG } from '../helpers/environment';

const work = mkdtempSync(path.join(tmpdir(), 'followup-retention-'));
const archiveDir = path.join(work, 'archive');
const configFile = path.join(work, 'solna.yaml');
const DECISION = 'KS 2024/112 § 45';

function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args], { cwd: work, env: { ...process.env, FOLLOWUP_CONFIG: configFile, FOLLOWUP_ARCHIVE_DIR: archiveDir } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

const yearsAgo = (years: number) => new Date(Date.now() - years * 365.25 * 86_400_000);
const age = (ref: string, when: Date) => utimesSync(path.join(archiveDir, ref), when, when);

beforeAll(async () => {
  // Solna's retention decision: staged answers three months, the answers two years, the reports kept.
  const doc = parse(readFileSync(SOLNA_CONFIG, 'utf8')) as { obligations: Record<string, unknown>[] };
  doc.obligations.find((o) => o.id === 'annual-follow-up')!.retention = { decision: DECISION, stagedAnswers: 'P3M', answers: 'P2Y' };
  writeFileSync(configFile, stringify(doc));
  const solna = loadConfigFile(configFile);
  const activities = activitiesFor([solna], archiveDir);
  // The 2023 cycle, compiled three years ago.
  const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2023' };
  const plan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2023', 'Europe/Stockholm');
  const outcome = { unitId: 'omsorg', state: 'answered' as const, closed: true, plan, remindersSentAt: [], mailProblems: [], answer: { values: { eu_projects: 'Inga', other_work: 'Studiebesök i Vilnius', effects: 'Nya rutiner' }, answeredAt: plan.opensAt, by: 'contact' as const, revision: 1 } };
  const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts: [await activities.stageOutcomes({ key, part: 0, outcomes: [outcome] })] });
  await activities.discardStagedOutcomes({ key });
  for (const ref of [report.html, report.markdown, report.pdf!, report.docx!, 'solna/annual-follow-up/solna-annual-follow-up-2023.json']) age(ref, yearsAgo(3));
  // Staged answers left behind by the compiled 2023 cycle, and those of a 2026 cycle still running
  // (not compiled: what its report will be made of, never removed), both four months old.
  for (const period of ['2023', '2026']) {
    const staged = await activities.stageOutcomes({ key: { ...key, period }, part: 0, outcomes: [outcome] });
    age(staged, new Date(Date.now() - 120 * 86_400_000));
    age(`solna/annual-follow-up/.outcomes/${period}`, new Date(Date.now() - 120 * 86_400_000));
  }
}, 60_000);

test('the report lists what is due, apply removes and logs it, the report stays', async () => {
  const listed = await followup('retention', 'report');
  expect(listed.code).toBe(0);
  expect(listed.out).toContain('Due for removal (2); remove with: followup retention report --apply');
  expect(listed.out).toMatch(/solna\/annual-follow-up\/\.outcomes\/2023\s+staged answers\s+\S+\s+P3M/);
  expect(listed.out).toMatch(/solna\/annual-follow-up\/solna-annual-follow-up-2023\.json\s+answers file\s+\S+\s+P2Y/);
  // The reports have no rule: kept, and counted as such.
  expect(listed.out).toMatch(/solna\s+reports\s+report\s+folder\s+0\s+4\s+no rule: kept/);
  expect(listed.out).toContain('Nothing is removed without --apply');
  // Nothing is removed by the report alone.
  expect(existsSync(path.join(archiveDir, 'solna/annual-follow-up/solna-annual-follow-up-2023.json'))).toBe(true);

  const applied = await followup('retention', 'report', '--apply');
  expect(applied.code).toBe(0);
  expect(applied.out).toContain('Removed 2, each logged in retention-log.jsonl');
  expect(existsSync(path.join(archiveDir, 'solna/annual-follow-up/solna-annual-follow-up-2023.json'))).toBe(false);
  expect(existsSync(path.join(archiveDir, 'solna/annual-follow-up/.outcomes/2023'))).toBe(false);
  expect(existsSync(path.join(archiveDir, 'solna/annual-follow-up/.outcomes/2026'))).toBe(true);
  for (const ext of ['pdf', 'docx', 'html', 'md']) expect(existsSync(path.join(archiveDir, `solna/annual-follow-up/solna-annual-follow-up-2023.${ext}`))).toBe(true);
  const log = readFileSync(path.join(archiveDir, 'solna/retention-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  expect(log.map((l) => l.removed)).toEqual(['solna/annual-follow-up/.outcomes/2023', 'solna/annual-follow-up/solna-annual-follow-up-2023.json']);
  expect(log.every((l) => l.decision === DECISION && l.by?.startsWith('cli:') && l.at)).toBe(true);

  expect((await followup('retention', 'report')).out).toContain('Nothing is due for removal.');
  const shown = await followup('retention', 'log');
  expect(shown.code).toBe(0);
  expect(shown.out).toMatch(/solna\s+answers\s+solna\/annual-follow-up\/\.outcomes\/2023\s+folder\s+P3M \(annual-follow-up's own\)\s+KS 2024\/112 § 45/);
  expect(shown.out).toMatch(/solna\s+answers\s+solna\/annual-follow-up\/solna-annual-follow-up-2023\.json\s+folder\s+P2Y/);
  const help = await followup('retention', 'report', '--help');
  expect(help.out).toContain('Nothing is removed by default');
  expect(help.out).toContain('temporal operator namespace update --retention');
});
