/**
 * An organisation's year read from the database of record as the archive package's cases
 * (records/archive-package.ts): each cycle with every answer version, its report's files and its
 * mail log; each project with every version of its goals, each return with its comment and the
 * approval, who did each and when; each agreement, revision, the year's goals and each event with
 * their decisions and history. Nothing is read from Temporal: a case whose workflow's history is
 * long deleted is packaged as well as a running one.
 *
 * Every record carries its content twice: as fields in erms.xml (what a machine reads) and as a
 * small PDF/A (what a person reads; PDF/A is the National Archives' format for documents). The
 * report keeps its own files: the compiled PDF/A, the Word document, the web page and the Markdown.
 * The files attached to an answer, or to a project's goals, are appendices of each answer or goals
 * version that holds them, as they were sent, with their kind and SHA-256 (records/attachments.ts).
 *
 * The people records are records too: each delegation of a cycle's answer (who handed it to whom,
 * when, and its withdrawal) is a record of the cycle's case; the year's substitutes and changes of
 * units' contacts, which belong to no one case, are the records of a case of their own ("people").
 */
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { readIfPresent, reportDataRef, type Archive } from '../activities/archive';
import type { Block, ReportDocument } from '../activities/documents/document-model';
import { shownValue, type DescribeFiles } from '../activities/mail-context';
import type { PeriodData } from '../activities/report';
import type { OrganisationConfig } from '../config/schema';
import { attachmentIds, describeAttachment } from '../domain/attachments';
import { formatDate } from '../domain/calendar';
import { messageIdScope, type CycleKey } from '../domain/ids';
import { TEXTS as WEB_TEXTS } from '../web/i18n';
import { fullLabel, questionnaireOf } from '../domain/questionnaire';
import { REPORT_CONTENT_TYPES, refOf, type ReportFiles, type ReportFormat } from '../domain/report-formats';
import type { Language, QuestionField } from '../domain/types';
import { answerVersions } from './answers';
import { attachmentsWithContent, goalsAttachmentIds, goalsAttachmentsWithContent, type Attachment } from './attachments';
import {
  buildArchivePackage,
  sha256Hex,
  zipArchivePackage,
  type ArchiveAgent,
  type ArchiveCase,
  type ArchiveField,
  type ArchiveFile,
  type ArchiveRecord,
  type ArchiveYear,
  type CaseKind as PackageCaseKind,
} from './archive-package';
import { casesOfYear, type CaseKind, type CaseVersion } from './cases';
import type { Records } from './database';
import { delegationsOf, substitutionsOfYear, unitContactChanges, type Contact, type Delegation } from './people';
import { projectOnRecord } from './projects';

export interface YearPackageSource {
  records: Records;
  /** Where the compiled reports' files are (the database's files, or the archive folder). */
  archive: Archive;
  config: OrganisationConfig;
  year: number;
  /** Given, so the same year exports to the same bytes; the CLI and the web give the time of export. */
  exportedAt: Date;
  systemVersion?: string;
}

export interface YearPackage {
  zip: Uint8Array;
  /** The ZIP's own SHA-256, to be kept beside it in the delivery note. */
  sha256: string;
  bytes: number;
  cases: number;
  records: number;
  /** The files beside erms.xml. */
  files: number;
  /** Cases by kind, as the summary says it. */
  kinds: Partial<Record<PackageCaseKind, number>>;
  /** Files the record names but the archive does not hold (a report's Word document, say): said, not hidden. */
  missing: string[];
}

/** The year has no case on record: there is nothing to package (ERMS needs at least one case). */
export class NothingOnRecordError extends Error {
  override name = 'NothingOnRecordError';
}

/** The packaged kinds, in the order the package lists them; seminars are register entries, not cases. */
const KIND_ORDER: readonly CaseKind[] = ['cycle', 'project', 'agreement', 'revision', 'goals', 'event'];
const PACKAGE_KIND: Partial<Record<CaseKind, PackageCaseKind>> = { cycle: 'cycle', project: 'project', agreement: 'agreement', revision: 'revision', goals: 'yearly-goals', event: 'event' };

/** The package's file name for the download and the CLI's default: organisation and year. */
export function packageFileName(orgId: string, year: number): string {
  return `${orgId}-arkivpaket-${year}.zip`;
}

/** Each case's newest version (by time), as `casesOfYear` reads it: a case belongs to that version's year only. */
const newestVersions = (db: Records, org: string) =>
  db
    .selectFrom('case_records')
    .select(['kind', 'case_id', 'year'])
    .distinctOn(['kind', 'case_id'])
    .where('org', '=', org)
    .where('kind', 'in', [...KIND_ORDER])
    .orderBy('kind')
    .orderBy('case_id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc');

/**
 * The years with cases on record, newest first, with how many cases of each kind: what the web
 * offers to export. Each case is counted in the year of its newest version, as the year's package holds it.
 */
export async function yearsOnRecord(db: Records, org: string): Promise<{ year: number; kinds: Partial<Record<PackageCaseKind, number>> }[]> {
  const rows = await db
    .selectFrom(newestVersions(db, org).as('newest'))
    .select(['year', 'kind', sql<string>`count(*)`.as('cases')])
    .where('year', 'is not', null)
    .groupBy(['year', 'kind'])
    .execute();
  const years = new Map<number, Partial<Record<PackageCaseKind, number>>>();
  for (const row of rows) {
    const kinds = years.get(row.year!) ?? {};
    kinds[PACKAGE_KIND[row.kind as CaseKind]!] = Number(row.cases);
    years.set(row.year!, kinds);
  }
  return [...years.entries()].sort(([a], [b]) => b - a).map(([year, kinds]) => ({ year, kinds }));
}

/** The year as a ZIP after CITS ERMS, with what it holds. */
export async function exportYearPackage(source: YearPackageSource): Promise<YearPackage> {
  const { archiveYear, missing } = await readArchiveYear(source);
  const archivePackage = buildArchivePackage(archiveYear);
  const zip = await zipArchivePackage(archivePackage, archiveYear.exportedAt);
  const kinds: Partial<Record<PackageCaseKind, number>> = {};
  for (const c of archiveYear.cases) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
  return {
    zip,
    sha256: sha256Hex(zip),
    bytes: zip.byteLength,
    cases: archiveYear.cases.length,
    records: archiveYear.cases.reduce((n, c) => n + c.records.length, 0),
    files: archivePackage.files.length,
    kinds,
    missing,
  };
}

