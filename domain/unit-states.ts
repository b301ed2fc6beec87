/** How a unit's state reads to the secretariat, in the CLI and on the dashboard alike. */
import type { CycleOverview, Language, UnitRow, UnitState } from './types';

/** A unit's state as its workflow keeps it in the visibility store (FollowupState), and lists filter on. */
export type DisplayState = UnitState | 'bounced';

/** Every state the store keeps, in the order lists and charts give them. */
export const DISPLAY_STATES: readonly DisplayState[] = ['answered', 'draft', 'requested', 'scheduled', 'late', 'escalated', 'bounced', 'exempt'];

/**
 * What the secretariat reads: once the unit is closed, a unit the workflow still keeps as waiting
 * did not answer, and no longer waits. Derived here rather than stored, so that recorded histories
 * replay and cycles closed before this read the same.
 */
export type ShownState = DisplayState | 'unanswered';

export const SHOWN_STATES: readonly ShownState[] = ['answered', 'draft', 'requested', 'scheduled', 'late', 'escalated', 'unanswered', 'bounced', 'exempt'];

/** A bounced mail keeps its state after the close: it says why the unit did not answer. */
const WAITING: ReadonlySet<ShownState> = new Set<ShownState>(['requested', 'draft', 'late', 'escalated']);

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

export function shownState(unit: Pick<UnitRow, 'mailProblems' | 'state' | 'closed'>): ShownState {
  const state = displayState(unit);
  return unit.closed && WAITING.has(state) ? 'unanswered' : state;
}

/**
 * The states a list offers to filter on: an open cycle has no unit that did not answer yet, and a
 * closed one none that waits.
 */
export function shownStatesWhile(cycleOpen: boolean): ShownState[] {
  return SHOWN_STATES.filter((s) => (cycleOpen ? s !== 'unanswered' : !WAITING.has(s)));
}

/**
 * The stored states whose units show `state`. Lists read "closed" from the cycle's phase (every
 * unit of a cycle that has left it is closed), so the store's counts and filters follow it too.
 */
export function storedStatesOf(state: ShownState, cycleOpen: boolean): DisplayState[] {
  if (state === 'unanswered') return cycleOpen ? [] : DISPLAY_STATES.filter((s) => WAITING.has(s));
  return !cycleOpen && WAITING.has(state) ? [] : [state];
}

/** The store's counts by stored state, as the secretariat reads them. */
export function shownCounts(stored: Record<DisplayState, number>, cycleOpen: boolean): Record<ShownState, number> {
  return Object.fromEntries(SHOWN_STATES.map((s) => [s, storedStatesOf(s, cycleOpen).reduce((sum, d) => sum + stored[d], 0)])) as Record<ShownState, number>;
}

/** How many units show each state. */
export function countByState(units: readonly Pick<UnitRow, 'mailProblems' | 'state' | 'closed'>[]): Record<ShownState, number> {
  const counts = Object.fromEntries(SHOWN_STATES.map((s) => [s, 0])) as Record<ShownState, number>;
  for (const unit of units) counts[shownState(unit)]++;
  return counts;
}

/**
 * When a cycle stopped taking answers, once it has: `early` when that was before its planned close
 * (`cycle close`, or the dashboard's), which is then given beside it.
 */
export function cycleClosing(info: Pick<CycleOverview, 'closedAt' | 'plan'>): { at: string; early: boolean; planned?: string } | undefined {
  if (!info.closedAt) return undefined;
  const planned = info.plan?.closesAt;
  const early = planned !== undefined && Date.parse(info.closedAt) < Date.parse(planned);
  return { at: info.closedAt, early, ...(early ? { planned } : {}) };
}

// "har inte svarat" as the report's "Har inte svarat" and the escalation mail say it.
export const STATE_LABELS: Record<Language, Record<ShownState, string>> = {
  sv: { scheduled: 'ej öppnad', requested: 'väntar på svar', draft: 'utkast sparat', late: 'försenad', escalated: 'eskalerad', answered: 'besvarad', exempt: 'undantagen', bounced: 'e-post studsade', unanswered: 'har inte svarat' },
  en: { scheduled: 'not yet opened', requested: 'awaiting answer', draft: 'draft saved', late: 'late', escalated: 'escalated', answered: 'answered', exempt: 'exempt', bounced: 'mail bounced', unanswered: 'did not answer' },
};
