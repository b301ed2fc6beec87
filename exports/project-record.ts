/**
 * A project's record as a spreadsheet, read from the database of record (so it is there after the
 * project's workflow is gone): a row for each field of each version of its goals (who submitted it,
 * when), a row for each return with the secretariat's comment and for the approval (who, when), and
 * a row for each other step of its history (registered, edited, closed …).
 */
import { answerRows, type DescribeFiles } from '../activities/mail-context';
import { attachmentIds, describeAttachment, type DescribedAttachment } from '../domain/attachments';
import type { ProjectStatus, RecordEntry } from '../domain/registers';
import type { Language, Questionnaire } from '../domain/types';
import type { ProjectOnRecord } from '../records/projects';
import type { ProjectStepKind } from '../records/schema';
import { text, type TextKey } from '../web/i18n';
import { sheetName, type CellValue, type Sheet } from './workbook';

/** Who did a step, in the page's words: the owner from the link in the mail, or the person named. */
export function actorText(actor: string | undefined, lang: Language): string {
  if (actor === 'owner') return text(lang, 'historyOwner');
  return actor ?? text(lang, 'historySchedule');
}

/** A step on the goals in the page's words: "Returned the goals". */
export const stepText = (step: ProjectStepKind, lang: Language) => text(lang, `projectStep_${step}` as TextKey);

/**
 * The fields of one version of the goals as label and value: the questions of the gate in their
 * order, then whatever the version holds that the questionnaire no longer asks (under its own key).
 */
export function goalsFields(questionnaire: Questionnaire, values: Record<string, unknown>, lang: Language, describeFiles?: DescribeFiles): { label: string; value: string }[] {
  const asked = new Set(questionnaire.map((f) => f.id));
  const rows = answerRows(questionnaire, values, lang, describeFiles).map((r) => ({ label: r.label, value: String(r.value) }));
  const others = Object.entries(values)
    .filter(([k, v]) => !asked.has(k) && v !== undefined && v !== null && v !== '')
    // A file field since removed from the questionnaire still names its files.
    .map(([k, v]) => ({ label: k, value: (describeFiles && attachmentIds(v).length ? describeFiles(attachmentIds(v)) : '') || (typeof v === 'string' ? v : JSON.stringify(v)) }));
  return [...rows, ...others];
}

const iso = (at: Date | string) => (at instanceof Date ? at.toISOString() : at);

/** The history's steps that the goals versions and the secretariat's steps on record do not already say. */
function otherSteps(history: readonly RecordEntry[], onRecord: ProjectOnRecord): RecordEntry[] {
  const said = new Set<RecordEntry['what']>([...(onRecord.goals.length ? ['goals-submitted' as const] : []), ...(onRecord.steps.length ? ['goals-returned' as const, 'goals-approved' as const] : [])]);
  return history.filter((h) => !said.has(h.what));
}

export interface ProjectRecordInput {
  /** The project as it stood last (its case on record, or its workflow's status while it runs). */
  project: Pick<ProjectStatus, 'id' | 'title'> & { history?: RecordEntry[] };
  onRecord: ProjectOnRecord;
  /** The gate's questions, for each field's label. */
  questionnaire: Questionnaire;
  lang: Language;
  /** The files the goals hold, by id (records/attachments.ts): each named by its name, kind, size and SHA-256, never its id. */
  attachments?: ReadonlyMap<string, DescribedAttachment>;
}

/** How a file field's cell names its files: one line per file, by what the attachments' records say. */
export function goalsFilesDescriber(attachments: ReadonlyMap<string, DescribedAttachment> | undefined, lang: Language): DescribeFiles | undefined {
  if (!attachments) return undefined;
  return (ids) => ids.flatMap((id) => (attachments.has(id) ? [describeAttachment(attachments.get(id)!, lang)] : [])).join('\n');
}

/** One sheet, oldest first: project, version, field (or step), value (or comment), by, at. */
export function projectRecordSheet({ project, onRecord, questionnaire, lang, attachments }: ProjectRecordInput): Sheet {
  const files = goalsFilesDescriber(attachments, lang);
  type Row = { at: string; order: number; cells: CellValue[] };
  const rows: Row[] = [];
  let order = 0;
  for (const version of onRecord.goals) {
    const at = iso(version.at);
    for (const field of goalsFields(questionnaire, version.goals, lang, files)) rows.push({ at, order: order++, cells: [project.title, version.revision, field.label, field.value, actorText(version.actor, lang), at] });
  }
  // A return or an approval concerns the version last submitted before it.
  const versionAt = (at: string) => onRecord.goals.filter((g) => iso(g.at) <= at).at(-1)?.revision;
  for (const step of onRecord.steps) {
    const at = iso(step.at);
    rows.push({ at, order: order++, cells: [project.title, versionAt(at), stepText(step.step, lang), step.comment, actorText(step.actor, lang), at] });
  }
  for (const h of otherSteps(project.history ?? [], onRecord)) {
    rows.push({ at: h.at, order: order++, cells: [project.title, undefined, text(lang, `record_${h.what}` as TextKey), h.detail, actorText(h.by, lang), h.at] });
  }
  rows.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return {
    name: sheetName(text(lang, 'projectRecordSheet')),
    columns: [
      { header: text(lang, 'projectRecordProject') },
      { header: text(lang, 'projectRecordVersion'), kind: 'number' },
      { header: text(lang, 'projectRecordField'), width: 40 },
      { header: text(lang, 'projectRecordValue'), width: 60 },
      { header: text(lang, 'projectRecordBy'), width: 28 },
      { header: text(lang, 'projectRecordAt'), kind: 'datetime' },
    ],
    rows: rows.map((r) => r.cells),
  };
}