/** The year's cases as archive-package.ts takes them; throws NothingOnRecordError for a year without cases. */
export async function readArchiveYear(source: YearPackageSource): Promise<{ archiveYear: ArchiveYear; missing: string[] }> {
  const { records, config, year } = source;
  const org = config.organisation.id;
  const reader = new YearReader(source);
  const newest = (await casesOfYear(records, org, year)).filter((c) => KIND_ORDER.includes(c.kind));
  const people = await reader.people();
  if (newest.length === 0 && !people) {
    throw new NothingOnRecordError(
      `${config.organisation.name} has no cases on record in ${year}: no cycle, project, agreement, revision, yearly goals or event of that year is in the database of record. Choose another year; cases are put on record as their workflows run (in this release and later).`,
    );
  }
  const opened = await firstVersions(records, org, year);
  const cases: ArchiveCase[] = [];
  for (const kind of KIND_ORDER) {
    for (const onRecord of newest.filter((c) => c.kind === kind)) {
      cases.push(await reader.read(onRecord, opened.get(`${kind}\u0000${onRecord.caseId}`) ?? new Date(onRecord.at)));
    }
  }
  if (people) cases.push(people);
  return {
    archiveYear: { organisation: { id: org, name: config.organisation.name }, year, exportedAt: source.exportedAt, ...(source.systemVersion ? { systemVersion: source.systemVersion } : {}), cases },
    missing: reader.missing,
  };
}

/** When each case of the year (by its newest version) was first put on record: its opening where its state does not say. */
async function firstVersions(db: Records, org: string, year: number): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('case_records as c')
    .innerJoin(newestVersions(db, org).as('newest'), (join) => join.onRef('newest.kind', '=', 'c.kind').onRef('newest.case_id', '=', 'c.case_id'))
    .select(['c.kind', 'c.case_id', sql<Date>`min(c.at)`.as('first')])
    .where('c.org', '=', org)
    .where('newest.year', '=', year)
    .groupBy(['c.kind', 'c.case_id'])
    .execute();
  return new Map(rows.map((r) => [`${r.kind}\u0000${r.case_id}`, new Date(r.first)]));
}

const TEXTS = {
  sv: {
    case: 'Ärende',
    date: 'Datum',
    by: 'Av',
    answerTitle: 'Svar från {unit}, version {revision}',
    goalsTitle: 'Projektets mål, version {revision}',
    returnTitle: 'Målen återsända med kommentar',
    commentTitle: 'Kommentar till målen',
    approvalTitle: 'Målen godkända',
    reportTitle: 'Sammanställning: {title}',
    mailTitle: 'Utskick: {kind}, {date} ({count} mottagare)',
    historyTitle: 'Ärendets historik',
    attachedTo: 'Bifogad fil till frågan ”{field}”',
    asked_: 'Begärde beslutet',
    escalated: 'Eskalerade',
    historyColumns: ['När', 'Vad', 'Av', 'Detaljer'],
    mailColumns: ['Adress', 'Utfall', 'När', 'Serverns svar'],
    contactOf: 'kontaktperson för {unit}',
    owner: 'projektägaren',
    commandLine: 'kommandoraden',
    secretariatRole: 'sekretariatet',
    ownerRole: 'projektägare',
    contactRole: 'kontaktperson',
    noAnswer: '(inget svar)',
    asked: 'Tillfrågade enheter',
    answered: 'Svarade',
    exempt: 'Undantagna',
    comment: 'Kommentar',
    decisionRenew: 'Beslut: avtalet förlängs till {date}',
    decisionEnd: 'Beslut: avtalet avslutas',
    revisionDecision: 'Beslut om revidering av policyn ({outcome})',
    revised: 'reviderad',
    confirmed: 'bekräftad utan ändring',
    goalsDecision: 'Beslut om årets mål',
    decidedOn: 'Beslutsdatum',
    body: 'Beslutande organ',
    paragraph: 'Paragraf',
    outcome: 'Utfall',
    state: 'Läge',
    registered: 'Registrerat',
    unit: 'Enhet',
    partner: 'Partner',
    endsOn: 'Gäller till',
    plannedStart: 'Planerad start',
    plannedEnd: 'Planerat slut',
    place: 'Plats',
    outcomes: { delivered: 'levererat', refused: 'avvisat', failed: 'inte skapat', 'put-off': 'uppskjutet' } as Record<string, string>,
    delegationTitle: 'Svaret för {unit} överlämnat till {to}',
    delegate: 'Ombud',
    delegatedBy: 'Överlämnat av',
    delegatedAt: 'Överlämnat',
    withdrawnBy: 'Återkallat av',
    withdrawnAt: 'Återkallat',
    peopleTitle: 'Ersättare och kontaktpersoner {year}',
    substitutionTitle: 'Ersättare för {person}: {substitute}, {from}–{until}',
    person: 'Person',
    substitute: 'Ersättare',
    fromDay: 'Från och med',
    untilDay: 'Till och med',
    copyPerson: 'Kopia till personen',
    yes: 'ja',
    no: 'nej',
    setBy: 'Satt av',
    setAt: 'Satt',
    removedBy: 'Borttagen av',
    removedAt: 'Borttagen',
    contactChangeTitle: 'Kontaktpersoner för {unit} ändrade i webben',
    contactRestoreTitle: 'Kontaktpersoner för {unit} åter enligt konfigurationen',
    contacts: 'Kontaktpersoner',
    head: 'Chef',
    restored: 'Konfigurationens kontaktpersoner och chef gäller igen',
  },
  en: {
    case: 'Case',
    date: 'Date',
    by: 'By',
    answerTitle: 'Answer from {unit}, version {revision}',
    goalsTitle: "The project's goals, version {revision}",
    returnTitle: 'Goals returned with a comment',
    commentTitle: 'Comment on the goals',
    approvalTitle: 'Goals approved',
    reportTitle: 'Report: {title}',
    mailTitle: 'Mailing: {kind}, {date} ({count} recipients)',
    historyTitle: 'History of the case',
    attachedTo: 'File attached to the question “{field}”',
    asked_: 'Asked for the decision',
    escalated: 'Escalated',
    historyColumns: ['When', 'What', 'By', 'Details'],
    mailColumns: ['Address', 'Outcome', 'When', "The server's words"],
    contactOf: 'contact person of {unit}',
    owner: 'the project owner',
    commandLine: 'command line',
    secretariatRole: 'the secretariat',
    ownerRole: 'project owner',
    contactRole: 'contact person',
    noAnswer: '(no answer)',
    asked: 'Units asked',
    answered: 'Answered',
    exempt: 'Exempt',
    comment: 'Comment',
    decisionRenew: 'Decision: the agreement is renewed until {date}',
    decisionEnd: 'Decision: the agreement ends',
    revisionDecision: 'Decision on the revision of the policy ({outcome})',
    revised: 'revised',
    confirmed: 'confirmed unchanged',
    goalsDecision: "Decision on the year's goals",
    decidedOn: 'Decided on',
    body: 'Decided by',
    paragraph: 'Paragraph',
    outcome: 'Outcome',
    state: 'State',
    registered: 'Registered',
    unit: 'Unit',
    partner: 'Partner',
    endsOn: 'Valid until',
    plannedStart: 'Planned start',
    plannedEnd: 'Planned end',
    place: 'Place',
    outcomes: { delivered: 'delivered', refused: 'refused', failed: 'not made', 'put-off': 'put off' } as Record<string, string>,
    delegationTitle: 'The answer for {unit} handed over to {to}',
    delegate: 'Delegate',
    delegatedBy: 'Handed over by',
    delegatedAt: 'Handed over',
    withdrawnBy: 'Withdrawn by',
    withdrawnAt: 'Withdrawn',
    peopleTitle: 'Substitutes and contact persons {year}',
    substitutionTitle: 'Substitute for {person}: {substitute}, {from}–{until}',
    person: 'Person',
    substitute: 'Substitute',
    fromDay: 'From',
    untilDay: 'Until',
    copyPerson: 'Copy to the person',
    yes: 'yes',
    no: 'no',
    setBy: 'Set by',
    setAt: 'Set',
    removedBy: 'Removed by',
    removedAt: 'Removed',
    contactChangeTitle: 'Contact persons of {unit} changed in the web',
    contactRestoreTitle: "Contact persons of {unit} back to the configuration's",
    contacts: 'Contact persons',
    head: 'Head',
    restored: "The configuration's contact persons and head apply again",
  },
} as const;

