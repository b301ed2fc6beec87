/**
 * The year's cases as a package for the e-archive, after E-ARK CITS ERMS v3 (the ground of the
 * National Archives' FGS for case management): `erms.xml` (control, then one caseFile aggregation
 * per case, its records, their appendices) beside the files it lists.
 *
 * Plain data in, bytes out: no Temporal and no database here, so the CLI, the web download and a
 * test can all feed it, and the database of record only has to fill an `ArchiveYear`.
 *
 * ERMS v3 has no checksum element or attribute (checksums live in an E-ARK package's METS), so each
 * appendix's SHA-256 travels in the schema's own extension point: an `ownElement` named `checksum`
 * in the same `additionalInformation`, tied to the appendix by its path. The package thus validates
 * against the unchanged schema and still says what every file's bytes must hash to.
 */
import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import JSZip from 'jszip';
import { lines, singleLine } from '../domain/text';

export const ERMS_NAMESPACE = 'https://DILCIS.eu/XML/ERMS';
export const ERMS_FILE_NAME = 'erms.xml';
const CONTENT_FOLDER = 'content';
const SYSTEM_NAME = 'policy-followup';
/** This project's namespace for name-based UUIDs (itself a random UUID, fixed once). */
const PACKAGE_UUID_NAMESPACE = Buffer.from('bc637f91957a4c64b8938c0605d03ec6', 'hex');

/** people: the year's substitutes and changes of units' contacts (records/people.ts), which belong to no one case. */
export type CaseKind = 'cycle' | 'project' | 'agreement' | 'revision' | 'yearly-goals' | 'event' | 'people';
/**
 * comment: the secretariat's comment on goals without returning them; case-history: who did what in
 * the case, and when; delegation: a unit's answer handed by its contact to a colleague (and its
 * withdrawal); substitution: a person's substitute for some days; contact-change: a unit's contacts set in the web.
 */
export type RecordKind = 'answer-version' | 'goals-version' | 'return-with-comment' | 'comment' | 'approval' | 'decision' | 'report' | 'mail-sent' | 'case-history' | 'delegation' | 'substitution' | 'contact-change';

/** ERMS's agentType values; "other" is left out because it would need an otherAgentType the model has no use for. */
export type ErmsAgentType =
  | 'administrator'
  | 'agent'
  | 'archiver'
  | 'authorising_person'
  | 'borrower'
  | 'contact_person'
  | 'counterpart'
  | 'creator'
  | 'custodian'
  | 'deliverer'
  | 'dispatcher'
  | 'editor'
  | 'ipp_owner'
  | 'main_signatory'
  | 'mover'
  | 'opening_person'
  | 'other_signatory'
  | 'owner'
  | 'reader'
  | 'recipient'
  | 'receiver'
  | 'relocator'
  | 'responsible_person'
  | 'sender'
  | 'user';

/**
 * An instant (a Date, or ISO 8601 with a zone: "2026-03-14T09:30:00+01:00"), or a calendar date
 * ("2026-03-12") for what was decided on a day rather than at a time.
 */
export type ArchiveTimestamp = Date | string;

export interface ArchiveAgent {
  name: string;
  agentType: ErmsAgentType;
  /** The role in words, e.g. "kontaktperson". */
  role?: string;
  unit?: string;
  email?: string;
  /** Only for someone outside the exporting organisation, e.g. a partner city's signatory. */
  organisation?: string;
}

export interface ArchiveFile {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
  description?: string;
}

/** One question and its answer, one goal, one field of a form: kept as label and value. */
export interface ArchiveField {
  label: string;
  value: string;
}

export interface ArchiveRecord {
  /** The record's business key in the database of record (key + version); unique in the package. */
  id: string;
  kind: RecordKind;
  title: string;
  date: ArchiveTimestamp;
  /** Free text of several lines: a comment, a decision's wording, a mail's body. */
  text?: string;
  fields?: ArchiveField[];
  agents?: ArchiveAgent[];
  files?: ArchiveFile[];
}

export interface ArchiveCase {
  /** The case's business key (e.g. a workflow id); unique in the package. */
  id: string;
  kind: CaseKind;
  title: string;
  opened: ArchiveTimestamp;
  closed?: ArchiveTimestamp;
  agents: ArchiveAgent[];
  records: ArchiveRecord[];
}

export interface ArchiveYear {
  organisation: { id: string; name: string; organisationNumber?: string };
  year: number;
  /** Given, not read from the clock, so the same year exports to the same bytes. */
  exportedAt: Date;
  /** Written into the maintenance event, so the archive knows which release made the package. */
  systemVersion?: string;
  cases: ArchiveCase[];
}

