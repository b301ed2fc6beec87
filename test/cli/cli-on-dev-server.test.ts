/**
 * The secretariat drives a Solna cycle with the real `followup` command, against the Temporal dev
 * server, from start to a compiled report in the archive and in the mail.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CycleStatus } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import { formatDate } from '../../domain/calendar';
import type { ShownState } from '../../domain/unit-states';
import { createTestWorker, devServer, freePort, PROJECT_ROOT, SOLNA_CONFIG, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;
let address: string;
const work = mkdtempSync(path.join(tmpdir(), 'followup-cli-'));

function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
      {
        cwd: work,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_TASK_QUEUE: tw.taskQueue,
          FOLLOWUP_CONFIG: SOLNA_CONFIG,
          FOLLOWUP_ARCHIVE_DIR: tw.archiveDir,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

beforeAll(async () => {
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  [env, smtp] = await Promise.all([
    devServer({ port }),
    startTestSmtpServer(),
  ]);
  tw = await createTestWorker(env, smtp.url);
});

afterAll(async () => {
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

test('from start to a compiled report, as the secretariat would do it', async () => {
  const cycle = ['annual-follow-up', '--period', '2025'];

  const missing = await followup('cycle', 'status', ...cycle);
  expect(missing.code).toBe(1);
  expect(missing.err).toContain('No cycle annual-follow-up 2025 for solna');
  expect(missing.err).toContain('followup cycle start annual-follow-up --period 2025');

  const started = await followup('cycle', 'start', ...cycle);
  expect(started).toMatchObject({ code: 0, out: expect.stringContaining('Started cycle/solna/annual-follow-up/2025') });
  expect((await followup('cycle', 'start', ...cycle)).out).toContain('cycle/solna/annual-follow-up/2025 is already running; nothing new was started.');

  // Started after its opening day, the cycle opens now: the requests go out at once.
  await smtp.waitFor(7, 60_000);

  const good = path.join(work, 'omsorg.json');
  writeFileSync(good, JSON.stringify({ eu_projects: 'Inga EU-projekt', other_work: 'Studiebesök i Vilnius', effects: 'Nya rutiner för mottagande' }));
  const answered = await followup('cycle', 'answer', ...cycle, '--unit', 'omsorg', '--file', good);
  expect(answered).toMatchObject({ code: 0, out: expect.stringContaining('Recorded the answer of omsorg (version 1)') });

  const bad = path.join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify({ eu_projects: '', effects: 'x' }));
  const rejected = await followup('cycle', 'answer', ...cycle, '--unit', 'barn-utbildning', '--file', bad);
  expect(rejected.code).toBe(1);
  expect(rejected.err).toContain('Pågående EU-projekt, andra internationella projekt och inlämnade ansökningar: måste fyllas i.');
  const notJson = path.join(work, 'not.json');
  writeFileSync(notJson, '{eu_projects: x');
  expect((await followup('cycle', 'answer', ...cycle, '--unit', 'barn-utbildning', '--file', notJson)).err).toContain('Cannot read');

  expect((await followup('cycle', 'remind', ...cycle, '--unit', 'miljo-byggnad')).out).toContain('Reminder queued for: miljo-byggnad.');
  const extended = await followup('cycle', 'extend', ...cycle, '--unit', 'kultur-fritid', '--until', new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10));
  expect(extended).toMatchObject({ code: 0, out: expect.stringContaining('kultur-fritid: new deadline') });
  expect((await followup('cycle', 'exempt', ...cycle, '--unit', 'tekniska', '--reason', 'Ny förvaltning')).out).toContain('tekniska is exempt from this cycle.');
  const unknownUnit = await followup('cycle', 'exempt', ...cycle, '--unit', 'brandkaren');
  expect(unknownUnit).toMatchObject({ code: 1, err: expect.stringContaining('No unit "brandkaren" in solna. Known: barn-utbildning') });

  const human = await followup('cycle', 'status', ...cycle);
  expect(human.out).toContain('annual-follow-up 2025: öppen, 1 av 5 har svarat');
  expect(human.out).toMatch(/Omsorgsförvaltningen \(omsorg\)\s+besvarad/);
  expect(human.out).toMatch(/Tekniska förvaltningen \(tekniska\)\s+undantagen/);
  expect(human.out).toMatch(/Miljö- och byggnadsförvaltningen \(miljo-byggnad\)\s+väntar på svar\s+\S+\s+1/);

  // The answers so far, asked of the running cycle's units, as CSV for Swedish Excel.
  const runningCsv = path.join(work, 'running.csv');
  expect((await followup('cycle', 'export', ...cycle, '--format', 'csv', '--out', runningCsv)).out).toContain(`Wrote the answers of 6 units to ${runningCsv}.`);
  const running = parse(readFileSync(runningCsv, 'utf8').slice(1), { delimiter: ';' }) as string[][];
  expect(running.find((r) => r[0] === 'omsorg')).toContain('Studiebesök i Vilnius');
  expect(running.find((r) => r[0] === 'tekniska')).toContain('Ny förvaltning');

  expect((await followup('cycle', 'close', ...cycle)).out).toContain('the report is being compiled');
  const closed = await until(async () => {
    const status = JSON.parse((await followup('cycle', 'status', ...cycle, '--json')).out) as CycleStatus;
    return status.info.phase === 'closed' ? status : undefined;
  }, 'the cycle to close');
  expect(closed.info.report).toMatchObject({ asked: 5, answered: 1, exempt: 1 });
  // Closed early: the status heads with when it closed (not the planned time), and the units that
  // did not answer say so rather than "väntar på svar"; --json carries the same.
  const zone = loadConfigFile(SOLNA_CONFIG).organisation.timeZone;
  const { closedAt, plan } = closed.info;
  expect(Date.parse(closedAt!)).toBeLessThan(Date.parse(plan!.closesAt));
  const closedHuman = (await followup('cycle', 'status', ...cycle)).out;
  expect(closedHuman).toContain(`annual-follow-up 2025: stängd ${formatDate(closedAt!, zone, 'sv', true)} i förtid (planerat ${formatDate(plan!.closesAt, zone, 'sv', true)}), 1 av 5 har svarat\n`);
  expect(closedHuman).toMatch(/Miljö- och byggnadsförvaltningen \(miljo-byggnad\)\s+har inte svarat\s+\S+\s+1/);
  expect(closedHuman).toMatch(/Omsorgsförvaltningen \(omsorg\)\s+besvarad/);
  expect(closedHuman).toMatch(/Tekniska förvaltningen \(tekniska\)\s+undantagen/);
  expect(closedHuman).not.toContain('väntar på svar');
  const shown = closed as unknown as { info: { closedEarly?: boolean }; units: { unitId: string; shownState: ShownState }[] };
  expect(shown.info.closedEarly).toBe(true);
  expect(Object.fromEntries(shown.units.map((u) => [u.unitId, u.shownState]))).toEqual({
    'barn-utbildning': 'unanswered',
    'kultur-fritid': 'unanswered',
    omsorg: 'answered',
    socialforvaltningen: 'unanswered',
    'miljo-byggnad': 'unanswered',
    tekniska: 'exempt',
  });
  const report = readFileSync(path.join(tw.archiveDir, closed.info.report!.markdown), 'utf8');
  expect(report).toMatch(/^- Har inte svarat: \*\*Barn- och utbildningsförvaltningen\*\*, \*\*Kultur- och fritidsförvaltningen\*\*/m);
  expect(report).toContain(`Uppföljningen stängdes ${formatDate(closedAt!, zone, 'sv', true)}`);
  expect(report.match(/^\*\*Har inte svarat\.\*\* Sista svarsdag/gm)).toHaveLength(4);
  expect(report).toContain('> Studiebesök i Vilnius');
  expect(report).toContain('- Undantagna: Tekniska förvaltningen');
  expect(existsSync(path.join(tw.archiveDir, 'solna/annual-follow-up/solna-annual-follow-up-2025.html'))).toBe(true);
  await until(async () => (smtp.to('kf.sekreterare@solna.example').length ? true : undefined), 'the report mail');
  expect(smtp.to('kf.sekreterare@solna.example')[0]!.subject).toBe('Rapport: Uppföljning av Solna stads internationella policy 2025');
  // Once compiled, the answers come from the archive, as XLSX by default.
  const xlsx = path.join(work, 'answers.xlsx');
  expect((await followup('cycle', 'export', ...cycle, '--out', xlsx)).code).toBe(0);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsx);
  const omsorg = book.getWorksheet('Svar')!.getRows(2, 5)!.find((r) => r.getCell(1).value === 'omsorg')!;
  expect((omsorg.values as unknown[]).slice(1)).toEqual(expect.arrayContaining(['Omsorgsförvaltningen', 'Svarat', 'Studiebesök i Vilnius']));

  const late = await followup('cycle', 'answer', ...cycle, '--unit', 'barn-utbildning', '--file', good);
  expect(late).toMatchObject({ code: 1, err: expect.stringContaining('Uppföljningen är stängd och tar inte emot fler ändringar.') });
  expect((await followup('cycle', 'start', ...cycle)).out).toContain('has already run and is closed');
});

