/**
 * A running cycle's units' lines beside the visibility store, in the database of record (npm
 * start's PGlite over the wire protocol), written by the worker after each unit's activation: the
 * status reads them in one query and shows what a listing of the store shows; a line missing or
 * behind makes it list the store instead; an older write never replaces a newer one; the writer's
 * put resolves once its line is written, or, the database failing, lets the task go on; and a
 * closed cycle's lines go once its report is compiled. The real `followup cycle status --json` reads them.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { closeCycle, cycleStatus, startCycle, submitAnswer, type CycleStatus } from '../../client/cycles';
import { cycleWorkflowId, type CycleKey } from '../../domain/ids';
import type { StoredUnitRow } from '../../domain/types';
import { createUnitRowWriter, unitRowsOf, writeUnitRows } from '../../records/unit-rows';
import { PROJECT_ROOT, SOLNA_CONFIG, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';

jest.setTimeout(180_000);

const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const cycleId = cycleWorkflowId(key);
const answer = { eu_projects: 'Inga', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };

let testbed: RecordsTestbed;

beforeAll(async () => {
  testbed = await startRecordsTestbed();
});

afterAll(async () => testbed?.close());

const byUnit = (status: CycleStatus) => [...status.units].sort((a, b) => a.unitId.localeCompare(b.unitId));
const withRecords = () => cycleStatus(testbed.env.client, key, { openRows: () => unitRowsOf(testbed.records, cycleId) });
const listed = () => cycleStatus(testbed.env.client, key);

/** Until the status from the database's lines and the listing of the visibility store agree, both settled. */
async function agreeing(what: string, settled: (status: CycleStatus) => boolean): Promise<CycleStatus> {
  return until(async () => {
    const [fromRecords, fromListing] = await Promise.all([withRecords(), listed()]);
    if (!fromRecords.fromRecords) return undefined;
    return isDeepStrictEqual(byUnit(fromRecords), byUnit(fromListing)) && settled(fromRecords) ? fromRecords : undefined;
  }, what);
}

function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_TASK_QUEUE: testbed.tw.taskQueue, FOLLOWUP_CONFIG: SOLNA_CONFIG, FOLLOWUP_ARCHIVE_DIR: testbed.tw.archiveDir, DATABASE_URL: testbed.url } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

test('the status of a running cycle reads its units from the database of record, as the visibility store lists them, and follows each change', async () => {
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  const units = testbed.tw.configs[0]!.units.length;
  const first = await agreeing('every unit on record, as listed, its request sent', (s) => s.units.length === units && s.units.every((u) => u.requestSentAt));
  expect(first.units).toHaveLength(units);
  expect(first.units.every((u) => u.state === 'requested' && u.requestSentAt)).toBe(true);

  await submitAnswer(testbed.env.client, key, 'omsorg', answer, 'contact', 'form-1');
  const answered = await agreeing('the answer on record, as listed', (s) => s.units.find((u) => u.unitId === 'omsorg')?.state === 'answered');
  expect(answered.units.find((u) => u.unitId === 'omsorg')!.answer).toMatchObject({ by: 'contact', revision: 1 });

  // The operator's command: the same lines, read from the database.
  const run = await followup('cycle', 'status', 'annual-follow-up', '--period', '2025', '--json');
  expect(run.err).toBe('');
  const json = JSON.parse(run.out) as { fromRecords?: boolean; units: { unitId: string; shownState: string }[] };
  expect(json.fromRecords).toBe(true);
  expect(json.units).toHaveLength(units);
  expect(json.units.find((u) => u.unitId === 'omsorg')!.shownState).toBe('answered');
});

test('a line missing, or saying otherwise than the visibility store, in the database makes the status list the visibility store instead', async () => {
  const stored = await unitRowsOf(testbed.records, cycleId);
  const tekniska = stored.find((u) => u.unitId === 'tekniska')!;
  try {
    // Differs: the database says answered, the store does not.
    await testbed.records.updateTable('unit_rows').set({ row: JSON.stringify({ ...tekniska, state: 'answered' }) }).where('cycle', '=', cycleId).where('unit', '=', 'tekniska').execute();
    const differs = await withRecords();
    expect(differs.fromRecords).toBeUndefined();
    expect(differs.units.find((u) => u.unitId === 'tekniska')!.state).toBe('requested');
    // Missing: a unit without its line.
    await testbed.records.deleteFrom('unit_rows').where('cycle', '=', cycleId).where('unit', '=', 'tekniska').execute();
    const missing = await withRecords();
    expect(missing.fromRecords).toBeUndefined();
    expect(missing.units).toHaveLength(testbed.tw.configs[0]!.units.length);
  } finally {
    // As the unit's next change would write it.
    await writeUnitRows(testbed.records, [{ cycle: cycleId, unit: 'tekniska', row: tekniska, runId: 'restored', historyLength: 10_000 }]);
  }
  expect((await withRecords()).fromRecords).toBe(true);
});

