/** Lists a questionnaire repeats over that are read per period: the goals a body recorded for the year. */
import type { QuestionLists } from '../domain/questionnaire';
import { goalsLists, questionnaireOf } from '../domain/questionnaire';
import type { Questionnaire } from '../domain/types';
import type { PeriodicDataCallConfig } from '../config/schema';
import type { RegisterReader } from './register-reader';
import { outcomesFolderRef, readIfPresent, type Archive } from './archive';
import type { CycleKey } from '../domain/ids';

export async function resolvedLists(obligation: PeriodicDataCallConfig, orgId: string, period: string, registers: RegisterReader): Promise<QuestionLists> {
  const sources = goalsLists(obligation);
  if (sources.length === 0) return {};
  const register = await registers.read(orgId);
  // A tertial's goals are its year's.
  const year = Number(period.slice(0, 4));
  const lists: QuestionLists = {};
  for (const [name, goalsOf] of sources) {
    const goals = register.goals?.find((g) => g.obligationId === goalsOf && g.year === year)?.decision?.goals ?? [];
    // Goals are recorded as decided, in the language of the decision.
    lists[name] = goals.map((g) => ({ id: g.id, label: { sv: g.label, en: g.label } }));
  }
  return lists;
}

/** Where a cycle keeps the questionnaire it asked with, when it depends on recorded goals. */
export function askedQuestionnaireRef(key: CycleKey): string {
  return `${outcomesFolderRef(key)}/questionnaire.json`;
}

/**
 * The questionnaire of a data call's period, with its recorded goals: as the cycle asked it (kept
 * when it started), so goals recorded later do not show as questions nobody was asked.
 */
export async function periodQuestionnaire(obligation: PeriodicDataCallConfig, key: CycleKey, registers: RegisterReader, archive: Archive): Promise<Questionnaire> {
  if (goalsLists(obligation).length === 0) return questionnaireOf(obligation);
  const asked = await readIfPresent(archive, askedQuestionnaireRef(key));
  if (asked) return JSON.parse(asked) as Questionnaire;
  return questionnaireOf(obligation, await resolvedLists(obligation, key.orgId, key.period, registers));
}

/** At a cycle's start: the questionnaire it asks with, kept for its mails and report. */
export async function askQuestionnaire(obligation: PeriodicDataCallConfig, key: CycleKey, registers: RegisterReader, archive: Archive): Promise<Questionnaire> {
  if (goalsLists(obligation).length === 0) return questionnaireOf(obligation);
  const questionnaire = questionnaireOf(obligation, await resolvedLists(obligation, key.orgId, key.period, registers));
  await archive.put(askedQuestionnaireRef(key), JSON.stringify(questionnaire));
  return questionnaire;
}
