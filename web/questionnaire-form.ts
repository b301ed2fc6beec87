/**
 * A questionnaire as form fields, grouped in its sections, with each field's error beside it and
 * the error summary above: the contact person's answer form and the project owner's goals form
 * are the same form (templates/web/answer.hbs) on different questionnaires.
 */
import { shownValue } from '../activities/mail-context';
import { describeFieldError, type FieldError } from '../domain/answers';
import { acceptedKinds, attachmentIds, DEFAULT_ACCEPT, DEFAULT_MAX_FILES, FILE_KINDS, formatFileSize, maxFileBytes, type FileKind } from '../domain/attachments';
import { groupFields, groupHeading, requiredValues } from '../domain/questionnaire';
import type { AnswerValues, Language, Questionnaire } from '../domain/types';
import { pluralText, text } from './i18n';

/** "required if you answered Yes above": the rule in the words of the form. */
function requiredWhen(field: Questionnaire[number], questionnaire: Questionnaire, lang: Language) {
  const rule = field.requiredIf!;
  const other = questionnaire.find((f) => f.id === rule.field);
  if (!other) return undefined;
  const answers = requiredValues(rule).map((v) => shownValue(other, v, lang) ?? String(v));
  // "Yes or Partly": one of several values (requiredIf.in).
  const answer = answers.length > 1 ? `${answers.slice(0, -1).join(', ')} ${lang === 'sv' ? 'eller' : 'or'} ${answers[answers.length - 1]}` : (answers[0] ?? '');
  return text(lang, 'requiredWhen', { answer });
}

export function questionnaireForm(
  questionnaire: Questionnaire,
  values: Record<string, string>,
  errors: FieldError[],
  lang: Language,
  previous?: { period: string; values: AnswerValues },
  /** The attachments file fields hold, by id (web/uploads.ts heldAttachments). */
  attachments: ReadonlyMap<string, { name: string; size: number }> = new Map(),
) {
  const fileInput = (f: Questionnaire[number]) => {
    if (f.type !== 'file') return undefined;
    const kinds = (f.accept ?? DEFAULT_ACCEPT) as FileKind[];
    return {
      // The browser's file chooser offers these; the server checks the content whatever the name.
      accept: kinds.flatMap((k) => [`.${FILE_KINDS[k].extension}`, ...(k === 'jpeg' ? ['.jpeg'] : []), FILE_KINDS[k].mediaType]).join(','),
      limits: pluralText(lang, 'fileLimits', f.maxFiles ?? DEFAULT_MAX_FILES, { kinds: acceptedKinds(f.accept), size: formatFileSize(maxFileBytes(f), lang), count: f.maxFiles ?? DEFAULT_MAX_FILES }),
      multiple: (f.maxFiles ?? DEFAULT_MAX_FILES) > 1,
      held: attachmentIds(values[f.id]).flatMap((id) => {
        const held = attachments.get(id);
        return held ? [{ id, keep: text(lang, 'fileKeep', { name: held.name, size: formatFileSize(held.size, lang) }) }] : [];
      }),
    };
  };
  const errorFor = new Map(errors.map((e) => [e.field, describeFieldError(e, questionnaire, lang)]));
  const fields = questionnaire.map((f) => ({
    id: f.id,
    type: f.type,
    inputType: f.type === 'number' ? 'text' : f.type === 'date' ? 'date' : 'text',
    inputMode: f.type === 'number' ? (f.integer ? 'numeric' : 'decimal') : undefined,
    label: f.label[lang],
    help: f.help?.[lang],
    required: f.required,
    requiredWhen: f.requiredIf ? requiredWhen(f, questionnaire, lang) : undefined,
    maxLength: f.maxLength,
    value: values[f.id] ?? '',
    checked: values[f.id] === 'on' || values[f.id] === 'true',
    error: errorFor.get(f.id),
    bounds: f.min !== undefined || f.max !== undefined ? text(lang, 'bounds', { min: f.min ?? '–', max: f.max ?? '–' }) : undefined,
    options: f.options?.map((o) => ({ value: o.value, label: o.label[lang], help: o.help?.[lang], selected: values[f.id] === o.value })),
    // A select cannot show help under its options: what they mean is listed under the field.
    optionHelp: f.type === 'choice' && f.options?.some((o) => o.help?.[lang]) ? f.options.filter((o) => o.help?.[lang]).map((o) => ({ label: o.label[lang], help: o.help![lang] })) : undefined,
    group: f.group,
    previous: previous && previous.values[f.id] !== undefined ? text(lang, 'previousAnswer', { period: previous.period, answer: shownValue(f, previous.values[f.id], lang) ?? '' }) : undefined,
    file: fileInput(f),
  }));
  // Typed answers to questions this page does not show (drawn from the config while Temporal was
  // down): carried along unseen, so a second send still has them.
  const shown = new Set(questionnaire.map((f) => f.id));
  const carried = Object.entries(values)
    .filter(([name, value]) => !shown.has(name) && value.trim() !== '')
    .map(([name, value]) => ({ name, value }));
  const sections = groupFields(fields).map((block) => ({
    heading: block.group ? groupHeading(block.group, lang) : undefined,
    help: block.group?.help?.[lang],
    itemHelp: block.group?.item?.help?.[lang],
    id: block.key.replace(/[^a-z0-9-]/g, '-'),
    fields: block.fields,
  }));
  return {
    sections,
    carried,
    // A form with a file field is posted as multipart/form-data, which carries files.
    hasFiles: questionnaire.some((f) => f.type === 'file'),
    errors: errors.map((e) => ({ field: errorFor.has(e.field) && questionnaire.some((f) => f.id === e.field) ? e.field : questionnaire[0]?.id, message: errorFor.get(e.field) })),
  };
}

/** What was typed into the questionnaire's fields, as text. */
export function typedFields(body: Record<string, unknown>, questionnaire: Questionnaire): Record<string, string> {
  const typed: Record<string, string> = {};
  for (const field of questionnaire) {
    const value = body[field.id];
    if (typeof value === 'string') typed[field.id] = value;
  }
  return typed;
}
