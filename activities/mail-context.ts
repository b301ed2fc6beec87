/** What a mail template sees: names, dates in the reader's language, the questions and the answer. */
import { formatDate } from '../domain/calendar';
import type { Language } from '../domain/types';
import type { OrganisationConfig, PeriodicDataCallConfig, PersonConfig, UnitConfig } from '../config/schema';
import type { UnitMailInput } from './index';

export function answerRows(questionnaire: PeriodicDataCallConfig['questionnaire'], values: Record<string, unknown>, language: Language) {
  const yes = language === 'sv' ? 'Ja' : 'Yes';
  const no = language === 'sv' ? 'Nej' : 'No';
  const none = language === 'sv' ? '(inget svar)' : '(no answer)';
  return questionnaire.map((field) => {
    const value = values[field.id];
    let shown: string;
    if (value === undefined || value === '') shown = none;
    else if (typeof value === 'boolean') shown = value ? yes : no;
    else if (field.type === 'choice') shown = field.options?.find((o) => o.value === value)?.label[language] ?? String(value);
    else shown = String(value);
    return { id: field.id, label: field.label[language], value: shown };
  });
}

export function mailContext(args: {
  org: OrganisationConfig;
  obligation: PeriodicDataCallConfig;
  unit: UnitConfig;
  person: PersonConfig;
  language: Language;
  input: UnitMailInput;
  answerUrl: string;
}) {
  const { org, obligation, unit, person, language, input, answerUrl } = args;
  const zone = org.organisation.timeZone;
  return {
    org: { name: org.organisation.name },
    secretariat: org.secretariat,
    obligation: { title: obligation.title[language], source: obligation.source },
    period: input.key.period,
    answerUrl,
    unit: { name: unit.name[language] },
    recipient: { name: person.name },
    contacts: unit.contacts.map((c) => c.name).join(', '),
    deadline: formatDate(`${input.plan.deadlineDate}T12:00:00`, zone, language),
    reminderNumber: input.sequence,
    questions: obligation.questionnaire.map((f) => ({
      label: f.label[language],
      help: f.help?.[language],
      required: f.required,
    })),
    answer: input.answer
      ? {
          rows: answerRows(obligation.questionnaire, input.answer.values, language),
          answeredAt: formatDate(input.answer.answeredAt, zone, language, true),
          revision: input.answer.revision,
          corrected: input.answer.revision > 1,
          bySecretariat: input.answer.by === 'secretariat',
        }
      : undefined,
  };
}
