/**
 * The compliance summary that opens every cycle report: what the council checks in a minute. Each
 * obligation kind gives its own lines (activities/kinds); the registered projects of the period
 * follow. Pure, so tests give it data directly.
 */
import { periodBounds, type PeriodRule } from '../domain/calendar';
import type { RegisterContents } from '../domain/registers';
import type { Language } from '../domain/types';
import type { OrganisationConfig } from '../config/schema';
import { kindOf, type ComplianceLine } from './kinds';

export type { ComplianceLine };

const LABELS = {
  sv: {
    projects: 'Registrerade projekt',
    euProjects: 'EU-projekt',
    otherProjects: 'Andra internationella projekt',
    applications: 'Inlämnade ansökningar',
    none: 'Inga',
    'project:registered': 'registrerat',
    'project:awaiting-goals': 'väntar på mål',
    'project:goals-submitted': 'mål inlämnade',
    'project:returned': 'mål returnerade',
    'project:approved': 'mål godkända',
    'project:ongoing': 'pågående',
    'project:closed': 'avslutat',
  },
  en: {
    projects: 'Registered projects',
    euProjects: 'EU projects',
    otherProjects: 'Other international projects',
    applications: 'Submitted applications',
    none: 'None',
    'project:registered': 'registered',
    'project:awaiting-goals': 'awaiting goals',
    'project:goals-submitted': 'goals submitted',
    'project:returned': 'goals returned',
    'project:approved': 'goals approved',
    'project:ongoing': 'ongoing',
    'project:closed': 'closed',
  },
} satisfies Record<Language, Record<string, string>>;

/** The report's own headings over the projects (a data call's `report.headings`), else the defaults. */
export type ProjectHeadings = Partial<Record<'projects' | 'euProjects' | 'otherProjects' | 'applications', { sv: string; en: string }>>;

export function buildCompliance(args: { org: OrganisationConfig; rule: PeriodRule; period: string; register: RegisterContents; language: Language; headings?: ProjectHeadings }) {
  const { org, rule, period, register, language } = args;
  const own = Object.fromEntries(Object.entries(args.headings ?? {}).flatMap(([key, value]) => (value ? [[key, value[language]]] : [])));
  const labels = { ...LABELS[language], ...own };
  const zone = org.organisation.timeZone;
  const bounds = periodBounds(rule, period, zone);
  const first = bounds.start.toISODate() ?? '';
  const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
  const lines: ComplianceLine[] = org.obligations.flatMap((o) => kindOf(o).complianceLines?.({ org, obligation: o as never, register, bounds, language }) ?? []);

  // The register's projects that were running or applied for during the period, for units to confirm.
  const relevant = register.projects.filter((p) => p.plannedStart <= last && (!p.plannedEnd || p.plannedEnd >= first));
  const unitName = (id: string) => org.units.find((u) => u.id === id)?.name[language] ?? id;
  const row = (p: (typeof relevant)[number]) => ({ title: p.title, unit: unitName(p.unitId), start: p.plannedStart, state: labels[`project:${p.state}`], partners: p.partners.join(', ') });
  const projects = {
    present: relevant.length > 0,
    eu: relevant.filter((p) => p.euFunded && p.stage === 'project').map(row),
    other: relevant.filter((p) => !p.euFunded && p.stage === 'project').map(row),
    applications: relevant.filter((p) => p.stage === 'application').map(row),
  };
  return { labels, lines, projects };
}

export type Compliance = ReturnType<typeof buildCompliance>;
