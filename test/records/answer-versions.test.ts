/**
 * Every version of every answer, in the database of record (npm start's PGlite over the wire
 * protocol): a unit's answer and its correction, each with who sent it, when, its values and the
 * submission it came in; the same submission sent twice is one version; an answer the secretariat
 * records for a unit names who did.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startCycle, submitAnswer } from '../../client/cycles';
import type { CycleKey } from '../../domain/ids';
import { answerVersions } from '../../records/answers';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { createTestWorker, devServer, until, type TestWorker } from '../helpers/environment';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

jest.setTimeout(180_000);

const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const answer = { eu_projects: 'Inga', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };
let backend: RecordsBackend;
let records: Records;
let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;

beforeAll(async () => {
  backend = await startEmbeddedBackend();
  records = await openRecords(await backend.freshDatabase());
  await migrateToLatest(records);
  [env, smtp] = await Promise.all([devServer(), startTestSmtpServer()]);
  tw = await createTestWorker(env, smtp.url, { records });
});

afterAll(async () => {
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
  await records?.destroy();
  await backend?.stop();
});

test('an answer and its correction are two versions in the database of record, each with its sender, values and submission', async () => {
  await startCycle(env.client, tw.taskQueue, key, 'test');
  await until(() => (smtp.received.length >= 6 ? true : undefined), 'the requests', 60_000);

  await submitAnswer(env.client, key, 'omsorg', answer, 'contact', 'form-1');
  // The same form sent again (a double click, a lost confirmation) is the same submission.
  await submitAnswer(env.client, key, 'omsorg', answer, 'contact', 'form-1');
  await submitAnswer(env.client, key, 'omsorg', { ...answer, effects: 'Nya kontakter och ett gemensamt projekt' }, 'contact', 'form-2');
  await submitAnswer(env.client, key, 'tekniska', answer, 'secretariat', 'mail-answer', 'Anna Berg (anna.berg)');

  const versions = await until(async () => {
    const all = await answerVersions(records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' });
    return all.length >= 3 ? all : undefined;
  }, 'three versions in the database');
  const omsorg = versions.filter((v) => v.unit === 'omsorg');
  expect(omsorg.map((v) => [v.revision, v.submissionId, v.actor, v.answers.effects])).toEqual([
    [1, 'form-1', 'contact', 'Nya kontakter'],
    [2, 'form-2', 'contact', 'Nya kontakter och ett gemensamt projekt'],
  ]);
  expect(omsorg[0]!.answers).toEqual(answer);
  expect(omsorg[0]!.at.getTime()).toBeLessThanOrEqual(omsorg[1]!.at.getTime());
  expect(versions.find((v) => v.unit === 'tekniska')).toMatchObject({ revision: 1, submissionId: 'mail-answer', actor: 'Anna Berg (anna.berg)' });
  // Nothing twice, however often the activities were tried.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await answerVersions(records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' })).toHaveLength(3);
});
