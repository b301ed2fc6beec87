/**
 * The secretariat's and owners' forms as data for templates/web/_form.hbs: fields with their
 * values and the problems the registration's own check found, beside the field they concern.
 */
import type { RegistrationProblem } from '../domain/registers';
import type { Language } from '../domain/types';
import { text } from './i18n';

export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'date' | 'email' | 'textarea' | 'select' | 'radio' | 'checkbox';
  value?: string;
  checked?: boolean;
  required?: boolean;
  help?: string;
  options?: { value: string; label: string; selected?: boolean }[];
  error?: string;
  autocomplete?: string;
}

export interface PageForm {
  id: string;
  heading: string;
  help?: string;
  action: string;
  fields: FormField[];
  submit: string;
  danger?: boolean;
  hidden?: { name: string; value: string }[];
  errors?: { field: string; message: string }[];
}

/**
 * The form with what was typed put back and each problem beside its field. `fieldOf` maps a
 * problem's field ("owner.email") to the form's ("ownerEmail"); a problem of no field goes first.
 */
export function withTyped(form: PageForm, typed: Record<string, unknown>, problems: RegistrationProblem[] = [], fieldOf: Record<string, string> = {}): PageForm {
  const errorOf = new Map<string, string>();
  for (const p of problems) {
    const name = fieldOf[p.field] ?? p.field;
    errorOf.set(form.fields.some((f) => f.name === name) ? name : form.fields[0]!.name, p.message);
  }
  const fields = form.fields.map((f) => {
    const value = typeof typed[f.name] === 'string' ? (typed[f.name] as string) : f.value;
    return {
      ...f,
      value,
      checked: f.type === 'checkbox' ? typed[f.name] === 'on' : f.checked,
      options: f.options?.map((o) => ({ ...o, selected: value === undefined ? o.selected : o.value === value })),
      error: errorOf.get(f.name),
    };
  });
  return { ...form, fields, errors: [...errorOf].map(([field, message]) => ({ field, message })) };
}

/** The units as a select's options. */
export function unitOptions(units: { id: string; name: Record<Language, string> }[], lang: Language, chosen?: string) {
  return [{ value: '', label: text(lang, 'chooseOne') }, ...units.map((u) => ({ value: u.id, label: u.name[lang], selected: u.id === chosen }))];
}
