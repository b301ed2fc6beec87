/** At least a minimum of qualifying events a year, counted from the seminar register. */
import { DateTime } from 'luxon';
import { formatDate, planOccurrences, yearStarts } from '../../domain/calendar';
import { countedSeminars, occurrencesWorkflowId, type SeminarRecord } from '../../domain/registers';
import type { Language } from '../../domain/types';
import type { OrganisationConfig } from '../../config/schema';
import { OCCURRENCE_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import type { ActivityDeps } from '../index';
import { bodyPeople, day, secretariatPerson, type SendNotice } from '../notices';
import { lineLabel, type KindModule } from './kind-module';


export function createMinimumOccurrencesActivities(deps: ActivityDeps, sendNotice: SendNotice) {
  const { directory, archive, registers, renderer } = deps;
  return {
    async planOccurrenceYear({ orgId, obligationId, year }: { orgId: string; obligationId: string; year: number }) {
      const { org, obligation } = directory.ofKind(orgId, 'minimum-occurrences', obligationId);
      return { ...planOccurrences(obligation.checkpoints, year, obligation.sendTime, org.organisation.timeZone), minimum: obligation.minimum };
    },

    async warnIfShort(input: { orgId: string; obligationId: string; year: number; checkpoint: number; at: string }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const today = DateTime.fromISO(input.at, { zone: org.organisation.timeZone }).toISODate() ?? '';
      const { seminars } = await registers.read(input.orgId);
      const held = countedSeminars(seminars, input.year, obligation.countedRoles, obligation.euOnly, today);
      const planned = countedSeminars(seminars, input.year, obligation.countedRoles, obligation.euOnly).filter((s) => s.date > today);
      if (held.length >= obligation.minimum) return { counted: held.length, warned: false };
      await sendNotice({
        org,
        people: [secretariatPerson(org), ...bodyPeople(org, obligation.warn)],
        template: templateFor(obligation, 'occurrences-warning'),
        scope: `${input.orgId}.${input.obligationId}.${input.year}`,
        kind: 'occurrences-warning',
        sequence: input.checkpoint,
        at: input.at,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          year: input.year,
          minimum: obligation.minimum,
          held: held.length,
          planned: planned.map((s) => seminarRow(org, s, language)),
          today: day(today, org, language),
        }),
      });
      return { counted: held.length, warned: true };
    },

    async compileOccurrencesReport(input: { orgId: string; obligationId: string; year: number; at: string }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const language = org.organisation.language;
      const { seminars } = await registers.read(input.orgId);
      const counted = countedSeminars(seminars, input.year, obligation.countedRoles, obligation.euOnly);
      const others = seminars.filter((s) => s.date.startsWith(`${input.year}-`) && !counted.includes(s));
      const met = counted.length >= obligation.minimum;
      const context = {
        language,
        title: obligation.title[language],
        org: { name: org.organisation.name },
        year: input.year,
        minimum: obligation.minimum,
        counted: counted.length,
        met,
        seminars: counted.map((s) => seminarRow(org, s, language)),
        others: others.map((s) => seminarRow(org, s, language)),
        source: obligation.source,
        compiledAt: formatDate(input.at, org.organisation.timeZone, language, true),
        labels: OCCURRENCE_LABELS[language],
      };
      const base = `${input.orgId}/${input.obligationId}/${input.orgId}-${input.obligationId}-${input.year}`;
      const html = await archive.put(`${base}.html`, renderer.report('html', context, 'occurrences'));
      const markdown = await archive.put(`${base}.md`, renderer.report('markdown', context, 'occurrences'));
      return { counted: counted.length, minimum: obligation.minimum, met, html, markdown };
    },

    async deliverOccurrencesReport(input: { orgId: string; obligationId: string; year: number; at: string; report: { counted: number; minimum: number; met: boolean; html: string; markdown: string } }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const [html, markdown] = await Promise.all([archive.read(input.report.html), archive.read(input.report.markdown)]);
      const fileBase = `${input.orgId}-${input.obligationId}-${input.year}`;
      return sendNotice({
        org,
        people: [...bodyPeople(org, obligation.report.recipients), secretariatPerson(org)],
        template: templateFor(obligation, 'occurrences-result'),
        scope: `${input.orgId}.${input.obligationId}.${input.year}`,
        kind: 'occurrences-result',
        sequence: 1,
        at: input.at,
        attachments: [
          { filename: `${fileBase}.html`, content: html, contentType: 'text/html; charset=utf-8' },
          { filename: `${fileBase}.md`, content: markdown, contentType: 'text/markdown; charset=utf-8' },
        ],
        context: (language) => ({ obligation: { title: obligation.title[language] }, year: input.year, ...input.report }),
      });
    },
  };
}

