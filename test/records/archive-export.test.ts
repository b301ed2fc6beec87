/**
 * The archive package of a year, end to end (issue 31): on the real dev server and npm start's
 * database (PGlite over the wire protocol), a year with a cycle (one unit answers and corrects its
 * answer; the cycle closes and its report is compiled and mailed), two projects (one through goals,
 * a return with a comment, corrected goals, approval and close; one approved) and an agreement
 * renewed by the secretariat, all run through the product. Then every workflow's history is
 * deleted through Temporal's API, as the namespace's retention does. The real `followup archive
 * export` and the secretariat's download in the web both give a package whose erms.xml validates
 * against the ERMS v3 schema, whose every file has the SHA-256 erms.xml states, and which holds the
 * goals versions, the comment and who acted. A reader neither sees nor reaches the download.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { validateXML } from 'xmllint-wasm';
import { decideAgreement, registerAgreement } from '../../client/agreements';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { approveGoals, closeProject, projectStatus, registerProject, returnGoals, submitGoals } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { cycleWorkflowId, unitWorkflowId, type CycleKey } from '../../domain/ids';
import { agreementWorkflowId, projectWorkflowId } from '../../domain/registers';
import { ERMS_FILE_NAME, ERMS_NAMESPACE, sha256Hex } from '../../records/archive-package';
import { caseOnRecord } from '../../records/cases';
import { accountStoreIn } from '../../web/accounts';
import { buildWebApp } from '../../web/app';
import { PROJECT_ROOT, until } from '../helpers/environment';
import { deleteHistory, startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'rätt-lösenord-för-testet';
const READER_PASSWORD = 'läsarens-lösenord-för-testet';
const ERMS_SCHEMA = path.join(PROJECT_ROOT, '../shared/schemas/ERMS_v3.xsd');
const work = mkdtempSync(path.join(tmpdir(), 'followup-archive-export-'));
const ANNA = 'Anna Berg (anna.berg)';
const COMMENT = 'Ange hur utbytet utvärderas, och vem som gör det.';
const today = new Date().toISOString().slice(0, 10);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/**
 * A cycle's case belongs to its period's year, and a data call opens once its period has ended; an
 * agreement's to the year of its decision (today's). So that both fall in one year, the follow-up
 * runs by tertial here, its period the last tertial of this year that has opened (T1 from 1 May).
 * From January to April none has: the year is then last year's (T3), and the agreement is one that
 * started then and is not decided yet.
 */
const thisYear = Number(today.slice(0, 4));
const tertial = today >= `${thisYear}-09-02` ? 'T2' : today >= `${thisYear}-05-02` ? 'T1' : undefined;
const YEAR = tertial ? thisYear : thisYear - 1;
const decided = tertial !== undefined;
const CONFIG_FILE = path.join(work, 'solna.yaml');
writeFileSync(
  CONFIG_FILE,
  readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'), 'utf8')
    .replace('    period: annual\n', '    period: tertial\n')
    .replace('opensAfterPeriodEnd: P14D', 'opensAfterPeriodEnd: P1D'),
);
const config = loadConfigFile(CONFIG_FILE);
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: `${YEAR}-${tertial ?? 'T3'}` };
/** The projects start in the package's year: today, or a day of last year. */
const plannedStart = decided ? today : `${YEAR}-11-02`;
const answer = { eu_projects: 'Interreg Östersjö', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };
const corrected = { ...answer, effects: 'Nya kontakter och ett gemensamt projekt med Tartu' };
const goals = { purpose: 'Utbyte mellan skolor', goals: 'Två utbyten per år', activities: 'Besök och webbinarier', partner_commitments: 'Tartu tar emot', timetable: `${YEAR}–${YEAR + 1}`, evaluation: 'Enkät' };
const owner = { name: 'Pia Lund', email: 'pia.lund@solna.example' };

let testbed: RecordsTestbed;
let app: FastifyInstance;

beforeAll(async () => {
  if (!existsSync(ERMS_SCHEMA)) throw new Error(`The ERMS v3 schema is missing at ${ERMS_SCHEMA}: the test validates against shared/schemas/ERMS_v3.xsd beside the checkout.`);
  testbed = await startRecordsTestbed({ configs: [config] });
  const accounts = accountStoreIn(testbed.records);
  await accounts.add({ name: 'per.holm', displayName: 'Per Holm', role: 'reader' }, READER_PASSWORD);
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records, accounts });
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

