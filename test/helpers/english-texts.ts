/**
 * The product's English texts, to find on a Swedish page, mail or document: every English text of
 * the catalogues (web/i18n.ts and the other tables of words that hold a language's texts side by
 * side, `sv: {…}` and `en: {…}`, or `{ sv: '…', en: '…' }`) and the fixed lines of the English mail
 * templates. Read from the sources, so a text added anywhere in the catalogues is in the list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './environment';

/** The folders whose sources hold the texts people read: pages, mails, reports, previews. */
const SOURCE_DIRS = ['web', 'activities', 'domain', 'preview'];

function sourcesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesIn(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The text between the brace at `open` and its match, strings, template literals and comments skipped over. */
function block(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    // A comment may hold an apostrophe ("the unit's"): skipped, not read as a string.
    if (c === '/' && source[i + 1] === '/') {
      i = source.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      i = source.indexOf('*/', i) + 1;
      if (i <= 0) break;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}' && --depth === 0) return source.slice(open, i + 1);
  }
  return source.slice(open);
}

const LITERAL = /('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)/;
/** A string's text; a template literal's ${…} parts and a Handlebars value become a gap. */
function literalText(literal: string): string {
  return literal
    .slice(1, -1)
    .replace(/\$\{[^}]*\}/g, '\u0000')
    .replace(/\\(['"`\\])/g, '$1')
    .replace(/\\n/g, '\n');
}

/** The texts of one language in a source: the values of its `<lang>: {…}` tables and its `<lang>: '…'` pairs. */
function textsOf(source: string, language: 'sv' | 'en'): string[] {
  const texts: string[] = [];
  for (const m of source.matchAll(new RegExp(`\\b${language}: \\{`, 'g'))) {
    const table = block(source, m.index + m[0].length - 1);
    // Values only: a key, a colon, then a string, or an arrow function's template (domain/answers.ts).
    for (const v of table.matchAll(new RegExp(`(?:[\\w'"-]+:\\s*|=>\\s*)${LITERAL.source}`, 'g'))) texts.push(literalText(v[1]!));
  }
  for (const m of source.matchAll(new RegExp(`\\b${language}: ${LITERAL.source}`, 'g'))) texts.push(literalText(m[1]!));
  return texts;
}

/** A mail template's fixed text: its lines without the Subject: label and Handlebars' tags. */
function templateTexts(language: 'sv' | 'en'): string[] {
  const dir = path.join(PROJECT_ROOT, 'templates/mail', language);
  return readdirSync(dir).map((file) => readFileSync(path.join(dir, file), 'utf8').replace(/^Subject: /, '').replace(/\{\{[^}]*\}\}/g, '\u0000'));
}

/** The catalogues' texts of a language, and its mail templates' fixed text. */
export function catalogueTexts(language: 'sv' | 'en'): string[] {
  const sources = SOURCE_DIRS.flatMap((d) => sourcesIn(path.join(PROJECT_ROOT, d)));
  return [...sources.flatMap((file) => textsOf(readFileSync(file, 'utf8'), language)), ...templateTexts(language)];
}

let cached: string[] | undefined;

/**
 * The English phrases no Swedish text has: each English text's parts between its values and line
 * breaks, of two words or more and eight characters (a lone word such as "PDF", "Excel" or "status"
 * may be the same in both languages, and a name is written the same in both), found in no Swedish
 * text of the catalogues or templates.
 */
export function englishPhrases(): string[] {
  if (cached) return cached;
  const swedish = catalogueTexts('sv').join('\n').toLowerCase();
  const phrases = new Set<string>();
  for (const en of catalogueTexts('en')) {
    for (const part of en.split(/\{\{\w+\}\}|\u0000|\n/)) {
      const phrase = part.replace(/^[\s.,:;()!?'"“”‘’…–—=*#[\]-]+|[\s.,:;()!?'"“”‘’…–—=*#[\]-]+$/g, '');
      if (/[a-z]+\s+[a-z]+/i.test(phrase) && phrase.length >= 8 && !swedish.includes(phrase.toLowerCase())) phrases.add(phrase);
    }
  }
  cached = [...phrases];
  return cached;
}

/**
 * What a reader meets on a page: its text and the texts of its labels for assistive technology.
 * A part marked as another language is left out: the preview shows a mail to a person who reads
 * English as that person gets it, marked lang="en"; so is the link to the page in English.
 */
export function readable(html: string): string {
  const withoutOther = html.replace(/<(\w+)[^>]*\slang="en"[^>]*>[\s\S]*?<\/\1>/g, ' ');
  const attributes = [...withoutOther.matchAll(/\s(?:aria-label|title|alt|placeholder|value|content)="([^"]*)"/g)].map((m) => m[1]);
  const body = withoutOther
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  return decode([body, ...attributes].join('\n')).replace(/\s+/g, ' ');
}

function decode(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;|&#x22;|&#34;/g, '"')
    .replace(/&#x3D;|&#61;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ');
}

/** The English phrases in a text, each with where it was: "where: "phrase"". */
export function englishIn(where: string, text: string): string[] {
  const squeezed = text.replace(/\s+/g, ' ');
  return englishPhrases()
    .filter((phrase) => squeezed.includes(phrase))
    .map((phrase) => `${where}: "${phrase}"`);
}
