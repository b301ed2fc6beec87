/**
 * A whole cycle on Temporal's own server on PostgreSQL (built from its Go modules, cached between
 * runs), with two workers as separate processes: one is killed with SIGKILL mid-cycle, the Temporal
 * server is restarted once, and still the report is compiled and delivered and every mail reaches
 * exactly its recipients (a mail sent twice carries the same Message-ID, counted and reported).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { closeCycle, cycleStatus, listCycles, startCycle, submitAnswer } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/cluster/temporal-cluster';
import { PROJECT_ROOT, SOLNA_CONFIG, TEST_LINK_SECRET, until } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

// The first run builds Temporal's server from source (minutes); later runs reuse the build.
jest.setTimeout(45 * 60_000);

const config = loadConfigFile(SOLNA_CONFIG);
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const dir = mkdtempSync(path.join(tmpdir(), 'followup-cluster-'));
const taskQueue = 'cluster-test';
let cluster: TemporalCluster;
let smtp: TestSmtpServer;
let connection: Connection;
let client: Client;
const workers: { name: string; process: ChildProcess; output: string }[] = [];

function startWorker(name: string) {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), 'worker'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: smtp.url,
      FOLLOWUP_LINK_SECRET: TEST_LINK_SECRET,
      FOLLOWUP_DATA_DIR: path.join(dir, 'data'),
      FOLLOWUP_ARCHIVE_DIR: path.join(dir, 'archive'),
      FOLLOWUP_SYNC_SCHEDULES: 'off',
      FOLLOWUP_CONFIG: SOLNA_CONFIG,
      PUBLIC_BASE_URL: 'https://uppfoljning.solna.example',
    },
  });
  const worker = { name, process: child, output: '' };
  child.stdout.on('data', (c: Buffer) => (worker.output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (worker.output += c.toString()));
  workers.push(worker);
  return until(() => (worker.output.includes('Stop with Ctrl-C') ? true : undefined), `worker ${name} to start: ${worker.output}`, 120_000);
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  cluster = await startTemporalCluster({ dir: path.join(dir, 'temporal'), log: (line) => console.log(line) });
  connection = await Connection.connect({ address: cluster.address });
  client = new Client({ connection });
  await Promise.all([startWorker('a'), startWorker('b')]);
});

afterAll(async () => {
  for (const w of workers) w.process.kill('SIGTERM');
  await connection?.close();
  await cluster?.stop();
  await smtp?.close();
});

test('a cycle survives a killed worker and a restarted server, and every mail reaches exactly its recipients', async () => {
  expect((await startCycle(client, taskQueue, key, 'test')).outcome).toBe('started');
  const contacts = config.units.flatMap((u) => u.contacts.map((c) => c.email));
  await until(() => (contacts.every((c) => smtp.to(c).some((m) => m.subject.includes('2025'))) ? true : undefined), 'every request mail', 180_000);

  // One worker dies without a word, mid-cycle; the other carries on.
  workers[0]!.process.kill('SIGKILL');
  const answer = { eu_projects: 'Inga', other_work: 'Nätverksmöten', effects: 'Nya kontakter', reported_to_board: true };
  const [first, second, ...rest] = config.units;
  await submitAnswer(client, key, first!.id, answer, 'contact');
  await submitAnswer(client, key, second!.id, answer, 'contact');

  // The Temporal server is restarted on the same PostgreSQL data.
  await cluster.stopServer();
  await cluster.startServer();
  await connection.close();
  connection = await Connection.connect({ address: cluster.address });
  client = new Client({ connection });

  for (const unit of rest) await until(async () => (await submitAnswer(client, key, unit.id, answer, 'contact').then(() => true).catch(() => undefined)), `the answer of ${unit.id}`, 120_000);
  await closeCycle(client, key, 'test');
  const status = await until(async () => {
    const s = await cycleStatus(client, key, { unitsToo: false });
    return s.info.report && (s.info.delivery ?? []).length > 0 && s.info.delivery!.every((d) => d.state === 'delivered') ? s : undefined;
  }, 'the report delivered', 180_000);
  expect(status.info.report!.answered).toBe(config.units.length);
  // The status and the organisation's cycles from the cluster's visibility store on PostgreSQL.
  const listed = await until(async () => {
    const s = await cycleStatus(client, key);
    return s.units.length === config.units.length && s.units.every((u) => u.closed && u.state === 'answered') ? s : undefined;
  }, 'every unit answered and closed in the visibility store', 60_000);
  expect(listed.starting).toBe(false);
  expect((await listCycles(client, 'solna')).map((c) => c.key)).toEqual([key]);

  // Exactly its recipients: each address got each mail; a mail that came twice had the same Message-ID.
  const recipients = [...contacts, 'kf.sekreterare@solna.example', 'int.kommitten@solna.example'];
  for (const address of recipients) expect(smtp.to(address).length).toBeGreaterThan(0);
  const bySubject = new Map<string, Set<string>>();
  let duplicates = 0;
  const seen = new Set<string>();
  for (const mail of smtp.received) {
    for (const to of mail.envelopeTo) {
      const id = `${to} ${mail.messageId}`;
      if (seen.has(id)) duplicates++;
      seen.add(id);
      const subjects = bySubject.get(`${to} ${mail.subject}`) ?? new Set<string>();
      subjects.add(mail.messageId);
      bySubject.set(`${to} ${mail.subject}`, subjects);
    }
  }
  console.log(`cluster run: ${smtp.received.length} mails received, ${duplicates} duplicates (same Message-ID, same recipient)`);
  expect([...bySubject].filter(([, ids]) => ids.size > 1)).toEqual([]);
  const unexpected = smtp.received.flatMap((m) => m.envelopeTo).filter((to) => !recipients.includes(to) && !to.endsWith('@solna.example'));
  expect(unexpected).toEqual([]);
});
