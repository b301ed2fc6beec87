/**
 * The one rule for text a person types into a field of one line (a title, a place, a name): it goes
 * into mail subjects and headers, table cells and file names, where a line break or a control
 * character breaks what it lands in. Forms normalise such text as it is typed; the checks behind
 * every way in (the workflows' validators, the CLI) refuse what was not normalised.
 */

/**
 * Every line break a person's text can carry: CRLF, a lone CR or LF, NEL (U+0085), the line and
 * paragraph separators (U+2028, U+2029), and vertical tab and form feed, which some editors paste.
 */
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029\u000B\u000C]/g;

/**
 * What may not stand in one line: the C0 and C1 control characters and DEL (tab included: a
 * header folds on it), the line and paragraph separators, and the invisible bidirectional
 * overrides and isolates that can make a subject read otherwise than it is written.
 */
const NOT_IN_A_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;
const NOT_IN_A_LINE_ALL = new RegExp(NOT_IN_A_LINE.source, 'g');

/** Whether `text` is one line with no control characters (the check of every single-line field). */
export function isSingleLine(text: string): boolean {
  return !NOT_IN_A_LINE.test(text);
}

/**
 * `text` as one line: each line break and tab becomes a space, other control characters go, runs
 * of spaces become one, and the ends are trimmed. What a form does with a single-line field.
 */
export function singleLine(text: string): string {
  return text.replace(LINE_BREAK, ' ').replace(/\t/g, ' ').replace(NOT_IN_A_LINE_ALL, '').replace(/ {2,}/g, ' ').trim();
}

/** The lines of a text of several lines, whichever line breaks it was typed with. */
export function lines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/** The entries of a list typed one a line (partners, people, goals): each one line, none empty. */
export function listLines(text: string, separators?: RegExp): string[] {
  const parts = separators ? lines(text).flatMap((l) => l.split(separators)) : lines(text);
  return parts.map(singleLine).filter(Boolean);
}
