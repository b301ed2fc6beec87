/**
 * Each unit's own moment in a reminder's or the escalation's window (UnitPlan.spreadUntil): a
 * pure hash of the cycle, the unit and which mail it is, so that the unit workflow, its replay and
 * the preview all arrive at the same moment, and thousands of units' mails do not come at once.
 * Plain arithmetic on ISO instants, no Node built-ins: workflows import it.
 */
import type { CycleKey } from './ids';
import type { UnitPlan } from './types';

/** FNV-1a over the string's UTF-16 code units, then MurmurHash3's finaliser: ids that differ in one character land far apart. */
export function spreadHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Which of a unit's spread mails: the n-th reminder (0-based, in the plan's order) or the escalation. */
export type SpreadMail = { reminder: number } | 'escalation';

function seedOf(key: CycleKey, unitId: string, which: SpreadMail): string {
  const mail = which === 'escalation' ? 'escalation' : `reminder-${which.reminder}`;
  return `${key.orgId}/${key.obligationId}/${key.period}/${unitId}/${mail}`;
}

/**
 * The moment in [from, until) that the seed picks, on a whole second after `from` (a mail's Date
 * header has seconds): the same seed, the same moment. A window shorter than a second is its start.
 */
export function momentInWindow(from: string, until: string, seed: string): string {
  const start = Date.parse(from);
  const seconds = Math.floor((Date.parse(until) - start) / 1000);
  if (!(seconds > 0)) return from;
  const offset = Math.floor((spreadHash(seed) / 2 ** 32) * seconds);
  return new Date(start + offset * 1000).toISOString();
}

/** What of a plan the moments come from. */
type SpreadPlan = Pick<UnitPlan, 'reminderTimes' | 'escalationAt' | 'spreadUntil'>;

/** The unit's own moment of one reminder or of the escalation; the plan's time where it spreads nothing. */
export function unitMoment(plan: SpreadPlan, key: CycleKey, unitId: string, which: SpreadMail): string {
  const from = which === 'escalation' ? plan.escalationAt : plan.reminderTimes[which.reminder];
  if (from === undefined) throw new RangeError(`The plan has no reminder ${which === 'escalation' ? '' : which.reminder + 1}.`);
  const until = which === 'escalation' ? plan.spreadUntil?.escalation : plan.spreadUntil?.reminders[which.reminder];
  return until === undefined ? from : momentInWindow(from, until, seedOf(key, unitId, which));
}

/** The unit's own reminder times (in order, as the plan's) and escalation time. */
export function unitTimes(plan: SpreadPlan, key: CycleKey, unitId: string): { reminderTimes: string[]; escalationAt: string } {
  return {
    reminderTimes: plan.reminderTimes.map((_, reminder) => unitMoment(plan, key, unitId, { reminder })),
    escalationAt: unitMoment(plan, key, unitId, 'escalation'),
  };
}

/**
 * The unit's own moment of each step, in the step's window: the first step with the seed of the
 * single escalation (so a one-step ladder lands where the escalation did), the others each their own.
 */
export function unitStepTimes(plan: Pick<UnitPlan, 'escalationSteps'>, key: CycleKey, unitId: string): string[] {
  return (plan.escalationSteps ?? []).map((step, i) => {
    if (step.until === undefined) return step.at;
    const mail = i === 0 ? 'escalation' : `escalation-step-${i + 1}`;
    return momentInWindow(step.at, step.until, `${key.orgId}/${key.obligationId}/${key.period}/${unitId}/${mail}`);
  });
}