test('an older write of a unit never replaces a newer one, and a new run of the unit (a reset) replaces the old run', async () => {
  const cycle = 'cycle/test/ordering/2025';
  const line = (state: StoredUnitRow['state']): StoredUnitRow => ({ unitId: 'u1', state, remindersSentAt: [], mailProblems: [], history: [] }) as unknown as StoredUnitRow;
  await writeUnitRows(testbed.records, [{ cycle, unit: 'u1', row: line('answered'), runId: 'run-1', historyLength: 20 }]);
  await writeUnitRows(testbed.records, [{ cycle, unit: 'u1', row: line('requested'), runId: 'run-1', historyLength: 12 }]);
  expect((await unitRowsOf(testbed.records, cycle)).map((r) => r.state)).toEqual(['answered']);
  // A reset run replays the old run's first events and goes on from there: a shorter history, a new run.
  await writeUnitRows(testbed.records, [{ cycle, unit: 'u1', row: line('scheduled'), runId: 'run-2', historyLength: 3 }]);
  expect((await unitRowsOf(testbed.records, cycle)).map((r) => r.state)).toEqual(['scheduled']);
  // Lines written before a cycle's start are an earlier run's of the same cycle id.
  expect(await unitRowsOf(testbed.records, cycle, new Date(Date.now() + 60_000))).toEqual([]);
});

test('the worker\'s writer has a line in the database when its put resolves; a database that fails lets the workflow task go on, and gets the line once it is back', async () => {
  const cycle = 'cycle/test/writer/2025';
  const line = (unitId: string) => ({ unitId, state: 'requested', remindersSentAt: [], mailProblems: [], history: [] }) as unknown as StoredUnitRow;
  const problems: unknown[] = [];
  const writer = createUnitRowWriter(testbed.records, { retryMs: 200, onError: (err) => problems.push(err) });
  await Promise.all(['w1', 'w2', 'w3'].map((unit) => writer.put({ cycle, unit, row: line(unit), runId: 'r', historyLength: 5 })));
  expect((await unitRowsOf(testbed.records, cycle)).map((r) => r.unitId).sort()).toEqual(['w1', 'w2', 'w3']);

  // The table away for a moment (as a database that refuses): the put goes on, the line waits.
  await testbed.records.schema.alterTable('unit_rows').renameTo('unit_rows_away').execute();
  try {
    const started = Date.now();
    await writer.put({ cycle, unit: 'w4', row: line('w4'), runId: 'r', historyLength: 5 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(problems.length).toBeGreaterThan(0);
  } finally {
    await testbed.records.schema.alterTable('unit_rows_away').renameTo('unit_rows').execute();
  }
  await until(async () => ((await unitRowsOf(testbed.records, cycle)).some((r) => r.unitId === 'w4') ? true : undefined), 'the line written once the table is back', 10_000);
  await writer.close();
  // Closed: nothing more is taken, and nothing waits.
  await writer.put({ cycle, unit: 'w5', row: line('w5'), runId: 'r', historyLength: 5 });
  expect((await unitRowsOf(testbed.records, cycle)).map((r) => r.unitId)).not.toContain('w5');
});

test('once the cycle has closed and its report is compiled, its lines leave the database and the status reads the report\'s data', async () => {
  await closeCycle(testbed.env.client, key, 'test', 'test');
  await testbed.env.client.workflow.getHandle(cycleId).result();
  await until(async () => ((await unitRowsOf(testbed.records, cycleId)).length === 0 ? true : undefined), 'the lines forgotten');
  const closed = await withRecords();
  expect(closed.info.phase).toBe('closed');
  expect(closed.fromRecords).toBeUndefined();
  expect(closed.units.find((u) => u.unitId === 'omsorg')!.state).toBe('answered');
});
