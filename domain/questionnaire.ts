/**
 * A questionnaire as the config writes it (fields and sections, some repeated for each item of a
 * list) and as an answer holds it (one flat list of fields). Pure: the workflow, the web form,
 * the mails and the report all see the same expansion.
 */
import type { FieldGroup, Language, Localized, QuestionField, Questionnaire } from './types';

export interface ConfiguredField extends Omit<QuestionField, 'group' | 'question'> {
  type: QuestionField['type'];
}

export interface ConfiguredSection {
  type: 'section';
  id: string;
  title: Localized;
  help?: Partial<Localized>;
  repeatFor?: string;
  fields: ConfiguredField[];
}

export type ConfiguredQuestionnaire = (ConfiguredField | ConfiguredSection)[];
export type ListItem = { id: string; label: Localized };
export type QuestionLists = Record<string, ListItem[]>;
/** Lists as the config gives them: items, or the goals of a yearly-goals obligation (read per period). */
export type ConfiguredLists = Record<string, ListItem[] | { goalsOf: string }>;

export class QuestionnaireError extends Error {
  override name = 'QuestionnaireError';
}

function isSection(item: ConfiguredField | ConfiguredSection): item is ConfiguredSection {
  return item.type === 'section';
}

function copyField(field: ConfiguredField): QuestionField {
  // Only what is set: the questionnaire travels in workflow histories, and stays as small as before for plain fields.
  return Object.fromEntries(Object.entries(field).filter(([, v]) => v !== undefined)) as unknown as QuestionField;
}

/**
 * One flat list of fields. A repeated section becomes one group per item, its field ids
 * "section.item.field"; a section asked once has ids "section.field". A rule's field is
 * rewritten to the expanded id of the same group.
 */
export function expandQuestionnaire(items: ConfiguredQuestionnaire, lists: QuestionLists = {}): Questionnaire {
  const out: Questionnaire = [];
  for (const item of items) {
    if (!isSection(item)) {
      out.push(copyField(item));
      continue;
    }
    const base: FieldGroup = { id: item.id, title: item.title, ...(item.help ? { help: item.help } : {}) };
    const repeated = item.repeatFor === undefined ? [undefined] : lists[item.repeatFor];
    if (!repeated) throw new QuestionnaireError(`The section "${item.id}" repeats for the list "${item.repeatFor}", which the obligation does not have.`);
    for (const listItem of repeated) {
      const prefix = listItem ? `${item.id}.${listItem.id}.` : `${item.id}.`;
      const group: FieldGroup = listItem ? { ...base, item: { id: listItem.id, label: listItem.label } } : base;
      for (const field of item.fields) {
        const expanded = copyField(field);
        expanded.id = `${prefix}${field.id}`;
        expanded.question = field.id;
        expanded.group = group;
        if (field.requiredIf) expanded.requiredIf = { field: `${prefix}${field.requiredIf.field}`, equals: field.requiredIf.equals };
        out.push(expanded);
      }
    }
  }
  return out;
}

/** The heading a group is shown under: "Goals – Goal 2: Exchange" or the section's title. */
export function groupHeading(group: FieldGroup, language: Language): string {
  return group.item ? `${group.title[language]}: ${group.item.label[language]}` : group.title[language];
}

/** A field's label with its group, for error messages and places that show one line per field. */
export function fullLabel(field: QuestionField, language: Language): string {
  return field.group ? `${groupHeading(field.group, language)} – ${field.label[language]}` : field.label[language];
}

export interface FieldBlock<T> {
  /** Undefined for the questionnaire's top-level fields. */
  group?: FieldGroup;
  key: string;
  fields: T[];
}

/** Consecutive fields of the same group (or top-level fields) together, in questionnaire order. */
export function groupFields<T extends { group?: FieldGroup }>(fields: T[]): FieldBlock<T>[] {
  const blocks: FieldBlock<T>[] = [];
  for (const field of fields) {
    const key = field.group ? `${field.group.id}${field.group.item ? `.${field.group.item.id}` : ''}` : '';
    const last = blocks[blocks.length - 1];
    if (last && last.key === key) last.fields.push(field);
    else blocks.push({ group: field.group, key, fields: [field] });
  }
  return blocks;
}

/**
 * The flat questionnaire of an obligation. Lists read from recorded goals come in `resolved`
 * (see activities/questionnaire-lists); without them those sections are left out.
 */
export function questionnaireOf(obligation: { questionnaire: ConfiguredQuestionnaire; lists?: ConfiguredLists }, resolved: QuestionLists = {}): Questionnaire {
  const lists: QuestionLists = {};
  for (const [name, source] of Object.entries(obligation.lists ?? {})) lists[name] = Array.isArray(source) ? source : (resolved[name] ?? []);
  return expandQuestionnaire(obligation.questionnaire, lists);
}

/** The lists of an obligation that come from recorded goals: list name → yearly-goals obligation id. */
export function goalsLists(obligation: { lists?: ConfiguredLists }): [string, string][] {
  return Object.entries(obligation.lists ?? {}).flatMap(([name, source]) => (Array.isArray(source) ? [] : [[name, source.goalsOf] as [string, string]]));
}
