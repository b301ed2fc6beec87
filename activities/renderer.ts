/**
 * Handlebars rendering of mails and reports. Each output format escapes for itself: HTML escapes
 * entities (Handlebars' default), Markdown escapes its markup characters, and plain-text mail has
 * no markup to escape. Values are never compiled as templates, so "{{" in an answer stays text.
 */
import { FailureType } from '../domain/refusals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../domain/types';

export interface RenderedMail {
  subject: string;
  text: string;
}

export interface Renderer {
  mail(template: string, language: Language, context: object): RenderedMail;
  /** A report from templates/report/<name>.html.hbs or .md.hbs. */
  report(format: 'html' | 'markdown', context: object, name?: string): string;
}

export class TemplateError extends Error {
  override name = FailureType.template;
}

const MARKDOWN_SPECIAL = /[\\`*_[\]|~#<>&]/g;
const MARKDOWN_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ENTITIES[c] ?? `\\${c}`);
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeMarkdown(value);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDeep(v)]));
  return value;
}

export function createRenderer(templatesDir: string): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('add1', (n: unknown) => Number(n) + 1);
  // Multi-line answers as a Markdown block quote; the text is already escaped.
  hb.registerHelper('quote', (text: unknown) => String(text ?? '').split(/\r?\n/).map((l) => `> ${l}`).join('\n'));
  // A table cell holds one line: line breaks become <br>, which Markdown tables allow.
  hb.registerHelper('cell', (text: unknown) => String(text ?? '').split(/\r?\n/).join('<br>'));
  hb.registerHelper('capitalize', (text: unknown) => {
    const s = String(text ?? '');
    return s.charAt(0).toUpperCase() + s.slice(1);
  });
  hb.registerHelper('indent', (text: unknown) => String(text ?? '').split(/\r?\n/).map((l) => `    ${l}`).join('\n'));
  const cache = new Map<string, HandlebarsTemplateDelegate>();

  const load = (relative: string, noEscape: boolean) => {
    const cacheKey = `${relative}:${noEscape}`;
    let template = cache.get(cacheKey);
    if (!template) {
      let source: string;
      try {
        source = readFileSync(path.join(templatesDir, relative), 'utf8');
      } catch {
        throw new TemplateError(`Template ${relative} is missing from ${templatesDir}.`);
      }
      template = hb.compile(source, { noEscape });
      cache.set(cacheKey, template);
    }
    return template;
  };

  return {
    mail(template, language, context) {
      const rendered = load(`mail/${language}/${template}.txt.hbs`, true)(context).replace(/^\s+/, '');
      const match = /^Subject: (.*)\r?\n\r?\n?([\s\S]*)$/.exec(rendered);
      if (!match) throw new TemplateError(`Template mail/${language}/${template}.txt.hbs must start with a "Subject: " line.`);
      return { subject: match[1]!.trim(), text: match[2]!.trimEnd() + '\n' };
    },
    report(format, context, name = 'report') {
      if (format === 'html') return load(`report/${name}.html.hbs`, false)(context);
      return load(`report/${name}.md.hbs`, true)(escapeDeep(context));
    },
  };
}