type Texts = (typeof TEXTS)[Language];
const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? ''));

/** A state as the workflows keep it: read defensively, since older versions of a case may lack fields. */
type State = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const isInstant = (value: string | undefined): value is string => value !== undefined && !Number.isNaN(Date.parse(value)) && /T\d{2}:\d{2}/.test(value);
const isDay = (value: string | undefined): value is string => value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value);

interface HistoryRow {
  at: string;
  what: string;
  by?: string;
  detail?: string;
}

interface MailRow {
  kind: string;
  sequence: number;
  message_id: string;
  address: string;
  outcome: string;
  server_response: string | null;
  at: Date;
}

class YearReader {
  readonly missing: string[] = [];
  private readonly language: Language;
  private readonly t: Texts;
  private readonly zone: string;
  private readonly org: string;

  constructor(private readonly source: YearPackageSource) {
    this.language = source.config.organisation.language;
    this.t = TEXTS[this.language];
    this.zone = source.config.organisation.timeZone;
    this.org = source.config.organisation.id;
  }

  async read(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    switch (onRecord.kind) {
      case 'cycle':
        return this.cycle(onRecord, firstAt);
      case 'project':
        return this.project(onRecord, firstAt);
      case 'agreement':
        return this.agreement(onRecord, firstAt);
      case 'revision':
        return this.revision(onRecord, firstAt);
      case 'goals':
        return this.goals(onRecord, firstAt);
      default:
        return this.event(onRecord, firstAt);
    }
  }

  // --- The kinds of case ----------------------------------------------------------------------

  private async cycle(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    const { config, records, archive } = this.source;
    const state = onRecord.state;
    const [obligationId, period] = splitOnce(onRecord.caseId);
    const key: CycleKey = { orgId: this.org, obligationId, period };
    const caseId = `cycle/${this.org}/${onRecord.caseId}`;
    const obligation = config.obligations.find((o) => o.id === obligationId);
    const title = obligation ? `${obligation.title[this.language]} ${period}` : onRecord.title;
    const plan = (state.plan ?? {}) as State;
    const closedAt = state.phase === 'closed' ? str(state.closedAt) : undefined;
    const recordsOfCase: ArchiveRecord[] = [];

    // Each answer as it came, version by version, with the period's own questions where it kept them.
    const questionnaire = await this.periodQuestionnaire(key, obligation);
    // The files the answers hold, read once each: a file kept through a correction is in every version that holds it.
    const attachments = new Map<string, Attachment>();
    for (const version of await answerVersions(records, { org: this.org, obligation: obligationId, period })) {
      const unitName = this.unitName(version.unit);
      const held = await this.attachmentsOf(key, version.unit, questionnaire, version.answers, attachments);
      const describeFiles: DescribeFiles = (ids) => ids.flatMap((id) => (held.has(id) ? [describeAttachment(held.get(id)!, this.language)] : [])).join('\n');
      const record: ArchiveRecord = {
        id: `${caseId}/unit/${version.unit}/answer/${version.revision}`,
        kind: 'answer-version',
        title: fill(this.t.answerTitle, { unit: unitName, revision: version.revision }),
        date: version.at,
        agents: [this.actorAgent(version.actor, 'sender', { unit: version.unit })],
        fields: this.answerFields(questionnaire, version.answers, held.size ? describeFiles : undefined),
      };
      const rendered = await this.withPdf(record, title);
      // The record's own PDF first, then each attached file as it was sent.
      const files: ArchiveFile[] = [...held.values()].map((a) => ({
        name: a.name,
        bytes: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
        mimeType: a.mediaType,
        description: fill(this.t.attachedTo, { field: this.fieldLabel(questionnaire, a.field) }),
      }));
      recordsOfCase.push(files.length ? { ...rendered, files: [...(rendered.files ?? []), ...files] } : rendered);
    }

    // The compiled report: its own files, as compiled.
    const report = state.report as (ReportFiles & { asked?: number; answered?: number; exempt?: number }) | undefined;
    if (report) {
      const files: ArchiveFile[] = [];
      for (const format of ['pdf', 'docx', 'html', 'md'] as const satisfies readonly ReportFormat[]) {
        const ref = refOf(report, format);
        if (!ref) continue;
        const bytes = await this.readFile(archive, ref);
        if (bytes) files.push({ name: `${this.org}-${obligationId}-${period}.${format}`, bytes, mimeType: REPORT_CONTENT_TYPES[format].split(';')[0]!, ...(format === 'pdf' ? { description: 'PDF/A-2a' } : {}) });
      }
      recordsOfCase.push({
        id: `${caseId}/report`,
        kind: 'report',
        title: fill(this.t.reportTitle, { title }),
        date: closedAt ?? onRecord.at,
        agents: [this.secretariat('creator')],
        fields: [
          ...(report.asked !== undefined ? [{ label: this.t.asked, value: String(report.asked) }] : []),
          ...(report.answered !== undefined ? [{ label: this.t.answered, value: String(report.answered) }] : []),
          ...(report.exempt !== undefined ? [{ label: this.t.exempt, value: String(report.exempt) }] : []),
        ],
        files,
      });
    }
    recordsOfCase.push(...(await this.mailRecords(caseId, title, messageIdScope(key), false)));
    // Each answer handed to a colleague, withdrawn ones too: who handed it to whom, and when.
    for (const delegation of await delegationsOf(records, { org: this.org, obligation: obligationId, period }, undefined, { withdrawn: true })) {
      recordsOfCase.push(await this.withPdf(this.delegationRecord(caseId, delegation), title));
    }
    const history = await this.historyRecord(caseId, title, this.inWords(list<HistoryRow>(state.history), ['history_']), onRecord.at);
    if (history) recordsOfCase.push(history);
    return {
      id: caseId,
      kind: 'cycle',
      title,
      opened: str(plan.opensAt) && isInstant(str(plan.opensAt)) ? str(plan.opensAt)! : firstAt,
      ...(closedAt ? { closed: closedAt } : {}),
      agents: [this.secretariat('responsible_person')],
      records: recordsOfCase,
    };
  }

