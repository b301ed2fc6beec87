/** The compiled report: a summary the council reads in a minute, then every unit's answer. */
import { formatDate } from '../domain/calendar';
import { formatPercent, headTitle } from '../domain/wording';
import type { CycleKey } from '../domain/ids';
import { groupFields, groupHeading, questionnaireOf } from '../domain/questionnaire';
import type { AnswerValue, AnswerValues, ArchivedReport, Language, QuestionField, RecipientOutcome, UnitRow, UnitStatus } from '../domain/types';
import type { OrganisationConfig, PeriodicDataCallConfig } from '../config/schema';
import { reportBase, reportDataRef, type Archive } from './archive';
import { archiveReportFiles } from './documents/report-files';
import { reportDocument } from './documents/report-document';
import { answerRows, shownValue, type DescribeFiles } from './mail-context';
import { FILE_KINDS, formatFileSize, kindOfMediaType } from '../domain/attachments';
import type { Compliance } from './compliance';
import type { Renderer } from './renderer';
import { answerActorKey } from '../records/answers';

const LABELS = {
  sv: {
    summary: 'Efterlevnad i korthet',
    asked: 'Tillfrågade enheter',
    answered: 'Svar',
    onTime: 'i tid',
    late: 'sent',
    exempt: 'Undantagna',
    missing: 'Har inte svarat',
    none: 'Inga',
    answers: 'Svar per enhet',
    answeredAt: 'Svarade',
    by: 'Registrerat av',
    bySecretariat: 'sekretariatet',
    byContact: 'kontaktpersonen',
    revision: 'version',
    deadline: 'Sista svarsdag',
    closedAt: 'Uppföljningen stängdes',
    compiledAt: 'Sammanställd',
    source: 'Grund i policyn',
    reminders: 'Påminnelser',
    // The unit's own head by its title (domain/wording.ts): a company's is its managing director.
    // The plain label stays for a unit gone from the config, and for an organisation's own report templates.
    escalated: 'Eskalerad till enhetens chef',
    escalatedTo: 'Eskalerad till {{title}}',
    mailProblems: 'Problem med e-post',
    reason: 'Skäl',
    period: 'Period',
    // As the summary, the status and the dashboard say it: the report is compiled once the cycle no longer waits.
    notAnswered: 'Har inte svarat.',
    byQuestion: 'Svar per fråga',
    unit: 'Enhet',
    answer: 'Svar',
    previousAnswer: 'Föregående period',
    option: 'Svarsalternativ',
    count: 'Antal',
    share: 'Andel',
    tallyCaption: 'Fördelning av svaren',
    total: 'Summa',
    average: 'Medelvärde',
    answerCounted: 'svar',
    answersCounted: 'svar',
    previousPeriod: 'Föregående period',
    responseRate: 'Svarsfrekvens',
    noAnswers: 'Ingen enhet har svarat på frågan.',
    bounced: 'E-post som inte kom fram',
    reportUndelivered: 'Rapporten kom inte fram till',
    request: 'förfrågan',
    reminder: 'påminnelse',
    escalation: 'eskalering',
    receipt: 'kvitto',
    'deadline-moved': 'ny sista svarsdag',
  },
  en: {
    summary: 'Compliance at a glance',
    asked: 'Units asked',
    answered: 'Answers',
    onTime: 'on time',
    late: 'late',
    exempt: 'Exempt',
    missing: 'Did not answer',
    none: 'None',
    answers: 'Answers by unit',
    answeredAt: 'Answered',
    by: 'Recorded by',
    bySecretariat: 'the secretariat',
    byContact: 'the contact person',
    revision: 'revision',
    deadline: 'Deadline',
    closedAt: 'Cycle closed',
    compiledAt: 'Compiled',
    source: 'Basis in the policy',
    reminders: 'Reminders',
    escalated: 'Escalated to the unit head',
    escalatedTo: 'Escalated to the {{title}}',
    mailProblems: 'Mail problems',
    reason: 'Reason',
    period: 'Period',
    notAnswered: 'Did not answer.',
    byQuestion: 'Answers by question',
    unit: 'Unit',
    answer: 'Answer',
    previousAnswer: 'Previous period',
    option: 'Option',
    count: 'Count',
    share: 'Share',
    tallyCaption: 'How the answers divide',
    total: 'Total',
    average: 'Average',
    answerCounted: 'answer',
    answersCounted: 'answers',
    previousPeriod: 'Previous period',
    responseRate: 'Response rate',
    noAnswers: 'No unit has answered this question.',
    bounced: 'Mail that did not arrive',
    reportUndelivered: 'The report did not reach',
    request: 'request',
    reminder: 'reminder',
    escalation: 'escalation',
    receipt: 'receipt',
    'deadline-moved': 'moved deadline',
  },
} satisfies Record<Language, Record<string, string>>;

