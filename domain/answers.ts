/**
 * Validation of an answer against the obligation's questionnaire. Pure and deterministic: the same
 * function runs in the workflow's update validator, the CLI and the web form, so all three agree.
 */
import { attachmentIds, DEFAULT_MAX_FILES, formatFileSize } from './attachments';
import { fullLabel, requiredValues } from './questionnaire';
import type { AnswerValue, AnswerValues, Language, Questionnaire, QuestionField } from './types';

export const DEFAULT_MAX_LENGTH = 10_000;
const MAX_FIELDS_IN_ANSWER = 200;

export type FieldErrorCode =
  | 'required'
  | 'too-long'
  | 'not-text'
  | 'not-number'
  | 'not-integer'
  | 'ambiguous-number'
  | 'too-small'
  | 'too-large'
  | 'not-boolean'
  | 'not-date'
  | 'not-an-option'
  | 'not-confirmed'
  | 'unknown-field'
  | 'too-many-files'
  | 'file-type'
  | 'file-too-large'
  | 'file-empty'
  | 'file-infected'
  | 'scanner-unavailable'
  | 'over-max';

export interface FieldError {
  field: string;
  code: FieldErrorCode;
  limit?: number;
  /** The file a file field's error is about, by the name it came with. */
  file?: string;
  /** What a file field takes ("PDF, Word (DOCX)"), for an error about a file's kind. */
  allowed?: string;
  /** Over-max: which of the field's `atMost` rules does not hold, and the sum that broke it (`limit` is the maximum). */
  rule?: number;
  sum?: number;
}

const MESSAGES: Record<Language, Record<FieldErrorCode, (e: FieldError, label: string) => string>> = {
  sv: {
    required: (_e, l) => `${l}: måste fyllas i.`,
    'too-long': (e, l) => `${l}: får vara högst ${e.limit} tecken.`,
    'not-text': (_e, l) => `${l}: ska vara text.`,
    'not-number': (_e, l) => `${l}: ska vara ett tal.`,
    'not-integer': (_e, l) => `${l}: ska vara ett heltal.`,
    'ambiguous-number': (_e, l) => `${l}: skriv tusental utan punkt eller komma (1500 eller 1 500) och decimaler med komma (1,5).`,
    'too-small': (e, l) => `${l}: får inte vara mindre än ${e.limit}.`,
    'too-large': (e, l) => `${l}: får inte vara större än ${e.limit}.`,
    'not-confirmed': (_e, l) => `${l}: måste bekräftas (kryssa i rutan).`,
    'not-boolean': (_e, l) => `${l}: ska vara ja eller nej.`,
    'not-date': (_e, l) => `${l}: ska vara ett datum (ÅÅÅÅ-MM-DD).`,
    'not-an-option': (_e, l) => `${l}: välj ett av alternativen.`,
    'unknown-field': (e) => `${e.field}: finns inte i frågeformuläret.`,
    'too-many-files': (e, l) => `${l}: högst ${e.limit} ${e.limit === 1 ? 'fil' : 'filer'} kan bifogas. Ta bort en fil innan du lägger till en ny.`,
    'file-type': (e, l) => `${l}: ”${e.file}” är inte en fil av de slag som tas emot (${e.allowed}). Filens innehåll avgör, inte dess namn.`,
    'file-too-large': (e, l) => `${l}: ”${e.file}” är för stor; en fil får vara högst ${formatFileSize(e.limit ?? 0, 'sv')}.`,
    'file-empty': (e, l) => `${l}: ”${e.file}” är tom.`,
    'file-infected': (e, l) => `${l}: ”${e.file}” togs inte emot: virussökningen hittade skadlig kod i den. Kontrollera filen och bifoga en ren kopia.`,
    'scanner-unavailable': (e, l) => `${l}: ”${e.file}” kunde inte virussökas just nu och togs inte emot. Försök igen om en stund; det du skrivit finns kvar.`,
    'over-max': (e, l) => `${l}: får inte vara större än ${e.limit}.`,
  },
  en: {
    required: (_e, l) => `${l}: is required.`,
    'too-long': (e, l) => `${l}: must be at most ${e.limit} characters.`,
    'not-text': (_e, l) => `${l}: must be text.`,
    'not-number': (_e, l) => `${l}: must be a number.`,
    'not-integer': (_e, l) => `${l}: must be a whole number.`,
    'ambiguous-number': (_e, l) => `${l}: write thousands without a point or comma (1500 or 1 500) and decimals with one (1.5).`,
    'too-small': (e, l) => `${l}: must not be less than ${e.limit}.`,
    'too-large': (e, l) => `${l}: must not be more than ${e.limit}.`,
    'not-confirmed': (_e, l) => `${l}: must be confirmed (tick the box).`,
    'not-boolean': (_e, l) => `${l}: must be yes or no.`,
    'not-date': (_e, l) => `${l}: must be a date (YYYY-MM-DD).`,
    'not-an-option': (_e, l) => `${l}: choose one of the options.`,
    'unknown-field': (e) => `${e.field}: is not in the questionnaire.`,
    'too-many-files': (e, l) => `${l}: at most ${e.limit} ${e.limit === 1 ? 'file' : 'files'} can be attached. Remove one before adding another.`,
    'file-type': (e, l) => `${l}: "${e.file}" is not a kind of file taken here (${e.allowed}). The file's content decides, not its name.`,
    'file-too-large': (e, l) => `${l}: "${e.file}" is too large; a file may be at most ${formatFileSize(e.limit ?? 0, 'en')}.`,
    'file-empty': (e, l) => `${l}: "${e.file}" is empty.`,
    'file-infected': (e, l) => `${l}: "${e.file}" was not accepted: the malware scan found harmful code in it. Check the file and attach a clean copy.`,
    'scanner-unavailable': (e, l) => `${l}: "${e.file}" could not be scanned for malware just now and was not accepted. Try again in a while; what you typed is kept.`,
    'over-max': (e, l) => `${l}: must not be more than ${e.limit}.`,
  },
};