  private async project(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    const { config, records } = this.source;
    const state = onRecord.state;
    const caseId = `project/${this.org}/${onRecord.caseId}`;
    const title = str(state.title) ?? onRecord.title;
    const unitId = str(state.unitId);
    const owner = (state.owner ?? {}) as { name?: string; email?: string };
    const ownerAgent: ArchiveAgent | undefined = owner.name
      ? { name: owner.name, agentType: 'contact_person', role: this.t.ownerRole, ...(unitId ? { unit: this.unitName(unitId) } : {}), ...(owner.email ? { email: owner.email } : {}) }
      : undefined;
    const obligationId = str(state.obligationId);
    const gate = config.obligations.find((o) => o.id === obligationId && o.kind === 'gate-before-start');
    const questionnaire = gate && 'questionnaire' in gate ? questionnaireOf(gate as Parameters<typeof questionnaireOf>[0]) : [];
    const onRecordOfProject = await projectOnRecord(records, this.org, onRecord.caseId);
    const recordsOfCase: ArchiveRecord[] = [];
    const as = (actor: string, agentType: ArchiveAgent['agentType']) => this.actorAgent(actor, agentType, { owner: owner.name, ...(unitId ? { unit: unitId } : {}) });

    const goals = onRecordOfProject.goals.length
      ? onRecordOfProject.goals
      : // A project put on record before its goals had a table of their own: its newest goals, from its state.
        state.goals
        ? [{ revision: Number((state.goals as State).revision) || 1, goals: ((state.goals as State).values ?? {}) as Record<string, unknown>, at: new Date(String((state.goals as State).submittedAt ?? onRecord.at)), actor: 'owner' }]
        : [];
    const entries: { at: Date; record: ArchiveRecord; files?: ArchiveFile[] }[] = [];
    // The files the goals hold (the project's application, its plan), read once each; each beside every version that holds it.
    const attached = new Map((await goalsAttachmentsWithContent(records, this.org, onRecord.caseId, goalsAttachmentIds(goals, questionnaire))).map((a) => [a.id, a]));
    for (const version of goals) {
      const held = goalsAttachmentIds([version], questionnaire).flatMap((id) => attached.get(id) ?? []);
      const describeFiles: DescribeFiles = (ids) => ids.flatMap((id) => (attached.has(id) ? [describeAttachment(attached.get(id)!, this.language)] : [])).join('\n');
      entries.push({
        at: version.at,
        record: { id: `${caseId}/goals/${version.revision}`, kind: 'goals-version', title: fill(this.t.goalsTitle, { revision: version.revision }), date: version.at, agents: [as(version.actor, 'sender')], fields: this.answerFields(questionnaire, version.goals, held.length ? describeFiles : undefined) },
        files: held.map((a) => ({
          name: a.name,
          bytes: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
          mimeType: a.mediaType,
          description: fill(this.t.attachedTo, { field: this.fieldLabel(questionnaire, a.field) }),
        })),
      });
    }
    const steps = onRecordOfProject.steps.length
      ? onRecordOfProject.steps
      : [
          ...list<{ comment: string; at: string }>(state.returned).map((r) => ({ step: 'returned' as const, at: new Date(r.at), actor: 'secretariat', comment: r.comment })),
          ...(str(state.approvedAt) ? [{ step: 'approved' as const, at: new Date(String(state.approvedAt)), actor: 'secretariat' }] : []),
        ];
    const counts: Record<string, number> = {};
    for (const step of steps) {
      const n = (counts[step.step] = (counts[step.step] ?? 0) + 1);
      const kind = step.step === 'returned' ? 'return-with-comment' : step.step === 'commented' ? 'comment' : 'approval';
      const titleOf = step.step === 'returned' ? this.t.returnTitle : step.step === 'commented' ? this.t.commentTitle : this.t.approvalTitle;
      entries.push({
        at: step.at,
        record: {
          id: `${caseId}/${step.step}/${n}`,
          kind,
          title: titleOf,
          date: step.at,
          ...(step.comment ? { text: step.comment, fields: [{ label: this.t.comment, value: step.comment }] } : {}),
          agents: [as(step.actor, step.step === 'approved' ? 'authorising_person' : 'sender')],
        },
      });
    }
    // In the order they happened: the goals, their return, the corrected goals, the approval.
    entries.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const { record, files } of entries) {
      const rendered = await this.withPdf(record, title);
      // The record's own PDF first, then each attached file as it was sent.
      recordsOfCase.push(files?.length ? { ...rendered, files: [...(rendered.files ?? []), ...files] } : rendered);
    }
    if (obligationId) recordsOfCase.push(...(await this.mailRecords(caseId, title, `${this.org}.${obligationId}.${onRecord.caseId}`, false)));
    const facts: ArchiveField[] = [
      ...(unitId ? [{ label: this.t.unit, value: this.unitName(unitId) }] : []),
      ...(str(state.plannedStart) ? [{ label: this.t.plannedStart, value: String(state.plannedStart) }] : []),
      ...(str(state.plannedEnd) ? [{ label: this.t.plannedEnd, value: String(state.plannedEnd) }] : []),
      ...(list<string>(state.partners).length ? [{ label: this.t.partner, value: list<string>(state.partners).join(', ') }] : []),
      ...(str(state.state) ? [{ label: this.t.state, value: String(state.state) }] : []),
    ];
    const history = await this.historyRecord(caseId, title, this.inWords(list<HistoryRow>(state.history), ['record_']), onRecord.at, facts, { ...(owner.name ? { owner: owner.name } : {}), ...(unitId ? { unit: unitId } : {}) });
    if (history) recordsOfCase.push(history);
    const closed = str(state.closedAt);
    return {
      id: caseId,
      kind: 'project',
      title,
      opened: isInstant(str(state.registeredAt)) ? String(state.registeredAt) : firstAt,
      ...(closed && isInstant(closed) ? { closed } : {}),
      agents: [...(ownerAgent ? [ownerAgent] : []), this.secretariat('responsible_person')],
      records: recordsOfCase,
    };
  }

  private async agreement(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    const state = onRecord.state;
    const caseId = `agreement/${this.org}/${onRecord.caseId}`;
    const title = str(state.title) ?? onRecord.title;
    const unitId = str(state.unitId);
    const owner = (state.owner ?? {}) as { name?: string; email?: string };
    const partner = str(state.partner);
    const recordsOfCase: ArchiveRecord[] = [];
    const decisions = list<{ decision: 'renew' | 'end'; newEndsOn?: string; note?: string; by?: string; at: string }>(state.decisions);
    for (const [i, decision] of decisions.entries()) {
      const record: ArchiveRecord = {
        id: `${caseId}/decision/${i + 1}`,
        kind: 'decision',
        title: decision.decision === 'renew' ? fill(this.t.decisionRenew, { date: decision.newEndsOn ?? '' }) : this.t.decisionEnd,
        date: decision.at,
        ...(decision.note ? { text: decision.note } : {}),
        fields: [{ label: this.t.outcome, value: decision.decision }, ...(decision.newEndsOn ? [{ label: this.t.endsOn, value: decision.newEndsOn }] : []), ...(decision.note ? [{ label: this.t.comment, value: decision.note }] : [])],
        agents: decision.by ? [this.actorAgent(decision.by, 'authorising_person', {})] : [],
      };
      recordsOfCase.push(await this.withPdf(record, title));
    }
    const obligationId = str(state.obligationId);
    if (obligationId) recordsOfCase.push(...(await this.mailRecords(caseId, title, `${this.org}.${obligationId}.${onRecord.caseId}.`, true)));
    const history: HistoryRow[] = [
      ...(str(state.registeredAt) ? [{ at: String(state.registeredAt), what: this.t.registered, ...(str(state.registeredBy) ? { by: String(state.registeredBy) } : {}) }] : []),
      ...this.inWords(decisions.map((d) => ({ at: d.at, what: d.decision === 'renew' ? 'renewed' : 'ended', ...(d.by ? { by: d.by } : {}), ...(d.newEndsOn ? { detail: d.newEndsOn } : {}) })), ['record_']),
    ];
    const facts: ArchiveField[] = [
      ...(partner ? [{ label: this.t.partner, value: partner }] : []),
      ...(unitId ? [{ label: this.t.unit, value: this.unitName(unitId) }] : []),
      ...(str(state.endsOn) ? [{ label: this.t.endsOn, value: String(state.endsOn) }] : []),
      ...(str(state.state) ? [{ label: this.t.state, value: String(state.state) }] : []),
    ];
    const historyRecord = await this.historyRecord(caseId, title, history, onRecord.at, facts);
    if (historyRecord) recordsOfCase.push(historyRecord);
    const ended = state.state === 'ended' || state.state === 'expired';
    const closed = ended ? (str(state.decidedAt) ?? onRecord.at) : undefined;
    return {
      id: caseId,
      kind: 'agreement',
      title,
      opened: isInstant(str(state.registeredAt)) ? String(state.registeredAt) : firstAt,
      ...(closed ? { closed } : {}),
      agents: [
        ...(owner.name ? [{ name: owner.name, agentType: 'contact_person' as const, role: this.t.contactRole, ...(unitId ? { unit: this.unitName(unitId) } : {}), ...(owner.email ? { email: owner.email } : {}) }] : []),
        ...(partner ? [{ name: partner, agentType: 'counterpart' as const, organisation: partner }] : []),
        this.secretariat('responsible_person'),
      ],
      records: recordsOfCase,
    };
  }

  private async revision(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    const state = onRecord.state;
    const [obligationId, periodId] = splitOnce(onRecord.caseId);
    const caseId = `revision/${this.org}/${onRecord.caseId}`;
    const obligation = this.source.config.obligations.find((o) => o.id === obligationId);
    const title = obligation ? `${obligation.title[this.language]} ${periodId}` : onRecord.title;
    const recordsOfCase: ArchiveRecord[] = [];
    const decision = state.decision as { decidedOn: string; body: string; paragraph: string; outcome: 'revised' | 'confirmed'; by?: string } | undefined;
    if (decision) {
      recordsOfCase.push(
        await this.withPdf(
          {
            id: `${caseId}/decision`,
            kind: 'decision',
            title: fill(this.t.revisionDecision, { outcome: this.t[decision.outcome] ?? decision.outcome }),
            date: isDay(decision.decidedOn) ? decision.decidedOn : onRecord.at,
            fields: [
              { label: this.t.decidedOn, value: decision.decidedOn },
              { label: this.t.body, value: decision.body },
              { label: this.t.paragraph, value: decision.paragraph },
              { label: this.t.outcome, value: this.t[decision.outcome] ?? decision.outcome },
            ],
            agents: decision.by ? [this.actorAgent(decision.by, 'authorising_person', {})] : [],
          },
          title,
        ),
      );
    }
    recordsOfCase.push(...(await this.mailRecords(caseId, title, `${this.org}.${obligationId}.${periodId}`, false)));
    const history: HistoryRow[] = [
      ...(str(state.startedAt) ? [{ at: String(state.startedAt), what: 'started', ...(str(state.startedBy) ? { by: String(state.startedBy) } : {}) }] : []),
      ...(str(state.askedAt) ? [{ at: String(state.askedAt), what: 'asked' }] : []),
      ...list<string>(state.remindersSentAt).map((at) => ({ at, what: 'reminded' })),
      ...(str(state.escalatedAt) ? [{ at: String(state.escalatedAt), what: 'escalated' }] : []),
      ...(str(state.recordedAt) ? [{ at: String(state.recordedAt), what: 'recorded', ...(decision?.by ? { by: decision.by } : {}) }] : []),
    ];
    const historyRecord = await this.historyRecord(caseId, title, this.inWords(history, ['record_revision-', 'history_', 'own_']), onRecord.at, str(state.state) ? [{ label: this.t.state, value: String(state.state) }] : []);
    if (historyRecord) recordsOfCase.push(historyRecord);
    const closed = state.state === 'decided' || state.state === 'not-decided' ? (str(state.recordedAt) ?? onRecord.at) : undefined;
    return {
      id: caseId,
      kind: 'revision',
      title,
      opened: isInstant(str(state.startedAt)) ? String(state.startedAt) : firstAt,
      ...(closed ? { closed } : {}),
      agents: [this.secretariat('responsible_person')],
      records: recordsOfCase,
    };
  }

  private async goals(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    const state = onRecord.state;
    const [obligationId, year] = splitOnce(onRecord.caseId);
    const caseId = `yearly-goals/${this.org}/${onRecord.caseId}`;
    const obligation = this.source.config.obligations.find((o) => o.id === obligationId);
    const title = obligation ? `${obligation.title[this.language]} ${year}` : onRecord.title;
    const recordsOfCase: ArchiveRecord[] = [];
    const decision = state.decision as { decidedOn: string; body: string; paragraph: string; goals: { id: string; label: string }[] } | undefined;
    if (decision) {
      recordsOfCase.push(
        await this.withPdf(
          {
            id: `${caseId}/decision`,
            kind: 'decision',
            title: this.t.goalsDecision,
            date: isDay(decision.decidedOn) ? decision.decidedOn : onRecord.at,
            fields: [
              { label: this.t.decidedOn, value: decision.decidedOn },
              { label: this.t.body, value: decision.body },
              { label: this.t.paragraph, value: decision.paragraph },
              ...list<{ id: string; label: string }>(decision.goals).map((g) => ({ label: g.id, value: g.label })),
            ],
            agents: str(state.recordedBy) ? [this.actorAgent(String(state.recordedBy), 'authorising_person', {})] : [],
          },
          title,
        ),
      );
    }
    recordsOfCase.push(...(await this.mailRecords(caseId, title, `${this.org}.${obligationId}.${year}`, false)));
    const history: HistoryRow[] = this.inWords(list<string>(state.remindersSentAt).map((at) => ({ at, what: 'reminded' })), ['history_']);
    const historyRecord = await this.historyRecord(caseId, title, history, onRecord.at, str(state.state) ? [{ label: this.t.state, value: String(state.state) }] : []);
    if (historyRecord) recordsOfCase.push(historyRecord);
    const closed = state.state === 'recorded' || state.state === 'not-recorded' ? onRecord.at : undefined;
    return { id: caseId, kind: 'yearly-goals', title, opened: firstAt, ...(closed ? { closed } : {}), agents: [this.secretariat('responsible_person')], records: recordsOfCase };
  }

  private async event(onRecord: CaseVersion, firstAt: Date): Promise<ArchiveCase> {
    const state = onRecord.state;
    const caseId = `event/${this.org}/${onRecord.caseId}`;
    const title = str(state.title) ?? onRecord.title;
    const recordsOfCase: ArchiveRecord[] = [];
    const obligationId = str(state.obligationId);
    if (obligationId) recordsOfCase.push(...(await this.mailRecords(caseId, title, `${this.org}.${obligationId}.${onRecord.caseId}`, false)));
    const facts: ArchiveField[] = [
      ...(str(state.date) ? [{ label: this.t.date, value: [state.date, state.endDate].filter(Boolean).join(' – ') }] : []),
      ...(str(state.place) ? [{ label: this.t.place, value: String(state.place) }] : []),
      ...(str(state.unitId) ? [{ label: this.t.unit, value: this.unitName(String(state.unitId)) }] : []),
      ...(str(state.state) ? [{ label: this.t.state, value: String(state.state) }] : []),
    ];
    const historyRecord = await this.historyRecord(caseId, title, this.inWords(list<HistoryRow>(state.history), ['record_event-', 'record_']), onRecord.at, facts);
    if (historyRecord) recordsOfCase.push(historyRecord);
    const closed = state.state === 'held' || state.state === 'cancelled' ? (str(state.cancelledAt) ?? onRecord.at) : undefined;
    return {
      id: caseId,
      kind: 'event',
      title,
      opened: isInstant(str(state.registeredAt)) ? String(state.registeredAt) : firstAt,
      ...(closed ? { closed } : {}),
      agents: [this.secretariat('responsible_person')],
      records: recordsOfCase,
    };
  }

  // --- The people records ----------------------------------------------------------------------

  private delegationRecord(caseId: string, d: Delegation): ArchiveRecord {
    const unitName = this.unitName(d.unit);
    const to = d.name ? `${d.name} <${d.email}>` : d.email;
    return {
      id: `${caseId}/unit/${d.unit}/delegation/${d.id}`,
      kind: 'delegation',
      title: fill(this.t.delegationTitle, { unit: unitName, to: d.name ?? d.email }),
      date: d.delegatedAt,
      agents: [
        { name: d.delegatedBy, agentType: 'sender', role: this.t.contactRole, unit: unitName },
        { name: d.name ?? d.email, agentType: 'receiver', role: this.t.delegate, unit: unitName, email: d.email },
      ],
      fields: [
        { label: this.t.unit, value: unitName },
        { label: this.t.delegate, value: to },
        { label: this.t.delegatedBy, value: d.delegatedBy },
        { label: this.t.delegatedAt, value: this.when(d.delegatedAt.toISOString()) },
        ...(d.withdrawnAt ? [{ label: this.t.withdrawnBy, value: d.withdrawnBy ?? '' }, { label: this.t.withdrawnAt, value: this.when(d.withdrawnAt.toISOString()) }] : []),
      ],
    };
  }

  /**
   * The year's substitutes (those whose days reach into it, or set or removed in it) and changes of
   * units' contacts made in it, as one case of their own; undefined when there are none.
   */
  async people(): Promise<ArchiveCase | undefined> {
    const { records, year } = this.source;
    const start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: this.zone });
    const range = { from: start.toJSDate(), until: start.plus({ years: 1 }).toJSDate() };
    const [substitutions, changes] = await Promise.all([substitutionsOfYear(records, this.org, { first: `${year}-01-01`, last: `${year}-12-31` }, range), unitContactChanges(records, this.org, range)]);
    if (substitutions.length === 0 && changes.length === 0) return undefined;
    const caseId = `people/${this.org}/${year}`;
    const title = fill(this.t.peopleTitle, { year });
    const line = (c: Contact) => (c.name ? `${c.name} <${c.email}>` : c.email);
    const entries: { at: Date; record: ArchiveRecord }[] = [
      ...substitutions.map((s) => ({
        at: s.createdAt,
        record: {
          id: `${caseId}/substitution/${s.id}`,
          kind: 'substitution' as const,
          title: fill(this.t.substitutionTitle, { person: s.personEmail, substitute: line(s.substitute), from: s.from, until: s.until }),
          date: s.createdAt,
          agents: [this.actorAgent(s.createdBy, 'creator', {})],
          fields: [
            { label: this.t.person, value: s.personEmail },
            { label: this.t.substitute, value: line(s.substitute) },
            { label: this.t.fromDay, value: s.from },
            { label: this.t.untilDay, value: s.until },
            { label: this.t.copyPerson, value: s.copyPerson ? this.t.yes : this.t.no },
            { label: this.t.setBy, value: this.actorName(s.createdBy, {}) },
            { label: this.t.setAt, value: this.when(s.createdAt.toISOString()) },
            ...(s.removedAt ? [{ label: this.t.removedBy, value: this.actorName(s.removedBy ?? '', {}) }, { label: this.t.removedAt, value: this.when(s.removedAt.toISOString()) }] : []),
          ],
        },
      })),
      ...changes.map((c) => ({
        at: c.changedAt,
        record: {
          id: `${caseId}/contact-change/${c.id}`,
          kind: 'contact-change' as const,
          title: fill(c.contacts ? this.t.contactChangeTitle : this.t.contactRestoreTitle, { unit: this.unitName(c.unit) }),
          date: c.changedAt,
          agents: [this.actorAgent(c.changedBy, 'creator', {})],
          fields: [
            { label: this.t.unit, value: this.unitName(c.unit) },
            ...(c.contacts ? [{ label: this.t.contacts, value: c.contacts.map(line).join('\n') }, ...(c.head ? [{ label: this.t.head, value: line(c.head) }] : [])] : [{ label: this.t.contacts, value: this.t.restored }]),
            { label: this.t.setBy, value: this.actorName(c.changedBy, {}) },
            { label: this.t.setAt, value: this.when(c.changedAt.toISOString()) },
          ],
        },
      })),
    ];
    // In the order they happened.
    entries.sort((a, b) => a.at.getTime() - b.at.getTime());
    const recordsOfCase: ArchiveRecord[] = [];
    for (const { record } of entries) recordsOfCase.push(await this.withPdf(record, title));
    return { id: caseId, kind: 'people', title, opened: entries[0]!.at, agents: [this.secretariat('responsible_person')], records: recordsOfCase };
  }

  // --- Records every kind shares --------------------------------------------------------------

  /** The mails of a case, one record per mailing (kind and sequence), each person's outcome in it. */
  private async mailRecords(caseId: string, caseTitle: string, scope: string, prefix: boolean): Promise<ArchiveRecord[]> {
    let query = this.source.records.selectFrom('mail_log').select(['kind', 'sequence', 'message_id', 'address', 'outcome', 'server_response', 'at']);
    query = prefix ? query.where(sql<boolean>`starts_with(scope, ${scope})`) : query.where('scope', '=', scope);
    const rows: MailRow[] = await query.orderBy('at').orderBy('id').execute();
    const mailings = new Map<string, MailRow[]>();
    for (const row of rows) {
      const key = `${row.kind}/${row.sequence}`;
      mailings.set(key, [...(mailings.get(key) ?? []), row]);
    }
    const result: ArchiveRecord[] = [];
    for (const [key, mails] of mailings) {
      const first = mails[0]!;
      // The kind in the words the mail log's page uses; the day tells mailings of a kind apart.
      const words = `mail_${first.kind}`;
      const kindName = words in WEB_TEXTS[this.language] ? WEB_TEXTS[this.language][words as keyof (typeof WEB_TEXTS)['sv']] : first.kind;
      const record: ArchiveRecord = {
        id: `${caseId}/mail/${key}`,
        kind: 'mail-sent',
        title: fill(this.t.mailTitle, { kind: kindName, date: formatDate(first.at.toISOString(), this.zone, this.language), count: mails.length }),
        date: first.at,
        agents: [this.secretariat('sender')],
        fields: mails.map((m) => ({ label: m.address, value: [this.t.outcomes[m.outcome] ?? m.outcome, m.at.toISOString(), m.server_response ?? '', m.message_id].filter(Boolean).join(' · ') })),
      };
      // The Message-IDs are in erms.xml; on the page they would only crowd the table.
      const table: Block = {
        kind: 'table',
        columns: [...this.t.mailColumns],
        rows: mails.map((m) => ({ head: m.address, cells: [this.t.outcomes[m.outcome] ?? m.outcome, this.when(m.at.toISOString()), m.server_response ?? ''] })),
      };
      result.push(await this.withPdf({ ...record, fields: [] }, caseTitle, [table], record.fields));
    }
    return result;
  }

  /** Who did what in the case and when, with the case's facts: a record of its own. */
  private async historyRecord(caseId: string, caseTitle: string, history: HistoryRow[], at: Date | string, facts: ArchiveField[] = [], context: { owner?: string; unit?: string } = {}): Promise<ArchiveRecord | undefined> {
    if (history.length === 0 && facts.length === 0) return undefined;
    const rows = history.map((h) => ({ head: isInstant(h.at) ? this.when(h.at) : h.at, cells: [h.what, h.by ? this.actorName(h.by, context) : '', h.detail ?? ''] }));
    const record: ArchiveRecord = {
      id: `${caseId}/history`,
      kind: 'case-history',
      title: this.t.historyTitle,
      date: at,
      fields: [...facts, ...history.map((h) => ({ label: h.what, value: [h.at, h.by ? this.actorName(h.by, context) : '', h.detail ?? ''].filter(Boolean).join(' · ') }))],
    };
    return this.withPdf(record, caseTitle, rows.length ? [{ kind: 'table', columns: [...this.t.historyColumns], rows }] : [], undefined, facts);
  }

  /**
   * The record with its content as a PDF/A beside it. Rendering takes a few tens of milliseconds;
   * the event loop is let go between records, so a web process exporting a large year still serves.
   */
  private async withPdf(record: ArchiveRecord, caseTitle: string, extra: Block[] = [], fieldsForXml?: ArchiveField[], shownFields?: ArchiveField[]): Promise<ArchiveRecord> {
    await new Promise((resolve) => setImmediate(resolve));
    const date = record.date instanceof Date ? record.date.toISOString() : record.date;
    const who = (record.agents ?? []).map((a) => a.name).join(', ');
    const fields = shownFields ?? record.fields ?? [];
    const blocks: Block[] = [
      { kind: 'heading', level: 1, text: record.title },
      { kind: 'paragraph', quiet: true, runs: [{ text: `${this.t.case}: ${caseTitle}` }] },
      { kind: 'paragraph', quiet: true, runs: [{ text: `${this.t.date}: ${isInstant(date) ? this.when(date) : date}` }] },
      ...(who ? [{ kind: 'paragraph' as const, quiet: true, runs: [{ text: `${this.t.by}: ${who}` }] }] : []),
      ...(record.text && !fields.some((f) => f.value === record.text) ? [{ kind: 'paragraph' as const, runs: [{ text: record.text }] }] : []),
      ...(fields.length ? [{ kind: 'fields' as const, items: fields.map((f) => ({ label: f.label, value: f.value || this.t.noAnswer })) }] : []),
      ...extra,
    ];
    const document: ReportDocument = {
      language: this.language,
      title: record.title,
      author: this.source.config.organisation.name,
      subject: caseTitle,
      createdAt: record.date instanceof Date ? record.date : new Date(isDay(date) ? `${date}T00:00:00Z` : date),
      blocks,
    };
    // Loaded when a package is made, not by every process that reads records (the worker among them).
    // require, not import(): the CLI run from source through tsx/cjs resolves require only.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderReportPdf } = require('../activities/documents/pdf') as typeof import('../activities/documents/pdf');
    const pdf = await renderReportPdf(document);
    const file: ArchiveFile = { name: `${record.title}.pdf`, bytes: new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength), mimeType: 'application/pdf', description: 'PDF/A-2a' };
    return { ...record, ...(fieldsForXml ? { fields: fieldsForXml } : {}), files: [...(record.files ?? []), file] };
  }

  // --- Look-ups -------------------------------------------------------------------------------

  /** A history's steps in the words the case's page uses ("Skickade tillbaka målen"), tried under each prefix in turn; a step without words keeps its name. */
  private inWords(history: HistoryRow[], prefixes: string[]): HistoryRow[] {
    const texts = WEB_TEXTS[this.language] as Record<string, string>;
    const own: Record<string, string> = { asked: this.t.asked_, escalated: this.t.escalated };
    return history.map((h) => {
      const prefix = prefixes.find((p) => (p === 'own_' ? h.what in own : `${p}${h.what}` in texts));
      return { ...h, what: prefix === undefined ? h.what : prefix === 'own_' ? own[h.what]! : texts[`${prefix}${h.what}`]! };
    });
  }

  /** The period's questions as its report kept them (goals lists expanded); else the obligation's as configured. */
  private async periodQuestionnaire(key: CycleKey, obligation: OrganisationConfig['obligations'][number] | undefined): Promise<QuestionField[]> {
    try {
      const data = await readIfPresent(this.source.archive, reportDataRef(key));
      const kept = data ? (JSON.parse(data) as PeriodData).questionnaire : undefined;
      if (kept) return kept;
    } catch {
      // An unreadable data file: the configured questions name the answers as well.
    }
    return obligation && 'questionnaire' in obligation ? questionnaireOf(obligation as Parameters<typeof questionnaireOf>[0]) : [];
  }

  /**
   * Each question with the answer in words, in the questionnaire's order; answers to questions it no
   * longer has follow by their id. A file field (or such a question since removed) names its files.
   */
  private answerFields(questionnaire: readonly QuestionField[], values: Record<string, unknown>, describeFiles?: DescribeFiles): ArchiveField[] {
    const known = new Set(questionnaire.map((f) => f.id));
    const fields = questionnaire.map((f) => ({ label: fullLabel(f, this.language), value: shownValue(f, values[f.id], this.language, describeFiles) ?? '' }));
    for (const [id, value] of Object.entries(values)) {
      if (known.has(id) || value === undefined || value === '') continue;
      const files = describeFiles && attachmentIds(value).length ? describeFiles(attachmentIds(value)) : '';
      fields.push({ label: id, value: files || (typeof value === 'string' ? value : JSON.stringify(value)) });
    }
    return fields;
  }

  /**
   * The files an answer holds, by id, with their content: those of its file fields, and those of a
   * question the period no longer has whose value names attachments of this unit on record. Each is
   * read once per cycle (`read`).
   */
  private async attachmentsOf(key: CycleKey, unit: string, questionnaire: readonly QuestionField[], values: Record<string, unknown>, read: Map<string, Attachment>): Promise<Map<string, Attachment>> {
    const known = new Set(questionnaire.map((f) => f.id));
    const ids = [
      ...new Set([
        ...questionnaire.filter((f) => f.type === 'file').flatMap((f) => attachmentIds(values[f.id])),
        ...Object.entries(values).flatMap(([id, value]) => (known.has(id) ? [] : attachmentIds(value))),
      ]),
    ];
    const unread = ids.filter((id) => !read.has(id));
    for (const a of await attachmentsWithContent(this.source.records, key, unread, unit)) read.set(a.id, a);
    // Only this unit's: an id of another unit's file is never its appendix.
    return new Map(ids.flatMap((id) => (read.get(id)?.unit === unit ? [[id, read.get(id)!] as const] : [])));
  }

  /** A question's label by its id, or the id where the period no longer has the question. */
  private fieldLabel(questionnaire: readonly QuestionField[], id: string): string {
    const field = questionnaire.find((f) => f.id === id);
    return field ? fullLabel(field, this.language) : id;
  }

  private async readFile(archive: Archive, ref: string): Promise<Uint8Array | undefined> {
    try {
      const bytes = await archive.readBytes(ref);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.missing.push(ref);
      return undefined;
    }
  }

  private unitName(unitId: string): string {
    return this.source.config.units.find((u) => u.id === unitId)?.name[this.language] ?? unitId;
  }

  private when(iso: string): string {
    return formatDate(iso, this.zone, this.language, true);
  }

  private secretariat(agentType: ArchiveAgent['agentType']): ArchiveAgent {
    const { secretariat } = this.source.config;
    return { name: secretariat.name, agentType, role: this.t.secretariatRole, ...(secretariat.email ? { email: secretariat.email } : {}) };
  }

  /** Who acted, as the workflows name them ("Anna Berg (anna.berg)", "cli:anna", "owner", "contact"), in words. */
  private actorName(actor: string, context: { owner?: string; unit?: string }): string {
    if (actor === 'contact') return fill(this.t.contactOf, { unit: context.unit ? this.unitName(context.unit) : '' }).trim();
    if (actor === 'owner' || actor.startsWith('the owner')) return context.owner ?? this.t.owner;
    if (actor === 'secretariat') return this.source.config.secretariat.name;
    if (actor.startsWith('cli:')) return `${actor.slice(4)} (${this.t.commandLine})`;
    return actor;
  }

  private actorAgent(actor: string, agentType: ArchiveAgent['agentType'], context: { owner?: string; unit?: string }): ArchiveAgent {
    return { name: this.actorName(actor, context), agentType, ...(context.unit ? { unit: this.unitName(context.unit) } : {}) };
  }
}

/** "obligation/period" → its two parts (a cycle's, a revision's and the yearly goals' case id). */
function splitOnce(caseId: string): [string, string] {
  const slash = caseId.indexOf('/');
  return slash < 0 ? [caseId, ''] : [caseId.slice(0, slash), caseId.slice(slash + 1)];
}