test('a status loads what it reads with, not the worker, the web or the report and export libraries', async () => {
  // The modules the process had loaded when it ended, written by a preload.
  const preload = path.join(work, 'loaded-modules.cjs');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_MODULES_FILE, Object.keys(require.cache).join('\\n')));\n");
  const listed = path.join(work, 'loaded-modules.txt');
  const status = await new Promise<{ out: string }>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--require', preload, path.join(PROJECT_ROOT, 'bin/followup.js'), 'cycle', 'status', 'annual-follow-up', '--period', '2025', '--json'],
      { cwd: work, env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: tw.taskQueue, FOLLOWUP_CONFIG: SOLNA_CONFIG, LOADED_MODULES_FILE: listed } },
      (error, stdout) => (error ? reject(error) : resolve({ out: stdout })),
    ),
  );
  expect((JSON.parse(status.out) as CycleStatus).units).toHaveLength(6);
  const packages = new Set(readFileSync(listed, 'utf8').split('\n').flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? []));
  expect(packages).toContain('@temporalio/client');
  for (const heavy of ['@temporalio/worker', '@temporalio/core-bridge', 'fastify', 'pdfkit', 'exceljs', 'docx', 'handlebars', 'nodemailer', 'jszip']) expect(packages).not.toContain(heavy);
});

