/**
 * What an organisation publishes of its registers (Kungälv's policy asks for the project inventory
 * "on the municipality's website"): the registers and fields its config marks as public, as a feed
 * with a documented schema (docs/public-feed.schema.json) and as a page. Pure: the web, the CLI's
 * static export and the tests build the same feed. Contact details are published only where the
 * config marks them, field by field.
 */
import { z } from 'zod';
import type { AgreementSummary, EventSummary, Person, ProjectSummary, RegisterContents, SeminarRecord } from './registers';
import type { Language } from './types';

export const PUBLIC_REGISTERS = ['projects', 'seminars', 'agreements', 'events'] as const;
export type PublicRegister = (typeof PUBLIC_REGISTERS)[number];

/** The fields each register may publish; contactName and contactEmail are contact details. */
export const PUBLIC_FIELDS = {
  projects: ['title', 'unit', 'plannedStart', 'plannedEnd', 'stage', 'state', 'partners', 'euFunded', 'contactName', 'contactEmail'],
  seminars: ['title', 'date', 'place', 'country', 'role', 'unit'],
  agreements: ['title', 'partner', 'unit', 'endsOn', 'state', 'contactName', 'contactEmail'],
  events: ['title', 'date', 'endDate', 'place', 'unit', 'state'],
} as const satisfies Record<PublicRegister, readonly string[]>;

export const CONTACT_FIELDS: readonly string[] = ['contactName', 'contactEmail'];

export type PublicField<R extends PublicRegister> = (typeof PUBLIC_FIELDS)[R][number];

const value = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

/** The feed, version 1. Changing a field's meaning means a new version; new optional fields do not. */
export const publicFeedSchema = z
  .strictObject({
    version: z.literal(1).describe('The feed format: 1. A change of a field\'s meaning makes a new version; new optional fields do not.'),
    organisation: z.strictObject({ id: z.string().describe('The organisation\'s id in the service'), name: z.string() }),
    language: z.enum(['sv', 'en']).describe('The language of titles, labels and state words (?lang=sv|en)'),
    generatedAt: z.string().describe('When the feed was made, ISO 8601'),
    registers: z
      .array(
        z.strictObject({
          id: z.enum(PUBLIC_REGISTERS).describe('Which register'),
          title: z.string().describe('Its heading in the feed\'s language'),
          fields: z
            .array(z.strictObject({ id: z.string(), label: z.string() }))
            .describe('The published fields in order, with their headings; field ids: projects ' + PUBLIC_FIELDS.projects.join(', ') + '; seminars ' + PUBLIC_FIELDS.seminars.join(', ') + '; agreements ' + PUBLIC_FIELDS.agreements.join(', ') + '; events ' + PUBLIC_FIELDS.events.join(', ')),
          items: z
            .array(z.record(z.string(), value))
            .describe('One object per entry: field id to value. Dates are YYYY-MM-DD, partners a list, euFunded true or false, states and roles words in the feed\'s language, a missing value null'),
        }),
      )
      .describe('The registers the organisation publishes, only the fields it chose; contactName and contactEmail only where it decided to publish contact details'),
  })
  .describe('The public registers of one organisation in policy-followup: GET /public/feed.json, or feed.json of `followup publish`.');

export type PublicFeed = z.infer<typeof publicFeedSchema>;
export type PublicationItem = Record<string, z.infer<typeof value>>;

export interface PublicationSettings {
  registers: Partial<Record<PublicRegister, { fields: readonly string[]; contactDetails?: boolean }>>;
}

