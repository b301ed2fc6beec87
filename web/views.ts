/** Server-rendered pages: Handlebars templates under templates/web, HTML-escaped, with the page's language. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../domain/types';
import { text, type TextKey } from './i18n';
import { templateFile } from '../activities/renderer';

export interface PageContext {
  lang: Language;
  orgName: string;
  csrf?: string;
  secretariat?: boolean;
  /** The secretariat role: sees the action forms (a reader does not). */
  canAct?: boolean;
  /** Who is signed in, as the header shows it. */
  signedInAs?: string;
  switchLanguageUrl?: string;
  /** The secretariat's menu: the overview and a page per register the policy keeps. */
  nav?: { url: string; text: string }[];
}

export type Views = (page: string, pageContext: PageContext, data: object) => string;

/** ownDir: the organisation's own templates (config `organisation.templates`), whose web/<file> replaces the product's. */
export function createViews(templatesDir: string, ownDir?: string): Views {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('t', function (this: unknown, key: TextKey, options: Handlebars.HelperOptions) {
    const root = options.data?.root as PageContext;
    return text(root.lang, key, options.hash as Record<string, string>);
  });
  const dir = path.join(templatesDir, 'web');
  // The product's pages are the ones there are; the organisation's own file of a name is read instead.
  const source = (file: string) => readFileSync(templateFile(path.join('web', file), templatesDir, ownDir).file, 'utf8');
  hb.registerPartial('layout', source('layout.hbs'));
  // Parts of pages: files named _<part>.hbs.
  for (const file of readdirSync(dir)) {
    if (file.startsWith('_') && file.endsWith('.hbs')) hb.registerPartial(file.slice(1, -4), source(file));
  }
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.hbs') && file !== 'layout.hbs' && !file.startsWith('_')) pages.set(file.replace(/\.hbs$/, ''), hb.compile(source(file)));
  }
  return (page, pageContext, data) => {
    const template = pages.get(page);
    if (!template) throw new Error(`No web template "${page}".`);
    return template({ ...data, ...pageContext });
  };
}