/** The real `followup`, as the secretariat runs it, against npm start's database. */
function followup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), ...args],
      { cwd: work, env: { ...process.env, DATABASE_URL: testbed.url, FOLLOWUP_CONFIG: CONFIG_FILE, FOLLOWUP_ARCHIVE_DIR: testbed.tw.archiveDir, TEMPORAL_ADDRESS: testbed.address } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}


/** What a package holds, read as the archive reads it: erms.xml validated, each file against its stated checksum. */
async function openPackage(bytes: Uint8Array) {
  const zip = await JSZip.loadAsync(bytes);
  const ermsXml = await zip.file(ERMS_FILE_NAME)!.async('string');
  const validation = await validateXML({ xml: [{ fileName: ERMS_FILE_NAME, contents: ermsXml }], schema: [{ fileName: 'ERMS_v3.xsd', contents: readFileSync(ERMS_SCHEMA, 'utf8') }] });
  const document = new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } }).parseFromString(ermsXml, 'text/xml');
  const all = (name: string, under: Element = document.documentElement!) => Array.from(under.getElementsByTagNameNS(ERMS_NAMESPACE, name));
  const first = (name: string, under: Element) => all(name, under)[0]?.textContent ?? '';
  const stated = all('ownElement')
    .filter((e) => e.getAttribute('name') === 'checksum')
    .map((e) => {
      const attribute = (name: string) => first('value', all('attribute', e).find((a) => a.getAttribute('name') === name)!);
      const value = Array.from(e.childNodes).find((n): n is Element => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === 'value')!;
      return { path: attribute('path').replace(/^file:\/\/\//, ''), sha256: value.textContent, size: Number(attribute('size')) };
    });
  const actual = await Promise.all(
    stated.map(async (s) => {
      const file = zip.file(s.path);
      const content = file ? await file.async('uint8array') : new Uint8Array();
      return { path: s.path, sha256: file ? sha256Hex(content) : 'missing', size: content.byteLength };
    }),
  );
  const zipped = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name);
  return { validation, all, first, stated, actual, zipped };
}