export function describeFieldError(error: FieldError, questionnaire: Questionnaire, language: Language): string {
  const field = questionnaire.find((f) => f.id === error.field);
  // A label written as a sentence ends with a full stop; the message adds its own punctuation.
  const labelOf = (f: QuestionField | undefined, id: string) => (f ? fullLabel(f, language).replace(/\.$/, '') : id);
  const label = labelOf(field, error.field);
  const rule = error.code === 'over-max' && error.rule !== undefined ? field?.atMost?.[error.rule] : undefined;
  if (rule) {
    if (rule.message) return `${label}: ${rule.message[language]}`;
    const named = (id: string) => labelOf(questionnaire.find((f) => f.id === id), id);
    const max = `${named(rule.max)} (${error.limit})`;
    if (rule.sum.length === 1) return language === 'sv' ? `${label}: får inte vara större än ${max}.` : `${label}: must not be more than ${max}.`;
    const parts = rule.sum.map(named);
    const listed = `${parts.slice(0, -1).join(', ')} ${language === 'sv' ? 'och' : 'and'} ${parts[parts.length - 1]}`;
    return language === 'sv'
      ? `${label}: summan av ${listed} (${error.sum}) får inte vara större än ${max}.`
      : `${label}: the sum of ${listed} (${error.sum}) must not be more than ${max}.`;
  }
  return MESSAGES[language][error.code](error, label);
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

// Digits, grouped by spaces (also the no-break kinds) or not, with one decimal comma or point.
const NUMBER = /^[-\u2212]?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?$/;

/**
 * A number as Swedish and English write it: "1 500,5", "1500.5", "−3". "1,500" or "1.500" could be
 * fifteen hundred or one and a half: it is refused with a hint rather than guessed.
 */
export function parseNumber(text: string): number | 'ambiguous' | undefined {
  const trimmed = text.trim();
  const match = NUMBER.exec(trimmed);
  if (!match) return undefined;
  const [, whole = '', decimals] = match;
  if (decimals !== undefined && decimals.length === 3 && /^[1-9]\d{0,2}$/.test(whole)) return 'ambiguous';
  return Number(trimmed.replace(/^\u2212/, '-').replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function checkField(field: QuestionField, value: unknown, requiredNow: boolean): FieldError | AnswerValue | undefined {
  if (field.type === 'confirm') {
    // A ticked box sends "on"; an unticked one sends nothing at all.
    if (value === true || value === 'on' || value === 'true' || value === 'yes' || value === 'ja') return true;
    if (isBlank(value) || value === false || value === 'false') return field.required || requiredNow ? { field: field.id, code: 'not-confirmed' } : undefined;
    return { field: field.id, code: 'not-boolean' };
  }
  if (isBlank(value)) return field.required || requiredNow ? { field: field.id, code: 'required' } : undefined;
  switch (field.type) {
    case 'text':
    case 'textarea': {
      if (typeof value !== 'string') return { field: field.id, code: 'not-text' };
      const limit = field.maxLength ?? DEFAULT_MAX_LENGTH;
      const text = value.trim();
      return text.length > limit ? { field: field.id, code: 'too-long', limit } : text;
    }
    case 'number': {
      const n = typeof value === 'string' ? parseNumber(value) : value;
      if (n === 'ambiguous') return { field: field.id, code: 'ambiguous-number' };
      if (typeof n !== 'number' || !Number.isFinite(n)) return { field: field.id, code: 'not-number' };
      if (field.integer && !Number.isInteger(n)) return { field: field.id, code: 'not-integer' };
      if (field.min !== undefined && n < field.min) return { field: field.id, code: 'too-small', limit: field.min };
      if (field.max !== undefined && n > field.max) return { field: field.id, code: 'too-large', limit: field.max };
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'yes' || value === 'ja') return true;
      if (value === 'false' || value === 'no' || value === 'nej') return false;
      return { field: field.id, code: 'not-boolean' };
    }
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value.trim()) ? value.trim() : { field: field.id, code: 'not-date' };
    case 'choice':
    case 'scale':
      return typeof value === 'string' && (field.options ?? []).some((o) => o.value === value) ? value : { field: field.id, code: 'not-an-option' };
    case 'file': {
      // The ids of attachments the web stored; a value with none is no answer.
      const ids = attachmentIds(value);
      if (ids.length === 0) return field.required || requiredNow ? { field: field.id, code: 'required' } : undefined;
      const limit = field.maxFiles ?? DEFAULT_MAX_FILES;
      return ids.length > limit ? { field: field.id, code: 'too-many-files', limit } : ids.join(',');
    }
  }
}

export type AnswerCheck = { ok: true; values: AnswerValues } | { ok: false; errors: FieldError[] };

/** Checks every field and returns every problem at once, so a person can fix them in one go. */
export function checkAnswer(questionnaire: Questionnaire, input: unknown): AnswerCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(answer)', code: 'unknown-field' }] };
  }
  const given = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const values: AnswerValues = {};
  const known = new Set(questionnaire.map((f) => f.id));
  for (const name of Object.keys(given).slice(0, MAX_FIELDS_IN_ANSWER)) {
    if (!known.has(name)) errors.push({ field: name.slice(0, 64), code: 'unknown-field' });
  }
  // Fields without rules first, so a rule sees the checked value of the field it refers to.
  const ordered = [...questionnaire.filter((f) => !f.requiredIf), ...questionnaire.filter((f) => f.requiredIf)];
  for (const field of ordered) {
    const rule = field.requiredIf;
    const requiredNow = rule !== undefined && values[rule.field] !== undefined && requiredValues(rule).includes(values[rule.field]!);
    const result = checkField(field, given[field.id], requiredNow);
    if (result === undefined) continue;
    if (typeof result === 'object') errors.push(result);
    else values[field.id] = result;
  }
  errors.push(...ruleErrors(questionnaire, values, new Set(errors.map((e) => e.field))));
  errors.sort((a, b) => questionnaire.findIndex((f) => f.id === a.field) - questionnaire.findIndex((f) => f.id === b.field));
  return errors.length ? { ok: false, errors } : { ok: true, values };
}

