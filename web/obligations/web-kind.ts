/**
 * What each obligation kind contributes to the web, in one place per kind (web/obligations/<kind>.ts):
 * its entry on the overview ("are we complying?") and its pages. The overview loops over the
 * organisation's obligations and asks each kind's module; app.ts registers each kind's pages once.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ObligationConfig, ObligationKind } from '../../config/schema';
import type { ListedCycle } from '../../client/cycles';
import { RejectedError } from '../../client/temporal';
import { formatDate } from '../../domain/calendar';
import type { EntityMailProblem, RecordEntry, RegisterContents } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { text, type TextKey } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';
import { listWorkbook, sendTable } from '../send-table';
import type { Sheet, TableFormat } from '../../exports/workbook';
import { caseOnRecord, type CaseKind, type CaseVersion } from '../../records/cases';

export type ObligationOf<K extends ObligationKind> = Extract<ObligationConfig, { kind: K }>;

export interface OverviewArgs<K extends ObligationKind> {
  kit: WebKit;
  obligation: ObligationOf<K>;
  register: RegisterContents;
  cycles: ListedCycle[];
  lang: Language;
  now: Date;
  /** The current year in the organisation's zone. */
  year: number;
  /** Today, YYYY-MM-DD in the organisation's zone. */
  today: string;
}

export interface OverviewFact {
  text: string;
  /** Someone must act: shown in bold. */
  attention: boolean;
}

export interface OverviewEntry {
  facts: OverviewFact[];
  url: string;
}

export interface PagesOptions {
  kit: WebKit;
  session: SecretariatSession;
}

export interface WebKindModule<K extends ObligationKind> {
  overview(args: OverviewArgs<K>): Promise<OverviewEntry> | OverviewEntry;
  /** The kind's pages, registered once whatever number of obligations of the kind there are. */
  pages?: (app: FastifyInstance, options: PagesOptions) => Promise<void>;
}

/** Problems of a form, beside their fields. */
export type Problems = { field: string; message: string }[];

/**
 * The obligation a registration form names, checked before anything is started: a value that is
 * not one of the kind (a form made by hand, or an obligation taken out of the config since the
 * page was loaded), or none where there are several, is the form's problem beside its field, not
 * an error of the service. Without one, the only obligation of the kind is meant.
 */
export function obligationProblems(kit: WebKit, kind: ObligationKind, given: string | undefined, lang: Language): Problems {
  const candidates = kit.config.obligations.filter((o) => o.kind === kind);
  if (given) return candidates.some((o) => o.id === given) ? [] : [{ field: 'obligation', message: text(lang, 'noSuchObligation') }];
  return candidates.length > 1 ? [{ field: 'obligation', message: text(lang, 'chooseObligation') }] : [];
}

/** The obligation of the kind named in the route (`:obligation`), or none. */
export function obligationInRoute<K extends ObligationKind>(kit: WebKit, obligation: string, kind: K): ObligationOf<K> | undefined {
  return kit.config.obligations.find((o): o is ObligationOf<K> => o.id === obligation && o.kind === kind);
}

/**
 * What a page shows, read from its workflow; an entity that was never registered is a page that
 * does not exist (404, said), and the caller returns the reply when this gives undefined.
 */
export async function readOrNotFound<T>(kit: WebKit, reply: FastifyReply, lang: Language, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if ((err as Error).name === 'NotRegisteredError') return void kit.message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    throw err;
  }
}

/** A case read from its workflow (`live`), or, once the workflow is gone, as it stood last on record. */
export type LiveOrOnRecord<T> = { live: T; onRecord?: undefined } | { live?: undefined; onRecord: CaseVersion<T> };

/**
 * What a case's page shows: read from its workflow while Temporal keeps it; once its history is
 * deleted (the namespace's retention after it closed), the case as it stood last in the database of
 * record (WebDeps.records). Neither: the page does not exist (404, said), and this gives undefined.
 */
export async function readOrOnRecord<T>(kit: WebKit, reply: FastifyReply, lang: Language, read: () => Promise<T>, kind: CaseKind, caseId: string): Promise<LiveOrOnRecord<T> | undefined> {
  try {
    return { live: await read() };
  } catch (err) {
    if ((err as Error).name !== 'NotRegisteredError') throw err;
    const kept = kit.deps.records ? await caseOnRecord<T>(kit.deps.records, kit.config.organisation.id, kind, caseId) : undefined;
    if (kept) return { onRecord: kept };
    return void kit.message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
  }
}