export interface ArchivePackageFile {
  /** Relative to the package root, ASCII only, with forward slashes. */
  path: string;
  bytes: Uint8Array;
  sha256: string;
  mimeType: string;
}

export interface ArchivePackage {
  ermsXml: string;
  files: ArchivePackageFile[];
}

/** What was handed in cannot become a faithful package; the message names the case or record. */
export class ArchivePackageInputError extends Error {
  override name = 'ArchivePackageInputError';
}

const CASE_KIND_NAMES: Record<CaseKind, string> = {
  cycle: 'Uppföljningscykel',
  project: 'Internationellt projekt',
  agreement: 'Samarbetsavtal',
  revision: 'Revidering av policy',
  'yearly-goals': 'Årliga mål',
  event: 'Evenemang och besök',
  people: 'Ersättare och kontaktpersoner',
};

/** Which of ERMS's date types a record's one date is. */
const RECORD_DATE_TYPES: Record<RecordKind, 'received' | 'sent' | 'decision' | 'created'> = {
  'answer-version': 'received',
  'goals-version': 'received',
  'return-with-comment': 'sent',
  comment: 'sent',
  approval: 'decision',
  decision: 'decision',
  report: 'created',
  'mail-sent': 'sent',
  'case-history': 'created',
  delegation: 'created',
  substitution: 'created',
  'contact-change': 'created',
};

export function buildArchivePackage(year: ArchiveYear): ArchivePackage {
  checkYear(year);
  const files: ArchivePackageFile[] = [];
  const xml = new ErmsDocument();
  writeControl(xml.child(xml.root, 'control'), year, xml);
  const aggregations = xml.child(xml.root, 'aggregations');
  year.cases.forEach((archiveCase, caseIndex) => {
    const caseFolder = `${CONTENT_FOLDER}/${ordinal(caseIndex)}-${asciiSegment(archiveCase.id, 'case')}`;
    writeCase(xml.child(aggregations, 'aggregation'), year, archiveCase, caseFolder, files, xml);
  });
  return { ermsXml: xml.serialize(), files };
}

