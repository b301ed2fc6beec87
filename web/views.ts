/** Server-rendered pages: Handlebars templates under templates/web, HTML-escaped, with the page's language. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../domain/types';
import { text, type TextKey } from './i18n';

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

export function createViews(templatesDir: string): Views {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('t', function (this: unknown, key: TextKey, options: Handlebars.HelperOptions) {
    const root = options.data?.root as PageContext;
    return text(root.lang, key, options.hash as Record<string, string>);
  });
  const dir = path.join(templatesDir, 'web');
  hb.registerPartial('layout', readFileSync(path.join(dir, 'layout.hbs'), 'utf8'));
  // Parts of pages: files named _<part>.hbs.
  for (const file of readdirSync(dir)) {
    if (file.startsWith('_') && file.endsWith('.hbs')) hb.registerPartial(file.slice(1, -4), readFileSync(path.join(dir, file), 'utf8'));
  }
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.hbs') && file !== 'layout.hbs' && !file.startsWith('_')) pages.set(file.replace(/\.hbs$/, ''), hb.compile(readFileSync(path.join(dir, file), 'utf8')));
  }
  return (page, pageContext, data) => {
    const template = pages.get(page);
    if (!template) throw new Error(`No web template "${page}".`);
    return template({ ...data, ...pageContext });
  };
}