/**
 * The rules between fields that the checked values break. A rule is checked only when its
 * maximum and at least one of its fields are answered (a blank one counts as nothing) and none of
 * them has an error of its own: "required" or "not a number" says more than a sum would.
 */
function ruleErrors(questionnaire: Questionnaire, values: AnswerValues, failed: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of questionnaire) {
    if (failed.has(field.id)) continue;
    (field.atMost ?? []).some((rule, index) => {
      const max = values[rule.max];
      const parts = rule.sum.map((id) => values[id]);
      if (typeof max !== 'number' || [rule.max, ...rule.sum].some((id) => failed.has(id)) || !parts.some((v) => typeof v === 'number')) return false;
      const sum = parts.reduce<number>((total, v) => total + (typeof v === 'number' ? v : 0), 0);
      // Decimals added up ("0.1 + 0.2") must not break a rule by a rounding error.
      if (sum - max <= 1e-9 * Math.max(1, Math.abs(max))) return false;
      errors.push({ field: field.id, code: 'over-max', limit: max, rule: index, sum: Math.round(sum * 1e9) / 1e9 });
      return true;
    });
  }
  return errors;
}

export type DraftCheck = { ok: true; values: Record<string, string> } | { ok: false; errors: FieldError[] };

/**
 * A draft keeps exactly what was typed (so nothing is lost), but only for the questionnaire's
 * fields and within their lengths: a draft is not a way to store arbitrary data.
 */
export function checkDraft(questionnaire: Questionnaire, input: unknown): DraftCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: [{ field: '(draft)', code: 'unknown-field' }] };
  const given = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  const byId = new Map(questionnaire.map((f) => [f.id, f]));
  for (const [name, value] of Object.entries(given).slice(0, MAX_FIELDS_IN_ANSWER)) {
    const field = byId.get(name);
    if (!field) {
      errors.push({ field: name.slice(0, 64), code: 'unknown-field' });
      continue;
    }
    if (value === undefined || value === null) continue;
    // A form only ever sends text; objects could even throw from their own toString.
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      errors.push({ field: name, code: 'not-text' });
      continue;
    }
    const text = String(value);
    const limit = field.maxLength ?? DEFAULT_MAX_LENGTH;
    if (text.length > limit) errors.push({ field: name, code: 'too-long', limit });
    else values[name] = text;
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}

export function describeAnswerErrors(errors: FieldError[], questionnaire: Questionnaire, language: Language): string {
  return errors.map((e) => describeFieldError(e, questionnaire, language)).join(' ');
}