const LABELS: Record<Language, Record<string, string>> = {
  sv: {
    projects: 'Projekt', seminars: 'Seminarier', agreements: 'Avtal', events: 'Händelser',
    title: 'Titel', unit: 'Enhet', plannedStart: 'Planerad start', plannedEnd: 'Planerat slut', stage: 'Skede', state: 'Läge', partners: 'Partner', euFunded: 'EU-finansierat',
    contactName: 'Kontaktperson', contactEmail: 'E-post', date: 'Datum', endDate: 'Slutdatum', place: 'Plats', country: 'Land', role: 'Roll', partner: 'Part', endsOn: 'Gäller till',
    'stage:application': 'ansökan', 'stage:project': 'projekt',
    'project:registered': 'registrerat', 'project:awaiting-goals': 'väntar på mål', 'project:goals-submitted': 'mål inlämnade', 'project:returned': 'mål återsända', 'project:approved': 'mål godkända', 'project:ongoing': 'pågår', 'project:closed': 'avslutat',
    'agreement:active': 'gäller', 'agreement:review-due': 'ska omprövas', 'agreement:renewed': 'förnyat', 'agreement:ended': 'avslutat', 'agreement:expired': 'har löpt ut',
    'event:planned': 'planerad', 'event:noticed': 'aviserad', 'event:held': 'genomförd', 'event:cancelled': 'inställd',
    'role:organiser': 'arrangör', 'role:co-organiser': 'medarrangör', 'role:participant': 'deltagare',
  },
  en: {
    projects: 'Projects', seminars: 'Seminars', agreements: 'Agreements', events: 'Events',
    title: 'Title', unit: 'Unit', plannedStart: 'Planned start', plannedEnd: 'Planned end', stage: 'Stage', state: 'State', partners: 'Partners', euFunded: 'EU funded',
    contactName: 'Contact', contactEmail: 'E-mail', date: 'Date', endDate: 'End date', place: 'Place', country: 'Country', role: 'Role', partner: 'Partner', endsOn: 'Valid until',
    'stage:application': 'application', 'stage:project': 'project',
    'project:registered': 'registered', 'project:awaiting-goals': 'awaiting goals', 'project:goals-submitted': 'goals submitted', 'project:returned': 'goals returned', 'project:approved': 'goals approved', 'project:ongoing': 'ongoing', 'project:closed': 'closed',
    'agreement:active': 'in force', 'agreement:review-due': 'due for review', 'agreement:renewed': 'renewed', 'agreement:ended': 'ended', 'agreement:expired': 'expired',
    'event:planned': 'planned', 'event:noticed': 'announced', 'event:held': 'held', 'event:cancelled': 'cancelled',
    'role:organiser': 'organiser', 'role:co-organiser': 'co-organiser', 'role:participant': 'participant',
  },
};

export const publicLabel = (language: Language, key: string) => LABELS[language][key] ?? key;

type Entry = ProjectSummary | SeminarRecord | AgreementSummary | EventSummary;

function fieldValue(register: PublicRegister, entry: Entry, field: string, unitName: (id: string) => string, owner: Person | undefined, language: Language): z.infer<typeof value> {
  const e = entry as unknown as Record<string, unknown>;
  switch (field) {
    case 'unit':
      return unitName(String(e.unitId));
    case 'contactName':
      return owner?.name ?? null;
    case 'contactEmail':
      return owner?.email ?? null;
    case 'state':
      return publicLabel(language, `${register === 'projects' ? 'project' : register === 'agreements' ? 'agreement' : 'event'}:${String(e.state)}`);
    case 'stage':
      return publicLabel(language, `stage:${String(e.stage)}`);
    case 'role':
      return publicLabel(language, `role:${String(e.role)}`);
    default: {
      const v = e[field];
      return v === undefined ? null : (v as z.infer<typeof value>);
    }
  }
}

/**
 * The feed from the register. owners: each project's and agreement's owner, read only when the config
 * publishes contact details (they are not in the register's summaries).
 */
export function buildPublicFeed(args: {
  org: { id: string; name: string; language: Language };
  unitName: (id: string, language: Language) => string;
  settings: PublicationSettings;
  register: RegisterContents;
  owners?: ReadonlyMap<string, Person>;
  language?: Language;
  now: Date;
}): PublicFeed {
  const language = args.language ?? args.org.language;
  const entries: Record<PublicRegister, Entry[]> = {
    // Newest first, as the workspace lists them; a cancelled event is no longer news.
    projects: [...args.register.projects].sort((a, b) => b.plannedStart.localeCompare(a.plannedStart)),
    seminars: [...args.register.seminars].sort((a, b) => b.date.localeCompare(a.date)),
    agreements: [...args.register.agreements].sort((a, b) => a.endsOn.localeCompare(b.endsOn)),
    events: [...(args.register.events ?? [])].filter((e) => e.state !== 'cancelled').sort((a, b) => b.date.localeCompare(a.date)),
  };
  const registers = PUBLIC_REGISTERS.filter((r) => args.settings.registers[r]).map((id) => {
    const setting = args.settings.registers[id]!;
    const fields = setting.fields.filter((f) => setting.contactDetails || !CONTACT_FIELDS.includes(f));
    return {
      id,
      title: publicLabel(language, id),
      fields: fields.map((f) => ({ id: f, label: publicLabel(language, f) })),
      items: entries[id].map((entry) => Object.fromEntries(fields.map((f) => [f, fieldValue(id, entry, f, (u) => args.unitName(u, language), args.owners?.get(`${id}/${entry.id}`), language)]))),
    };
  });
  return { version: 1, organisation: { id: args.org.id, name: args.org.name }, language, generatedAt: args.now.toISOString(), registers };
}

/** A value as a page's table cell shows it. */
export function shownPublicValue(v: z.infer<typeof value>, language: Language): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return language === 'sv' ? (v ? 'Ja' : 'Nej') : v ? 'Yes' : 'No';
  return String(v);
}