const OCCURRENCE_LABELS: Record<Language, Record<string, string>> = {
  sv: { result: 'Resultat', met: 'Uppfyllt', notMet: 'Inte uppfyllt', required: 'Krav', counted: 'Räknade', list: 'Seminarier som räknas', others: 'Övriga registrerade seminarier', none: 'Inga', date: 'Datum', seminar: 'Seminarium', place: 'Plats', role: 'Roll', unit: 'Enhet', source: 'Grund i policyn', compiledAt: 'Sammanställd' },
  en: { result: 'Result', met: 'Met', notMet: 'Not met', required: 'Required', counted: 'Counted', list: 'Seminars that count', others: 'Other registered seminars', none: 'None', date: 'Date', seminar: 'Seminar', place: 'Place', role: 'Role', unit: 'Unit', source: 'Basis in the policy', compiledAt: 'Compiled' },
};

const ROLE_LABELS: Record<Language, Record<string, string>> = {
  sv: { organiser: 'arrangör', 'co-organiser': 'medarrangör', participant: 'deltagare' },
  en: { organiser: 'organiser', 'co-organiser': 'co-organiser', participant: 'participant' },
};

function seminarRow(org: OrganisationConfig, s: SeminarRecord, language: Language) {
  return {
    date: day(s.date, org, language),
    title: s.title,
    place: `${s.place} (${s.country})`,
    role: ROLE_LABELS[language][s.role] ?? s.role,
    unit: org.units.find((u) => u.id === s.unitId)?.name[language] ?? s.unitId,
  };
}

const WORDS = {
  sv: { seminars: 'Internationella seminarier', met: 'kravet uppfyllt', notMet: 'kravet ännu inte uppfyllt', of: 'av' },
  en: { seminars: 'International seminars', met: 'requirement met', notMet: 'requirement not yet met', of: 'of' },
};

export const minimumOccurrences: KindModule<'minimum-occurrences'> = {
  templates: (o) => ({ mails: OCCURRENCE_MAIL_KINDS.map((k) => templateFor(o, k)), reports: ['occurrences.html.hbs', 'occurrences.md.hbs'] }),
  complianceLines({ obligation: o, register, bounds, language }) {
    const words = WORDS[language];
    const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
    const counted = countedSeminars(register.seminars, bounds.start.year, o.countedRoles, o.euOnly, last);
    const met = counted.length >= o.minimum;
    return [{ label: `${lineLabel(o, language, words.seminars)} ${bounds.start.year}`, value: `${counted.length} ${words.of} ${o.minimum} (${met ? words.met : words.notMet})`, attention: !met }];
  },
  schedule: {
    runs(org, _o, now, horizonYears) {
      const zone = org.organisation.timeZone;
      const runs = yearStarts(zone, now, horizonYears).map((y) => ({ label: String(y.year), at: y.at }));
      // The year whose start has passed, unless its own run is still ahead in the first minutes of January.
      const year = DateTime.fromJSDate(now, { zone }).year;
      return { runs, running: runs[0]?.label === String(year) ? undefined : String(year) };
    },
    run(org, obligation, now) {
      const orgId = org.organisation.id;
      const year = DateTime.fromJSDate(now, { zone: org.organisation.timeZone }).year;
      return { workflowType: 'occurrencesWorkflow', workflowId: occurrencesWorkflowId(orgId, obligation.id, year), args: [{ orgId, obligationId: obligation.id, year }] };
    },
    currentPeriod: (org, _o, now) => String(DateTime.fromJSDate(now, { zone: org.organisation.timeZone }).year),
  },
  async preview() {
    return ['occurrences'];
  },
};
