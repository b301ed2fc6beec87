/** The benchmark at N = 10, so `npm run bench` cannot rot; the full run stays out of the suite. */
import { chart, markdownTable, runBenchmark } from '../../scripts/bench/run';

jest.setTimeout(240_000);

test('a 10-unit cycle and its floor run to the end on the dev server, with every mail delivered', async () => {
  const run = await runBenchmark({ units: [10], log: () => undefined });
  const [result] = run.results;
  expect(result!.units).toBe(10);
  expect(result!.ours.mails).toBe(result!.ours.expectedMails);
  // What the cycle recorded holds at least a request and the report, a receipt per answer and an escalation per silent unit.
  expect(result!.ours.expectedMails).toBeGreaterThanOrEqual(10 + 9 + 1 + 2);
  expect(result!.ratioToFloor).toBeGreaterThan(0.5);
  expect(result!.ours.peakRssMb).toBeGreaterThan(0);
  expect(result!.ours.updateP99Ms).toBeGreaterThan(0);
  expect(result!.mailsPerSecond).toBeGreaterThan(0);
  // Each worker's own metrics were read: every unit ran workflow tasks on both sides.
  for (const side of [result!.ours, result!.floor]) {
    expect(side.profile.workflowTasks).toBeGreaterThan(10);
    expect(side.updatesPerSecond).toBeGreaterThan(0);
    expect(side.updatesResent).toBe(0);
    expect(side.answersLate).toBe(0);
    // Each answer falls in one phase of the cycle, whose moments come in their order.
    expect(Object.values(side.phases.phases).reduce((sum, p) => sum + p.updates, 0)).toBe(9);
    const m = side.parentHistory.milestones;
    const moments = [m.firstUnitStarted, m.lastUnitStarted, m.closing, m.lastUnitEnded, m.ended];
    expect(moments.every((t) => typeof t === 'number')).toBe(true);
    expect(moments).toEqual([...moments].sort((a, b) => a! - b!));
    expect(Math.max(...Object.values(side.phases.phases).map((p) => p.peakRssMb))).toBeGreaterThan(0);
  }
  expect(markdownTable(run)).toContain('By phase of the cycle');
  expect(markdownTable(run)).toContain('Where the time goes');
  expect(markdownTable(run)).toMatch(/\| dev \| 10 \| [\d.]+ \| [\d.]+ \| \*\*[\d.]+\*\* \|/);
  // The status as the secretariat waits for it, all ten units in it, from the visibility store.
  expect(result!.status.unitsListed).toBe(10);
  for (const seconds of [result!.status.pageSeconds, result!.status.cliSeconds, result!.status.listSeconds]) expect(seconds).toBeGreaterThan(0);
  expect(markdownTable(run)).toMatch(/\| dev \| 10 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 10 \|/);
  expect(chart(run)).toContain('<svg');
  // Our worker wrote the database of record (npm start's PGlite), as in production: every answer, every mail.
  console.log(`bench smoke: records ${JSON.stringify(result!.records)}`);
  expect(result!.records.rows.answer_versions).toBe(9);
  expect(result!.records.rows.mail_log).toBeGreaterThanOrEqual(result!.ours.expectedMails);
  expect(result!.records.perSecond).toBeGreaterThan(0);
  expect(markdownTable(run)).toMatch(/\| dev \| 10 \| PGlite [^|]+ \| answer_versions 9, mail_log \d+/);
});