/** A history read from a workflow, newest first, in the page's words. */
export function historyRows(entries: RecordEntry[] | undefined, lang: Language, zone: string) {
  return [...(entries ?? [])]
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((h) => ({
      when: formatDate(h.at, zone, lang, true),
      who: h.by === 'owner' ? text(lang, 'historyOwner') : (h.by ?? text(lang, 'historySchedule')),
      what: `${text(lang, `record_${h.what}` as TextKey)}${h.detail ? ` (${h.detail})` : ''}`,
    }));
}

/**
 * Query filters of a list (forms.ts's listQuery): a unit of the organisation and a year, both
 * optional; a unit that is none of the organisation's is no filter.
 */
export function listFilters(kit: WebKit, query: { unit?: string; year?: string; format?: TableFormat }, lang: Language, action: string, years: number[]) {
  const unit = kit.config.units.some((u) => u.id === query.unit) ? query.unit : undefined;
  const year = query.year ? Number(query.year) : undefined;
  const exportUrl = (format: TableFormat) => `${action}?${new URLSearchParams({ ...(unit ? { unit } : {}), ...(year ? { year: String(year) } : {}), format }).toString()}`;
  const { format } = query;
  const org = kit.config.organisation;
  return {
    unit,
    year,
    /** Asked for as a file (XLSX or CSV) instead of the page. */
    format,
    /** The list as the file asked for (exports/registers.ts lays out each register's sheet). */
    send: (reply: FastifyReply, name: string, sheet: Sheet) => sendTable(reply, format ?? 'csv', `${org.id}-${name}`, listWorkbook(sheet.name, org.name, org.timeZone, sheet)),
    view: {
      action,
      units: kit.config.units.map((u) => ({ id: u.id, name: u.name[lang], selected: u.id === unit })),
      years: [...new Set(years)].sort((a, b) => b - a).map((value) => ({ value, selected: value === year })),
    },
    csvUrl: exportUrl('csv'),
    xlsxUrl: exportUrl('xlsx'),
  };
}

/**
 * A secretariat action: done, it goes back to the page with what happened said; refused, the page
 * is shown again with the refusal in its language and what was typed.
 */
export async function acting(
  reply: FastifyReply,
  lang: Language,
  run: () => Promise<string>,
  again: (status: number, error: string) => Promise<unknown> | unknown,
): Promise<unknown> {
  try {
    return reply.redirect(await run(), 303);
  } catch (err) {
    if (err instanceof RejectedError) return again(409, err.in(lang));
    throw err;
  }
}


/**
 * The mails of a project, an agreement or an event that did not arrive, as a block of its page,
 * and the form that sends them again (for the secretariat, once the cause is fixed).
 */
export function mailProblemsOf(problems: EntityMailProblem[] | undefined, lang: Language, zone: string, action: string, canAct: boolean | undefined) {
  if (!problems?.length) return { blocks: [], forms: [] };
  const rows = problems.map((p) => ({
    label: `${text(lang, `mail_${p.kind}` as TextKey)}, ${formatDate(p.at, zone, lang, true)}`,
    value: `${p.address ?? text(lang, 'mailProblemEveryone')}: ${text(lang, p.state === 'refused' ? 'mailProblemRefused' : 'mailProblemFailed')} (${p.error})`,
  }));
  return {
    blocks: [{ heading: text(lang, 'mailProblemsHeading'), text: text(lang, 'mailProblemsHelp'), rows }],
    forms: canAct ? [{ id: 'resend-mail', heading: text(lang, 'mailProblemsHeading'), action, submit: text(lang, 'resendMail'), fields: [] }] : [],
  };
}

/** How many of the register's entities have mail that did not arrive: a fact of the overview. */
export function mailProblemsFact(entities: { mailProblems?: EntityMailProblem[] }[], lang: Language): OverviewFact[] {
  const n = entities.filter((e) => e.mailProblems?.length).length;
  return n > 0 ? [{ text: text(lang, 'ovMailProblems', { n }), attention: true }] : [];
}
