/**
 * What a page says after an action redirected back to it (?done=…&unit=…): the text `done_<done>`
 * in the page's language, with the units named when the action concerned some. One place for
 * every page, so a new action only adds its text.
 *
 * Anyone can make such a link and send it to the secretariat, so nothing of the query is shown as
 * it is: `done` picks one of our texts, and `unit` is a list of ids, each looked up among the
 * organisation's units and shown by its configured name. An id that is no unit is left out, and a
 * text that names units is not shown when none is left.
 */
import type { Language } from '../../domain/types';
import { TEXTS, pluralText, text, type TextKey } from '../i18n';

/** A unit as the configuration has it: the id a link carries, and the name a page shows. */
export interface NamedUnit {
  id: string;
  name: Record<Language, string>;
}

export function doneMessage(lang: Language, query: unknown, units: readonly NamedUnit[] = []): string | undefined {
  const { done, unit, count } = (query ?? {}) as Record<string, unknown>;
  if (typeof done !== 'string' || !/^[a-z-]{1,40}$/.test(done) || !(`done_${done}` in TEXTS.sv)) return undefined;
  // Hundreds of units reminded at once are counted, not named (web/pages/cycles.ts).
  if (done === 'reminded' && typeof count === 'string' && /^[1-9]\d{0,5}$/.test(count)) return pluralText(lang, 'done_reminded_count', Number(count), { count: Number(count) });
  const key = `done_${done}` as TextKey;
  const ids = new Set(typeof unit === 'string' ? unit.split(',') : []);
  const named = units.filter((u) => ids.has(u.id)).map((u) => u.name[lang]);
  if (TEXTS[lang][key].includes('{{units}}') && named.length === 0) return undefined;
  return text(lang, key, { units: named.join(', ') });
}