test('a year run through the product, its workflows deleted, exports from the CLI and downloads from the web as a package that validates, with every checksum matching', async () => {
  const { client } = testbed.env;
  const taskQueue = testbed.tw.taskQueue;

  // The cycle: one unit answers and corrects its answer; the secretariat closes it early; the report is compiled and mailed.
  const asked = obligationOf(config, 'periodic-data-call', key.obligationId).units;
  const unitIds = config.units.map((u) => u.id).filter((id) => !asked || asked.includes(id));
  await startCycle(client, taskQueue, key, 'test');
  await until(() => (testbed.smtp.received.filter((m) => m.messageId.includes('.request.')).length >= unitIds.length ? true : undefined), 'the requests', 60_000);
  await submitAnswer(client, key, 'omsorg', answer, 'contact', 'form-1');
  await submitAnswer(client, key, 'omsorg', corrected, 'contact', 'form-2');
  await closeCycle(client, key, 'closed early in the test', ANNA);
  await client.workflow.getHandle(cycleWorkflowId(key)).result();
  await until(() => testbed.smtp.received.find((m) => m.messageId.includes('.report.')), 'the report mailed', 60_000);

  // Two projects: one through a return and a correction to approval and close; one approved and going on.
  const state = async (id: string) => (await projectStatus(client, 'solna', id)).state;
  const untilState = (id: string, wanted: string[]) => until(async () => (wanted.includes(await state(id)) ? true : undefined), `${id} ${wanted.join(' or ')}`);
  await registerProject(client, taskQueue, config, { id: 'skolutbyte-tartu', title: 'Skolutbyte Tartu', unitId: 'barn-utbildning', owner, plannedStart, partners: ['Tartu'], euFunded: false }, undefined, ANNA);
  await registerProject(client, taskQueue, config, { id: 'erasmus-vuxen', title: 'Erasmus+ vuxenutbildning', unitId: 'kultur-fritid', owner: { name: 'Bo Ek', email: 'bo.ek@solna.example' }, plannedStart, partners: ['Riga'], euFunded: true }, undefined, ANNA);
  await untilState('skolutbyte-tartu', ['awaiting-goals']);
  await submitGoals(client, 'solna', 'skolutbyte-tartu', goals);
  await returnGoals(client, 'solna', 'skolutbyte-tartu', COMMENT, ANNA);
  await untilState('skolutbyte-tartu', ['awaiting-goals', 'returned']);
  await submitGoals(client, 'solna', 'skolutbyte-tartu', { ...goals, evaluation: 'Enkät och intervjuer' });
  await approveGoals(client, 'solna', 'skolutbyte-tartu', ANNA);
  await untilState('skolutbyte-tartu', ['approved', 'ongoing']);
  await closeProject(client, 'solna', 'skolutbyte-tartu', ANNA);
  await client.workflow.getHandle(projectWorkflowId('solna', 'skolutbyte-tartu')).result();
  await untilState('erasmus-vuxen', ['awaiting-goals']);
  await submitGoals(client, 'solna', 'erasmus-vuxen', { ...goals, purpose: 'Kompetensutveckling för lärare' });
  await approveGoals(client, 'solna', 'erasmus-vuxen', ANNA);

  // An agreement the secretariat renews.
  await registerAgreement(client, taskQueue, config, { id: 'vanort-tartu', title: 'Vänortsavtal Tartu', partner: 'Tartu linn', unitId: 'omsorg', owner, startsOn: `${YEAR}-03-01`, endsOn: inDays(20) }, undefined, ANNA);
  await until(async () => ((await caseOnRecord(testbed.records, 'solna', 'agreement', 'vanort-tartu')) ? true : undefined), 'the agreement on record');
  if (decided) await decideAgreement(client, 'solna', 'vanort-tartu', { decision: 'renew', newEndsOn: inDays(400), note: 'Förlängt enligt KS § 45.', by: ANNA });

  // Everything on record before the histories go.
  await until(async () => ((await caseOnRecord(testbed.records, 'solna', 'cycle', `${key.obligationId}/${key.period}`))?.state.report ? true : undefined), 'the cycle with its report on record');
  await until(async () => ((await caseOnRecord(testbed.records, 'solna', 'project', 'skolutbyte-tartu'))?.state.closedAt ? true : undefined), 'the closed project on record');
  await until(async () => (['approved', 'ongoing'].includes(String((await caseOnRecord(testbed.records, 'solna', 'project', 'erasmus-vuxen'))?.state.state)) ? true : undefined), 'the approved project on record');
  if (decided) await until(async () => (((await caseOnRecord(testbed.records, 'solna', 'agreement', 'vanort-tartu'))?.state.decisions as unknown[] | undefined)?.length ? true : undefined), 'the decision on record');
  for (const workflowId of [
    cycleWorkflowId(key),
    ...unitIds.map((u) => unitWorkflowId(key, u)),
    projectWorkflowId('solna', 'skolutbyte-tartu'),
    projectWorkflowId('solna', 'erasmus-vuxen'),
    agreementWorkflowId('solna', 'vanort-tartu'),
  ]) {
    await deleteHistory(testbed.env, workflowId);
  }

  // The CLI: the real command, reading the database of record only.
  const out = path.join(work, `solna-${YEAR}.zip`);
  const exported = await followup('archive', 'export', '--year', String(YEAR), '--out', out);
  expect(exported.err).toBe('');
  expect(exported.code).toBe(0);
  const cliBytes = readFileSync(out);
  expect(exported.out).toContain(`Wrote ${out}: Solna stad, ${YEAR}.`);
  expect(exported.out).toMatch(/4 cases \(1 cycle, 2 projects, 1 agreement\), \d+ records, \d+ files beside erms\.xml/);
  expect(exported.out).toContain(`${cliBytes.byteLength.toLocaleString('en-GB')} bytes`);
  expect(exported.out).toContain(`SHA-256 of the package: ${sha256Hex(cliBytes)}`);

  // The web: the secretariat's page, its year, and the download.
  const secretariat = new FormSession(app);
  expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  expect((await secretariat.get('/dashboard')).body).toContain('href="/archive-package"');
  const pagesBody = (await secretariat.get('/archive-package')).body;
  expect(pagesBody).toContain('Arkivpaket för e-arkivet');
  expect(pagesBody).toContain(`<option value="${YEAR}" selected>${YEAR}</option>`);
  const download = await secretariat.get(`/archive-package/download?year=${YEAR}`);
  expect(download.statusCode).toBe(200);
  expect(download.headers['content-type']).toBe('application/zip');
  expect(download.headers['content-disposition']).toBe(`attachment; filename="solna-arkivpaket-${YEAR}.zip"`);
  expect(download.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha256Hex(download.rawPayload), 'hex').toString('base64')}:`);

  for (const bytes of [cliBytes, download.rawPayload]) {
    const pkg = await openPackage(bytes);
    expect(pkg.validation.errors).toEqual([]);
    expect(pkg.validation.valid).toBe(true);
    expect(pkg.actual).toEqual(pkg.stated);
    expect(pkg.zipped.sort()).toEqual([ERMS_FILE_NAME, ...pkg.stated.map((s) => s.path)].sort());

    const cases = pkg.all('aggregation');
    expect(cases.map((c) => pkg.first('objectId', c))).toEqual([`cycle/solna/annual-follow-up/${key.period}`, 'project/solna/erasmus-vuxen', 'project/solna/skolutbyte-tartu', 'agreement/solna/vanort-tartu']);
    const recordsOf = (c: Element, type: string) => pkg.all('record', c).filter((r) => r.getAttribute('recordType') === type);
    // The cycle: both versions of the corrected answer, the report with its PDF, Word, web page and Markdown, the mail log.
    expect(recordsOf(cases[0]!, 'answer-version').map((r) => pkg.first('title', r))).toEqual(['Svar från Omsorgsförvaltningen, version 1', 'Svar från Omsorgsförvaltningen, version 2']);
    expect(pkg.all('appendix', recordsOf(cases[0]!, 'report')[0]!).map((a) => a.getAttribute('fileFormat'))).toEqual(['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/html', 'text/markdown']);
    expect(recordsOf(cases[0]!, 'mail-sent').length).toBeGreaterThan(0);
    // The project: goals, the return with its comment, the corrected goals, the approval, each with who acted.
    const tartu = cases[2]!;
    const steps = pkg.all('record', tartu).filter((r) => ['goals-version', 'return-with-comment', 'approval'].includes(r.getAttribute('recordType')!));
    expect(steps.map((r) => [r.getAttribute('recordType'), pkg.first('name', r)])).toEqual([
      ['goals-version', 'Pia Lund'],
      ['return-with-comment', ANNA],
      ['goals-version', 'Pia Lund'],
      ['approval', ANNA],
    ]);
    expect(pkg.first('description', steps[1]!)).toBe(COMMENT);
    const evaluation = (r: Element) => pkg.first('value', pkg.all('ownElement', r).find((e) => e.getAttribute('name') === 'Utvärderingsmetoder')!);
    expect([evaluation(steps[0]!), evaluation(steps[2]!)]).toEqual(['Enkät', 'Enkät och intervjuer']);
    // The agreement's renewal, by whom.
    if (decided) {
      const decision = recordsOf(cases[3]!, 'decision')[0]!;
      expect(pkg.first('title', decision)).toBe(`Beslut: avtalet förlängs till ${inDays(400)}`);
      expect(pkg.first('name', decision)).toBe(ANNA);
    }
  }
  // The same files from either way out: only erms.xml's time of export differs.
  expect((await openPackage(download.rawPayload)).stated).toEqual((await openPackage(cliBytes)).stated);

  // A reader sees neither the link nor the page nor the download.
  const reader = new FormSession(app);
  expect((await reader.submit('/login', '/login', { username: 'per.holm', password: READER_PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
  expect((await reader.get('/dashboard')).body).not.toContain('href="/archive-package"');
  expect((await reader.get('/archive-package')).statusCode).toBe(403);
  const refused = await reader.get(`/archive-package/download?year=${YEAR}`);
  expect(refused.statusCode).toBe(403);
  expect(refused.headers['content-type']).toContain('text/html');
  // A year with nothing on record is said so, in words.
  const empty = await secretariat.get('/archive-package/download?year=1999');
  expect(empty.statusCode).toBe(404);
  expect(empty.body).toContain('Det finns inga ärenden från 1999 i databasen. Välj ett annat år.');
});
