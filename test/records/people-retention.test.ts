/**
 * Retention by decision for the people records, on npm start's PGlite: delegations (their
 * withdrawal kept with them), substitutions and changes of a unit's contacts made in the web. A
 * config without rules for them removes nothing; with rules, `followup retention report` lists what
 * is due with each decision, `--apply` removes exactly that and writes one line per removal to the
 * retention log, and what is still in force (a delegation of a running cycle, a substitution not
 * yet over, the contacts a unit has now) stays.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfigFile } from '../../config/load';
import { recordCase } from '../../records/cases';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { addDelegation, addSubstitution, clearUnitContacts, delegationsOf, removeSubstitution, setUnitContacts, substitutionsOf, unitContactOverrides, withdrawDelegation } from '../../records/people';
import { planRecordsRetention, retentionLog } from '../../records/retention';
import { PROJECT_ROOT, SOLNA_CONFIG } from '../helpers/environment';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';

jest.setTimeout(120_000);

const work = mkdtempSync(path.join(tmpdir(), 'followup-people-retention-'));
const DECISION = { delegations: 'KS 2024/123 § 51', substitutions: 'KS 2024/123 § 52', contactChanges: 'KS 2024/123 § 53' };
const LONG_AGO = new Date('2012-03-01T10:00:00Z');
const LATER_THAT_YEAR = new Date('2012-09-01T10:00:00Z');
const RECENTLY = new Date(Date.now() - 30 * 86_400_000);

const doc = parse(readFileSync(SOLNA_CONFIG, 'utf8')) as Record<string, unknown>;
doc.retention = {
  delegations: { keep: 'P5Y', decision: DECISION.delegations },
  substitutions: { keep: 'P2Y', decision: DECISION.substitutions },
  contactChanges: { keep: 'P2Y', decision: DECISION.contactChanges },
};
const CONFIG_FILE = path.join(work, 'solna.yaml');
writeFileSync(CONFIG_FILE, stringify(doc));
const solna = loadConfigFile(CONFIG_FILE);

let backend: RecordsBackend;
let url: string;
let db: Records;
const ids: Record<string, string> = {};

beforeAll(async () => {
  backend = await startEmbeddedBackend();
  url = await backend.freshDatabase();
  db = await openRecords(url);
  await migrateToLatest(db);
  const cycle2012 = { org: 'solna', obligation: 'annual-follow-up', period: '2012' };
  const delegate = async (name: string, period: string, at: Date) =>
    (await addDelegation(db, { ...cycle2012, period, unit: 'omsorg', email: `${name}@solna.example`, delegatedBy: 'Karin Sandberg', delegatedAt: at })).id;
  // Withdrawn long ago; handed over long ago and never withdrawn; of an old cycle whose case changed recently; recent.
  ids.withdrawn = await delegate('olle', '2012', LONG_AGO);
  await withdrawDelegation(db, { org: 'solna', id: ids.withdrawn }, 'Sekretariatet (sekretariatet)', LATER_THAT_YEAR);
  ids.old = await delegate('lisa', '2012', LONG_AGO);
  ids.caseChanged = await delegate('kalle', '2011', LONG_AGO);
  await recordCase(db, { org: 'solna', kind: 'cycle', caseId: 'annual-follow-up/2011', version: 1, title: 'cycle 2011', year: 2011, state: {}, at: RECENTLY });
  ids.recent = await delegate('nina', '2026', RECENTLY);

  // Over long ago (one removed, one run to its end); one still running.
  const substitute = (person: string, from: string, until: string, at: Date) =>
    addSubstitution(db, { org: 'solna', personEmail: `${person}@solna.example`, substitute: { email: 'per.ek@solna.example' }, from, until, copyPerson: true, createdBy: 'Anna Berg (anna.berg)', createdAt: at });
  const removed = await substitute('karin.sandberg', '2012-03-01', '2012-03-20', LONG_AGO);
  await removeSubstitution(db, 'solna', removed.id, 'Anna Berg (anna.berg)', new Date('2012-03-05T10:00:00Z'));
  await substitute('maria.johansson', '2012-06-01', '2012-06-30', LONG_AGO);
  await substitute('sofia.bergstrom', new Date().toISOString().slice(0, 10), '2999-12-31', RECENTLY);

  // The culture department's contacts changed twice long ago (the second still in force); the care department's changed and set back.
  const change = (unit: string, email: string, at: Date) => setUnitContacts(db, { org: 'solna', unit, contacts: [{ email }], changedBy: 'Anna Berg (anna.berg)', changedAt: at });
  await change('kultur-fritid', 'kultur@solna.example', LONG_AGO);
  await change('kultur-fritid', 'kultur.internationellt@solna.example', LATER_THAT_YEAR);
  await change('omsorg', 'omsorg.international@solna.example', LONG_AGO);
  await clearUnitContacts(db, 'solna', 'omsorg', { by: 'Anna Berg (anna.berg)', at: LATER_THAT_YEAR });
});

afterAll(async () => {
  await db?.destroy();
  await backend?.stop();
});

function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args], { env: { ...process.env, DATABASE_URL: url, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: path.join(work, 'archive') } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    ),
  );
}

test('the people records are kept without a rule; with one, report lists what is due with its decision, apply removes only that and logs each removal', async () => {
  // Without rules (the default), nothing of them is due.
  expect((await planRecordsRetention(db, { configs: [{ ...solna, retention: {} }] }, new Date())).due).toEqual([]);

  const plan = await planRecordsRetention(db, { configs: [solna] }, new Date());
  const listed = (due: readonly { type: string; what: string; decision: string | null }[]) => due.map((d) => `${d.type} ${d.what} ${d.decision}`).sort();
  const expected = [
    `contactChanges solna/kultur-fritid: contacts set at ${LONG_AGO.toISOString()}`,
    `contactChanges solna/omsorg: contacts back to the config at ${LATER_THAT_YEAR.toISOString()}`,
    `contactChanges solna/omsorg: contacts set at ${LONG_AGO.toISOString()}`,
    `delegations solna/annual-follow-up/2012/omsorg to lisa@solna.example (${ids.old})`,
    `delegations solna/annual-follow-up/2012/omsorg to olle@solna.example (${ids.withdrawn})`,
    'substitutions solna: karin.sandberg@solna.example by per.ek@solna.example, 2012-03-01–2012-03-20',
    'substitutions solna: maria.johansson@solna.example by per.ek@solna.example, 2012-06-01–2012-06-30',
  ];
  const shown = listed(plan.due);
  expect(shown).toHaveLength(expected.length);
  expected.forEach((line, i) => expect(shown[i]).toContain(line));
  expect(plan.due.every((d) => d.decision === DECISION[d.type as keyof typeof DECISION])).toBe(true);
  // A withdrawn delegation counts from its withdrawal; what is in force is kept, and counted.
  expect(plan.due.find((d) => d.what.includes(ids.withdrawn!))).toMatchObject({ recordAt: LATER_THAT_YEAR.toISOString(), rule: 'P5Y' });
  const count = (type: string) => plan.counts.find((c) => c.org === 'solna' && c.type === type);
  expect(count('delegations')).toMatchObject({ due: 2, kept: 2, rule: 'P5Y', decision: DECISION.delegations, why: 'not yet P5Y old' });
  expect(count('substitutions')).toMatchObject({ due: 2, kept: 1 });
  expect(count('contactChanges')).toMatchObject({ due: 3, kept: 1 });

  // The real command: the report removes nothing and says what is due, kind by kind with its decision.
  const report = await followup('retention', 'report');
  expect(report.err).toBe('');
  expect(report.code).toBe(0);
  expect(report.out).toContain(`Due for removal (${expected.length}); remove with: followup retention report --apply`);
  expect(report.out).toMatch(/solna\s+delegations\s+delegation\s+database\s+2\s+2\s+P5Y\s+KS 2024\/123 § 51/);
  expect(report.out).toMatch(/solna\s+substitutions\s+substitution\s+database\s+2\s+1\s+P2Y\s+KS 2024\/123 § 52/);
  expect(report.out).toMatch(/solna\s+contactChanges\s+contact change\s+database\s+3\s+1\s+P2Y\s+KS 2024\/123 § 53/);
  expect(await delegationsOf(db, { org: 'solna', obligation: 'annual-follow-up', period: '2012' }, undefined, { withdrawn: true })).toHaveLength(2);

  const applied = await followup('retention', 'report', '--apply');
  expect(applied.code).toBe(0);
  expect(applied.out).toContain(`Removed ${expected.length}, each logged in the retention log (followup retention log):`);
  const log = await retentionLog(db);
  const logged = listed(log);
  expected.forEach((line, i) => expect(logged[i]).toContain(line));
  expect(log.every((l) => l.actor.startsWith('cli:') && l.org === 'solna' && l.place === 'database')).toBe(true);

  // Gone: exactly what was due. Kept: the recent delegation, the one whose cycle changed lately, the running substitution, the contacts in force.
  expect(await delegationsOf(db, { org: 'solna', obligation: 'annual-follow-up', period: '2012' }, undefined, { withdrawn: true })).toEqual([]);
  expect((await delegationsOf(db, { org: 'solna', obligation: 'annual-follow-up', period: '2011' })).map((d) => d.id)).toEqual([ids.caseChanged]);
  expect((await delegationsOf(db, { org: 'solna', obligation: 'annual-follow-up', period: '2026' })).map((d) => d.id)).toEqual([ids.recent]);
  expect((await substitutionsOf(db, 'solna')).map((s) => s.personEmail)).toEqual(['sofia.bergstrom@solna.example']);
  expect((await db.selectFrom('substitutions').select('id').execute()).length).toBe(1);
  expect((await unitContactOverrides(db, 'solna')).get('kultur-fritid')?.contacts).toEqual([{ email: 'kultur.internationellt@solna.example' }]);
  expect((await db.selectFrom('unit_contact_changes').select(['unit', 'changed_at']).execute()).map((r) => [r.unit, r.changed_at.toISOString()])).toEqual([['kultur-fritid', LATER_THAT_YEAR.toISOString()]]);
  expect((await followup('retention', 'report', '--apply')).out).toContain('Nothing was due for removal.');
});
