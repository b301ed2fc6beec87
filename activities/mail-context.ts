/** What a mail template sees: names, dates in the reader's language, the questions and the answer. */
import { attachmentIds } from '../domain/attachments';
import { formatDate } from '../domain/calendar';
import { groupHeading } from '../domain/questionnaire';
import { lines } from '../domain/text';
import type { Language, QuestionField, Questionnaire } from '../domain/types';
import type { OrganisationConfig, PeriodicDataCallConfig, PersonConfig, UnitConfig } from '../config/schema';
import type { UnitMailInput } from './index';
import { headTitle } from '../domain/wording';

/** The heading of each field that starts a new group, so mails and the report show groups. */
function headings(questionnaire: Questionnaire, language: Language): (string | undefined)[] {
  return questionnaire.map((field, i) => {
    const before = questionnaire[i - 1]?.group;
    const same = before && field.group && before.id === field.group.id && before.item?.id === field.group.item?.id;
    return field.group && !same ? groupHeading(field.group, language) : undefined;
  });
}

/** The files of a file field, as a page or the report names them (by the ids the answer holds). */
export type DescribeFiles = (ids: string[]) => string;

export function shownValue(field: QuestionField, value: unknown, language: Language, describeFiles?: DescribeFiles): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (field.type === 'file') {
    // Where the attachments are not looked up (a mail), how many there are.
    const ids = attachmentIds(value);
    if (ids.length === 0) return undefined;
    if (describeFiles) return describeFiles(ids);
    return language === 'sv' ? `${ids.length} bifogad${ids.length === 1 ? ' fil' : 'e filer'}` : `${ids.length} attached file${ids.length === 1 ? '' : 's'}`;
  }
  if (typeof value === 'boolean') {
    if (field.type === 'confirm') return value ? (language === 'sv' ? 'Bekräftat' : 'Confirmed') : undefined;
    return value ? (language === 'sv' ? 'Ja' : 'Yes') : language === 'sv' ? 'Nej' : 'No';
  }
  if (field.type === 'choice' || field.type === 'scale') return field.options?.find((o) => o.value === value)?.label[language] ?? String(value);
  if (typeof value === 'number') return value.toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB');
  // One kind of line break from here on: the report, the mails, the exports and the pages each
  // break lines their own way, and a lone CR or U+2028 is a break to some readers and not others.
  return lines(String(value)).join('\n');
}

export function answerRows(questionnaire: Questionnaire, values: Record<string, unknown>, language: Language, describeFiles?: DescribeFiles) {
  const none = language === 'sv' ? '(inget svar)' : '(no answer)';
  const heads = headings(questionnaire, language);
  return questionnaire.map((field, i) => ({ id: field.id, heading: heads[i], label: field.label[language], value: shownValue(field, values[field.id], language, describeFiles) ?? none }));
}

/** The questions as a mail lists them, with each group's heading before its first question. */
export function questionLines(questionnaire: Questionnaire, language: Language) {
  const heads = headings(questionnaire, language);
  return questionnaire.map((f, i) => {
    // The section's help and its item's, once under the heading; each option's help under its question.
    const headingHelp = heads[i] ? [f.group?.help?.[language], f.group?.item?.help?.[language]].filter(Boolean).join('\n') : '';
    const optionHelp = (f.options ?? []).filter((o) => o.help?.[language]).map((o) => ({ label: o.label[language], help: o.help![language] }));
    return { heading: heads[i], label: f.label[language], help: f.help?.[language], required: f.required, ...(headingHelp ? { headingHelp } : {}), ...(optionHelp.length ? { optionHelp } : {}) };
  });
}

export function mailContext(args: {
  org: OrganisationConfig;
  obligation: PeriodicDataCallConfig;
  /** The period's questions (with the goals recorded for its year). */
  questionnaire: Questionnaire;
  unit: UnitConfig;
  person: PersonConfig;
  language: Language;
  input: UnitMailInput;
  answerUrl: string;
}) {
  const { org, obligation, questionnaire, unit, person, language, input, answerUrl } = args;
  const zone = org.organisation.timeZone;
  return {
    org: { name: org.organisation.name },
    policy: { name: org.policy.name[language] },
    secretariat: org.secretariat,
    obligation: { title: obligation.title[language], source: obligation.source },
    period: input.key.period,
    answerUrl,
    unit: { name: unit.name[language] },
    head: { title: headTitle(unit, org.wording, language) },
    recipient: { name: person.name },
    contacts: unit.contacts.map((c) => c.name).join(', '),
    deadline: formatDate(`${input.plan.deadlineDate}T12:00:00`, zone, language),
    reminderNumber: input.sequence,
    questions: questionLines(questionnaire, language),
    answer: input.answer
      ? {
          rows: answerRows(questionnaire, input.answer.values, language),
          answeredAt: formatDate(input.answer.answeredAt, zone, language, true),
          revision: input.answer.revision,
          corrected: input.answer.revision > 1,
          bySecretariat: input.answer.by === 'secretariat',
        }
      : undefined,
  };
}
