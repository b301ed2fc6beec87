/**
 * The archive package of a year (issue 31): erms.xml validates against the published ERMS v3 schema
 * (xmllint compiled to WebAssembly, the same libxml2 the archive's tools use), every file it lists
 * is in the ZIP with the SHA-256 it states, and hostile text neither breaks the XML nor is lost.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import JSZip from 'jszip';
import { validateXML, type XMLValidationResult } from 'xmllint-wasm';
import { PROJECT_ROOT } from '../../config/environment';
import {
  ArchivePackageInputError,
  buildArchivePackage,
  ERMS_FILE_NAME,
  ERMS_NAMESPACE,
  sha256Hex,
  writeArchivePackage,
  zipArchivePackage,
  type ArchiveAgent,
  type ArchiveYear,
} from '../../records/archive-package';

/** shared/ lies beside the checkout, here and in CI's fresh clone alike. */
const ERMS_SCHEMA = path.join(PROJECT_ROOT, '../shared/schemas/ERMS_v3.xsd');

let schema: string;
beforeAll(() => {
  if (!existsSync(ERMS_SCHEMA)) {
    throw new Error(`The ERMS v3 schema is missing at ${ERMS_SCHEMA}: the test validates against shared/schemas/ERMS_v3.xsd beside the checkout.`);
  }
  schema = readFileSync(ERMS_SCHEMA, 'utf8');
});

function validateErms(xml: string): Promise<XMLValidationResult> {
  return validateXML({ xml: [{ fileName: ERMS_FILE_NAME, contents: xml }], schema: [{ fileName: 'ERMS_v3.xsd', contents: schema }] });
}

// Every character XML 1.0 forbids (NUL, other C0 controls, a lone surrogate, U+FFFE) next to every one it must escape.
const HOSTILE_TITLE = `Svar från <Kultur & fritid> "v2" 'sista'\u0007\u001b`;
const HOSTILE_ANSWER = 'Rad ett: </description><evil/> & &amp; ]]> "citat" \'apostrof\'\r\nRad två\u0000 med NUL\u000b och lodrät tab\ud83d ensam surrogat \ufffe slut';
/** What the archive should read back: one kind of line break, a visible U+FFFD where XML could not carry a character. */
const HOSTILE_ANSWER_READ_BACK = 'Rad ett: </description><evil/> & &amp; ]]> "citat" \'apostrof\'\nRad två\ufffd med NUL\n och lodrät tab\ufffd ensam surrogat \ufffd slut';

/** A stand-in for the compiled report: a PDF header and every byte value, so a mangled binary shows. */
const REPORT_PDF = new Uint8Array([...Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), ...Array.from({ length: 256 }, (_, i) => i), ...Buffer.from('\n%%EOF\n')]);
const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`, 'utf8'));

const secretariat: ArchiveAgent = { name: 'Maria Sekreterare', agentType: 'responsible_person', role: 'internationella sekretariatet', unit: 'Kommunstyrelseförvaltningen' };
const omsorg: ArchiveAgent = { name: 'Åsa Öberg', agentType: 'contact_person', role: 'kontaktperson', unit: 'Omsorgsförvaltningen', email: 'asa.oberg@solna.example' };
const kultur: ArchiveAgent = { name: `Kalle "K" O'Brien <kalle>`, agentType: 'contact_person', role: 'kontaktperson', unit: 'Kultur- och fritidsförvaltningen' };

