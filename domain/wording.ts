/**
 * An organisation's own words for the phrases mails and reports would otherwise fix: a mail's
 * subject, the title the unit head is addressed by, what the gate requires before a start, the
 * registers a request mail offers. Pure, so the config check, the activities and the tests share it.
 */
import type { Language, Localized } from './types';

export type UnitKind = 'department' | 'board' | 'office' | 'sector' | 'company';

/** How a unit's head is addressed, by the kind of unit: a company's is its managing director, not a head of department. */
export const HEAD_TITLES: Record<UnitKind, Localized> = {
  department: { sv: 'förvaltningschef', en: 'head of department' },
  board: { sv: 'förvaltningschef', en: 'head of administration' },
  office: { sv: 'kontorschef', en: 'head of office' },
  sector: { sv: 'sektorschef', en: 'head of sector' },
  company: { sv: 'verkställande direktör', en: 'managing director' },
};

/** The unit's own title, else the organisation's for its kind, else the default for its kind. */
export function headTitle(
  unit: { kind: UnitKind; headTitle?: Localized },
  wording: { headTitles?: Partial<Record<UnitKind, Localized>> } | undefined,
  language: Language,
): string {
  return (unit.headTitle ?? wording?.headTitles?.[unit.kind] ?? HEAD_TITLES[unit.kind])[language];
}

/**
 * The values a subject of each obligation kind may name, as {{name}}. Those every mail has, then
 * each kind's own (the contexts built in activities/kinds/<kind>.ts).
 */
const COMMON_VALUES = ['org.name', 'policy.name', 'obligation.title', 'recipient.name', 'secretariat.name'];
export const SUBJECT_VALUES: Record<string, readonly string[]> = {
  'periodic-data-call': [...COMMON_VALUES, 'period', 'unit.name', 'deadline', 'reminderNumber'],
  'gate-before-start': [...COMMON_VALUES, 'project.title', 'project.unit', 'project.owner', 'project.plannedStart'],
  'minimum-occurrences': [...COMMON_VALUES, 'year', 'minimum', 'held', 'counted'],
  revision: [...COMMON_VALUES, 'period', 'due', 'owner'],
  'expiry-review': [...COMMON_VALUES, 'agreement.title', 'agreement.partner', 'agreement.unit', 'agreement.owner', 'agreement.endsOn'],
  'event-notices': [...COMMON_VALUES, 'event.title', 'event.date', 'event.place', 'event.unit'],
  'yearly-goals': [...COMMON_VALUES, 'year', 'body'],
};

/**
 * What is wrong with a subject of one's own, or undefined: plain text and {{value}} of the kind's
 * values only. No helpers or blocks: a subject is one line a secretariat writes, and a misspelt
 * value would otherwise go out as an empty gap in every mail.
 */
export function subjectProblem(subject: string, kind: string): string | undefined {
  const known = SUBJECT_VALUES[kind] ?? COMMON_VALUES;
  const rest = subject.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => `\u0000${name}\u0000`);
  if (/[{}]/.test(rest)) return 'braces only around a value, as {{project.title}}';
  for (const [, name] of rest.matchAll(/\u0000([^\u0000]*)\u0000/g)) {
    if (!known.includes(name!)) return `{{${name}}} is not a value of this mail; known: ${known.map((v) => `{{${v}}}`).join(', ')}`;
  }
  return undefined;
}

/** The registers a unit keeps from its standing link, as a request mail names them: "seminarier och projekt". */
export function registerNames(registers: readonly ('seminars' | 'projects')[], language: Language): string {
  const words = { sv: { seminars: 'seminarier', projects: 'projekt' }, en: { seminars: 'seminars', projects: 'projects' } }[language];
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(registers.map((r) => words[r]));
}

// Intl puts a no-break space in Swedish numbers; mails, exports and searches of the texts expect
// the ordinary space the texts have always had, so it is one here.
const plainSpaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** A count as the language writes it: "5 800" in Swedish, "5,800" in English. */
export function formatCount(language: Language, n: number): string {
  return plainSpaces(new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB').format(n));
}

/** A share as the language writes it: "17 %" in Swedish, "17%" in English (whole per cent). */
export function formatPercent(language: Language, part: number, whole: number): string {
  return plainSpaces(new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(whole ? part / whole : 0));
}

/** The word of a pair that agrees with the number, by the language's plural rules ("1 seminarium", "2 seminarier"). */
export function pluralWord(language: Language, count: number, one: string, other: string): string {
  return new Intl.PluralRules(language).select(count) === 'one' ? one : other;
}
