/**
 * Every refusal the product can give a person, in one catalogue: a code (the failure's type, the
 * same in workflows, the client, the CLI and the web) and its words in Swedish and English. A
 * workflow refuses with a code and parameters; whoever shows the refusal renders it in the reader's
 * language, so English never leaks into a Swedish page or report.
 *
 * Pure: imported by the sandboxed workflows as well as by the entry points.
 */
import type { Language } from './types';

type Params = Record<string, string | number>;
type Words = (p: Params) => string;

const REFUSALS = {
  CycleClosed: {
    sv: () => 'Uppföljningen är stängd och tar inte emot fler ändringar.',
    en: () => 'The cycle is closed and takes no more changes.',
  },
  CycleStillOpen: {
    sv: () => 'Uppföljningen är fortfarande öppen; rapporten sammanställs när den stängs.',
    en: () => 'The cycle is still open; the report is compiled when it closes.',
  },
  NothingToRedeliver: {
    sv: () => 'Rapporten har redan kommit fram till alla mottagare.',
    en: () => 'The report has already reached every recipient.',
  },
  UnitExempt: { sv: () => 'Enheten är undantagen från denna uppföljning.', en: () => 'The unit is exempt from this cycle.' },
  AlreadyAnswered: { sv: () => 'Enheten har redan svarat.', en: () => 'The unit has already answered.' },
  NotOpen: { sv: () => 'Förfrågan har inte skickats ännu.', en: () => 'The request has not been sent yet.' },
  MissingSender: { sv: () => 'Svaret saknar avsändare.', en: () => 'The answer does not say who gave it.' },
  InvalidAnswer: { sv: (p) => String(p.problems ?? 'Svaret är inte ifyllt rätt.'), en: (p) => String(p.problems ?? 'The answer is not filled in correctly.') },
  InvalidDraft: { sv: (p) => String(p.problems ?? 'Utkastet kan inte sparas.'), en: (p) => String(p.problems ?? 'The draft cannot be saved.') },
  NotADate: { sv: (p) => `"${p.value}" är inget datum; skriv ÅÅÅÅ-MM-DD.`, en: (p) => `"${p.value}" is not a date; write YYYY-MM-DD.` },
  DateInPast: { sv: (p) => `${p.value} har redan passerat.`, en: (p) => `${p.value} is in the past.` },
  DeadlineAfterClosing: {
    sv: (p) => `Den nya sista dagen måste ligga före stängningen (${p.closes}).`,
    en: (p) => `The new deadline must be before the cycle closes (${p.closes}).`,
  },
  InvalidReason: { sv: () => 'Ange ett skäl (högst 500 tecken).', en: () => 'Give a reason (at most 500 characters).' },
  InvalidComment: { sv: () => 'Skriv med högst 2 000 tecken vad ägaren ska ändra.', en: () => 'Say in at most 2,000 characters what the owner should change.' },
  NoGoalsAsked: {
    sv: (p) => `Inga mål efterfrågas för "${p.title}" (${p.state}); policyn kräver ingen prövning före start för detta projekt.`,
    en: (p) => `No goals are asked for "${p.title}" (it is ${p.state}); the policy sets no gate before this project starts.`,
  },
  GoalsAlreadyApproved: { sv: (p) => `Målen för "${p.title}" är redan godkända.`, en: (p) => `The goals of "${p.title}" are already approved.` },
  NothingToResend: {
    sv: (p) => `Alla e-postmeddelanden för "${p.title}" har kommit fram; inget behöver skickas igen.`,
    en: (p) => `Every mail of "${p.title}" has reached its people; nothing needs sending again.`,
  },
  NoOwnerToApprove: {
    sv: (p) => `Ägaren av "${p.title}" behöver inget godkännande.`,
    en: (p) => `The owner of "${p.title}" needs no approval.`,
  },
  NothingToApprove: {
    sv: (p) => `"${p.title}" har inga inlämnade mål att godkänna (${p.state}).`,
    en: (p) => `"${p.title}" has no submitted goals to approve (it is ${p.state}).`,
  },
  NothingToReturn: {
    sv: (p) => `"${p.title}" har inga inlämnade mål att returnera (${p.state}).`,
    en: (p) => `"${p.title}" has no submitted goals to return (it is ${p.state}).`,
  },
  NotStarted: {
    sv: (p) => `Bara registrerade, godkända eller pågående projekt kan avslutas; "${p.title}" är ${p.state}.`,
    en: (p) => `Only registered, approved or ongoing projects are closed; "${p.title}" is ${p.state}.`,
  },
  AgreementClosed: { sv: (p) => `"${p.title}" har redan upphört.`, en: (p) => `"${p.title}" has already ended.` },
  AlreadyDecided: {
    sv: (p) => `Revideringen för ${p.period} är redan registrerad (${p.paragraph}).`,
    en: (p) => `The revision for ${p.period} is already recorded (${p.paragraph}).`,
  },
  InvalidInput: { sv: (p) => `Uppgifterna stämmer inte: ${p.problems}`, en: (p) => `The details are not right: ${p.problems}` },
  InvalidRegistration: { sv: (p) => `Registreringen stämmer inte: ${p.problems}`, en: (p) => `The registration is not right: ${p.problems}` },
  AlreadyRegistered: { sv: (p) => `${p.what} är redan registrerat; välj ett annat id.`, en: (p) => `${p.what} is already registered; choose another id.` },
  AlreadyEnded: {
    sv: (p) => `${p.what} har redan avslutats (${p.when}) och kan inte längre ändras.`,
    en: (p) => `${p.what} has already ended (${p.when}); it can no longer be changed.`,
  },
  NotConfirmed: { sv: () => 'Kryssa i rutan för att bekräfta.', en: () => 'Tick the box to confirm.' },
  ChooseObligation: { sv: () => 'Välj ett åtagande.', en: () => 'Choose an obligation.' },
  SeveralObligations: {
    sv: (p) => `Det finns flera åtaganden av det här slaget; ange vilket: ${p.choices}.`,
    en: (p) => `There are several obligations of this kind; say which (--obligation): ${p.choices}.`,
  },
} satisfies Record<string, Record<Language, Words>>;

export type RefusalCode = keyof typeof REFUSALS;

/** The codes as constants, so no folder repeats a type name as a string. */
export const Refusal = Object.fromEntries(Object.keys(REFUSALS).map((k) => [k, k])) as { readonly [K in RefusalCode]: K };

export function isRefusalCode(code: unknown): code is RefusalCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(REFUSALS, code);
}

/** The refusal in the reader's language; a code the catalogue lacks falls back to `fallback`. */
export function refusalText(code: string | undefined, language: Language, params: Params = {}, fallback = ''): string {
  if (!isRefusalCode(code)) return fallback;
  return (REFUSALS[code][language] as Words)(params);
}

/**
 * What a refusal carries across Temporal (the failure's first detail): its parameters, and for
 * answers the per-field errors, so each reader gets it in their own language.
 */
export interface RefusalDetails {
  params: Params;
  fieldErrors?: unknown[];
}

/**
 * Failure types that are not refusals to a person but outcomes the engine handles: named once,
 * used by the error classes (as their name) and by the retry policies (as non-retryable types).
 */
export const FailureType = {
  permanentMail: 'PermanentMailError',
  transientMail: 'TransientMailError',
  template: 'TemplateError',
  directory: 'DirectoryError',
  calendar: 'CalendarError',
  archive: 'ArchiveError',
} as const;
