/** Lists a questionnaire repeats over that are read per period: the goals a body recorded for the year. */
import type { QuestionLists } from '../domain/questionnaire';
import { goalsLists, questionnaireOf } from '../domain/questionnaire';
import type { Questionnaire } from '../domain/types';
import type { PeriodicDataCallConfig } from '../config/schema';
import type { RegisterReader } from './register-reader';

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

/** The questionnaire of a data call's period, with its recorded goals. */
export async function periodQuestionnaire(obligation: PeriodicDataCallConfig, orgId: string, period: string, registers: RegisterReader): Promise<Questionnaire> {
  return questionnaireOf(obligation, await resolvedLists(obligation, orgId, period, registers));
}
