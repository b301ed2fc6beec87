/**
 * The archive package of a year read from the database of record, on npm start's PGlite and on
 * PostgreSQL: a cycle with its report's files and its answers (one corrected), two projects with
 * their goals versions, a return with its comment and an approval, and an agreement with its
 * decision, all written through the records modules as the activities write them. The package
 * validates against the published ERMS v3 schema, every file it lists is in the ZIP with the
 * SHA-256 it states, and the goals versions, the comment and who did each step are in it, in
 * erms.xml and in the record's own PDF. A PDF attached to an answer is an appendix of the answer
 * version that holds it, byte for byte, with its kind and SHA-256. The people records are in it too:
 * each delegation (and its withdrawal) in its cycle's case, the year's substitutes and changes of
 * units' contacts in a case of their own.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import JSZip from 'jszip';
import { validateXML } from 'xmllint-wasm';
import { reportBase, reportDataRef } from '../../activities/archive';
import { loadConfigFile } from '../../config/load';
import type { PeriodicDataCallConfig } from '../../config/schema';
import { questionnaireOf } from '../../domain/questionnaire';
import type { QuestionField } from '../../domain/types';
import { recordAnswerVersion } from '../../records/answers';
import { storeAttachment } from '../../records/attachments';
import { ERMS_FILE_NAME, ERMS_NAMESPACE, sha256Hex } from '../../records/archive-package';
import { recordCase } from '../../records/cases';
import { openRecords, type Records } from '../../records/database';
import { createRecordsArchive } from '../../records/files';
import { recordMail } from '../../records/mail-log';
import { migrateToLatest } from '../../records/migrate';
import { addDelegation, addSubstitution, clearUnitContacts, removeSubstitution, setUnitContacts, withdrawDelegation } from '../../records/people';
import { recordProject } from '../../records/projects';
import { exportYearPackage, NothingOnRecordError, yearsOnRecord } from '../../records/year-package';
import { PROJECT_ROOT } from '../helpers/environment';
import { readPdf } from '../helpers/pdf';
import { RECORDS_BACKENDS, startEmbeddedBackend, type RecordsBackend } from '../helpers/records';

jest.setTimeout(180_000);

const ERMS_SCHEMA = path.join(PROJECT_ROOT, '../shared/schemas/ERMS_v3.xsd');
const config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
/** Stand-ins for the compiled report's files: every byte value, so a mangled binary shows. */
const reportPdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\n%%EOF\n')]);
const reportDocx = Buffer.from('PK\u0003\u0004 a Word document');
const goals = { purpose: 'Utbyte mellan skolor', goals: 'Två utbyten per år', activities: 'Besök', partner_commitments: 'Tartu tar emot', timetable: '2026–2027', evaluation: 'Enkät' };
const returnComment = 'Ange hur utbytet utvärderas & vem som gör det <tack>.';
/** The board's minutes, attached to Omsorg's corrected answer: every byte value, so a mangled binary shows. */
const minutesPdf = Buffer.concat([Buffer.from('%PDF-1.4\n% Omsorgsnämndens protokoll 2026-02-11\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)), Buffer.from('\n%%EOF\n')]);
const MINUTES_NAME = 'Protokoll nämnd 2026.pdf';
/** The period's questions as its report kept them: the configured ones and a file field for the minutes. */
const periodQuestionnaire: QuestionField[] = [
  ...questionnaireOf(config.obligations.find((o) => o.id === 'annual-follow-up') as PeriodicDataCallConfig),
  { id: 'minutes', type: 'file', label: { sv: 'Nämndens protokoll', en: "The board's minutes" }, required: false, accept: ['pdf'] },
];

/** Everything a year holds, written as the activities write it. */
async function writeYear(db: Records): Promise<void> {
  const archive = createRecordsArchive(db);
  const base = reportBase(key);
  const report = { html: `${base}.html`, markdown: `${base}.md`, pdf: `${base}.pdf`, docx: `${base}.docx`, asked: 6, answered: 2, exempt: 0 };
  await archive.put(report.pdf, reportPdf);
  await archive.put(report.docx, reportDocx);
  await archive.put(report.html, '<!doctype html><title>Sammanställning</title><p>Två av sex har svarat.</p>');
  await archive.put(report.markdown, '# Sammanställning\n\nTvå av sex har svarat.\n');
  await archive.put(reportDataRef(key), JSON.stringify({ version: 1, period: '2026', asked: 6, answered: 2, units: [], questionnaire: periodQuestionnaire }));
  const minutes = await storeAttachment(db, { key, unit: 'omsorg', field: 'minutes', name: MINUTES_NAME, mediaType: 'application/pdf', content: minutesPdf, uploadedBy: 'contact', scannedBy: 'clamd test' });
  const answer = { eu_projects: 'Interreg Östersjö', other_work: 'Nätverksmöten i Tartu', effects: 'Nya kontakter', reported_to_board: true };
  const version = (unit: string, revision: number, answers: Record<string, unknown>, actor: string, at: string) =>
    recordAnswerVersion(db, { org: 'solna', obligation: 'annual-follow-up', period: '2026', unit, revision, submissionId: `form-${unit}-${revision}`, actor, answers, at: new Date(at) });
  await version('omsorg', 1, answer, 'contact', '2026-02-10T09:00:00Z');
  await version('omsorg', 2, { ...answer, effects: 'Nya kontakter och ett gemensamt projekt', minutes: minutes.id }, 'contact', '2026-02-12T09:00:00Z');
  await version('tekniska', 1, answer, 'Anna Berg (anna.berg)', '2026-02-14T09:00:00Z');
  await recordMail(db, { scope: 'solna.annual-follow-up.2026', kind: 'request', messageId: '<solna.annual-follow-up.2026.omsorg.request.0@solna.example>', address: 'asa@solna.example', outcome: 'delivered', at: new Date('2026-01-15T07:00:00Z') });
  await recordMail(db, { scope: 'solna.annual-follow-up.2026', kind: 'request', messageId: '<solna.annual-follow-up.2026.tekniska.request.0@solna.example>', address: 'ture@solna.example', outcome: 'refused', serverResponse: '550 5.1.1 No such user', at: new Date('2026-01-15T07:00:01Z') });
  await recordCase(db, {
    org: 'solna',
    kind: 'cycle',
    caseId: 'annual-follow-up/2026',
    version: 1,
    title: 'annual-follow-up 2026',
    year: 2026,
    state: { key, phase: 'open', plan: { opensAt: '2026-01-15T07:00:00.000Z' }, history: [{ at: '2026-01-15T07:00:00.000Z', what: 'started', by: 'cli:anna' }] },
    at: '2026-01-15T07:00:00Z',
  });
  await recordCase(db, {
    org: 'solna',
    kind: 'cycle',
    caseId: 'annual-follow-up/2026',
    version: 2,
    title: 'annual-follow-up 2026',
    year: 2026,
    state: { key, phase: 'closed', closedAt: '2026-03-01T16:00:00.000Z', plan: { opensAt: '2026-01-15T07:00:00.000Z' }, report, history: [{ at: '2026-01-15T07:00:00.000Z', what: 'started', by: 'cli:anna' }, { at: '2026-03-01T16:00:00.000Z', what: 'closed', by: 'Anna Berg (anna.berg)' }] },
    at: '2026-03-01T16:05:00Z',
  });

  const project = (id: string, title: string, state: string, extra: Record<string, unknown>) =>
    recordCase(db, {
      org: 'solna',
      kind: 'project',
      caseId: id,
      version: 1,
      title,
      year: 2026,
      state: { id, obligationId: 'project-goals', title, unitId: 'barn-utbildning', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart: '2026-09-01', partners: ['Tartu'], euFunded: false, stage: 'project', state, startedWithoutApproval: false, registeredAt: '2026-02-01T10:00:00.000Z', remindersSentAt: [], ...extra },
      at: '2026-04-01T10:00:00Z',
    });
  await project('skolutbyte-tartu', 'Skolutbyte Tartu', 'closed', { closedAt: '2026-12-01T10:00:00.000Z', history: [{ at: '2026-02-01T10:00:00.000Z', what: 'registered', by: 'cli:anna' }] });
  await recordProject(db, 'solna', 'skolutbyte-tartu', [
    { kind: 'goals', revision: 1, goals, at: '2026-02-10T10:00:00.000Z', actor: 'owner' },
    { kind: 'step', step: 'returned', at: '2026-02-11T10:00:00.000Z', actor: 'Anna Berg (anna.berg)', comment: returnComment },
    { kind: 'goals', revision: 2, goals: { ...goals, evaluation: 'Enkät och intervjuer' }, at: '2026-02-12T10:00:00.000Z', actor: 'owner' },
    { kind: 'step', step: 'approved', at: '2026-02-13T10:00:00.000Z', actor: 'Anna Berg (anna.berg)' },
  ]);
  await project('erasmus-vuxen', 'Erasmus+ vuxenutbildning', 'approved', {});
  await recordProject(db, 'solna', 'erasmus-vuxen', [
    { kind: 'goals', revision: 1, goals: { ...goals, purpose: 'Kompetensutveckling för lärare' }, at: '2026-03-05T10:00:00.000Z', actor: 'Bo Ek (bo.ek)' },
    { kind: 'step', step: 'approved', at: '2026-03-06T10:00:00.000Z', actor: 'cli:anna' },
  ]);
  await recordCase(db, {
    org: 'solna',
    kind: 'agreement',
    caseId: 'vanort-tartu',
    version: 1,
    title: 'Vänortsavtal Tartu',
    year: 2026,
    state: { id: 'vanort-tartu', obligationId: 'agreement-review', title: 'Vänortsavtal Tartu', partner: 'Tartu linn', unitId: 'kultur-fritid', endsOn: '2030-12-31', state: 'renewed', remindersSent: 1, decidedAt: '2026-05-12T09:00:00.000Z', owner: { name: 'Kim Berg', email: 'kim.berg@solna.example' }, registeredAt: '2026-01-20T09:00:00.000Z', registeredBy: 'cli:anna', decisions: [{ decision: 'renew', newEndsOn: '2030-12-31', note: 'Förlängt enligt KS § 45.', by: 'Anna Berg (anna.berg)', at: '2026-05-12T09:00:00.000Z' }] },
    at: '2026-05-12T09:00:00Z',
  });
  // Another year's case stays out of 2026's package.
  await recordCase(db, { org: 'solna', kind: 'agreement', caseId: 'vanort-riga', version: 1, title: 'Vänortsavtal Riga', year: 2027, state: { id: 'vanort-riga', title: 'Vänortsavtal Riga', decisions: [] }, at: '2026-06-01T09:00:00Z' });
}

function readErms(xml: string) {
  const document = new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } }).parseFromString(xml, 'text/xml');
  const root = document.documentElement!;
  const all = (name: string, under: Element = root) => Array.from(under.getElementsByTagNameNS(ERMS_NAMESPACE, name));
  const first = (name: string, under: Element) => all(name, under)[0]?.textContent ?? '';
  const children = (element: Element, name: string) => Array.from(element.childNodes).filter((n): n is Element => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === name);
  return { root, all, first, children };
}

