/**
 * A cycle's answers as a spreadsheet: one row per unit and one column per question, a sheet of its
 * own for each repeated section (a row per unit and item). A compiled cycle is read from its archived
 * period data (it needs neither Temporal nor the cycle's history, however long ago it closed); a
 * running one asks its units.
 */
import type { Client } from '@temporalio/client';
import type { Archive } from '../activities/archive';
import { readIfPresent, reportDataRef } from '../activities/archive';
import { shownValue, type DescribeFiles } from '../activities/mail-context';
import type { PeriodData, PeriodUnit } from '../activities/report';
import { CycleNotFoundError, cycleInfo, unitStatus } from '../client/cycles';
import type { OrganisationConfig, PeriodicDataCallConfig } from '../config/schema';
import { attachmentIds, describeAttachment, type DescribedAttachment } from '../domain/attachments';
import type { CycleKey } from '../domain/ids';
import { fullLabel } from '../domain/questionnaire';
import type { Language, QuestionField, UnitStatus } from '../domain/types';
import type { AnswerVersion } from '../records/answers';
import { attachmentInfos } from '../records/attachments';
import type { Records } from '../records/database';
import { sheetName, type CellValue, type Column, type Sheet, type Workbook } from './workbook';

const LABELS = {
  sv: { sheet: 'Svar', versions: 'Alla versioner', submission: 'Inlämning', unitId: 'Enhetens id', unit: 'Enhet', state: 'Läge', answeredAt: 'Svarade', by: 'Registrerat av', revision: 'Version', exemptReason: 'Skäl för undantag', item: 'Punkt', answered: 'Svarat', exempt: 'Undantagen', missing: 'Inget svar', contact: 'kontaktpersonen', secretariat: 'sekretariatet' },
  en: { sheet: 'Answers', versions: 'Every version', submission: 'Submission', unitId: 'Unit id', unit: 'Unit', state: 'State', answeredAt: 'Answered', by: 'Recorded by', revision: 'Revision', exemptReason: 'Reason for exemption', item: 'Item', answered: 'Answered', exempt: 'Exempt', missing: 'No answer', contact: 'the contact person', secretariat: 'the secretariat' },
} satisfies Record<Language, Record<string, string>>;

export interface CycleAnswers {
  key: CycleKey;
  questionnaire: QuestionField[];
  units: PeriodUnit[];
  /**
   * The files the answers hold, by id (records/attachments.ts, see withAttachments): a file field
   * shows each one's name, kind, size and SHA-256. Without them it says how many files there are.
   */
  attachments?: ReadonlyMap<string, DescribedAttachment>;
}

/** How a file field's cell names its files: one line per file, by what the attachments' records say. */
function filesDescriber(attachments: ReadonlyMap<string, DescribedAttachment> | undefined, language: Language): DescribeFiles | undefined {
  if (!attachments) return undefined;
  return (ids) => ids.flatMap((id) => {
    const a = attachments.get(id);
    return a ? [describeAttachment(a, language)] : [];
  }).join('\n');
}

/**
 * The answers with the files they hold looked up in the database of record (those of every version
 * too, where the versions are exported beside them): each file field then names its files.
 */
export async function withAttachments(db: Records, answers: CycleAnswers, versions: readonly AnswerVersion[] = []): Promise<CycleAnswers> {
  const fileFields = answers.questionnaire.filter((f) => f.type === 'file');
  if (fileFields.length === 0) return answers;
  const values = [...answers.units.flatMap((u) => (u.values ? [u.values] : [])), ...versions.map((v) => v.answers)];
  const ids = [...new Set(values.flatMap((v) => fileFields.flatMap((f) => attachmentIds(v[f.id]))))];
  const infos = await attachmentInfos(db, answers.key, ids);
  return { ...answers, attachments: new Map(infos.map((a) => [a.id, a])) };
}

