/**
 * Every version of every answer, in the database of record (npm start's PGlite over the wire
 * protocol): a unit's answer and its correction, each with who sent it, when, its values and the
 * submission it came in; the same submission sent twice is one version; an answer the secretariat
 * records for a unit names who did.
 */
import { startCycle, submitAnswer } from '../../client/cycles';
import { unitWorkflowId, type CycleKey } from '../../domain/ids';
import { answerVersions } from '../../records/answers';
import { until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';

jest.setTimeout(180_000);

const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const answer = { eu_projects: 'Inga', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };

let testbed: RecordsTestbed;

beforeAll(async () => {
  testbed = await startRecordsTestbed();
});

afterAll(async () => testbed?.close());

test('an answer and its correction are two versions in the database of record, each with its sender, values and submission', async () => {
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await until(() => (testbed.smtp.received.length >= 6 ? true : undefined), 'the requests', 60_000);

  await submitAnswer(testbed.env.client, key, 'omsorg', answer, 'contact', 'form-1');
  // The same form sent again (a double click, a lost confirmation) is the same submission.
  await submitAnswer(testbed.env.client, key, 'omsorg', answer, 'contact', 'form-1');
  await submitAnswer(testbed.env.client, key, 'omsorg', { ...answer, effects: 'Nya kontakter och ett gemensamt projekt' }, 'contact', 'form-2');
  await submitAnswer(testbed.env.client, key, 'tekniska', answer, 'secretariat', 'mail-answer', 'Anna Berg (anna.berg)');

  const versions = await until(async () => {
    const all = await answerVersions(testbed.records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' });
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
  expect(await answerVersions(testbed.records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' })).toHaveLength(3);
});

test('an answer whose receipt the mail server refuses is on record all the same, written by the receipt and by no write of its own', async () => {
  const contact = testbed.tw.configs[0]!.units.find((u) => u.id === 'kultur-fritid')!.contacts[0]!.email;
  testbed.smtp.refuseRecipient = (address) => (address === contact ? { code: 550, message: 'Mailbox unavailable' } : undefined);
  try {
    await submitAnswer(testbed.env.client, key, 'kultur-fritid', answer, 'contact', 'form-refused');
    const version = await until(async () => {
      const all = await answerVersions(testbed.records, { org: 'solna', obligation: 'annual-follow-up', period: '2025' });
      return all.find((v) => v.unit === 'kultur-fritid');
    }, 'the version in the database');
    expect(version).toMatchObject({ revision: 1, submissionId: 'form-refused', actor: 'contact' });
    // The workflow task that took the answer waited for no database: no local activity in the unit's history.
    const history = await testbed.env.client.workflow.getHandle(unitWorkflowId(key, 'kultur-fritid')).fetchHistory();
    const markers = (history.events ?? []).map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean);
    expect(markers).not.toContain('core_local_activity');
  } finally {
    testbed.smtp.refuseRecipient = undefined;
  }
});
