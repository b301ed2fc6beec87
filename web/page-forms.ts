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
  /** Only opens a page (GET): no change, no token. */
  opens?: boolean;
  hidden?: { name: string; value: string }[];
  errors?: { field: string; message: string }[];
}

/**
 * The form with what was typed put back and each problem beside its field. `fieldOf` maps a
 * problem's field ("owner.email") to the form's ("ownerEmail"); a problem of no field goes first.
 */
export function withTyped(lang: Language, form: PageForm, typed: Record<string, unknown>, problems: RegistrationProblem[] = [], fieldOf: Record<string, string> = {}): PageForm {
  const errorOf = new Map<string, string>();
  for (const p of problems) {
    const name = fieldOf[p.field] ?? p.field;
    errorOf.set(form.fields.some((f) => f.name === name) ? name : form.fields[0]!.name, problemText(lang, p));
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

/**
 * The checks in domain/registers.ts say what is wrong in English (the CLI's and the API's words);
 * a Swedish page says it in Swedish, by the field it concerns.
 */
const SWEDISH: Record<string, string> = {
  id: 'Använd små bokstäver, siffror och bindestreck, t.ex. "vanort-tartu".',
  title: 'Ange ett namn på högst 200 tecken.',
  unitId: 'Välj en enhet.',
  plannedStart: 'Ange ett datum (ÅÅÅÅ-MM-DD).',
  plannedEnd: 'Ange ett datum efter planerad start (ÅÅÅÅ-MM-DD).',
  partners: 'Högst 50 partner, en per rad.',
  stage: 'Välj ansökan eller projekt.',
  date: 'Ange ett datum (ÅÅÅÅ-MM-DD).',
  endDate: 'Ange sista dagen, inte före den första (ÅÅÅÅ-MM-DD).',
  place: 'Ange platsen (stad, lokal).',
  country: 'Ange en landskod med två bokstäver, t.ex. SE eller BE.',
  role: 'Välj arrangör, medarrangör eller deltagare.',
  partner: 'Ange partnern (stad, organisation).',
  endsOn: 'Varje avtal tar slut: ange ett datum (ÅÅÅÅ-MM-DD).',
  startsOn: 'Ange ett datum före slutdatumet (ÅÅÅÅ-MM-DD).',
  decision: 'Välj förnya eller avsluta.',
  newEndsOn: 'Ett förnyat avtal behöver ett nytt slutdatum efter det nuvarande.',
  note: 'Högst 2 000 tecken.',
  description: 'Högst 2 000 tecken.',
  decidedOn: 'Ange beslutsdatum (ÅÅÅÅ-MM-DD).',
  body: 'Ange det beslutande organet, t.ex. Kommunfullmäktige.',
  paragraph: 'Ange protokollets paragraf, t.ex. § 140/2026.',
  outcome: 'Välj reviderad eller fastställd utan ändring.',
  concerned: 'Högst 50 personer, en per rad som Namn <e-post>.',
  goals: 'Mellan 1 och 30 mål, ett per rad.',
  change: 'Ändra något innan du sparar.',
  'owner.name': 'Ange ägarens namn (högst 120 tecken).',
  'owner.email': 'Ange en e-postadress, t.ex. namn@kommun.se.',
  year: 'Ange ett år, t.ex. 2027.',
};

function problemText(lang: Language, problem: RegistrationProblem): string {
  if (lang === 'en') return problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
  const field = problem.field.replace(/\[\d+\].*$/, '');
  return SWEDISH[problem.field] ?? SWEDISH[field] ?? problem.message;
}