test('every command has help, and a wrong command says so', async () => {
  const help = await followup('cycle', 'answer', '--help');
  expect(help.code).toBe(0);
  expect(help.out).toContain('--file <answers.json>');
  const wrong = await followup('cycle', 'begin');
  expect(wrong.code).toBe(1);
  expect(wrong.err).toContain("unknown command 'begin'");
});

test('followup web serves the answer form and the dashboard from the real binary', async () => {
  const port = await freePort();
  const hash = await new Promise<string>((resolve) => {
    const child = execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), 'web', 'hash-password'], (_e, stdout) => resolve(stdout.trim()));
    child.stdin!.end('ett långt lösenord för testet');
  });
  expect(hash).toMatch(/^scrypt\$/);
  const web = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), 'web'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      FOLLOWUP_CONFIG: SOLNA_CONFIG,
      FOLLOWUP_WEB_PORT: String(port),
      FOLLOWUP_LINK_SECRET: 'a-secret-of-at-least-thirty-two-characters',
      FOLLOWUP_SECRETARIAT_PASSWORD_HASH: hash,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  web.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  web.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  try {
    await until(() => (output.includes('Web interface on') ? true : undefined), `followup web to start: ${output}`);
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Sekretariatets inloggning');
  } finally {
    web.kill('SIGTERM');
  }
  // Without the secrets it refuses to start and says how to make them.
  const missing = await new Promise<string>((resolve) =>
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), 'web'], { env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FOLLOWUP_'))), TEMPORAL_ADDRESS: address } }, (_e, _out, stderr) => resolve(stderr)),
  );
  expect(missing).toContain('FOLLOWUP_LINK_SECRET is not set; generate one with: openssl rand -base64 48');
});
