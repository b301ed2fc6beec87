/**
 * A case whose workflow runs again under the same business key (its history deleted after the
 * namespace's retention and the case started anew, or a `temporal workflow reset`) counts its
 * versions from 1 again. On both databases: each run's versions are kept beside the other's, and
 * the case is read as its newest version by time, in a listing, a year and the archive's year list;
 * rows from before the runs were told apart keep theirs. Then, on the dev server and npm start's
 * database: the worker writes each version with its workflow's run, and a period whose cycle, or a
 * year whose goals, has run and is archived (its workflow gone, its case on record) is refused in
 * the web, by the client and by `followup cycle start`, saying so and where to see it; nothing is started.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Migrator, sql } from 'kysely';
import { runCli } from '../../cli/program';
import { CycleArchivedError, startCycle } from '../../client/cycles';
import { isNotFound } from '../../client/temporal';
import { GoalsArchivedError, recordGoals } from '../../client/yearly-goals';
import { loadConfigFile } from '../../config/load';
import { cycleWorkflowId } from '../../domain/ids';
import { goalsWorkflowId } from '../../domain/registers';
import { caseOnRecord, casesOfKind, casesOfYear, caseVersions, recordCase } from '../../records/cases';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { RECORDS_MIGRATIONS } from '../../records/migrations';
import { yearsOnRecord } from '../../records/year-package';
import { buildWebApp } from '../../web/app';
import { PROJECT_ROOT } from '../helpers/environment';
import { deleteHistory, RECORDS_BACKENDS, startRecordsTestbed, type RecordsBackend, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(300_000);

const at = (day: number) => new Date(Date.UTC(2025, 0, day, 9));

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  const open: Records[] = [];
  const fresh = async (upTo?: string) => {
    const db = await openRecords(await backend.freshDatabase());
    open.push(db);
    if (upTo) await new Migrator({ db, provider: { getMigrations: async () => ({ ...RECORDS_MIGRATIONS }) } }).migrateTo(upTo);
    else await migrateToLatest(db);
    return db;
  };

  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.destroy()));
    await backend?.stop();
  });

  test("two runs of one case both keep their versions, and the case is its newest version by time", async () => {
    const db = await fresh();
    const kase = (runId: string, version: number, day: number, year: number, state: string) =>
      recordCase(db, { org: 'solna', kind: 'project', caseId: 'vanort-2025', runId, version, title: 'Vänort 2025', year, state: { state }, at: at(day) });
    // The first run, its history later deleted; then the same business key started again, counting from 1.
    await kase('run-1', 1, 1, 2025, 'registered');
    await kase('run-1', 2, 2, 2025, 'approved');
    await kase('run-1', 3, 3, 2025, 'closed');
    await kase('run-2', 1, 10, 2026, 'registered again');
    await kase('run-2', 2, 11, 2026, 'approved again');
    // A retried write of a run's version: the first write stands.
    await kase('run-2', 2, 12, 2026, 'a retry');

    const versions = await caseVersions<{ state: string }>(db, 'solna', 'project', 'vanort-2025');
    expect(versions.map((v) => [v.runId, v.version, v.state.state])).toEqual([
      ['run-1', 1, 'registered'],
      ['run-1', 2, 'approved'],
      ['run-1', 3, 'closed'],
      ['run-2', 1, 'registered again'],
      ['run-2', 2, 'approved again'],
    ]);
    // The newest by time, though the first run's version 3 has the higher number.
    expect((await caseOnRecord<{ state: string }>(db, 'solna', 'project', 'vanort-2025'))?.state.state).toBe('approved again');
    expect((await casesOfKind<{ state: string }>(db, 'solna', 'project')).map((c) => c.state.state)).toEqual(['approved again']);
    // In the year of its newest version only: the year's package, and the archive page's list of years.
    expect((await casesOfYear(db, 'solna', 2026)).map((c) => c.caseId)).toEqual(['vanort-2025']);
    expect(await casesOfYear(db, 'solna', 2025)).toEqual([]);
    expect(await yearsOnRecord(db, 'solna')).toEqual([{ year: 2026, kinds: { project: 1 } }]);
  });

  test('versions written before the runs were told apart keep theirs: an imported one is the run "import"', async () => {
    const db = await fresh('0006_accounts');
    for (const [version, day] of [[0, 1], [1, 2], [2, 3]] as const) {
      await sql`insert into case_records (org, kind, case_id, version, title, year, state, at) values ('solna', 'cycle', 'annual-follow-up/2024', ${version}, 'Årlig uppföljning 2024', 2024, ${JSON.stringify({ version })}, ${at(day)})`.execute(db);
    }
    await migrateToLatest(db);
    expect((await caseVersions(db, 'solna', 'cycle', 'annual-follow-up/2024')).map((v) => [v.runId, v.version])).toEqual([
      ['import', 0],
      ['', 1],
      ['', 2],
    ]);
    // A new run of the case after the upgrade: its version 1 is kept, and is the case as it stands.
    await recordCase(db, { org: 'solna', kind: 'cycle', caseId: 'annual-follow-up/2024', runId: 'run-after', version: 1, title: 'Årlig uppföljning 2024', year: 2024, state: { version: 'after' }, at: at(20) });
    expect(await caseVersions(db, 'solna', 'cycle', 'annual-follow-up/2024')).toHaveLength(4);
    expect((await caseOnRecord(db, 'solna', 'cycle', 'annual-follow-up/2024'))?.state).toEqual({ version: 'after' });
  });
});

describe("on the dev server and npm start's database", () => {
  const PASSWORD = 'rätt-lösenord-för-testet';
  const CONFIG_FILE = path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml');
  const config = loadConfigFile(CONFIG_FILE);
  let testbed: RecordsTestbed;
  let app: FastifyInstance;
  let secretariat: FormSession;
  const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  const gone = (workflowId: string) =>
    testbed.env.client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => false,
        (err: unknown) => (isNotFound(err) ? true : Promise.reject(err)),
      );

  beforeAll(async () => {
    testbed = await startRecordsTestbed({ configs: [config] });
    app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
    secretariat = new FormSession(app);
    expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  });
  afterAll(async () => {
    await app?.close();
    await testbed?.close();
  });

  test("a year's goals: each version on record with its workflow's run; once the workflow is gone, recording the year again is refused", async () => {
    const year = new Date().getFullYear() + 2;
    const workflowId = goalsWorkflowId('solna', 'council-goals', year);
    const form = { year: String(year), decidedOn: new Date().toISOString().slice(0, 10), body: 'Kommunfullmäktige', paragraph: '§ 12/2026', goals: 'Två nya vänortsutbyten' };
    expect((await secretariat.submit('/yearly-goals/council-goals', '/yearly-goals/council-goals', form)).statusCode).toBe(303);
    const handle = testbed.env.client.workflow.getHandle(workflowId);
    await handle.result();
    const { runId } = await handle.describe();
    const versions = await caseVersions(testbed.records, 'solna', 'goals', `council-goals/${year}`);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((v) => v.runId === runId)).toBe(true);

    // As the namespace's retention does.
    await deleteHistory(testbed.env, workflowId);

    const again = await secretariat.submit('/yearly-goals/council-goals', '/yearly-goals/council-goals', { ...form, paragraph: '§ 13/2026' });
    expect(again.statusCode).toBe(409);
    expect(textOf(again.body)).toContain(`Målen för ${year} är redan hanterade och arkiverade i registret (se nedan), så inget registrerades.`);
    await expect(recordGoals(testbed.env.client, testbed.tw.taskQueue, config, 'council-goals', year, { decidedOn: form.decidedOn, body: form.body, paragraph: '§ 14/2026', goals: [{ id: 'g1', label: 'Annat' }] }, 'test', { records: testbed.records })).rejects.toThrow(GoalsArchivedError);
    // Nothing started, nothing more on record.
    expect(await gone(workflowId)).toBe(true);
    expect(await caseVersions(testbed.records, 'solna', 'goals', `council-goals/${year}`)).toHaveLength(versions.length);
  });

  test("a period whose cycle has run and is archived is not started again: the dashboard, the client and followup cycle start say so", async () => {
    const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2019' };
    // The cycle ran long ago; its workflow's history has since been deleted.
    await recordCase(testbed.records, { org: 'solna', kind: 'cycle', caseId: 'annual-follow-up/2019', runId: 'the-run-of-2020', version: 1, title: 'Årlig uppföljning 2019', year: 2019, state: { key, phase: 'closed' }, at: new Date('2020-03-01T10:00:00Z') });

    const refused = await secretariat.submit('/dashboard', '/cycles', { obligation: 'annual-follow-up', period: '2019' });
    expect(refused.statusCode).toBe(409);
    const shown = textOf(refused.body);
    expect(shown).toMatch(/Uppföljningen .+ för 2019 har redan genomförts och är arkiverad: dess svar och rapport finns bevarade i registret och skulle skrivas över om den startades igen\. Inget startades\./);
    expect(shown).toContain('Perioden har redan följts upp. Ange en annan period.');
    expect(refused.body).toContain('<a href="/cycles/annual-follow-up/2019">Se uppföljningen för 2019 som den bevarats.</a>');

    await expect(startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test', { records: testbed.records })).rejects.toThrow(CycleArchivedError);

    const err: string[] = [];
    const code = await runCli(['cycle', 'start', 'annual-follow-up', '--period', '2019'], {
      out: () => undefined,
      err: (t) => err.push(t),
      env: { DATABASE_URL: testbed.url, TEMPORAL_ADDRESS: testbed.address, TEMPORAL_NAMESPACE: testbed.env.namespace ?? 'default', TEMPORAL_TASK_QUEUE: testbed.tw.taskQueue, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: testbed.tw.archiveDir },
    });
    expect(err.join('\n')).toContain('The annual-follow-up cycle for 2019 has already run and is archived');
    expect(err.join('\n')).toContain('/cycles/annual-follow-up/2019');
    expect(code).toBe(1);
    expect(await gone(cycleWorkflowId(key))).toBe(true);
  });
});
