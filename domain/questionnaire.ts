/**
 * A questionnaire as the config writes it (fields and sections, some repeated for each item of a
 * list) and as an answer holds it (one flat list of fields). Pure: the workflow, the web form,
 * the mails and the report all see the same expansion.
 */
import type { AnswerValue, FieldGroup, Language, Localized, QuestionField, Questionnaire, RequiredIf } from './types';

export interface ConfiguredField extends Omit<QuestionField, 'group' | 'question' | 'atMost'> {
  type: QuestionField['type'];
}

/**
 * A rule between number fields as the config writes it: one field at most another ("of which" ≤
 * "in all"), or a sum of fields at most a total. Ids are those of the rule's scope: a section's
 * own fields, or the questionnaire's top-level fields and "section.field" of a section asked once.
 */
export type ConfiguredRule =
  | { kind: 'atMost'; field: string; max: string; message?: Localized }
  | { kind: 'sumAtMost'; fields: string[]; max: string; message?: Localized };

/** The fields a rule adds up, in order: its error is shown beside the first. */
export function ruleFields(rule: ConfiguredRule): string[] {
  return rule.kind === 'atMost' ? [rule.field] : rule.fields;
}

/** The values that make a field with this rule required. */
export function requiredValues(rule: RequiredIf): AnswerValue[] {
  return 'in' in rule ? rule.in : [rule.equals];
}

export interface ConfiguredSection {
  type: 'section';
  id: string;
  title: Localized;
  help?: Partial<Localized>;
  repeatFor?: string;
  fields: ConfiguredField[];
  rules?: ConfiguredRule[];
}

export type ConfiguredQuestionnaire = (ConfiguredField | ConfiguredSection)[];
export type ListItem = { id: string; label: Localized; help?: Partial<Localized> };
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

/** Puts each rule on the field its error is shown beside, with ids as the flat questionnaire has them. */
function attachRules(fields: QuestionField[], rules: ConfiguredRule[] | undefined, prefix: string) {
  for (const rule of rules ?? []) {
    const sum = ruleFields(rule).map((id) => `${prefix}${id}`);
    const target = fields.find((f) => f.id === sum[0]);
    // config check refuses a rule on a field that is not there; a questionnaire without it has nothing to check.
    if (!target) continue;
    target.atMost = [...(target.atMost ?? []), { sum, max: `${prefix}${rule.max}`, ...(rule.message ? { message: rule.message } : {}) }];
  }
}

/**
 * One flat list of fields. A repeated section becomes one group per item, its field ids
 * "section.item.field"; a section asked once has ids "section.field". A rule's field is
 * rewritten to the expanded id of the same group.
 */
export function expandQuestionnaire(items: ConfiguredQuestionnaire, lists: QuestionLists = {}, rules?: ConfiguredRule[]): Questionnaire {
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
      const group: FieldGroup = listItem ? { ...base, item: { id: listItem.id, label: listItem.label, ...(listItem.help ? { help: listItem.help } : {}) } } : base;
      const start = out.length;
      for (const field of item.fields) {
        const expanded = copyField(field);
        expanded.id = `${prefix}${field.id}`;
        expanded.question = field.id;
        expanded.group = group;
        if (field.requiredIf) expanded.requiredIf = { ...field.requiredIf, field: `${prefix}${field.requiredIf.field}` };
        out.push(expanded);
      }
      attachRules(out.slice(start), item.rules, prefix);
    }
  }
  attachRules(out, rules, '');
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
export function questionnaireOf(obligation: { questionnaire: ConfiguredQuestionnaire; lists?: ConfiguredLists; questionnaireRules?: ConfiguredRule[] }, resolved: QuestionLists = {}): Questionnaire {
  const lists: QuestionLists = {};
  for (const [name, source] of Object.entries(obligation.lists ?? {})) lists[name] = Array.isArray(source) ? source : (resolved[name] ?? []);
  return expandQuestionnaire(obligation.questionnaire, lists, obligation.questionnaireRules);
}

/** The lists of an obligation that come from recorded goals: list name → yearly-goals obligation id. */
export function goalsLists(obligation: { lists?: ConfiguredLists }): [string, string][] {
  return Object.entries(obligation.lists ?? {}).flatMap(([name, source]) => (Array.isArray(source) ? [] : [[name, source.goalsOf] as [string, string]]));
}
