/** At least a minimum of qualifying events a year, counted from the seminar register. */
import { DateTime } from 'luxon';
import { formatDate, planOccurrences, yearStarts } from '../../domain/calendar';
import { countedSeminars, occurrencesWorkflowId, type SeminarRecord } from '../../domain/registers';
import type { Language } from '../../domain/types';
import type { OrganisationConfig } from '../../config/schema';
import { OCCURRENCE_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import { formatCount } from '../../domain/wording';
import type { ActivityDeps } from '../index';
import { bodyPeople, day, secretariatPerson, type SendNotice } from '../notices';
import { lineLabel, type KindModule } from './kind-module';
import { reportBase } from '../archive';
import type { Block, ReportDocument } from '../documents/document-model';
import { archiveReportFiles, reportAttachments, type ReportFiles } from '../documents/report-files';


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
        subjects: obligation.subjects,
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
      const base = reportBase({ orgId: input.orgId, obligationId: input.obligationId, period: String(input.year) });
      const files = await archiveReportFiles(archive, base, {
        html: () => renderer.of(org).report('html', context, 'occurrences'),
        markdown: () => renderer.of(org).report('markdown', context, 'occurrences'),
        document: occurrencesDocument(context, input.at),
      });
      return { counted: counted.length, minimum: obligation.minimum, met, ...files };
    },

    async deliverOccurrencesReport(input: { orgId: string; obligationId: string; year: number; at: string; report: { counted: number; minimum: number; met: boolean } & ReportFiles }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const attachments = await reportAttachments(archive, input.report, `${input.orgId}-${input.obligationId}-${input.year}`, obligation.report.attach);
      return sendNotice({
        org,
        people: [...bodyPeople(org, obligation.report.recipients), secretariatPerson(org)],
        template: templateFor(obligation, 'occurrences-result'),
        subjects: obligation.subjects,
        scope: `${input.orgId}.${input.obligationId}.${input.year}`,
        kind: 'occurrences-result',
        sequence: 1,
        at: input.at,
        attachments,
        context: (language) => ({ obligation: { title: obligation.title[language] }, year: input.year, counted: input.report.counted, minimum: input.report.minimum, met: input.report.met }),
      });
    },
  };
}

const OCCURRENCE_LABELS = {
  sv: { result: 'Resultat', met: 'Uppfyllt', notMet: 'Inte uppfyllt', required: 'Krav', counted: 'Räknade', list: 'Seminarier som räknas', others: 'Övriga registrerade seminarier', none: 'Inga', date: 'Datum', seminar: 'Seminarium', place: 'Plats', role: 'Roll', unit: 'Enhet', source: 'Grund i policyn', compiledAt: 'Sammanställd' },
  en: { result: 'Result', met: 'Met', notMet: 'Not met', required: 'Required', counted: 'Counted', list: 'Seminars that count', others: 'Other registered seminars', none: 'None', date: 'Date', seminar: 'Seminar', place: 'Place', role: 'Role', unit: 'Unit', source: 'Basis in the policy', compiledAt: 'Compiled' },
} satisfies Record<Language, Record<string, string>>;

type SeminarRow = ReturnType<typeof seminarRow>;

/** The seminars' report as blocks for the PDF and the Word document, as the HTML has it. */
function occurrencesDocument(c: { language: Language; title: string; org: { name: string }; year: number; minimum: number; counted: number; met: boolean; seminars: SeminarRow[]; others: SeminarRow[]; source: string; compiledAt: string; labels: (typeof OCCURRENCE_LABELS)[Language] }, at: string): ReportDocument {
  const { labels } = c;
  const title = `${c.title} ${c.year}`;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: title },
    { kind: 'paragraph', quiet: true, runs: [{ text: `${c.org.name} · ${labels.compiledAt} ${c.compiledAt}` }] },
    { kind: 'heading', level: 2, text: `${labels.result}: ${c.met ? labels.met : labels.notMet}` },
    { kind: 'paragraph', runs: [{ text: `${labels.required}: ${formatCount(c.language, c.minimum)} · ${labels.counted}: ` }, { text: formatCount(c.language, c.counted), strong: true }] },
    { kind: 'heading', level: 2, text: labels.list },
    c.seminars.length
      ? { kind: 'table', columns: [labels.seminar, labels.date, labels.place, labels.role, labels.unit], rows: c.seminars.map((s) => ({ head: s.title, cells: [s.date, s.place, s.role, s.unit] })) }
      : { kind: 'paragraph', runs: [{ text: labels.none }] },
  ];
  if (c.others.length) blocks.push({ kind: 'heading', level: 2, text: labels.others }, { kind: 'list', items: c.others.map((s) => [{ text: `${s.date}: ${s.title}, ${s.place} (${s.role}, ${s.unit})` }]) });
  blocks.push({ kind: 'paragraph', quiet: true, runs: [{ text: `${labels.source}: ${c.source}` }] });
  return { language: c.language, title, author: c.org.name, subject: `${c.org.name}: ${title}`, createdAt: new Date(at), blocks };
}

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
  sv: { seminars: 'Internationella seminarier', met: 'kravet uppfyllt', notMet: 'kravet inte uppfyllt', notYetMet: 'kravet ännu inte uppfyllt', of: 'av' },
  en: { seminars: 'International seminars', met: 'requirement met', notMet: 'requirement not met', notYetMet: 'requirement not yet met', of: 'of' },
};

export const minimumOccurrences: KindModule<'minimum-occurrences'> = {
  templates: (o) => ({ mails: OCCURRENCE_MAIL_KINDS.map((k) => templateFor(o, k)), reports: ['occurrences.html.hbs', 'occurrences.md.hbs'] }),
  complianceLines({ obligation: o, register, bounds, language }) {
    const words = WORDS[language];
    const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
    const counted = countedSeminars(register.seminars, bounds.start.year, o.countedRoles, o.euOnly, last);
    const met = counted.length >= o.minimum;
    // A report of a period that ends with the year (annual, the third tertial) reads the year's outcome, not its progress.
    const yearOver = bounds.end >= bounds.start.startOf('year').plus({ years: 1 });
    const outcome = met ? words.met : yearOver ? words.notMet : words.notYetMet;
    return [{ label: `${lineLabel(o, language, words.seminars)} ${bounds.start.year}`, value: `${counted.length} ${words.of} ${o.minimum} (${outcome})`, attention: !met }];
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
