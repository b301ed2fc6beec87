/**
 * What a page says after an action redirected back to it (?done=…&unit=…): the text `done_<done>`
 * in the page's language, with the units named when the action concerned some. One place for
 * every page, so a new action only adds its text.
 */
import type { Language } from '../../domain/types';
import { TEXTS, text, type TextKey } from '../i18n';

export function doneMessage(lang: Language, query: unknown, unitName?: (unitId: string, lang: Language) => string): string | undefined {
  const { done, unit } = (query ?? {}) as Record<string, string | undefined>;
  if (!done || !/^[a-z-]{1,40}$/.test(done) || !(`done_${done}` in TEXTS.sv)) return undefined;
  const units = (unit ?? '')
    .split(',')
    .filter(Boolean)
    .map((u) => (unitName ? unitName(u, lang) : u))
    .join(', ');
  return text(lang, `done_${done}` as TextKey, { units });
}
