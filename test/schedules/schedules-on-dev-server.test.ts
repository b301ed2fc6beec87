/**
 * The Temporal Schedules on the dev server, driven by the real `followup` command: sync creates
 * what the config implies and a second sync changes nothing; each schedule's next runs are the
 * calendar rule's instants in Europe/Stockholm (a public holiday moved to the next working day, 09:00
 * local on both sides of a daylight-saving change); trigger starts the right cycle; a starting
 * worker syncs by itself; and the registers survive a worker restart.
 */
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveRun } from '../../activities/schedules';
import { desiredSchedules } from '../../client/schedules';
import { loadConfigFile } from '../../config/load';
import { createTestWorker, devServer, freePort, PROJECT_ROOT, SOLNA_CONFIG, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { startWorkerProcess } from '../helpers/worker-process';

jest.setTimeout(180_000);

const work = mkdtempSync(path.join(tmpdir(), 'followup-schedules-'));

/**
 * Kungälv opening its tertial call five days after each tertial, which puts two openings on
 * holidays (Epiphany 2027, Ascension Day 2027); Borås opening 86 days into the year, which in 2027
 * is Easter Day, the Sunday summer time begins.
 */
function variant(name: string, replacements: [string, string][]): string {
  let text = readFileSync(path.join(PROJECT_ROOT, `config/examples/${name}.yaml`), 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${name}.yaml has no "${from}"`);
    text = text.replace(from, to);
  }
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}
const KUNGALV = variant('kungalv', [['opensAfterPeriodEnd: P1D', 'opensAfterPeriodEnd: P5D']]);
const BORAS = variant('boras', [
  ['opensAfterPeriodEnd: P14D', 'opensAfterPeriodEnd: P86D'],
  ['deadlineAfterPeriodEnd: P45D', 'deadlineAfterPeriodEnd: P110D'],
  ['closesAfterPeriodEnd: P2M', 'closesAfterPeriodEnd: P5M'],
]);

const FALUN = path.join(PROJECT_ROOT, 'config/examples/falun.yaml');

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;
let address: string;

function followup(config: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
      { cwd: work, env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: tw.taskQueue, FOLLOWUP_CONFIG: config, FOLLOWUP_ARCHIVE_DIR: tw.archiveDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}
const json = async <T>(config: string, ...args: string[]): Promise<T> => {
  const r = await followup(config, ...args, '--json');
  if (r.code !== 0) throw new Error(`followup ${args.join(' ')} failed: ${r.err}`);
  return JSON.parse(r.out) as T;
};
type Listed = { scheduleId: string; nextRuns: { at: string; local: string; label?: string }[]; recentRuns: { workflowId?: string }[] };

beforeAll(async () => {
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  [env, smtp] = await Promise.all([devServer({ port }), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { configs: [loadConfigFile(KUNGALV), loadConfigFile(BORAS), loadConfigFile(SOLNA_CONFIG), loadConfigFile(FALUN)] });
});

afterAll(async () => {
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

test('sync creates the schedules and the running revision; a second sync changes nothing', async () => {
  const first = await followup(KUNGALV, 'schedules', 'sync');
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/^created +followup\/kungalv\/tertial-report$/m);
  expect(first.out).toMatch(/^created +followup\/kungalv\/policy-revision$/m);
  // The mandate period 2026–2030 began on 15 October 2026, before the schedule existed: started now.
  expect(first.out).toMatch(/^started-now +followup\/kungalv\/policy-revision \(2026-2030 had already begun; started now\)$/m);
  await until(() => smtp.to('sofia.wennerberg@kungalv.example').find((m) => m.subject.startsWith('Dags att revidera')), 'the revision request to the owner');

  const second = await followup(KUNGALV, 'schedules', 'sync');
  expect(second.code).toBe(0);
  expect(second.out.trim().split('\n').map((l) => l.split(/ +/)[0])).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(smtp.to('sofia.wennerberg@kungalv.example')).toHaveLength(1);
});

/**
 * The instants worked out by hand from the almanac, several years ahead so the test holds as the
 * calendar moves on: each listed run must be one of these.
 */
const KUNGALV_TERTIAL_OPENINGS: Record<string, string> = {
  '2026-T3': '2027-01-07T08:00:00.000Z', // 6 Jan is Epiphany → Thursday 7th, 09:00 winter time
  '2027-T1': '2027-05-07T07:00:00.000Z', // 6 May is Ascension Day → Friday 7th, 09:00 summer time
  '2027-T2': '2027-09-06T07:00:00.000Z',
  '2027-T3': '2028-01-07T08:00:00.000Z', // Epiphany again
  '2028-T1': '2028-05-08T07:00:00.000Z', // a Saturday → Monday
  '2028-T2': '2028-09-06T07:00:00.000Z',
  '2028-T3': '2029-01-08T08:00:00.000Z', // Epiphany on a Saturday → Monday 8th
  '2029-T1': '2029-05-07T07:00:00.000Z',
  '2029-T2': '2029-09-06T07:00:00.000Z',
};
const BORAS_OPENINGS: Record<string, string> = {
  '2026': '2027-03-30T07:00:00.000Z', // Easter Day and the first day of summer time; Easter Monday too → Tuesday
  '2027': '2028-03-27T07:00:00.000Z', // the day after summer time begins
  '2028': '2029-03-28T07:00:00.000Z', // summer time since the 25th
  '2029': '2030-03-28T08:00:00.000Z', // still winter time: summer time begins on the 31st
};

test('the next runs are the calendar rule at 09:00 in Stockholm: holidays moved on, summer time kept', async () => {
  await followup(BORAS, 'schedules', 'sync');
  const kungalv = await json<Listed[]>(KUNGALV, 'schedules', 'list', '--next', '6');
  const tertial = kungalv.find((s) => s.scheduleId === 'followup/kungalv/tertial-report')!;
  const known = tertial.nextRuns.filter((r) => r.label! in KUNGALV_TERTIAL_OPENINGS);
  expect(known.length).toBeGreaterThanOrEqual(3);
  for (const run of known) {
    expect([run.label, run.at]).toEqual([run.label, KUNGALV_TERTIAL_OPENINGS[run.label!]]);
    expect(run.local.slice(11, 16)).toBe('09:00');
  }

  const boras = await json<Listed[]>(BORAS, 'schedules', 'list', '--next', '4');
  const activities = boras.find((s) => s.scheduleId === 'followup/boras/international-activities')!;
  const borasKnown = activities.nextRuns.filter((r) => r.label! in BORAS_OPENINGS);
  expect(borasKnown.length).toBeGreaterThanOrEqual(2);
  for (const run of borasKnown) expect([run.label, run.at]).toEqual([run.label, BORAS_OPENINGS[run.label!]]);

  // What the server will run is what the calendar functions compute, for every schedule.
  for (const [file, listed] of [[KUNGALV, kungalv], [BORAS, boras]] as const) {
    for (const d of desiredSchedules(loadConfigFile(file), new Date())) {
      const server = listed.find((s) => s.scheduleId === d.scheduleId);
      if (d.runs.length === 0) continue;
      expect(server?.nextRuns.map((r) => r.at)).toEqual(d.runs.slice(0, server?.nextRuns.length).map((r) => new Date(r.at).toISOString()));
    }
  }

  const human = await followup(KUNGALV, 'schedules', 'list');
  expect(human.out).toContain(`followup/kungalv/tertial-report\n  next ${tertial.nextRuns[0]!.local}  → ${tertial.nextRuns[0]!.label}`);
});

test('trigger starts the cycle whose opening came most recently, once', async () => {
  const triggered = await followup(KUNGALV, 'schedules', 'trigger', 'tertial-report');
  expect(triggered).toMatchObject({ code: 0, out: expect.stringMatching(/^Triggered tertial-report at /) });
  // The period whose opening came last (in November 2026: 2026-T2's, in September).
  const expected = resolveRun(loadConfigFile(KUNGALV), 'tertial-report', new Date());
  const period = expected.workflowId.split('/').at(-1)!;
  const status = await until(async () => {
    const r = await followup(KUNGALV, 'cycle', 'status', 'tertial-report', '--period', period, '--json');
    return r.code === 0 ? (JSON.parse(r.out) as { workflowId: string; units: unknown[] }) : undefined;
  }, 'the triggered cycle');
  expect(status.units).toHaveLength(3);
  await followup(KUNGALV, 'schedules', 'trigger', 'tertial-report');
  const listed = await until(async () => {
    const list = await json<Listed[]>(KUNGALV, 'schedules', 'list');
    const runs = list.find((s) => s.scheduleId === 'followup/kungalv/tertial-report')!.recentRuns;
    return runs.length === 2 ? runs : undefined;
  }, 'two recent runs');
  expect(listed.every((r) => r.workflowId?.startsWith('followup/kungalv/tertial-report/run'))).toBe(true);
  // The second run found the cycle running and started nothing new.
  const cycles = await env.client.workflow.list({ query: `WorkflowType = 'cycleWorkflow' AND WorkflowId STARTS_WITH 'cycle/kungalv/'` });
  const ids: string[] = [];
  for await (const w of cycles) ids.push(w.workflowId);
  expect(ids).toEqual([expected.workflowId]);
  // A schedule starts a cycle as the CLI and the web do: its tasks may take a minute (CYCLE_TASK_TIMEOUT).
  const { raw } = await env.client.workflow.getHandle(expected.workflowId).describe();
  expect(Number(raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds)).toBe(60);

  const unknown = await followup(KUNGALV, 'schedules', 'trigger', 'no-such-obligation');
  expect(unknown.code).not.toBe(0);
  expect(unknown.err).toMatch(/no-such-obligation/);
});

test('a starting worker syncs the schedules of its organisations', async () => {
  const worker = await startWorkerProcess({ address, taskQueue: tw.taskQueue, smtpUrl: smtp.url, archiveDir: tw.archiveDir, syncSchedules: true });
  try {
    await until(() => (worker.output().includes('Schedules of solna') ? true : undefined), 'the worker to sync');
    const line = worker.output().split('\n').find((l) => l.startsWith('Schedules of solna'))!;
    expect(line).toContain('created followup/solna/annual-follow-up');
    expect(line).toContain('created followup/solna/international-seminar');
    expect(line).toContain('started-now followup/solna/international-seminar');
    const solna = await json<Listed[]>(SOLNA_CONFIG, 'schedules', 'list');
    expect(solna.map((s) => s.scheduleId)).toEqual(['followup/solna/annual-follow-up', 'followup/solna/international-seminar']);
    // This year's seminar count runs from now on.
    await until(async () => {
      const d = await env.client.workflow.getHandle(`occurrences/solna/international-seminar/${new Date().getFullYear()}`).describe().catch(() => undefined);
      return d?.status.name === 'RUNNING' ? d : undefined;
    }, "this year's seminar count");
  } finally {
    await worker.kill('SIGTERM');
  }
});

test('projects, seminars and agreements registered by the CLI are kept across a worker restart', async () => {
  const project = await followup(SOLNA_CONFIG, 'project', 'register', '--id', 'urbact-2027', '--title', 'URBACT Solna', '-u', 'omsorg', '--owner-name', 'Ola Ägare', '--owner-email', 'ola.agare@solna.example', '--start', '2027-09-01', '--partner', 'Gent', '--eu-funded');
  expect(project).toMatchObject({ code: 0 });
  const seminar = await followup(SOLNA_CONFIG, 'seminar', 'register', '--date', '2027-04-10', '--title', 'Cities for Europe', '--place', 'Bryssel', '--country', 'BE', '--role', 'organiser', '-u', 'omsorg');
  expect(seminar).toMatchObject({ code: 0 });
  const badSeminar = await followup(SOLNA_CONFIG, 'seminar', 'register', '--date', '2027-04-10', '--title', 'X', '--place', 'Y', '--country', 'Belgien', '--role', 'organiser', '-u', 'omsorg');
  expect(badSeminar.code).not.toBe(0);
  expect(badSeminar.err).toMatch(/country/);

  // The worker stops and a new one takes over the same queue.
  const queue = tw.taskQueue;
  await tw.stop();
  tw = await createTestWorker(env, smtp.url, { configs: tw.configs, archiveDir: tw.archiveDir, taskQueue: queue });

  const projects = await json<{ id: string; state: string; euFunded: boolean }[]>(SOLNA_CONFIG, 'project', 'list');
  expect(projects).toEqual([expect.objectContaining({ id: 'urbact-2027', state: 'awaiting-goals', euFunded: true })]);
  const seminars = await json<{ title: string; role: string }[]>(SOLNA_CONFIG, 'seminar', 'list');
  expect(seminars).toEqual([expect.objectContaining({ title: 'Cities for Europe', role: 'organiser' })]);
  // The register for Excel, from the command line: a file of its own, dates as dates.
  const xlsx = path.join(mkdtempSync(path.join(tmpdir(), 'followup-list-')), 'projects.xlsx');
  expect((await followup(SOLNA_CONFIG, 'project', 'list', '--format', 'xlsx', '--out', xlsx)).out).toContain(`Wrote 1 rows to ${xlsx}.`);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsx);
  const row = book.getWorksheet('Projekt')!.getRow(2);
  expect([row.getCell(1).value, row.getCell(2).value, row.getCell(4).value]).toEqual(['urbact-2027', 'URBACT Solna', new Date(Date.UTC(2027, 8, 1))]);
  const csv = await followup(SOLNA_CONFIG, 'seminar', 'list', '--format', 'csv', '--out', xlsx.replace('.xlsx', '.csv'));
  expect(csv.code).toBe(0);
  expect(readFileSync(xlsx.replace('.xlsx', '.csv'), 'utf8')).toContain('Cities for Europe;2027-04-10;Bryssel;BE;arrangör;Omsorgsförvaltningen');
  // The gate carries on after the restart: the owner's goals are taken and sent for review.
  const goals = await followup(SOLNA_CONFIG, 'project', 'goals', 'urbact-2027', '-s', 'purpose=Stärka stadens sociala arbete.', '-s', 'goals=Två nya metoder.', '-s', 'activities=Nätverksmöten.', '-s', 'partner_commitments=Gent leder.', '-s', 'timetable=2027–2029.', '-s', 'evaluation=Extern utvärdering.');
  expect(goals).toMatchObject({ code: 0 });
  await until(() => smtp.to('internationella.sekretariatet@solna.example').find((m) => m.subject === 'Att granska: mål för URBACT Solna'), 'the review mail');
  const approved = await followup(SOLNA_CONFIG, 'project', 'approve', 'urbact-2027');
  expect(approved).toMatchObject({ code: 0 });
  const again = await followup(SOLNA_CONFIG, 'project', 'approve', 'urbact-2027');
  expect(again.code).not.toBe(0);
  expect(again.err).toMatch(/har inga inlämnade mål att godkänna/);
});

test('agreements and the revision decision from the command line, with clear refusals', async () => {
  const agreement = ['agreement', 'register', '--id', 'vanort-rovaniemi', '--title', 'Vänortsavtal Rovaniemi', '--partner', 'Rovaniemi stad', '-u', 'kultur-och-fritid', '--owner-name', 'Ingrid Jonsson', '--owner-email', 'ingrid.jonsson@falun.example'];
  const noEnd = await followup(FALUN, ...agreement);
  expect(noEnd.code).not.toBe(0);
  expect(noEnd.err).toContain("required option '--ends <date>' not specified");
  const wrongUnit = await followup(FALUN, ...agreement.map((a) => (a === 'kultur-och-fritid' ? 'kultur' : a)), '--ends', '2029-06-30');
  expect(wrongUnit.err).toContain('no unit "kultur" in falun; known: barn-och-utbildning, kultur-och-fritid, samhallsbyggnad, omsorgsforvaltningen');
  expect(await followup(FALUN, ...agreement, '--ends', '2029-06-30')).toMatchObject({ code: 0 });
  const twice = await followup(FALUN, ...agreement, '--ends', '2029-06-30');
  expect(twice.err).toMatch(/already registered/);
  const agreements = await until(async () => {
    const list = await json<{ id: string; state: string; endsOn: string }[]>(FALUN, 'agreement', 'list');
    return list.length ? list : undefined;
  }, 'the agreement in the register');
  expect(agreements).toEqual([expect.objectContaining({ id: 'vanort-rovaniemi', state: 'active', endsOn: '2029-06-30' })]);

  // Kungälv's revision of 2026–2030 was started by the first sync; starting it again changes nothing.
  expect(await followup(KUNGALV, 'revision', 'start')).toMatchObject({ code: 0 });
  await until(() => smtp.to('sofia.wennerberg@kungalv.example').find((m) => m.subject.startsWith('Dags att revidera')), 'the revision request');
  const status = await json<{ periodId: string; state: string; dueDate: string }>(KUNGALV, 'revision', 'status');
  expect(status).toMatchObject({ periodId: '2026-2030', state: 'requested', dueDate: '2029-10-15' });
  const record = ['revision', 'record', '--body', 'Kommunfullmäktige', '--paragraph', '§ 88/2027', '--outcome', 'revised'];
  const badDate = await followup(KUNGALV, ...record, '--decided-on', '15 juni');
  expect(badDate.code).not.toBe(0);
  expect(badDate.err).toContain('decidedOn: the date of the decision as YYYY-MM-DD');
  const badOutcome = await followup(KUNGALV, 'revision', 'record', '--body', 'KF', '--paragraph', '§ 1', '--outcome', 'kept', '--decided-on', '2027-06-15');
  expect(badOutcome.err).toMatch(/Allowed choices are revised, confirmed/);
  const recorded = await followup(KUNGALV, ...record, '--decided-on', '2027-06-15');
  expect(recorded).toMatchObject({ code: 0, out: 'Revision 2026-2030 recorded: Kommunfullmäktige 2027-06-15 § 88/2027 (revised).\n' });
  expect((await followup(KUNGALV, 'revision', 'status')).out).toContain('Revision 2026-2030 of Kungälvs kommun: decided');
  const wrongPeriod = await followup(KUNGALV, 'revision', 'status', '--period', '2022-2026');
  expect(wrongPeriod.err).toContain('The revision 2022-2026 is not registered. It starts with its schedule; start it now with: followup revision start');

  for (const command of [['project', 'return'], ['seminar', 'list'], ['agreement', 'decide'], ['revision', 'record'], ['schedules', 'sync']]) {
    const help = await followup(KUNGALV, ...command, '--help');
    expect(help).toMatchObject({ code: 0, out: expect.stringContaining(`Usage: followup ${command.join(' ')}`) });
  }
});