const YEAR: ArchiveYear = {
  organisation: { id: 'solna', name: 'Solna stad', organisationNumber: '212000-0282' },
  year: 2026,
  exportedAt: new Date('2027-01-20T09:00:00Z'),
  systemVersion: '0.1.0',
  cases: [
    {
      id: 'cycle/solna/annual-follow-up/2026',
      kind: 'cycle',
      title: 'Årlig uppföljning av den internationella policyn 2026',
      opened: '2026-01-15T08:00:00+01:00',
      closed: '2026-04-01T16:00:00+02:00',
      agents: [secretariat, omsorg, kultur],
      records: [
        {
          id: 'cycle/solna/annual-follow-up/2026/mail/request/1',
          kind: 'mail-sent',
          title: 'Begäran om underlag till årsuppföljningen',
          date: '2026-01-15T08:05:00+01:00',
          text: 'Hej!\nVi ber er svara senast den 1 mars.',
          agents: [{ ...secretariat, agentType: 'sender' }],
        },
        {
          id: 'cycle/solna/annual-follow-up/2026/unit/omsorg/answer/1',
          kind: 'answer-version',
          title: 'Svar från Omsorgsförvaltningen',
          date: new Date('2026-02-20T13:14:15Z'),
          agents: [omsorg],
          fields: [
            { label: 'Pågående EU-projekt', value: 'Interreg Östersjö "Grön hamn"; partner i Åbo och Tallinn' },
            { label: 'Effekter för verksamheten', value: 'Två medarbetare har lärt sig nya arbetssätt\nRad två med ÅÄÖ åäö' },
          ],
        },
        {
          id: 'cycle/solna/annual-follow-up/2026/unit/kultur-fritid/answer/2',
          kind: 'answer-version',
          title: HOSTILE_TITLE,
          date: '2026-02-28T23:59:00+01:00',
          text: HOSTILE_ANSWER,
          agents: [kultur],
          fields: [{ label: 'Effekter "<&>"\u0001', value: HOSTILE_ANSWER }],
        },
        {
          id: 'cycle/solna/annual-follow-up/2026/report/1',
          kind: 'report',
          title: 'Sammanställning av årsuppföljningen 2026',
          date: '2026-04-01T15:30:00+02:00',
          agents: [{ ...secretariat, agentType: 'creator' }],
          files: [{ name: 'Sammanställning årsuppföljning 2026.pdf', bytes: REPORT_PDF, mimeType: 'application/pdf', description: 'PDF/A-2a' }],
        },
      ],
    },
    {
      id: 'project/solna/interreg-gron-hamn',
      kind: 'project',
      title: 'Interreg Östersjö – Grön hamn',
      opened: '2026-02-03T10:00:00+01:00',
      agents: [omsorg, secretariat],
      records: [
        {
          id: 'project/solna/interreg-gron-hamn/goals/1',
          kind: 'goals-version',
          title: 'Projektets mål, version 1',
          date: '2026-02-10T09:00:00+01:00',
          agents: [omsorg],
          fields: [
            { label: 'Syfte', value: 'Fossilfri hamndrift' },
            { label: 'Tidplan', value: '2026–2028' },
          ],
        },
        {
          id: 'project/solna/interreg-gron-hamn/return/1',
          kind: 'return-with-comment',
          title: 'Målen återsända för komplettering',
          date: '2026-02-12T11:00:00+01:00',
          text: 'Utvärderingsmetoderna saknas; komplettera med hur effekterna mäts.',
          agents: [secretariat],
        },
        {
          id: 'project/solna/interreg-gron-hamn/goals/2',
          kind: 'goals-version',
          title: 'Projektets mål, version 2',
          date: '2026-02-19T09:00:00+01:00',
          agents: [omsorg],
          fields: [{ label: 'Utvärderingsmetoder', value: 'Enkät före och efter; mätning av bränsleförbrukning' }],
          // Two attachments with the same name: both must land, under different paths.
          files: [
            { name: 'Bilaga.pdf', bytes: pdf('bilaga ett'), mimeType: 'application/pdf' },
            { name: 'Bilaga.pdf', bytes: pdf('bilaga två'), mimeType: 'application/pdf' },
          ],
        },
        {
          id: 'project/solna/interreg-gron-hamn/approval/1',
          kind: 'approval',
          title: 'Målen godkända',
          date: '2026-02-20T14:00:00+01:00',
          agents: [{ ...secretariat, agentType: 'authorising_person' }],
        },
      ],
    },
    {
      id: 'project/solna/erasmus-vuxenutbildning',
      kind: 'project',
      title: 'Erasmus+ för vuxenutbildning',
      opened: '2026-03-01',
      closed: '2026-11-30',
      agents: [kultur],
      records: [
        {
          id: 'project/solna/erasmus-vuxenutbildning/goals/1',
          kind: 'goals-version',
          title: 'Projektets mål, version 1',
          date: '2026-03-05T10:00:00+01:00',
          agents: [kultur],
          fields: [{ label: 'Syfte', value: 'Kompetensutveckling för lärare' }],
        },
        {
          id: 'project/solna/erasmus-vuxenutbildning/approval/1',
          kind: 'approval',
          title: 'Målen godkända',
          date: '2026-03-06T10:00:00+01:00',
          agents: [{ ...secretariat, agentType: 'authorising_person' }],
        },
      ],
    },
    {
      id: 'agreement/solna/abo',
      kind: 'agreement',
      title: 'Samarbetsavtal med Åbo stad',
      opened: '2026-05-01',
      agents: [secretariat, { name: 'Åbo stad', agentType: 'counterpart', organisation: 'Åbo stad' }],
      records: [
        {
          id: 'agreement/solna/abo/decision/1',
          kind: 'decision',
          title: 'Beslut att förlänga avtalet',
          date: '2026-05-12',
          text: 'Kommunstyrelsen beslutar att förlänga samarbetsavtalet med Åbo stad till och med 2030-12-31 (KS § 45).',
          agents: [{ ...secretariat, agentType: 'authorising_person' }],
          files: [{ name: 'Protokollsutdrag KS § 45.pdf', bytes: pdf('protokollsutdrag'), mimeType: 'application/pdf' }],
        },
      ],
    },
  ],
};

