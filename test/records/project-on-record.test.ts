/**
 * A project's definition on record (npm start's PGlite over the wire protocol): the owner submits
 * goals, the secretariat returns them with a comment, the owner corrects them, they are approved;
 * then the project's workflow is deleted through Temporal's API, as the namespace's retention does
 * with its history, and every version of the goals, the comment and who did each step are in the
 * database of record.
 */
import path from 'node:path';
import { approveGoals, closeProject, projectStatus, registerProject, returnGoals, submitGoals } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { projectWorkflowId } from '../../domain/registers';
import { projectOnRecord } from '../../records/projects';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';

jest.setTimeout(180_000);

const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const goals = { purpose: 'Utbyte mellan skolor', goals: 'Två utbyten per år', activities: 'Besök och webbinarier', partner_commitments: 'Tartu tar emot', timetable: '2027–2028', evaluation: 'Enkät' };

let testbed: RecordsTestbed;

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [config] });
});

afterAll(async () => testbed?.close());

test("a project's goals versions, the return's comment and the approval outlive the workflow's history", async () => {
  const plannedStart = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  await registerProject(testbed.env.client, testbed.tw.taskQueue, config, { id: 'skolutbyte-tartu', title: 'Skolutbyte Tartu', unitId: 'barn-utbildning', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart, partners: ['Tartu'], euFunded: false }, undefined, 'test');
  const awaiting = () => until(async () => (['awaiting-goals', 'returned'].includes((await projectStatus(testbed.env.client, 'solna', 'skolutbyte-tartu')).state) ? true : undefined), 'the goals asked for');
  await awaiting();
  await submitGoals(testbed.env.client, 'solna', 'skolutbyte-tartu', goals);
  await returnGoals(testbed.env.client, 'solna', 'skolutbyte-tartu', 'Ange hur utbytet utvärderas.', 'Anna Berg (anna.berg)');
  await awaiting();
  await submitGoals(testbed.env.client, 'solna', 'skolutbyte-tartu', { ...goals, evaluation: 'Enkät och intervjuer' });
  await approveGoals(testbed.env.client, 'solna', 'skolutbyte-tartu', 'Anna Berg (anna.berg)');
  await until(async () => ((await projectOnRecord(testbed.records, 'solna', 'skolutbyte-tartu')).steps.some((s) => s.step === 'approved') ? true : undefined), 'the approval on record');
  await closeProject(testbed.env.client, 'solna', 'skolutbyte-tartu', 'Anna Berg (anna.berg)');
  const handle = testbed.env.client.workflow.getHandle(projectWorkflowId('solna', 'skolutbyte-tartu'));
  await handle.result();

  // As the namespace's retention does once the workflow has closed.
  await testbed.env.client.workflowService.deleteWorkflowExecution({ namespace: testbed.env.namespace ?? 'default', workflowExecution: { workflowId: projectWorkflowId('solna', 'skolutbyte-tartu') } });

  const onRecord = await projectOnRecord(testbed.records, 'solna', 'skolutbyte-tartu');
  expect(onRecord.goals.map((g) => [g.revision, g.actor, g.goals.evaluation])).toEqual([
    [1, 'owner', 'Enkät'],
    [2, 'owner', 'Enkät och intervjuer'],
  ]);
  expect(onRecord.goals[0]!.goals).toEqual(goals);
  expect(onRecord.steps.map((s) => [s.step, s.actor, s.comment])).toEqual([
    ['returned', 'Anna Berg (anna.berg)', 'Ange hur utbytet utvärderas.'],
    ['approved', 'Anna Berg (anna.berg)', undefined],
  ]);
});