/**
 * What a compiled period keeps for the next one to compare with: who was asked, who answered and
 * what. Archived as JSON beside the report.
 */
export interface PeriodData {
  version: 1;
  period: string;
  asked: number;
  answered: number;
  units: PeriodUnit[];
  /** The period's questions (goals lists expanded): what an export of the answers is laid out by. */
  questionnaire?: QuestionField[];
}

/** One unit's part of a compiled period; the answer's time, sender and version and the exemption's reason were added later. */
export interface PeriodUnit {
  id: string;
  answered: boolean;
  exempt: boolean;
  values?: AnswerValues;
  answeredAt?: string;
  by?: 'contact' | 'secretariat';
  revision?: number;
  exemptReason?: string;
  /**
   * The unit's line on the cycle's page as the cycle closed (its state, deadline, reminders,
   * escalation, mail problems and history): what the page shows once the unit's workflow is gone.
   * Absent in periods compiled before.
   */
  row?: UnitRow;
}

/** A unit's outcome as its line on the cycle's page: without the answer's text or a draft. */
export function unitRowOf(outcome: UnitStatus): UnitRow {
  const { answer, draft: _draft, ...rest } = outcome;
  return { ...rest, ...(answer ? { answer: { answeredAt: answer.answeredAt, by: answer.by, revision: answer.revision } } : {}) };
}

const TALLIED = new Set<QuestionField['type']>(['choice', 'scale', 'boolean', 'confirm']);

function percent(part: number, whole: number, language: Language): string {
  if (whole === 0) return '–';
  return formatPercent(language, part, whole);
}

function tallyOptions(field: QuestionField, language: Language): { value: AnswerValue; label: string }[] {
  if (field.type === 'boolean') return [true, false].map((v) => ({ value: v, label: shownValue(field, v, language)! }));
  if (field.type === 'confirm') return [{ value: true, label: shownValue(field, true, language)! }];
  return (field.options ?? []).map((o) => ({ value: o.value, label: o.label[language] }));
}

/** Counts of each option among the answers given, now and (when known) in the previous period. */
export function tally(field: QuestionField, answers: AnswerValues[], previous: AnswerValues[] | undefined, language: Language) {
  const given = answers.filter((a) => a[field.id] !== undefined);
  const before = previous?.filter((a) => a[field.id] !== undefined);
  const rows = tallyOptions(field, language).map((option) => {
    const count = given.filter((a) => a[field.id] === option.value).length;
    const previousCount = before?.filter((a) => a[field.id] === option.value).length;
    return {
      label: option.label,
      count,
      share: percent(count, given.length, language),
      // Bars in a 100-unit wide SVG: the table beside carries the figures for screen readers.
      bar: given.length ? Math.round((100 * count) / given.length) : 0,
      previous: previousCount === undefined ? undefined : `${previousCount} (${percent(previousCount, before!.length, language)})`,
    };
  });
  return { rows, total: given.length, previousTotal: before?.length };
}

function numberStats(field: QuestionField, answers: AnswerValues[], language: Language) {
  const numbers = answers.map((a) => a[field.id]).filter((v): v is number => typeof v === 'number');
  if (!numbers.length) return undefined;
  const locale = language === 'sv' ? 'sv-SE' : 'en-GB';
  const sum = numbers.reduce((a, b) => a + b, 0);
  return { count: numbers.length, sum: sum.toLocaleString(locale), average: (sum / numbers.length).toLocaleString(locale, { maximumFractionDigits: 1 }) };
}