/** erms.xml read back with a parser: what the archive will see, not what the string happens to contain. */
function readBack(xml: string) {
  // Errors fail the test; warnings are let pass because the one expected is xmldom noticing the U+FFFD put there on purpose.
  const parser = new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } });
  const document = parser.parseFromString(xml, 'text/xml');
  const root = document.documentElement!;
  const all = (name: string, under: Element = root) => Array.from(under.getElementsByTagNameNS(ERMS_NAMESPACE, name));
  const text = (element: Element) => element.textContent ?? '';
  const attribute = (element: Element, name: string) => element.getAttribute(name);
  const valueOf = (element: Element) => text(Array.from(element.childNodes).find((n): n is Element => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === 'value')!);
  const checksums = all('ownElement')
    .filter((element) => attribute(element, 'name') === 'checksum')
    .map((element) => ({
      algorithm: attribute(element, 'format'),
      sha256: valueOf(element),
      path: valueOf(all('attribute', element).find((a) => attribute(a, 'name') === 'path')!),
      size: Number(valueOf(all('attribute', element).find((a) => attribute(a, 'name') === 'size')!)),
    }));
  return { root, all, text, attribute, checksums };
}

test('the year with a cycle, two projects and an agreement validates against ERMS v3, and every file in the ZIP has the SHA-256 erms.xml states', async () => {
  const outFile = path.join(mkdtempSync(path.join(tmpdir(), 'followup-archive-')), 'solna-2026.zip');
  const written = await writeArchivePackage(YEAR, outFile);
  const zip = await JSZip.loadAsync(readFileSync(outFile));
  const ermsBytes = await zip.file(ERMS_FILE_NAME)!.async('uint8array');
  const ermsXml = Buffer.from(ermsBytes).toString('utf8');

  const validation = await validateErms(ermsXml);
  expect(validation.errors).toEqual([]);
  expect(validation.valid).toBe(true);

  const xml = readBack(ermsXml);
  expect(xml.root.localName).toBe('erms');
  expect(xml.root.namespaceURI).toBe('https://DILCIS.eu/XML/ERMS');
  const aggregations = xml.all('aggregation');
  expect(aggregations.map((a) => xml.attribute(a, 'aggregationType'))).toEqual(['caseFile', 'caseFile', 'caseFile', 'caseFile']);
  expect(aggregations.map((a) => xml.text(xml.all('objectId', a)[0]!))).toEqual(YEAR.cases.map((c) => c.id));
  expect(xml.all('record')).toHaveLength(11);

  // Each appendix has exactly one checksum, and the ZIP holds exactly erms.xml and the appendices.
  const appendices = xml.all('appendix').map((a) => ({ name: xml.attribute(a, 'name'), path: xml.attribute(a, 'path')! }));
  expect(appendices).toHaveLength(4);
  expect(xml.checksums.map((c) => c.path).sort()).toEqual(appendices.map((a) => a.path).sort());
  const zippedFiles = Object.values(zip.files).filter((entry) => !entry.dir).map((entry) => entry.name);
  const listedFiles = appendices.map((a) => a.path.replace(/^file:\/\/\//, ''));
  expect(zippedFiles.sort()).toEqual([ERMS_FILE_NAME, ...listedFiles].sort());
  expect(written.files).toBe(4);

  for (const checksum of xml.checksums) {
    const bytes = await zip.file(checksum.path.replace(/^file:\/\/\//, ''))!.async('uint8array');
    expect(checksum.algorithm).toBe('SHA-256');
    expect({ path: checksum.path, sha256: sha256Hex(bytes), size: bytes.byteLength }).toEqual({ path: checksum.path, sha256: checksum.sha256, size: checksum.size });
  }
  // The report's bytes come out as they went in, every byte value included.
  const report = appendices.find((a) => a.name === 'Sammanställning årsuppföljning 2026.pdf')!;
  expect(Buffer.from(await zip.file(report.path.replace(/^file:\/\/\//, ''))!.async('uint8array')).equals(Buffer.from(REPORT_PDF))).toBe(true);
  // Two attachments named alike both arrive, under two paths.
  expect(new Set(appendices.filter((a) => a.name === 'Bilaga.pdf').map((a) => a.path)).size).toBe(2);
});

test('Swedish text survives as UTF-8 and hostile text in titles, names and answers is carried, not obeyed', async () => {
  const { ermsXml } = buildArchivePackage(YEAR);
  expect(ermsXml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect((await validateErms(ermsXml)).valid).toBe(true);

  const xml = readBack(ermsXml);
  const titles = xml.all('title').map(xml.text);
  expect(titles).toContain('Årlig uppföljning av den internationella policyn 2026');
  expect(titles).toContain('Samarbetsavtal med Åbo stad');
  // A title is one line: its control characters go, as the project's single-line rule does in every form.
  expect(titles).toContain(`Svar från <Kultur & fritid> "v2" 'sista'`);
  expect(xml.all('name').map(xml.text)).toContain(`Kalle "K" O'Brien <kalle>`);
  expect(xml.all('appendix').map((a) => xml.attribute(a, 'name'))).toContain('Protokollsutdrag KS § 45.pdf');

  const hostileRecord = xml.all('record').find((r) => xml.text(xml.all('objectId', r)[0]!) === 'cycle/solna/annual-follow-up/2026/unit/kultur-fritid/answer/2')!;
  expect(xml.text(xml.all('description', hostileRecord)[0]!)).toBe(HOSTILE_ANSWER_READ_BACK);
  const field = xml.all('ownElement', hostileRecord).find((e) => xml.attribute(e, 'dataType') === 'string')!;
  expect(xml.attribute(field, 'name')).toBe('Effekter "<&>"');
  expect(xml.text(xml.all('value', field)[0]!)).toBe(HOSTILE_ANSWER_READ_BACK);
  // No element came from the text: the injected <evil/> stayed characters.
  expect(xml.all('evil')).toHaveLength(0);
});

test('the validator is not vacuous: a package missing a required element or attribute is reported invalid', async () => {
  const { ermsXml } = buildArchivePackage(YEAR);
  const withoutMaintenance = ermsXml.replace(/<maintenanceInformation>[\s\S]*<\/maintenanceInformation>/, '');
  expect(withoutMaintenance).not.toBe(ermsXml);
  const missingElement = await validateErms(withoutMaintenance);
  expect(missingElement.valid).toBe(false);
  expect(missingElement.errors.map((e) => e.message).join('\n')).toMatch(/maintenanceInformation/);

  const withoutPath = ermsXml.replace(/(<appendix [^>]*?) path="[^"]*"/, '$1');
  expect(withoutPath).not.toBe(ermsXml);
  const missingAttribute = await validateErms(withoutPath);
  expect(missingAttribute.valid).toBe(false);
  expect(missingAttribute.errors.map((e) => e.message).join('\n')).toMatch(/path/);
});

test('the same year gives the same bytes, so a package can be exported again and compared', async () => {
  const first = buildArchivePackage(YEAR);
  const second = buildArchivePackage(YEAR);
  expect(second.ermsXml).toBe(first.ermsXml);
  expect(Buffer.from(await zipArchivePackage(second, YEAR.exportedAt)).equals(Buffer.from(await zipArchivePackage(first, YEAR.exportedAt)))).toBe(true);
});

test('what cannot become a faithful package is refused with the case or record named', () => {
  const [cycle] = YEAR.cases;
  const twice = { ...YEAR, cases: [{ ...cycle!, records: [cycle!.records[0]!, cycle!.records[0]!] }] };
  expect(() => buildArchivePackage(twice)).toThrow(ArchivePackageInputError);
  expect(() => buildArchivePackage(twice)).toThrow(/cycle\/solna\/annual-follow-up\/2026\/mail\/request\/1.*twice/);
  expect(() => buildArchivePackage({ ...YEAR, cases: [] })).toThrow(/no cases in 2026/);
  const zoneless = { ...YEAR, cases: [{ ...cycle!, opened: '2026-01-15T08:00:00' }] };
  expect(() => buildArchivePackage(zoneless)).toThrow(/case cycle\/solna\/annual-follow-up\/2026: opened .*with a zone/);
});
