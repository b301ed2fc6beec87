/** What a secretariat page says after an action redirected back to it (?done=…&unit=…). */
import type { Language } from '../../domain/types';
import { text, type TextKey } from '../i18n';

const KEYS: Record<string, TextKey> = {
  started: 'done_started',
  running: 'done_running',
  reminded: 'done_reminded',
  nobody: 'done_nobody',
  extended: 'done_extended',
  exempted: 'done_exempted',
  closing: 'done_closing',
  redelivering: 'done_redelivering',
  answered: 'done_answeredFor',
};

export function doneMessage(lang: Language, query: Record<string, string>, unitName: (unitId: string, lang: Language) => string): string | undefined {
  const key = KEYS[query.done ?? ''];
  const units = (query.unit ?? '')
    .split(',')
    .filter(Boolean)
    .map((u) => unitName(u, lang))
    .join(', ');
  return key ? text(lang, key, { units }) : undefined;
}
