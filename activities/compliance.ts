/**
 * The compliance summary that opens every cycle report: what the council checks in a minute.
 * Computed from the organisation's config and its register; pure, so tests give it data directly.
 */
import { periodBounds, type PeriodRule } from '../domain/calendar';
import { countedSeminars, type RegisterContents } from '../domain/registers';
import type { Language } from '../domain/types';
import type { OrganisationConfig } from '../config/schema';

const LABELS = {
  sv: {
    seminars: 'Internationella seminarier',
    met: 'kravet uppfyllt',
    notMet: 'kravet ännu inte uppfyllt',
    unapproved: 'Projekt som startat utan godkända mål',
    revision: 'Revidering av policyn',
    notStarted: 'inte påbörjad',
    scheduled: 'planerad',
    requested: 'begärd, väntar på beslut',
    overdue: 'försenad',
    decided: 'beslutad',
    'not-decided': 'inte beslutad under perioden',
    due: 'senast',
    agreements: 'Samarbetsavtal',
    active: 'gällande',
    reviewDue: 'ska utvärderas',
    expired: 'löpt ut utan beslut',
    projects: 'Registrerade projekt',
    euProjects: 'EU-projekt',
    otherProjects: 'Andra internationella projekt',
    applications: 'Inlämnade ansökningar',
    none: 'Inga',
    of: 'av',
    'project:registered': 'registrerat',
    'project:awaiting-goals': 'väntar på mål',
    'project:goals-submitted': 'mål inlämnade',
    'project:returned': 'mål returnerade',
    'project:approved': 'mål godkända',
    'project:ongoing': 'pågående',
    'project:closed': 'avslutat',
  },
  en: {
    seminars: 'International seminars',
    met: 'requirement met',
    notMet: 'requirement not yet met',
    unapproved: 'Projects started without approved goals',
    revision: 'Revision of the policy',
    notStarted: 'not started',
    scheduled: 'scheduled',
    requested: 'requested, awaiting decision',
    overdue: 'overdue',
    decided: 'decided',
    'not-decided': 'not decided in the period',
    due: 'due',
    agreements: 'Cooperation agreements',
    active: 'in force',
    reviewDue: 'due for evaluation',
    expired: 'expired without decision',
    projects: 'Registered projects',
    euProjects: 'EU projects',
    otherProjects: 'Other international projects',
    applications: 'Submitted applications',
    none: 'None',
    of: 'of',
    'project:registered': 'registered',
    'project:awaiting-goals': 'awaiting goals',
    'project:goals-submitted': 'goals submitted',
    'project:returned': 'goals returned',
    'project:approved': 'goals approved',
    'project:ongoing': 'ongoing',
    'project:closed': 'closed',
  },
} satisfies Record<Language, Record<string, string>>;

export interface ComplianceLine {
  label: string;
  value: string;
  /** true where the council should look: a requirement not met, something overdue. */
  attention: boolean;
}

export function buildCompliance(args: { org: OrganisationConfig; rule: PeriodRule; period: string; register: RegisterContents; language: Language }) {
  const { org, rule, period, register, language } = args;
  const labels = LABELS[language];
  const zone = org.organisation.timeZone;
  const bounds = periodBounds(rule, period, zone);
  const first = bounds.start.toISODate() ?? '';
  const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
  const lines: ComplianceLine[] = [];

  for (const o of org.obligations) {
    if (o.kind === 'minimum-occurrences') {
      const counted = countedSeminars(register.seminars, bounds.start.year, o.countedRoles, o.euOnly, last);
      const met = counted.length >= o.minimum;
      lines.push({ label: `${labels.seminars} ${bounds.start.year}`, value: `${counted.length} ${labels.of} ${o.minimum} (${met ? labels.met : labels.notMet})`, attention: !met });
    }
    if (o.kind === 'gate-before-start') {
      const unapproved = register.projects.filter((p) => p.startedWithoutApproval && p.plannedStart <= last && p.plannedStart >= first);
      lines.push({ label: labels.unapproved, value: unapproved.length ? `${unapproved.length}: ${unapproved.map((p) => p.title).join(', ')}` : '0', attention: unapproved.length > 0 });
    }
    if (o.kind === 'revision') {
      const entries = register.revisions.filter((r) => r.obligationId === o.id).sort((a, b) => a.periodId.localeCompare(b.periodId));
      const latest = entries.at(-1);
      const value = latest
        ? `${latest.periodId}: ${labels[latest.state]}${latest.decision ? ` (${latest.decision.body} ${latest.decision.decidedOn} ${latest.decision.paragraph})` : `, ${labels.due} ${latest.dueDate}`}`
        : labels.notStarted;
      lines.push({ label: labels.revision, value, attention: latest?.state === 'overdue' || latest?.state === 'not-decided' });
    }
    if (o.kind === 'expiry-review') {
      const count = (state: string) => register.agreements.filter((a) => a.state === state).length;
      const expired = count('expired');
      lines.push({
        label: labels.agreements,
        value: `${count('active') + count('renewed')} ${labels.active}, ${count('review-due')} ${labels.reviewDue}, ${expired} ${labels.expired}`,
        attention: expired > 0,
      });
    }
  }

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
