/**
 * A whole cycle on Temporal's own server on PostgreSQL (built from its Go modules, cached between
 * runs), with two workers as separate processes: one is killed with SIGKILL mid-cycle, the Temporal
 * server is restarted once, and still the report is compiled and delivered and every mail reaches
 * exactly its recipients (a mail sent twice carries the same Message-ID, counted and reported).
 * Then the worker that runs the register is killed as a cycle's requests go out, and each contact
 * still gets one request; and the cluster stops, PostgreSQL with it, after its server was killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { closeCycle, cycleStatus, listCycles, startCycle, submitAnswer } from '../../client/cycles';
import { registerProject } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import type { CycleKey } from '../../domain/ids';
import { registerWorkflowId } from '../../domain/registers';
import { ended } from '../../scripts/cluster/postgres';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/cluster/temporal-cluster';
import { PROJECT_ROOT, SOLNA_CONFIG, TEST_LINK_SECRET, until } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { registerContentsQuery } from '../../workflows/definitions';

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

test('killing the worker that runs the register as a cycle\'s requests go out sends nobody a request twice', async () => {
  const live = () => workers.filter((w) => !ended(w.process));
  while (live().length < 2) await startWorker(`w${workers.length}`);
  const later: CycleKey = { ...key, period: '2024' };
  const unit = config.units[0]!;
  // A project of the first unit, so that its request lists it: read from the register, not passed over.
  await registerProject(client, taskQueue, config, {
    id: 'cluster-drill',
    title: 'Klusterövningen',
    unitId: unit.id,
    owner: { name: 'Olle Ägare', email: 'olle.agare@solna.example' },
    plannedStart: '2027-03-01',
    partners: [],
    euFunded: false,
  });
  const register = client.workflow.getHandle(registerWorkflowId('solna'));
  await until(async () => ((await register.query(registerContentsQuery)).projects.some((p) => p.id === 'cluster-drill') ? true : undefined), 'the project in the register', 60_000);
  // The worker that completed the register's last task keeps it (Temporal's sticky queue) and is asked its queries.
  const completed = (await register.fetchHistory()).events!.filter((e) => e.workflowTaskCompletedEventAttributes).at(-1)!;
  const identity = completed.workflowTaskCompletedEventAttributes!.identity!;
  const holder = live().find((w) => identity.startsWith(`${w.process.pid}@`));
  if (!holder) throw new Error(`No live worker is ${identity}: ${live().map((w) => w.process.pid).join(', ')}`);
  // Asked once more, the holder polls its sticky queue anew: killed now, Temporal takes it for alive
  // and makes each query wait for it (10 s) before another worker answers, as after a crash in production.
  await register.query(registerContentsQuery);
  holder.process.kill('SIGKILL');
  expect((await startCycle(client, taskQueue, later, 'test')).outcome).toBe('started');

  // Every unit has its request sent (no attempt of it runs any more): then count what arrived.
  await until(async () => {
    const s = await cycleStatus(client, later);
    return s.units.length === config.units.length && s.units.every((u) => u.requestSentAt) ? true : undefined;
  }, 'every request of 2024 sent', 300_000);
  const requests = smtp.received.filter((m) => m.messageId.startsWith(`<solna.annual-follow-up.2024.`) && m.messageId.includes('.request.'));
  const contacts = config.units.flatMap((u) => u.contacts.map((c) => c.email));
  const perContact = contacts.map((c) => {
    const mails = requests.filter((m) => m.envelopeTo.includes(c));
    return { contact: c, mails: mails.length, messageIds: new Set(mails.map((m) => m.messageId)).size };
  });
  console.log(`register drill: killed ${identity}; ${requests.length} request mails for ${contacts.length} contacts`);
  expect(perContact).toEqual(contacts.map((c) => ({ contact: c, mails: 1, messageIds: 1 })));
  expect(requests).toHaveLength(contacts.length);
  for (const c of unit.contacts) expect(requests.find((m) => m.envelopeTo.includes(c.email))!.mail.text).toContain('Klusterövningen');
});

/** Whether something listens on the port (PostgreSQL, here). */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

test('after its Temporal server was killed, the cluster stops, PostgreSQL with it', async () => {
  const server = cluster.server!;
  const postgres = cluster.postgres;
  expect(await listening(postgres.port)).toBe(true);
  await new Promise<void>((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGKILL');
  });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    cluster.stop().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 60_000))),
  ]);
  clearTimeout(timer);
  console.log(`the cluster stopped ${Date.now() - started} ms after its server was killed`);
  expect(stopped).toBe(true);
  expect(ended(postgres.process)).toBe(true);
  expect(await listening(postgres.port)).toBe(false);
});
