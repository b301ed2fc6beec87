/**
 * A project's record outlives its workflow (issue 31): on the real dev server and npm start's
 * database (PGlite over the wire protocol), the secretariat registers a project in the web, its
 * owner submits goals, the secretariat returns them with a comment, the owner corrects them, the
 * secretariat approves them and closes the project; then the project's workflow history is deleted
 * through Temporal's API, as the namespace's retention does. The project's page, and its record as
 * CSV and XLSX, still show both versions of the goals, the comment and who did each step, read from
 * the database of record; nothing more can be done in it, and the page says so.
 */
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { editProject, projectStatus, saveGoalsDraft, submitGoals } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { projectWorkflowId } from '../../domain/registers';
import { caseVersions } from '../../records/cases';
import { buildWebApp } from '../../web/app';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { deleteHistory, startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { csrfOf, FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(120_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const ID = 'skolutbyte-tartu';
const SECRETARIAT = 'Sekretariatet (sekretariatet)';
const COMMENT = 'Ange hur utbytet utvärderas, och vem som gör det.';
const goals = { purpose: 'Utbyte mellan skolor', goals: 'Två utbyten per år', activities: 'Besök och webbinarier', partner_commitments: 'Tartu tar emot', timetable: '2027–2028', evaluation: 'Enkät' };
const corrected = { ...goals, evaluation: 'Enkät och intervjuer, av projektledaren' };

let testbed: RecordsTestbed;
let app: FastifyInstance;

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [config] });
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

const state = async () => (await projectStatus(testbed.env.client, 'solna', ID)).state;
const untilState = (wanted: string) => until(async () => ((await state()) === wanted ? true : undefined), `the project ${wanted}`);
/** The page's text without its markup, its spaces made one. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

test("after the project's workflow history is deleted, its page and its CSV and XLSX record show every version of the goals, the return's comment and who did each step", async () => {
  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  const plannedStart = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  const registered = await secretariat.submit('/projects', '/projects', { title: 'Skolutbyte Tartu', id: ID, unitId: 'barn-utbildning', ownerName: 'Pia Lund', ownerEmail: 'pia.lund@solna.example', plannedStart, partners: 'Tartu' });
  expect(registered.headers.location).toBe(`/projects/${ID}?done=project-registered`);
  await untilState('awaiting-goals');

  // The owner saves a draft and the secretariat adds a partner meanwhile: the draft is the owner's, not a record.
  const DRAFT = 'Ett utkast som ägaren ännu inte skickat';
  await saveGoalsDraft(testbed.env.client, 'solna', ID, { purpose: DRAFT });
  await editProject(testbed.env.client, 'solna', ID, { partners: ['Tartu', 'Riga'] }, SECRETARIAT);
  await until(async () => ((await caseVersions<{ partners?: string[] }>(testbed.records, 'solna', 'project', ID)).some((v) => v.state.partners?.includes('Riga')) ? true : undefined), 'the added partner on record');

  // The owner from the link in the mail; the secretariat in the web.
  await submitGoals(testbed.env.client, 'solna', ID, goals);
  expect((await secretariat.submit(`/projects/${ID}`, `/projects/${ID}/return`, { comment: COMMENT })).headers.location).toBe(`/projects/${ID}?done=goals-returned`);
  await submitGoals(testbed.env.client, 'solna', ID, corrected);
  expect((await secretariat.submit(`/projects/${ID}`, `/projects/${ID}/approve`, {})).headers.location).toBe(`/projects/${ID}?done=goals-approved`);
  // While it runs, its page shows the versions from the database of record, once the workflow has written them.
  const live = await until(async () => {
    const shown = textOf((await secretariat.get(`/projects/${ID}`)).body);
    return shown.includes('Version 2, inskickad') && shown.includes('Godkände målen,') ? shown : undefined;
  }, 'the versions on the running project\'s page');
  expect(live).toContain('Målens versioner');
  expect(live).toContain('Version 1, inskickad');
  expect(live).not.toContain('avslutat och arkiverat');
  expect((await secretariat.submit(`/projects/${ID}`, `/projects/${ID}/close`, {})).headers.location).toBe(`/projects/${ID}?done=project-closed`);
  const workflowId = projectWorkflowId('solna', ID);
  await testbed.env.client.workflow.getHandle(workflowId).result();

  // As the namespace's retention does once the workflow has closed.
  await deleteHistory(testbed.env, workflowId);

  const versions = await caseVersions(testbed.records, 'solna', 'project', ID);
  expect(versions.some((v) => 'goalsDraft' in v.state || JSON.stringify(v.state).includes(DRAFT))).toBe(false);

  const response = await secretariat.get(`/projects/${ID}`);
  expect(response.statusCode).toBe(200);
  const page = textOf(response.body);
  expect(page).toContain('Projektet är avslutat och arkiverat');
  expect(page).toMatch(/Status avslutat/);
  expect(page).toMatch(/Version 2, inskickad .+ av ägaren, via länken i mejlet/);
  expect(page).toMatch(/Version 1, inskickad .+ av ägaren, via länken i mejlet/);
  expect(page.indexOf('Version 2, inskickad')).toBeLessThan(page.indexOf('Version 1, inskickad'));
  expect(page).toContain('Utvärderingsmetoder Enkät och intervjuer, av projektledaren');
  expect(page).toContain('Utvärderingsmetoder Enkät ');
  expect(page).toContain(`Skickade tillbaka målen`);
  expect(page).toContain(`${SECRETARIAT}: ${COMMENT}`);
  expect(page).toMatch(/Godkände målen, \d+ \p{L}+ \d{4} \d\d:\d\d Sekretariatet \(sekretariatet\)/u);
  // The history pane: who registered it and who closed it.
  expect(page).toMatch(/Avslutade projektet/);
  expect(page.match(new RegExp(SECRETARIAT.replace(/[()]/g, '\\$&'), 'g'))!.length).toBeGreaterThanOrEqual(5);
  // Nothing is offered to do, and an action sent anyway is refused in words.
  for (const action of ['approve', 'return', 'close', 'edit']) expect(response.body).not.toContain(`action="/projects/${ID}/${action}"`);
  const csrf = csrfOf((await secretariat.get('/projects')).body);
  const refused = await secretariat.post(`/projects/${ID}/close`, { _csrf: csrf });
  expect(refused.statusCode).toBe(409);
  expect(textOf(refused.body)).toContain('Projektet är avslutat och arkiverat, så inget mer kan göras i det.');
  const goalsForm = await secretariat.get(`/projects/${ID}/goals`);
  expect(goalsForm.statusCode).toBe(409);
  expect(textOf(goalsForm.body)).toContain('Projektet är avslutat och arkiverat, så inget mer kan göras i det.');
  // In English too.
  const english = textOf((await secretariat.get(`/projects/${ID}?lang=en`)).body);
  expect(english).toContain('The project is closed and archived.');
  expect(english).toMatch(/Versions of the goals .* Version 2, submitted .+ by the owner, from the link in the mail/);
  expect(english).toContain(`Returned the goals`);
  await secretariat.get(`/projects/${ID}?lang=sv`);

  // The record as CSV: a row per field of each version, the return with its comment, the approval and the steps, each with who and when.
  // (Handlebars writes the link's "=" as "&#x3D;", which a browser reads as "=".)
  for (const format of ['csv', 'xlsx']) expect(response.body).toContain(`href="/projects/${ID}/record?format&#x3D;${format}" download`);
  const csv = await secretariat.get(`/projects/${ID}/record?format=csv`);
  expect(csv.statusCode).toBe(200);
  expect(csv.headers['content-type']).toContain('text/csv');
  expect(csv.headers['content-disposition']).toBe(`attachment; filename="solna-${ID}.csv"`);
  const rows = parse(csv.body.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
  expect(rows[0]).toEqual(['Projekt', 'Version', 'Fält eller steg', 'Värde eller kommentar', 'Av', 'När']);
  const byField = (version: string, field: string) => rows.find((r) => r[1] === version && r[2] === field);
  expect(byField('1', 'Utvärderingsmetoder')?.slice(0, 5)).toEqual(['Skolutbyte Tartu', '1', 'Utvärderingsmetoder', 'Enkät', 'ägaren, via länken i mejlet']);
  expect(byField('2', 'Utvärderingsmetoder')?.[3]).toBe('Enkät och intervjuer, av projektledaren');
  expect(rows.filter((r) => r[1] === '1')).toHaveLength(7); // six fields and the return
  expect(byField('1', 'Skickade tillbaka målen')?.slice(3, 5)).toEqual([COMMENT, SECRETARIAT]);
  expect(byField('2', 'Godkände målen')?.slice(3, 5)).toEqual(['', SECRETARIAT]);
  expect(rows.find((r) => r[2] === 'Registrerade')?.[4]).toBe(SECRETARIAT);
  expect(rows.find((r) => r[2] === 'Avslutade projektet')?.[4]).toBe(SECRETARIAT);
  for (const row of rows.slice(1)) expect(row[5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  // Oldest first: registered, the first version, its return, the second version, its approval, closed.
  const order = rows.slice(1).map((r) => r[2]).filter((f) => !['Syfte', 'Mål', 'Aktiviteter', 'Parternas åtaganden', 'Tidplan', 'Utvärderingsmetoder'].includes(f!));
  expect(order.filter((f) => ['Registrerade', 'Skickade tillbaka målen', 'Godkände målen', 'Avslutade projektet'].includes(f!))).toEqual(['Registrerade', 'Skickade tillbaka målen', 'Godkände målen', 'Avslutade projektet']);

  // The same as XLSX: each cell as Excel holds it.
  const xlsx = await secretariat.get(`/projects/${ID}/record?format=xlsx`);
  expect(xlsx.statusCode).toBe(200);
  expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
  const sheet = book.worksheets[0]!;
  expect(sheet.name).toBe('Projektets handlingar');
  const cells = (sheet.getSheetValues() as unknown[][]).slice(1).map((r) => (r ?? []).slice(1));
  expect(cells).toHaveLength(rows.length);
  expect(cells[0]).toEqual(['Projekt', 'Version', 'Fält eller steg', 'Värde eller kommentar', 'Av', 'När']);
  const xlsxRow = (version: number, field: string) => cells.find((r) => r[1] === version && r[2] === field);
  expect(xlsxRow(1, 'Utvärderingsmetoder')?.slice(0, 5)).toEqual(['Skolutbyte Tartu', 1, 'Utvärderingsmetoder', 'Enkät', 'ägaren, via länken i mejlet']);
  expect(xlsxRow(2, 'Utvärderingsmetoder')?.[3]).toBe('Enkät och intervjuer, av projektledaren');
  expect(xlsxRow(1, 'Skickade tillbaka målen')?.slice(3, 5)).toEqual([COMMENT, SECRETARIAT]);
  expect(xlsxRow(2, 'Godkände målen')?.[4]).toBe(SECRETARIAT);
  expect(cells.find((r) => r[2] === 'Avslutade projektet')?.[4]).toBe(SECRETARIAT);
  for (const row of cells.slice(1)) expect(row[5]).toBeInstanceOf(Date);
});
