/**
 * Handlebars rendering of mails and reports. Each output format escapes for itself: HTML escapes
 * entities (Handlebars' default), Markdown escapes its markup characters, and plain-text mail has
 * no markup to escape. Values are never compiled as templates, so "{{" in an answer stays text.
 */
import { FailureType } from '../domain/refusals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { lines, singleLine } from '../domain/text';
import type { Language } from '../domain/types';
import { formatCount, pluralWord } from '../domain/wording';

export interface RenderedMail {
  subject: string;
  text: string;
  /** The organisation's own template the mail came from ("solna-mallar/mail/sv/goals-request.txt.hbs"); absent for the product's. */
  ownTemplate?: string;
}

export interface Renderer {
  /** `subject`: the obligation's own subject (config `subjects`), instead of the template's. */
  mail(template: string, language: Language, context: object, subject?: string): RenderedMail;
  /** A report from templates/report/<name>.html.hbs or .md.hbs. */
  report(format: 'html' | 'markdown', context: object, name?: string): string;
  /**
   * The renderer of one organisation: its own templates (config `organisation.templates`) before
   * the product's. One worker serves several organisations, so an activity asks for its own.
   */
  of(org: OwnTemplates): Renderer;
}

/** What a renderer needs of an organisation's config: its own folder of templates, as config/load.ts resolved it. */
export interface OwnTemplates {
  organisation: { templates?: string };
}

/**
 * Where a template is read from: the organisation's own folder where it has the file, else the
 * product's templates. `relative` as under templates/: "mail/sv/request.txt.hbs".
 */
export function templateFile(relative: string, templatesDir: string, ownDir?: string): { file: string; own: boolean } {
  if (ownDir !== undefined) {
    const own = path.join(ownDir, relative);
    if (existsSync(own)) return { file: own, own: true };
  }
  return { file: path.join(templatesDir, relative), own: false };
}

/** An own template as a person finds it beside the config file: "solna-mallar/mail/sv/request.txt.hbs". */
export function ownTemplateName(ownDir: string, relative: string): string {
  return `${path.basename(ownDir)}/${relative.split(path.sep).join('/')}`;
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

/**
 * The product's templates (templatesDir), with an organisation's own folder before them where
 * given; `of(org)` gives each organisation's, each compiled once.
 */
export function createRenderer(templatesDir: string, ownDir?: string): Renderer {
  const renderers = new Map<string, Renderer>();
  const rendererOf = (own: string | undefined): Renderer => {
    let renderer = renderers.get(own ?? '');
    if (!renderer) {
      renderer = layeredRenderer(templatesDir, own, rendererOf);
      renderers.set(own ?? '', renderer);
    }
    return renderer;
  };
  return rendererOf(ownDir);
}

function layeredRenderer(templatesDir: string, ownDir: string | undefined, rendererOf: (own: string | undefined) => Renderer): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('add1', (n: unknown) => Number(n) + 1);
  // Multi-line answers as a Markdown block quote; the text is already escaped. Every kind of line
  // break counts: a lone CR or U+2028 left inside a line would end the quote (or the row) there.
  hb.registerHelper('quote', (text: unknown) => lines(String(text ?? '')).map((l) => `> ${l}`).join('\n'));
  // A table cell holds one line: line breaks become <br>, which Markdown tables allow.
  hb.registerHelper('cell', (text: unknown) => lines(String(text ?? '')).join('<br>'));
  hb.registerHelper('capitalize', (text: unknown) => {
    const s = String(text ?? '');
    return s.charAt(0).toUpperCase() + s.slice(1);
  });
  // The language a template is rendered in: a mail's is passed as data, a report's is its context's.
  const languageOf = (options: { data?: { language?: Language; root?: { language?: Language } } }): Language => options.data?.language ?? options.data?.root?.language ?? 'sv';
  // {{plural minimum "seminarium" "seminarier"}}: the word that agrees with the number, by the language's plural rules.
  hb.registerHelper('plural', (count: unknown, one: unknown, other: unknown, options: Parameters<typeof languageOf>[0]) => pluralWord(languageOf(options), Number(count), String(one), String(other)));
  // {{num summary.asked}}: a count as the language writes it ("5 800", "5,800"); not a year or an id.
  hb.registerHelper('num', (value: unknown, options: Parameters<typeof languageOf>[0]) => (typeof value === 'number' ? formatCount(languageOf(options), value) : String(value ?? '')));
  hb.registerHelper('indent', (text: unknown) => lines(String(text ?? '')).map((l) => `    ${l}`).join('\n'));
  const cache = new Map<string, HandlebarsTemplateDelegate>();
  const sources = new Map<string, string>();
  /** The templates read from the organisation's own folder, by their path under templates/. */
  const fromOwnFolder = new Set<string>();

  const sourceOf = (relative: string) => {
    let source = sources.get(relative);
    if (source === undefined) {
      const { file, own } = templateFile(relative, templatesDir, ownDir);
      try {
        source = readFileSync(file, 'utf8');
      } catch {
        throw new TemplateError(`Template ${relative} is missing from ${ownDir === undefined ? templatesDir : `${ownDir} and ${templatesDir}`}.`);
      }
      if (own) fromOwnFolder.add(relative);
      sources.set(relative, source);
    }
    return source;
  };
  const compiled = (cacheKey: string, source: () => string, noEscape: boolean) => {
    let template = cache.get(cacheKey);
    if (!template) {
      template = hb.compile(source(), { noEscape });
      cache.set(cacheKey, template);
    }
    return template;
  };
  const load = (relative: string, noEscape: boolean) => compiled(`${relative}:${noEscape}`, () => sourceOf(relative), noEscape);
  /**
   * A mail template's subject line and body, compiled apart: a value with a line break (a title
   * typed before forms made it one line) then stays inside the subject, made one line there,
   * instead of cutting the subject short or failing the mail.
   */
  const mailParts = (relative: string) => {
    const split = () => {
      const match = /^\s*Subject: (.*)\r?\n\r?\n?([\s\S]*)$/.exec(sourceOf(relative));
      if (!match) throw new TemplateError(`Template ${ownDir !== undefined && fromOwnFolder.has(relative) ? ownTemplateName(ownDir, relative) : relative} must start with a "Subject: " line.`);
      return match;
    };
    return { subject: compiled(`${relative}:subject`, () => split()[1]!, true), body: compiled(`${relative}:body`, () => split()[2]!, true) };
  };

  return {
    mail(template, language, context, ownSubject) {
      const relative = `mail/${language}/${template}.txt.hbs`;
      const parts = mailParts(relative);
      // The config check let through only text and the kind's values (domain/wording.ts).
      const subjectOf = ownSubject === undefined ? parts.subject : compiled(`subject:${ownSubject}`, () => ownSubject, true);
      const data = { data: { language } };
      const subject = singleLine(subjectOf(context, data));
      if (!subject) throw new TemplateError(`Template mail/${language}/${template}.txt.hbs gives an empty subject.`);
      const text = parts.body(context, data).trimEnd() + '\n';
      return ownDir !== undefined && fromOwnFolder.has(relative) ? { subject, text, ownTemplate: ownTemplateName(ownDir, relative) } : { subject, text };
    },
    report(format, context, name = 'report') {
      if (format === 'html') return load(`report/${name}.html.hbs`, false)(context);
      return load(`report/${name}.md.hbs`, true)(escapeDeep(context));
    },
    of: (org) => rendererOf(org.organisation.templates),
  };
}
