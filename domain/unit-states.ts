/** How a unit's state reads to the secretariat, in the CLI and on the dashboard alike. */
import type { Language, UnitState, UnitStatus } from './types';

export type DisplayState = UnitState | 'bounced';

/** A bounced mail outweighs "awaiting answer": the unit cannot answer what it never got. */
export function displayState(unit: UnitStatus): DisplayState {
  return unit.mailProblems.length > 0 && unit.state !== 'answered' && unit.state !== 'exempt' ? 'bounced' : unit.state;
}

export const STATE_LABELS: Record<Language, Record<DisplayState, string>> = {
  sv: { scheduled: 'ej öppnad', requested: 'väntar på svar', draft: 'utkast sparat', late: 'försenad', escalated: 'eskalerad', answered: 'besvarad', exempt: 'undantagen', bounced: 'e-post studsade' },
  en: { scheduled: 'not yet opened', requested: 'awaiting answer', draft: 'draft saved', late: 'late', escalated: 'escalated', answered: 'answered', exempt: 'exempt', bounced: 'mail bounced' },
};
