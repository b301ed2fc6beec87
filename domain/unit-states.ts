/** How a unit's state reads to the secretariat, in the CLI and on the dashboard alike. */
import type { Language, UnitRow, UnitState } from './types';

export type DisplayState = UnitState | 'bounced';

/** Every state a unit can show, in the order lists and charts give them. */
export const DISPLAY_STATES: readonly DisplayState[] = ['answered', 'draft', 'requested', 'scheduled', 'late', 'escalated', 'bounced', 'exempt'];

/**
 * Whether a unit owes an answer: it was asked, and has neither answered nor been exempted. A saved
 * draft is no answer. One definition for the workflow's reminders, `cycle remind` and the dashboard.
 */
export function owesAnswer(unit: { requested: boolean; answered: boolean; exempt: boolean }): boolean {
  return unit.requested && !unit.answered && !unit.exempt;
}

/** The same, read from a unit's status as the client and the web see it. */
export function unitOwesAnswer(unit: UnitRow): boolean {
  return !unit.closed && owesAnswer({ requested: unit.state !== 'scheduled', answered: unit.answer !== undefined, exempt: unit.exempt !== undefined });
}

/** A bounced mail outweighs "awaiting answer": the unit cannot answer what it never got. */
export function displayState(unit: Pick<UnitRow, 'mailProblems' | 'state'>): DisplayState {
  return unit.mailProblems.length > 0 && unit.state !== 'answered' && unit.state !== 'exempt' ? 'bounced' : unit.state;
}

/** How many units show each state. */
export function countByState(units: readonly Pick<UnitRow, 'mailProblems' | 'state'>[]): Record<DisplayState, number> {
  const counts = Object.fromEntries(DISPLAY_STATES.map((s) => [s, 0])) as Record<DisplayState, number>;
  for (const unit of units) counts[displayState(unit)]++;
  return counts;
}

export const STATE_LABELS: Record<Language, Record<DisplayState, string>> = {
  sv: { scheduled: 'ej öppnad', requested: 'väntar på svar', draft: 'utkast sparat', late: 'försenad', escalated: 'eskalerad', answered: 'besvarad', exempt: 'undantagen', bounced: 'e-post studsade' },
  en: { scheduled: 'not yet opened', requested: 'awaiting answer', draft: 'draft saved', late: 'late', escalated: 'escalated', answered: 'answered', exempt: 'exempt', bounced: 'mail bounced' },
};
