/**
 * What `followup config check` (and a starting worker) finds before a mail or report would fail:
 * every template an obligation sends, in every language its recipients read, exists and compiles,
 * and every mail template starts with its "Subject: " line. The organisation's own templates
 * (`organisation.templates`) are read before the product's, and each file there must replace one:
 * a misspelt name would otherwise be left unused without a word.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { closest as closestByDistance, distance } from 'fastest-levenshtein';
import Handlebars from 'handlebars';
import type { Language } from '../domain/types';
import type { ObligationConfig, OrganisationConfig } from '../config/schema';
import { kindOf } from './kinds';
import { ownTemplateName, templateFile } from './renderer';

/** The config key of the own folder: the start of every problem found in it. */
export const OWN_TEMPLATES_KEY = 'organisation.templates';

/** The templates one obligation uses: mail templates by name, report templates by file. */
export function templatesOf(obligation: ObligationConfig): { mails: string[]; reports: string[] } {
  return kindOf(obligation).templates(obligation as never);
}

/** The languages people of the organisation read: its own, and any a person is given. */
export function languagesRead(org: OrganisationConfig): Language[] {
  const people = [
    ...org.units.flatMap((u) => [...u.contacts, u.head]),
    ...org.bodies.flatMap((b) => b.recipients),
    ...org.obligations.flatMap((o) => ('owner' in o && o.owner ? [o.owner] : [])),
  ];
  return [...new Set<Language>([org.organisation.language, ...people.flatMap((p) => (p.language ? [p.language] : []))])];
}

function problemIn(file: string, isMail: boolean): string | undefined {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return 'is missing';
  }
  try {
    Handlebars.precompile(source);
  } catch (err) {
    return `does not compile: ${(err as Error).message.split('\n')[0]}`;
  }
  if (isMail && !/^\s*Subject: /.test(source)) return 'must start with a "Subject: " line';
  return undefined;
}

/** Every problem, one line each ("annual-follow-up: templates/mail/en/reminder.txt.hbs is missing"); none when all is well. */
export function checkTemplates(org: OrganisationConfig, templatesDir: string): string[] {
  const problems: string[] = [];
  const languages = languagesRead(org);
  const ownDir = org.organisation.templates;
  const hasOwnFolder = ownDir !== undefined && existsSync(ownDir) && statSync(ownDir).isDirectory();
  if (ownDir !== undefined && !hasOwnFolder) problems.push(`${OWN_TEMPLATES_KEY}: the folder ${ownDir} does not exist; make it beside the file, or correct the path (it is relative to the file)`);
  const own = hasOwnFolder ? ownDir : undefined;
  /** The files the obligations use, by their path under templates/; the own ones are checked once. */
  const used = new Set<string>();
  for (const obligation of org.obligations) {
    const { mails, reports } = templatesOf(obligation);
    const files = [
      ...languages.flatMap((language) => mails.map((name) => ({ file: path.join('mail', language, `${name}.txt.hbs`), isMail: true }))),
      ...reports.map((name) => ({ file: path.join('report', name), isMail: false })),
    ];
    for (const { file, isMail } of files) {
      used.add(file);
      const found = templateFile(file, templatesDir, own);
      const problem = problemIn(found.file, isMail);
      if (problem) problems.push(`${obligation.id}: ${found.own ? ownTemplateName(own!, file) : `templates/${file}`} ${problem}`);
    }
  }
  if (own) problems.push(...ownFolderProblems(own, templatesDir, used));
  return problems;
}

/** Every file under dir, by its path under it; hidden files (an editor's, git's) are not templates. */
function filesUnder(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(dir, path.join(under, entry.name)) : [path.join(under, entry.name)]))
    .sort();
}

/**
 * The own folder's files: each replaces a template of the product (or is one an obligation names),
 * compiles, and a mail starts with its subject. One the obligations use was checked with them.
 */
function ownFolderProblems(ownDir: string, templatesDir: string, used: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const file of filesUnder(ownDir)) {
    const name = ownTemplateName(ownDir, file);
    if (!file.endsWith('.hbs')) {
      problems.push(`${OWN_TEMPLATES_KEY}: ${name} is not a template (only *.hbs files replace the product's); remove it from the folder`);
      continue;
    }
    if (used.has(file)) continue;
    if (!existsSync(path.join(templatesDir, file))) {
      problems.push(`${OWN_TEMPLATES_KEY}: ${name} replaces no template: ${namesBeside(file, templatesDir, used)}; rename the file to the name of the template it should replace, or remove it`);
      continue;
    }
    const problem = problemIn(path.join(ownDir, file), file.startsWith(`mail${path.sep}`));
    if (problem) problems.push(`${OWN_TEMPLATES_KEY}: ${name} ${problem}`);
  }
  return problems;
}

/** What there is instead of `file`: the nearest name in its folder first, then all of them. */
function namesBeside(file: string, templatesDir: string, used: ReadonlySet<string>): string {
  const folder = path.dirname(file);
  const slash = (p: string) => p.split(path.sep).join('/');
  const productFolder = path.join(templatesDir, folder);
  if (!existsSync(productFolder) || !statSync(productFolder).isDirectory()) {
    const folders = [...new Set(filesUnder(templatesDir).map((f) => slash(path.dirname(f))))];
    const nearest = closest(slash(folder), folders);
    return `there is no folder ${slash(folder)} among the templates${nearest ? ` (did you mean ${nearest}?)` : ''}; they are in ${folders.join(', ')}`;
  }
  const names = [...new Set([...readdirSync(productFolder).filter((f) => f.endsWith('.hbs')), ...[...used].filter((u) => path.dirname(u) === folder).map((u) => path.basename(u))])].sort();
  const nearest = closest(path.basename(file), names);
  return `there is no ${slash(file)}${nearest ? ` (did you mean ${nearest}?)` : ''}; ${slash(folder)} has ${names.join(', ')}`;
}

/** The name nearest to `name` by edit distance, if near enough to be a slip of the keyboard. */
export function closest(name: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const nearest = closestByDistance(name, [...names]);
  return distance(name, nearest) <= Math.max(2, Math.floor(name.length / 4)) ? nearest : undefined;
}