/**
 * The report read question by question: for each question (each item of a repeated section), every
 * answering unit side by side with its previous answer, and the options tallied.
 */
export function byQuestion(args: {
  questionnaire: QuestionField[];
  units: { id: string; name: string; values?: AnswerValues }[];
  previous?: PeriodData;
  language: Language;
  describeFiles?: DescribeFiles;
}) {
  const { questionnaire, units, previous, language, describeFiles } = args;
  const previousOf = new Map(previous?.units.filter((u) => u.values).map((u) => [u.id, u.values!]) ?? []);
  const answered = units.filter((u) => u.values);
  const previousAnswers = previous ? previous.units.filter((u) => u.values).map((u) => u.values!) : undefined;
  const question = (field: QuestionField) => ({
    id: field.id,
    label: field.label[language],
    tally: TALLIED.has(field.type) ? tally(field, answered.map((u) => u.values!), previousAnswers, language) : undefined,
    stats: field.type === 'number' ? numberStats(field, answered.map((u) => u.values!), language) : undefined,
    answers: answered
      .filter((u) => u.values![field.id] !== undefined)
      .map((u) => ({
        unit: u.name,
        value: shownValue(field, u.values![field.id], language, describeFiles),
        previous: previous ? (shownValue(field, previousOf.get(u.id)?.[field.id], language) ?? '–') : undefined,
      })),
  });
  return groupFields(questionnaire).flatMap((block) =>
    block.group
      ? [{ heading: groupHeading(block.group, language), grouped: true, questions: block.fields.map(question) }]
      : block.fields.map((f) => ({ heading: f.label[language], grouped: false, questions: [question(f)] })),
  );
}