/** A question's column: figures as numbers and dates as dates; choices and yes/no as their words. */
function answerColumn(field: QuestionField, header: string): Column {
  return { header, kind: field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text', width: field.type === 'textarea' ? 50 : field.type === 'file' ? 60 : undefined };
}

function answerCell(field: QuestionField, value: unknown, language: Language, describeFiles?: DescribeFiles): CellValue {
  if (value === undefined || value === '') return undefined;
  if (field.type === 'number' && typeof value === 'number') return value;
  if (field.type === 'date') return String(value);
  return shownValue(field, value, language, describeFiles);
}

function unitColumns(language: Language): Column[] {
  const l = LABELS[language];
  return [{ header: l.unitId, width: 14 }, { header: l.unit }, { header: l.state, width: 14 }, { header: l.answeredAt, kind: 'datetime' }, { header: l.by, width: 18 }, { header: l.revision, kind: 'number' }, { header: l.exemptReason }];
}

function unitCells(u: PeriodUnit, name: string, language: Language): CellValue[] {
  const l = LABELS[language];
  return [u.id, name, u.answered ? l.answered : u.exempt ? l.exempt : l.missing, u.answeredAt, u.by ? l[u.by] : undefined, u.revision, u.exemptReason];
}

const repeated = (f: QuestionField) => Boolean(f.group?.item);

const unitNames = (org: OrganisationConfig, language: Language) => new Map(org.units.map((u) => [u.id, u.name[language]]));

/**
 * Every version of every answer as it was sent (the database of record's answer_versions): a row per
 * unit and version, who sent it and when, every question as a column. A correction is the next version.
 */
export function answerVersionsSheet(args: { org: OrganisationConfig; questionnaire: QuestionField[]; versions: readonly AnswerVersion[]; taken: string[]; attachments?: ReadonlyMap<string, DescribedAttachment> }): Sheet {
  const { org, questionnaire, versions } = args;
  const language = org.organisation.language;
  const files = filesDescriber(args.attachments, language);
  const l = LABELS[language];
  const nameOf = unitNames(org, language);
  return {
    name: sheetName(l.versions, args.taken),
    columns: [{ header: l.unitId, width: 14 }, { header: l.unit }, { header: l.revision, kind: 'number' }, { header: l.answeredAt, kind: 'datetime' }, { header: l.by, width: 24 }, { header: l.submission, width: 24 }, ...questionnaire.map((f) => answerColumn(f, fullLabel(f, language)))],
    rows: versions.map((v) => [
      v.unit,
      nameOf.get(v.unit) ?? v.unit,
      v.revision,
      v.at.toISOString(),
      v.actor === 'contact' ? l.contact : v.actor,
      v.submissionId,
      ...questionnaire.map((f) => answerCell(f, v.answers[f.id], language, files)),
    ]),
  };
}

/** The workbook: the answers sheet, then one sheet per repeated section, then every version where they are on record. */
export function answersWorkbook(args: { org: OrganisationConfig; obligation: PeriodicDataCallConfig; answers: CycleAnswers; versions?: readonly AnswerVersion[] }): Workbook {
  const { org, obligation, answers } = args;
  const language = org.organisation.language;
  const l = LABELS[language];
  const nameOf = unitNames(org, language);
  const files = filesDescriber(answers.attachments, language);
  const once = answers.questionnaire.filter((f) => !repeated(f));
  const main: Sheet = {
    name: sheetName(l.sheet),
    columns: [...unitColumns(language), ...once.map((f) => answerColumn(f, fullLabel(f, language)))],
    rows: answers.units.map((u) => [...unitCells(u, nameOf.get(u.id) ?? u.id, language), ...once.map((f) => answerCell(f, u.values?.[f.id], language, files))]),
  };
  const sheets = [main];
  // A repeated section: its fields by their question, one row per unit and item.
  const sections = new Map<string, QuestionField[]>();
  for (const f of answers.questionnaire.filter(repeated)) sections.set(f.group!.id, [...(sections.get(f.group!.id) ?? []), f]);
  for (const fields of sections.values()) {
    const questions = [...new Map(fields.map((f) => [f.question ?? f.id, f])).values()];
    const items = [...new Map(fields.map((f) => [f.group!.item!.id, f.group!.item!])).values()];
    const rows: CellValue[][] = [];
    for (const u of answers.units.filter((x) => x.values)) {
      for (const item of items) {
        rows.push([u.id, nameOf.get(u.id) ?? u.id, item.label[language], ...questions.map((q) => {
          const field = fields.find((f) => f.group!.item!.id === item.id && (f.question ?? f.id) === (q.question ?? q.id));
          return field ? answerCell(field, u.values![field.id], language, files) : undefined;
        })]);
      }
    }
    sheets.push({
      name: sheetName(fields[0]!.group!.title[language], sheets.map((s) => s.name)),
      columns: [{ header: l.unitId, width: 14 }, { header: l.unit }, { header: l.item }, ...questions.map((q) => answerColumn(q, q.label[language]))],
      rows,
    });
  }
  if (args.versions?.length) sheets.push(answerVersionsSheet({ org, questionnaire: answers.questionnaire, versions: args.versions, taken: sheets.map((s) => s.name), ...(answers.attachments ? { attachments: answers.attachments } : {}) }));
  const title = `${obligation.title[language]} ${answers.key.period}`;
  return { title, author: org.organisation.name, timeZone: org.organisation.timeZone, sheets };
}

/** Everything on one sheet, for CSV: a repeated section's fields as columns "section: item – question". */
export function answersFlatSheet(args: { org: OrganisationConfig; answers: CycleAnswers }): Sheet {
  const { org, answers } = args;
  const language = org.organisation.language;
  const nameOf = unitNames(org, language);
  const files = filesDescriber(answers.attachments, language);
  return {
    name: sheetName(LABELS[language].sheet),
    columns: [...unitColumns(language), ...answers.questionnaire.map((f) => answerColumn(f, fullLabel(f, language)))],
    rows: answers.units.map((u) => [...unitCells(u, nameOf.get(u.id) ?? u.id, language), ...answers.questionnaire.map((f) => answerCell(f, u.values?.[f.id], language, files))]),
  };
}

function fromStatus(s: UnitStatus): PeriodUnit {
  return {
    id: s.unitId,
    answered: Boolean(s.answer),
    exempt: Boolean(s.exempt),
    ...(s.answer ? { values: s.answer.values, answeredAt: s.answer.answeredAt, by: s.answer.by, revision: s.answer.revision } : {}),
    ...(s.exempt ? { exemptReason: s.exempt.reason } : {}),
  };
}

/**
 * The answers of a cycle: from the archive once it is compiled, else from its units (in batches, so
 * a cycle of thousands asks a few dozen at a time). Throws CycleNotFoundError for a cycle that was never started.
 */
export async function loadCycleAnswers(deps: { client: Client; archive: Archive; configuredQuestionnaire: (key: CycleKey) => QuestionField[] }, key: CycleKey): Promise<CycleAnswers> {
  const archived = await readIfPresent(deps.archive, reportDataRef(key));
  const data = archived ? (JSON.parse(archived) as PeriodData) : undefined;
  // A period compiled before its questionnaire was archived beside it: its answers from the archive,
  // laid out by the config's questions (Temporal may long have forgotten the cycle).
  if (data) return { key, questionnaire: data.questionnaire ?? deps.configuredQuestionnaire(key), units: data.units };
  const info = await cycleInfo(deps.client, key);
  const unitIds = info.setup?.unitIds ?? [];
  const units: PeriodUnit[] = [];
  for (let i = 0; i < unitIds.length; i += 50) {
    const batch = await Promise.all(
      unitIds.slice(i, i + 50).map(async (id) => {
        try {
          return fromStatus(await unitStatus(deps.client, key, id));
        } catch (err) {
          // A cycle still starting its units: one not started yet has nothing to export.
          if (err instanceof CycleNotFoundError) return { id, answered: false, exempt: false };
          throw err;
        }
      }),
    );
    units.push(...batch);
  }
  return { key, questionnaire: info.setup?.questionnaire ?? [], units };
}