describe.each(RECORDS_BACKENDS)('the archive package of a year on %s', (_name, start) => {
  let backend: RecordsBackend;
  let db: Records;

  beforeAll(async () => {
    backend = await start();
    db = await openRecords(await backend.freshDatabase());
    await migrateToLatest(db);
    await writeYear(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await backend?.stop();
  });

  test('validates against ERMS v3, every file has the SHA-256 erms.xml states, and the goals versions, the comment and who acted are in it', async () => {
    const exported = await exportYearPackage({ records: db, archive: createRecordsArchive(db), config, year: 2026, exportedAt: new Date('2027-01-20T09:00:00Z'), systemVersion: '0.1.0' });
    expect(exported).toMatchObject({ cases: 4, kinds: { cycle: 1, project: 2, agreement: 1 }, missing: [] });
    expect(exported.sha256).toBe(sha256Hex(exported.zip));

    const zip = await JSZip.loadAsync(exported.zip);
    const ermsXml = await zip.file(ERMS_FILE_NAME)!.async('string');
    const validation = await validateXML({ xml: [{ fileName: ERMS_FILE_NAME, contents: ermsXml }], schema: [{ fileName: 'ERMS_v3.xsd', contents: readFileSync(ERMS_SCHEMA, 'utf8') }] });
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);

    const erms = readErms(ermsXml);
    const cases = erms.all('aggregation');
    expect(cases.map((c) => erms.first('objectId', c))).toEqual(['cycle/solna/annual-follow-up/2026', 'project/solna/erasmus-vuxen', 'project/solna/skolutbyte-tartu', 'agreement/solna/vanort-tartu']);
    expect(cases.map((c) => erms.first('title', c))).toEqual(['Årlig uppföljning av internationell policy 2026', 'Erasmus+ vuxenutbildning', 'Skolutbyte Tartu', 'Vänortsavtal Tartu']);

    // Every file in the ZIP is listed once, with the checksum and size of its bytes.
    const checksums = erms
      .all('ownElement')
      .filter((e) => e.getAttribute('name') === 'checksum')
      .map((e) => {
        const attribute = (name: string) => erms.first('value', erms.all('attribute', e).find((a) => a.getAttribute('name') === name)!);
        return { path: attribute('path').replace(/^file:\/\/\//, ''), sha256: erms.children(e, 'value')[0]!.textContent, size: Number(attribute('size')) };
      });
    const zipped = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name);
    expect(zipped.sort()).toEqual([ERMS_FILE_NAME, ...checksums.map((c) => c.path)].sort());
    expect(exported.files).toBe(checksums.length);
    for (const checksum of checksums) {
      const bytes = await zip.file(checksum.path)!.async('uint8array');
      expect({ path: checksum.path, sha256: sha256Hex(bytes), size: bytes.byteLength }).toEqual(checksum);
    }

    // The report's own files, byte for byte.
    const cycle = cases[0]!;
    const reportRecord = erms.all('record', cycle).find((r) => r.getAttribute('recordType') === 'report')!;
    const appendices = erms.all('appendix', reportRecord).map((a) => a.getAttribute('name'));
    expect(appendices).toEqual(['solna-annual-follow-up-2026.pdf', 'solna-annual-follow-up-2026.docx', 'solna-annual-follow-up-2026.html', 'solna-annual-follow-up-2026.md']);
    const reportPath = erms.all('appendix', reportRecord)[0]!.getAttribute('path')!.replace(/^file:\/\/\//, '');
    expect(Buffer.from(await zip.file(reportPath)!.async('uint8array')).equals(reportPdf)).toBe(true);
    // Every answer version, the question by its label, and who sent it.
    const answers = erms.all('record', cycle).filter((r) => r.getAttribute('recordType') === 'answer-version');
    expect(answers.map((r) => erms.first('title', r))).toEqual(['Svar från Omsorgsförvaltningen, version 1', 'Svar från Omsorgsförvaltningen, version 2', 'Svar från Tekniska förvaltningen, version 1']);
    expect(answers.map((r) => erms.first('name', r))).toEqual(['kontaktperson för Omsorgsförvaltningen', 'kontaktperson för Omsorgsförvaltningen', 'Anna Berg (anna.berg)']);
    const effects = (r: Element) => erms.first('value', erms.all('ownElement', r).find((e) => /effekter/i.test(e.getAttribute('name') ?? ''))!);
    expect(answers.map(effects)).toEqual(['Nya kontakter', 'Nya kontakter och ett gemensamt projekt', 'Nya kontakter']);
    // The minutes attached to the corrected answer: an appendix beside the record's own PDF, as sent,
    // with its kind and SHA-256; the field names the file, not its id. The first version had none.
    const corrected = answers[1]!;
    expect(erms.all('appendix', corrected).map((a) => [a.getAttribute('name'), a.getAttribute('fileFormat')])).toEqual([
      ['Svar från Omsorgsförvaltningen, version 2.pdf', 'application/pdf'],
      [MINUTES_NAME, 'application/pdf'],
    ]);
    const attached = erms.all('appendix', corrected)[1]!;
    expect(attached.getAttribute('description')).toBe('Bifogad fil till frågan ”Nämndens protokoll”');
    const attachedPath = attached.getAttribute('path')!.replace(/^file:\/\/\//, '');
    expect(Buffer.from(await zip.file(attachedPath)!.async('uint8array')).equals(minutesPdf)).toBe(true);
    expect(checksums.find((c) => c.path === attachedPath)).toEqual({ path: attachedPath, sha256: sha256Hex(minutesPdf), size: minutesPdf.length });
    const minutesField = erms.all('ownElement', corrected).find((e) => e.getAttribute('name') === 'Nämndens protokoll')!;
    expect(erms.first('value', minutesField)).toBe(`${MINUTES_NAME} (PDF, ${minutesPdf.length} B, SHA-256 ${sha256Hex(minutesPdf)})`);
    expect(erms.all('appendix', answers[0]!)).toHaveLength(1);
    // The mail log: the refused address with the server's words.
    const mailing = erms.all('record', cycle).find((r) => r.getAttribute('recordType') === 'mail-sent')!;
    expect(erms.all('ownElement', mailing).find((e) => e.getAttribute('name') === 'ture@solna.example')!.textContent).toContain('550 5.1.1 No such user');

    // The project: both goals versions, the return with its comment, the approval, and who did each, in order.
    const tartu = cases[2]!;
    const steps = erms.all('record', tartu).filter((r) => ['goals-version', 'return-with-comment', 'approval'].includes(r.getAttribute('recordType')!));
    expect(steps.map((r) => [r.getAttribute('recordType'), erms.first('name', r)])).toEqual([
      ['goals-version', 'Pia Lund'],
      ['return-with-comment', 'Anna Berg (anna.berg)'],
      ['goals-version', 'Pia Lund'],
      ['approval', 'Anna Berg (anna.berg)'],
    ]);
    const evaluation = (r: Element) => erms.first('value', erms.all('ownElement', r).find((e) => e.getAttribute('name') === 'Utvärderingsmetoder')!);
    expect([evaluation(steps[0]!), evaluation(steps[2]!)]).toEqual(['Enkät', 'Enkät och intervjuer']);
    expect(erms.first('description', steps[1]!)).toBe(returnComment);
    expect(erms.all('date', tartu).find((d) => d.getAttribute('dateType') === 'closed')?.textContent).toBe('2026-12-01T10:00:00.000Z');
    // The other project's approval from the command line, by name.
    expect(erms.all('record', cases[1]!).filter((r) => r.getAttribute('recordType') === 'approval').map((r) => erms.first('name', r))).toEqual(['anna (kommandoraden)']);

    // The return as a person reads it: its own PDF says the comment and who returned the goals.
    const returnPdf = erms.all('appendix', steps[1]!)[0]!.getAttribute('path')!.replace(/^file:\/\/\//, '');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'followup-year-')), 'return.pdf');
    writeFileSync(file, await zip.file(returnPdf)!.async('uint8array'));
    const reading = readPdf(file);
    const pdfText = reading.pages.map((p) => p.text).join('\n');
    expect(pdfText).toContain(returnComment);
    expect(pdfText).toContain('Anna Berg (anna.berg)');
    expect(reading.xmp.raw).toMatch(/pdfaid:part>2</);

    // The agreement's decision and who took it.
    const decision = erms.all('record', cases[3]!).find((r) => r.getAttribute('recordType') === 'decision')!;
    expect(erms.first('title', decision)).toBe('Beslut: avtalet förlängs till 2030-12-31');
    expect(erms.first('name', decision)).toBe('Anna Berg (anna.berg)');
  });

  test('the years on record are offered with their cases, and a year without any is refused with what to do', async () => {
    expect(await yearsOnRecord(db, 'solna')).toEqual([
      { year: 2027, kinds: { agreement: 1 } },
      { year: 2026, kinds: { cycle: 1, project: 2, agreement: 1 } },
    ]);
    await expect(exportYearPackage({ records: db, archive: createRecordsArchive(db), config, year: 2019, exportedAt: new Date() })).rejects.toThrow(NothingOnRecordError);
    await expect(exportYearPackage({ records: db, archive: createRecordsArchive(db), config, year: 2019, exportedAt: new Date() })).rejects.toThrow(/no cases on record in 2019.*Choose another year/);
  });

  test('the same year exports to the same bytes', async () => {
    const at = new Date('2027-01-20T09:00:00Z');
    const [a, b] = [await exportYearPackage({ records: db, archive: createRecordsArchive(db), config, year: 2026, exportedAt: at }), await exportYearPackage({ records: db, archive: createRecordsArchive(db), config, year: 2026, exportedAt: at })];
    expect(b.sha256).toBe(a.sha256);
  });
});

beforeAll(() => {
  if (!existsSync(ERMS_SCHEMA)) throw new Error(`The ERMS v3 schema is missing at ${ERMS_SCHEMA}: the test validates against shared/schemas/ERMS_v3.xsd beside the checkout.`);
});

test("the people records: each delegation in its cycle's case, the year's substitutes and contact changes in a case of their own, valid against ERMS v3", async () => {
  const backend = await startEmbeddedBackend();
  const db = await openRecords(await backend.freshDatabase());
  try {
    await migrateToLatest(db);
    await writeYear(db);
    const cycle = { org: 'solna', obligation: 'annual-follow-up', period: '2026' };
    const olle = await addDelegation(db, { ...cycle, unit: 'omsorg', name: 'Olle Ombud', email: 'olle.ombud@solna.example', delegatedBy: 'Åsa Lind', delegatedAt: new Date('2026-01-20T09:00:00Z') });
    await addDelegation(db, { ...cycle, unit: 'omsorg', email: 'omsorg.registrator@solna.example', delegatedBy: 'Åsa Lind', delegatedAt: new Date('2026-01-21T09:00:00Z') });
    await withdrawDelegation(db, { org: 'solna', id: olle.id }, 'Sekretariatet (sekretariatet)', new Date('2026-01-25T09:00:00Z'));
    // Another cycle's delegation stays out of this one.
    await addDelegation(db, { ...cycle, period: '2025', unit: 'omsorg', email: 'gammal@solna.example', delegatedBy: 'Åsa Lind', delegatedAt: new Date('2025-01-20T09:00:00Z') });
    const away = await addSubstitution(db, { org: 'solna', personEmail: 'asa@solna.example', substitute: { name: 'Per Ek', email: 'per.ek@solna.example' }, from: '2026-07-01', until: '2026-07-31', copyPerson: false, createdBy: 'Anna Berg (anna.berg)', createdAt: new Date('2026-06-20T08:00:00Z') });
    await removeSubstitution(db, 'solna', away.id, 'Anna Berg (anna.berg)', new Date('2026-07-10T08:00:00Z'));
    // Another year's substitute stays out.
    await addSubstitution(db, { org: 'solna', personEmail: 'asa@solna.example', substitute: { email: 'per.ek@solna.example' }, from: '2024-07-01', until: '2024-07-31', copyPerson: true, createdBy: 'cli:anna', createdAt: new Date('2024-06-20T08:00:00Z') });
    await setUnitContacts(db, { org: 'solna', unit: 'kultur-fritid', contacts: [{ email: 'kultur.internationellt@solna.example' }, { name: 'Sofia Bergström', email: 'sofia.bergstrom@solna.example' }], changedBy: 'Anna Berg (anna.berg)', changedAt: new Date('2026-03-02T08:00:00Z') });
    await clearUnitContacts(db, 'solna', 'kultur-fritid', { by: 'Anna Berg (anna.berg)', at: new Date('2026-09-01T08:00:00Z') });

    const exported = await exportYearPackage({ records: db, archive: createRecordsArchive(db), config, year: 2026, exportedAt: new Date('2027-01-20T09:00:00Z') });
    expect(exported).toMatchObject({ cases: 5, kinds: { cycle: 1, project: 2, agreement: 1, people: 1 }, missing: [] });
    const zip = await JSZip.loadAsync(exported.zip);
    const ermsXml = await zip.file(ERMS_FILE_NAME)!.async('string');
    const validation = await validateXML({ xml: [{ fileName: ERMS_FILE_NAME, contents: ermsXml }], schema: [{ fileName: 'ERMS_v3.xsd', contents: readFileSync(ERMS_SCHEMA, 'utf8') }] });
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);

    const erms = readErms(ermsXml);
    const cases = erms.all('aggregation');
    const field = (r: Element, name: string) => erms.first('value', erms.all('ownElement', r).find((e) => e.getAttribute('name') === name)!);
    // The delegations, in the cycle's case: who handed the unit's answer to whom, when, and the withdrawal.
    const cycleCase = cases.find((c) => erms.first('objectId', c) === 'cycle/solna/annual-follow-up/2026')!;
    const delegations = erms.all('record', cycleCase).filter((r) => r.getAttribute('recordType') === 'delegation');
    expect(delegations.map((r) => erms.first('title', r))).toEqual(['Svaret för Omsorgsförvaltningen överlämnat till Olle Ombud', 'Svaret för Omsorgsförvaltningen överlämnat till omsorg.registrator@solna.example']);
    expect(erms.all('name', delegations[0]!).map((n) => n.textContent)).toEqual(['Åsa Lind', 'Olle Ombud']);
    expect(field(delegations[0]!, 'Ombud')).toBe('Olle Ombud <olle.ombud@solna.example>');
    expect(field(delegations[0]!, 'Återkallat av')).toBe('Sekretariatet (sekretariatet)');
    expect(erms.all('ownElement', delegations[1]!).some((e) => e.getAttribute('name') === 'Återkallat av')).toBe(false);
    expect(erms.all('appendix', delegations[0]!).map((a) => a.getAttribute('fileFormat'))).toEqual(['application/pdf']);

    // The year's substitutes and contact changes, as a case of their own, in the order they happened.
    const people = cases.at(-1)!;
    expect(erms.first('objectId', people)).toBe('people/solna/2026');
    expect(erms.first('title', people)).toBe('Ersättare och kontaktpersoner 2026');
    const records = erms.all('record', people);
    expect(records.map((r) => [r.getAttribute('recordType'), erms.first('title', r)])).toEqual([
      ['contact-change', 'Kontaktpersoner för Kultur- och fritidsförvaltningen ändrade i webben'],
      ['substitution', 'Ersättare för asa@solna.example: Per Ek <per.ek@solna.example>, 2026-07-01–2026-07-31'],
      ['contact-change', 'Kontaktpersoner för Kultur- och fritidsförvaltningen åter enligt konfigurationen'],
    ]);
    expect(field(records[0]!, 'Kontaktpersoner')).toBe('kultur.internationellt@solna.example\nSofia Bergström <sofia.bergstrom@solna.example>');
    expect(field(records[1]!, 'Borttagen av')).toBe('Anna Berg (anna.berg)');
    expect(field(records[1]!, 'Kopia till personen')).toBe('nej');
  } finally {
    await db.destroy();
    await backend.stop();
  }
});