export function buildReportContext(args: {
  org: OrganisationConfig;
  obligation: PeriodicDataCallConfig;
  period: string;
  closedAt: string;
  compiledAt: string;
  outcomes: UnitStatus[];
  compliance?: Compliance;
  /** The report's own delivery so far: who did not get it is named in the archived copy. */
  delivery?: RecipientOutcome[];
  /** The same obligation's previous period, when it was compiled here. */
  previous?: PeriodData;
  /** The period's questions, with its recorded goals; from the config when left out. */
  questionnaire?: QuestionField[];
  /** The files the answers hold, by id (records/attachments.ts); without them a file field says how many. */
  attachments?: ReadonlyMap<string, { name: string; mediaType: string; size: number; sha256: string }>;
  /**
   * Who gave an answer version, by unit and revision (records/answers.ts answerActorsOnBehalf):
   * for a contact's answer, the colleague it was handed to and on whose behalf, in the
   * organisation's language as the answer form recorded it.
   */
  actors?: ReadonlyMap<string, string>;
}) {
  const { org, obligation, period, closedAt, compiledAt, outcomes, compliance, delivery = [], previous } = args;
  const questionnaire = args.questionnaire ?? questionnaireOf(obligation);
  const language = org.organisation.language;
  const zone = org.organisation.timeZone;
  const labels = LABELS[language];
  const { attachments } = args;
  const describeFiles: DescribeFiles | undefined = attachments
    ? (ids) =>
        ids
          .flatMap((id) => {
            const a = attachments.get(id);
            return a ? [`${a.name} (${FILE_KINDS[kindOfMediaType(a.mediaType) ?? 'pdf'].label}, ${formatFileSize(a.size, language)}, SHA-256 ${a.sha256})`] : [];
          })
          .join('\n')
    : undefined;
  // Thousands of units: look them up by id, not by searching the list for each one.
  const configured = new Map(org.units.map((u) => [u.id, u]));
  // Most units share their deadline and many their minute of answering: format each moment once.
  const formatted = new Map<string, string>();
  const at = (iso: string, withTime: boolean) => {
    const cacheKey = `${iso}|${withTime}`;
    let text = formatted.get(cacheKey);
    if (text === undefined) formatted.set(cacheKey, (text = formatDate(iso, zone, language, withTime)));
    return text;
  };
  const units = outcomes.map((o) => {
    const unit = configured.get(o.unitId);
    const late = o.answer ? Date.parse(o.answer.answeredAt) >= Date.parse(o.plan.deadlineAt) : false;
    return {
      id: o.unitId,
      name: unit ? unit.name[language] : o.unitId,
      state: o.state,
      answered: Boolean(o.answer),
      late,
      deadline: at(`${o.plan.deadlineDate}T12:00:00`, false),
      answeredAt: o.answer ? at(o.answer.answeredAt, true) : undefined,
      // A colleague who answered for the contact is named with whom they answered for, beside the answer.
      by: o.answer ? (o.answer.by === 'secretariat' ? labels.bySecretariat : (args.actors?.get(answerActorKey(o.unitId, o.answer.revision)) ?? labels.byContact)) : undefined,
      revision: o.answer?.revision,
      rows: o.answer ? answerRows(questionnaire, o.answer.values, language, describeFiles) : [],
      exempt: o.exempt ? { reason: o.exempt.reason } : undefined,
      reminders: o.remindersSentAt.length,
      escalatedAt: o.escalatedAt ? at(o.escalatedAt, true) : undefined,
      escalatedTo: o.escalatedAt ? (unit ? labels.escalatedTo.replace('{{title}}', headTitle(unit, org.wording, language)) : labels.escalated) : undefined,
      mailProblems: o.mailProblems.map((p) => `${labels[p.kind] ?? p.kind}${p.address ? ` ${p.address}` : ''}: ${p.error}`),
      bounced: o.mailProblems.filter((p) => p.address).map((p) => ({ address: p.address!, kind: labels[p.kind] ?? p.kind })),
    };
  });
  const answered = units.filter((u) => u.answered);
  const asked = units.filter((u) => !u.exempt).length;
  const data: PeriodData = {
    version: 1,
    period,
    asked,
    answered: answered.length,
    units: outcomes.map((o) => ({
      id: o.unitId,
      answered: Boolean(o.answer),
      exempt: Boolean(o.exempt),
      ...(o.answer ? { values: o.answer.values, answeredAt: o.answer.answeredAt, by: o.answer.by, revision: o.answer.revision } : {}),
      ...(o.exempt ? { exemptReason: o.exempt.reason } : {}),
      row: unitRowOf(o),
    })),
    questionnaire,
  };
  return {
    language,
    labels,
    title: (obligation.report.title ?? obligation.title)[language],
    org: { name: org.organisation.name },
    period,
    source: obligation.source,
    closedAt: formatDate(closedAt, zone, language, true),
    compiledAt: formatDate(compiledAt, zone, language, true),
    summary: {
      asked,
      rate: percent(answered.length, asked, language),
      previous: previous ? { period: previous.period, asked: previous.asked, answered: previous.answered, rate: percent(previous.answered, previous.asked, language) } : undefined,
      answered: answered.length,
      onTime: answered.filter((u) => !u.late).length,
      late: answered.filter((u) => u.late).length,
      exempt: units.filter((u) => u.exempt).map((u) => u.name),
      missing: units.filter((u) => !u.answered && !u.exempt).map((u) => u.name),
      bounced: units.flatMap((u) => u.bounced.map((b) => ({ ...b, unit: u.name }))),
      undelivered: delivery.filter((d) => d.state !== 'delivered').map((d) => ({ address: d.address, detail: d.detail })),
    },
    units,
    questions: byQuestion({ questionnaire, units: outcomes.map((o, i) => ({ id: o.unitId, name: units[i]!.name, values: o.answer?.values })), previous, language, describeFiles }),
    compliance,
    data,
  };
}

export async function compileReportFiles(args: {
  archive: Archive;
  renderer: Renderer;
  key: CycleKey;
  context: ReturnType<typeof buildReportContext>;
  /** The compiling's moment, for the documents' metadata. */
  compiledAtIso: string;
}): Promise<ArchivedReport> {
  const { archive, renderer, key, context, compiledAtIso } = args;
  const files = await archiveReportFiles(archive, reportBase(key), { html: () => renderer.report('html', context), markdown: () => renderer.report('markdown', context), document: reportDocument(context, compiledAtIso) });
  await archive.put(reportDataRef(key), JSON.stringify(context.data));
  return {
    ...files,
    asked: context.summary.asked,
    answered: context.summary.answered,
    exempt: context.summary.exempt.length,
  };
}