/** The package as one ZIP, `erms.xml` first; for the web download, which sends bytes rather than a file. */
export async function zipArchivePackage(archivePackage: ArchivePackage, exportedAt: Date): Promise<Uint8Array> {
  const zip = new JSZip();
  // Every entry carries the export time, not the time of zipping, so the same year zips to the same bytes;
  // no folder entries, which JSZip would otherwise date with the clock (unzip tools make the folders).
  const options = { date: exportedAt, binary: true, createFolders: false } as const;
  zip.file(ERMS_FILE_NAME, Buffer.from(archivePackage.ermsXml, 'utf8'), options);
  for (const file of archivePackage.files) zip.file(file.path, file.bytes, options);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** Writes the year's package as a ZIP at `outFile`; a half-written package never stands under that name. */
export async function writeArchivePackage(year: ArchiveYear, outFile: string): Promise<{ outFile: string; files: number; bytes: number }> {
  const archivePackage = buildArchivePackage(year);
  const zipBytes = await zipArchivePackage(archivePackage, year.exportedAt);
  const partial = `${outFile}.partial-${process.pid}`;
  try {
    await writeFile(partial, zipBytes);
    await rename(partial, outFile);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { outFile, files: archivePackage.files.length, bytes: zipBytes.byteLength };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The form of an appendix's path that ERMS documents ("file:///path/to/file"), rooted at the package. */
export function appendixPath(packagePath: string): string {
  return `file:///${packagePath}`;
}

/** Every character outside XML 1.0's Char production: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * erms.xml as a DOM, serialised by @xmldom/xmldom, whose serializer escapes every "&", "<" and
 * quote it is given. (xmlbuilder2 was tried first: it writes "&amp;" or "&foo;" in a text as they
 * stand, taking them for entities, which loses the first and breaks the document with the second.)
 */
class ErmsDocument {
  private readonly document: Document = new DOMImplementation().createDocument(ERMS_NAMESPACE, 'erms', null);
  readonly root: Element = this.document.documentElement!;

  child(parent: Element, name: string, attributes: Record<string, string> = {}, text?: string): Element {
    const element = this.document.createElementNS(ERMS_NAMESPACE, name);
    for (const [attribute, value] of Object.entries(attributes)) element.setAttribute(attribute, xmlChars(value));
    if (text !== undefined) element.appendChild(this.document.createTextNode(xmlChars(text)));
    parent.appendChild(element);
    return element;
  }

  serialize(): string {
    this.indent(this.root, 0);
    // requireWellFormed makes the serializer throw rather than ever write a document that no parser would read.
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(this.document, { requireWellFormed: true })}\n`;
  }

  /** Line breaks and indentation between elements only (never inside text), so a person can read erms.xml; the schema ignores them. */
  private indent(element: Element, depth: number): void {
    const children = Array.from(element.childNodes);
    if (children.length === 0 || children.some((node) => node.nodeType !== node.ELEMENT_NODE)) return;
    for (const node of children) {
      element.insertBefore(this.document.createTextNode(`\n${'  '.repeat(depth + 1)}`), node);
      this.indent(node as Element, depth + 1);
    }
    element.appendChild(this.document.createTextNode(`\n${'  '.repeat(depth)}`));
  }
}

/** The replacement stands where a character XML cannot carry was, so the archive shows a loss instead of hiding it. */
function xmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

function writeControl(control: Element, year: ArchiveYear, xml: ErmsDocument): void {
  xml.child(control, 'identification', { identificationType: 'organisation' }, year.organisation.id);
  xml.child(control, 'identification', { identificationType: 'archivePackage' }, `${SYSTEM_NAME}/${year.organisation.id}/${year.year}`);
  const dates = xml.child(control, 'dates');
  xml.child(dates, 'date', { dateType: 'created' }, year.exportedAt.toISOString());
  xml.child(dates, 'date', { dateType: 'start' }, `${year.year}-01-01T00:00:00`);
  xml.child(dates, 'date', { dateType: 'end' }, `${year.year}-12-31T23:59:59`);
  const maintenance = xml.child(control, 'maintenanceInformation');
  xml.child(maintenance, 'maintenanceStatus', { value: 'new' });
  const agency = xml.child(maintenance, 'maintenanceAgency');
  if (year.organisation.organisationNumber) {
    xml.child(agency, 'agencyCode', { type: 'organisationsnummer' }, singleLine(year.organisation.organisationNumber));
  }
  xml.child(agency, 'agencyName', {}, singleLine(year.organisation.name));
  const event = xml.child(xml.child(maintenance, 'maintenanceHistory'), 'maintenanceEvent');
  xml.child(event, 'eventType', { value: 'created' });
  xml.child(event, 'eventDateTime', {}, year.exportedAt.toISOString());
  // The schematron demands otherAgentType beside "other"; the exporting system is neither a person nor an organisation.
  const system = xml.child(event, 'agent', { agentType: 'other', otherAgentType: 'system' });
  xml.child(system, 'name', {}, year.systemVersion ? `${SYSTEM_NAME} ${singleLine(year.systemVersion)}` : SYSTEM_NAME);
  xml.child(system, 'organisation', {}, singleLine(year.organisation.name));
}

/** Children in the order aggregationType's xs:sequence demands; a wrong order is invalid, not merely odd. */
function writeCase(aggregation: Element, year: ArchiveYear, archiveCase: ArchiveCase, caseFolder: string, files: ArchivePackageFile[], xml: ErmsDocument): void {
  aggregation.setAttribute('systemIdentifier', nameBasedUuid(`${year.organisation.id}\u0000case\u0000${archiveCase.id}`));
  aggregation.setAttribute('aggregationType', 'caseFile');
  xml.child(aggregation, 'objectId', {}, archiveCase.id);
  // classificationId, not classificationCode: the code belongs to the organisation's own filing plan, which this is not.
  xml.child(aggregation, 'classification', { classificationId: `${SYSTEM_NAME}:${archiveCase.kind}` }, CASE_KIND_NAMES[archiveCase.kind]);
  xml.child(aggregation, 'title', {}, singleLine(archiveCase.title));
  xml.child(aggregation, 'status', { value: archiveCase.closed === undefined ? 'open' : 'closed' });
  writeAgents(aggregation, archiveCase.agents, year, xml);
  const dates = xml.child(aggregation, 'dates');
  xml.child(dates, 'date', { dateType: 'opened' }, xsDateTime(archiveCase.opened, `case ${archiveCase.id}: opened`));
  if (archiveCase.closed !== undefined) xml.child(dates, 'date', { dateType: 'closed' }, xsDateTime(archiveCase.closed, `case ${archiveCase.id}: closed`));
  archiveCase.records.forEach((archiveRecord, recordIndex) => {
    const recordFolder = `${caseFolder}/${ordinal(recordIndex)}-${asciiSegment(archiveRecord.id, 'record')}`;
    writeRecord(xml.child(aggregation, 'record'), year, archiveCase, archiveRecord, recordIndex + 1, recordFolder, files, xml);
  });
}

/** Children in the order recordType's xs:sequence demands. */
function writeRecord(
  record: Element,
  year: ArchiveYear,
  archiveCase: ArchiveCase,
  archiveRecord: ArchiveRecord,
  runningNumber: number,
  recordFolder: string,
  files: ArchivePackageFile[],
  xml: ErmsDocument,
): void {
  record.setAttribute('systemIdentifier', nameBasedUuid(`${year.organisation.id}\u0000record\u0000${archiveRecord.id}`));
  record.setAttribute('recordType', archiveRecord.kind);
  record.setAttribute('recordPhysicalOrDigital', 'digital');
  xml.child(record, 'objectId', {}, archiveRecord.id);
  xml.child(record, 'parentAggregationId', {}, archiveCase.id);
  xml.child(record, 'title', {}, singleLine(archiveRecord.title));
  xml.child(record, 'runningNumber', {}, String(runningNumber));
  writeAgents(record, archiveRecord.agents ?? [], year, xml);
  if (archiveRecord.text !== undefined && archiveRecord.text !== '') xml.child(record, 'description', {}, severalLines(archiveRecord.text));
  const dates = xml.child(record, 'dates');
  xml.child(dates, 'date', { dateType: RECORD_DATE_TYPES[archiveRecord.kind] }, xsDateTime(archiveRecord.date, `record ${archiveRecord.id}: date`));

  const packaged = placeFiles(archiveRecord.files ?? [], recordFolder);
  files.push(...packaged.map(({ entry }) => entry));
  const fields = archiveRecord.fields ?? [];
  if (packaged.length === 0 && fields.length === 0) return;
  // additionalInformation's own order: every appendix, then the own elements.
  const additional = xml.child(record, 'additionalInformation');
  for (const { entry, source } of packaged) {
    const attributes: Record<string, string> = { name: singleLine(source.name), path: appendixPath(entry.path), fileFormat: singleLine(source.mimeType) };
    if (source.description) attributes.description = singleLine(source.description);
    xml.child(additional, 'appendix', attributes);
  }
  if (packaged.length > 0) {
    const checksums = xml.child(additional, 'ownElement');
    xml.child(checksums, 'ownElementDescription', {}, 'SHA-256 of each appendix above, hex, over the bytes of the file at the path given in its property "path".');
    for (const { entry } of packaged) {
      const checksum = xml.child(checksums, 'ownElement', { name: 'checksum', dataType: 'hexBinary', format: 'SHA-256' });
      xml.child(checksum, 'value', {}, entry.sha256);
      const property = xml.child(checksum, 'property');
      xml.child(xml.child(property, 'attribute', { name: 'path' }), 'value', {}, appendixPath(entry.path));
      xml.child(xml.child(property, 'attribute', { name: 'size', dataType: 'integer', format: 'bytes' }), 'value', {}, String(entry.bytes.byteLength));
    }
  }
  if (fields.length > 0) {
    const content = xml.child(additional, 'ownElement');
    xml.child(content, 'ownElementDescription', {}, 'The fields of the record in their order: each a label (name) and its value as entered.');
    for (const field of fields) xml.child(xml.child(content, 'ownElement', { name: singleLine(field.label), dataType: 'string' }), 'value', {}, severalLines(field.value));
  }
}

function writeAgents(parent: Element, agents: ArchiveAgent[], year: ArchiveYear, xml: ErmsDocument): void {
  if (agents.length === 0) return;
  const container = xml.child(parent, 'agents');
  for (const agent of agents) {
    // agentComplexType's order: name, organisation, unitName, role, addressContactInformation.
    const element = xml.child(container, 'agent', { agentType: agent.agentType });
    xml.child(element, 'name', {}, singleLine(agent.name));
    xml.child(element, 'organisation', {}, singleLine(agent.organisation ?? year.organisation.name));
    if (agent.unit) xml.child(element, 'unitName', {}, singleLine(agent.unit));
    if (agent.role) xml.child(element, 'role', {}, singleLine(agent.role));
    if (agent.email) xml.child(xml.child(element, 'addressContactInformation'), 'contactLine', { contactType: 'email' }, singleLine(agent.email));
  }
}

function placeFiles(sources: ArchiveFile[], recordFolder: string): { entry: ArchivePackageFile; source: ArchiveFile }[] {
  const taken = new Set<string>();
  return sources.map((source) => {
    const path = `${recordFolder}/${uniqueName(asciiFileName(source.name), taken)}`;
    const bytes = source.bytes;
    return { entry: { path, bytes, sha256: sha256Hex(bytes), mimeType: source.mimeType }, source };
  });
}

function uniqueName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
  // Case-insensitive, because the package is unpacked on Windows too, where "A.pdf" overwrites "a.pdf".
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * Paths in the ZIP are ASCII: the original name, Swedish letters and all, stays in the appendix's
 * name attribute, while the path has to survive every unzip tool and file system the archive uses.
 */
function asciiSegment(text: string, fallback: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
    .replace(/-$/, '');
  return ascii || fallback;
}

function asciiFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = asciiSegment(dot > 0 ? name.slice(0, dot) : name, 'file');
  const extension = dot > 0 ? asciiSegment(name.slice(dot + 1), '').slice(0, 10) : '';
  return extension ? `${stem}.${extension}` : stem;
}

/** Two digits at least, so the folders list in the order of the cases and records. */
function ordinal(index: number): string {
  return String(index + 1).padStart(2, '0');
}

/** Line breaks of every kind become "\n", the one break XML keeps as written (a bare CR would be read as LF anyway). */
function severalLines(text: string): string {
  return lines(text).join('\n');
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function xsDateTime(value: ArchiveTimestamp, what: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ArchivePackageInputError(`${what} is not a valid date.`);
    return value.toISOString();
  }
  if (CALENDAR_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    // xs:dateTime without a zone: a day as it was decided, not an instant someone would have to guess a zone for.
    return `${value}T00:00:00`;
  }
  if (INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new ArchivePackageInputError(`${what} "${value}" must be an ISO 8601 date-time with a zone (2026-03-14T09:30:00+01:00) or a date (2026-03-12).`);
}

/**
 * A UUID (version 5, RFC 9562) named by the business key: ERMS asks for a UUID per object by the time
 * of export, and one derived from the key gives the same object the same UUID in every export.
 */
function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(PACKAGE_UUID_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}


function checkYear(year: ArchiveYear): void {
  if (!Number.isInteger(year.year) || year.year < 1000 || year.year > 9999) throw new ArchivePackageInputError(`year ${year.year} must be a four-digit year.`);
  if (Number.isNaN(year.exportedAt.getTime())) throw new ArchivePackageInputError('exportedAt is not a valid date.');
  if (!singleLine(year.organisation.id) || !singleLine(year.organisation.name)) throw new ArchivePackageInputError('the organisation needs an id and a name.');
  // ERMS requires at least one aggregation: an empty year has no package to give, rather than an invalid one.
  if (year.cases.length === 0) throw new ArchivePackageInputError(`${year.organisation.id} has no cases in ${year.year}; there is nothing to archive.`);
  const caseIds = new Set<string>();
  const recordIds = new Set<string>();
  for (const archiveCase of year.cases) {
    requireText(archiveCase.id, 'a case has an empty id');
    if (caseIds.has(archiveCase.id)) throw new ArchivePackageInputError(`case id "${archiveCase.id}" occurs twice; ERMS objectIds must be unique.`);
    caseIds.add(archiveCase.id);
    requireText(singleLine(archiveCase.title), `case ${archiveCase.id} has no title`);
    for (const archiveRecord of archiveCase.records) {
      requireText(archiveRecord.id, `case ${archiveCase.id} has a record with an empty id`);
      if (recordIds.has(archiveRecord.id) || caseIds.has(archiveRecord.id)) {
        throw new ArchivePackageInputError(`record id "${archiveRecord.id}" occurs twice; ERMS objectIds must be unique.`);
      }
      recordIds.add(archiveRecord.id);
      requireText(singleLine(archiveRecord.title), `record ${archiveRecord.id} has no title`);
      for (const file of archiveRecord.files ?? []) {
        if (!(file.bytes instanceof Uint8Array)) throw new ArchivePackageInputError(`file "${file.name}" of record ${archiveRecord.id} has no bytes.`);
        requireText(singleLine(file.name), `record ${archiveRecord.id} has a file without a name`);
        requireText(singleLine(file.mimeType), `file "${file.name}" of record ${archiveRecord.id} has no MIME type`);
      }
    }
  }
  for (const id of caseIds) if (recordIds.has(id)) throw new ArchivePackageInputError(`id "${id}" is both a case and a record; ERMS objectIds must be unique.`);
}

function requireText(text: string, problem: string): void {
  if (text.trim() === '') throw new ArchivePackageInputError(`${problem}.`);
}
