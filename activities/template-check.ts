/**
 * What `followup config check` (and a starting worker) finds before a mail or report would fail:
 * every template an obligation sends, in every language its recipients read, exists and compiles,
 * and every mail template starts with its "Subject: " line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../domain/types';
import type { ObligationConfig, OrganisationConfig } from '../config/schema';
import { kindOf } from './kinds';

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
  for (const obligation of org.obligations) {
    const { mails, reports } = templatesOf(obligation);
    const files = [
      ...languages.flatMap((language) => mails.map((name) => ({ file: path.join('mail', language, `${name}.txt.hbs`), isMail: true }))),
      ...reports.map((name) => ({ file: path.join('report', name), isMail: false })),
    ];
    for (const { file, isMail } of files) {
      const problem = problemIn(path.join(templatesDir, file), isMail);
      if (problem) problems.push(`${obligation.id}: templates/${file} ${problem}`);
    }
  }
  return problems;
}
