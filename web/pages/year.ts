/**
 * The organisation's year in one picture (årshjul): a wheel by month with a ring per obligation,
 * the same events as a list beside it (the accessible form), an A4 PDF for the wall and a calendar
 * feed a person subscribes to from Outlook with a secret link of their own.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import ical, { ICalCalendarMethod, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { readRegister } from '../../client/registers';
import type { OrganisationConfig } from '../../config/schema';
import type { ReportDocument } from '../../activities/documents/document-model';
import { renderReportPdf } from '../../activities/documents/pdf';
import type { RegisterContents } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { eventsByMonth, localWhen, yearEvents, type YearEvent } from '../../domain/year-events';
import { languageQuery, pageQuery } from '../forms';
import { pluralText, text } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';

/** A year the pages show, or the same with ".pdf" for the wall. */
const yearParams = z.object({ year: z.string().regex(/^\d{4}(\.pdf)?$/) });
const feedQuery = languageQuery.extend({ who: z.string().min(1).max(200), token: z.string().min(1).max(100) });

/** The secret part of a person's feed link: only the web's own secret makes it, so the link is the credential. */
export function feedToken(secret: string, orgId: string, accountName: string): string {
  return createHmac('sha256', secret).update(`year-feed:${orgId}:${accountName}`).digest('base64url');
}

function feedTokenMatches(secret: string, orgId: string, accountName: string, token: string): boolean {
  const expected = Buffer.from(feedToken(secret, orgId, accountName));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The events of a year with what the registers add; a register that cannot be read leaves out only its dates. */
async function eventsOfYear(kit: WebKit, year: number): Promise<YearEvent[]> {
  let register: RegisterContents | undefined;
  try {
    register = await readRegister(kit.client, kit.config.organisation.id);
  } catch {
    register = undefined;
  }
  return yearEvents(kit.config, year, register);
}

// Colours told apart by people with the common colour-vision deficiencies (Okabe–Ito).
const RING_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const CENTRE = 300;
const OUTER = 290;
const MONTH_BAND = 36;
const INNER = 70;

function point(radius: number, fraction: number): { x: number; y: number } {
  const angle = 2 * Math.PI * fraction - Math.PI / 2;
  return { x: Math.round((CENTRE + radius * Math.cos(angle)) * 10) / 10, y: Math.round((CENTRE + radius * Math.sin(angle)) * 10) / 10 };
}

/** Where in the year a day lies, 0 at the start of January and 1 at the end of December. */
function yearFraction(localDate: string, localTime: string | undefined, year: number): number {
  const start = DateTime.fromObject({ year, month: 1, day: 1 });
  const end = start.plus({ years: 1 });
  const at = DateTime.fromISO(`${localDate}T${localTime ?? '12:00'}`);
  return at.diff(start).as('milliseconds') / end.diff(start).as('milliseconds');
}

/** The wheel's shapes as data; the template draws them, escaping every text. */
export function wheelOf(config: OrganisationConfig, events: YearEvent[], year: number, lang: Language) {
  const obligations = config.obligations.filter((o) => events.some((e) => e.obligationId === o.id));
  const ringsOuter = OUTER - MONTH_BAND;
  const width = obligations.length > 0 ? (ringsOuter - INNER) / obligations.length : 0;
  const rings = obligations.map((o, i) => ({
    obligationId: o.id,
    title: o.title[lang],
    colour: RING_COLOURS[i % RING_COLOURS.length]!,
    radius: Math.round((ringsOuter - width * (i + 0.5)) * 10) / 10,
    width: Math.round(Math.max(2, width - 4) * 10) / 10,
  }));
  const months = eventsByMonth(events, year, lang).map((m) => {
    const from = point(OUTER, (m.month - 1) / 12);
    const to = point(INNER, (m.month - 1) / 12);
    const label = point(OUTER - MONTH_BAND / 2, (m.month - 0.5) / 12);
    return { name: m.name, short: m.name.slice(0, 3), line: { x1: from.x, y1: from.y, x2: to.x, y2: to.y }, label, count: m.events.length };
  });
  const ringOf = new Map(rings.map((r) => [r.obligationId, r]));
  const dots = events.map((e) => {
    const ring = ringOf.get(e.obligationId)!;
    const at = point(ring.radius, yearFraction(e.localDate, e.localTime, year));
    return { x: at.x, y: at.y, colour: ring.colour, title: `${localWhen(e, lang)}: ${e.obligationTitle[lang]} – ${e.label[lang]}` };
  });
  return { size: CENTRE * 2, centre: CENTRE, outer: OUTER, inner: INNER, rings, months, dots };
}

/** The year as iCalendar: one entry per event, its UID the event's own, so a moved date replaces the entry. */
export function yearCalendar(config: OrganisationConfig, events: YearEvent[], lang: Language, now: Date): string {
  const zone = config.organisation.timeZone;
  const calendar = ical({
    prodId: { company: 'policy-followup', product: 'followup', language: lang.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    name: text(lang, 'yearFeedName', { organisation: config.organisation.name }),
    ttl: 6 * 3600,
  });
  for (const e of events) {
    // Moments in UTC, which every client places in its own zone without a VTIMEZONE; whole days as local dates.
    const start = new Date(e.at);
    calendar.createEvent({
      id: `${e.uid}@policy-followup`,
      stamp: now,
      start: e.allDay ? DateTime.fromISO(e.localDate, { zone }) : start,
      end: e.allDay ? DateTime.fromISO(e.endDate ?? e.localDate, { zone }).plus({ days: 1 }) : new Date(start.getTime() + 15 * 60_000),
      allDay: e.allDay,
      summary: `${e.label[lang]} – ${e.obligationTitle[lang]}`,
      description: e.obligationTitle[lang],
      // A date of the year does not make anyone busy.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

/** The year on A4: a table per month. */
export function yearDocument(config: OrganisationConfig, events: YearEvent[], year: number, lang: Language, now: Date): ReportDocument {
  const title = text(lang, 'yearTitle', { year: String(year) });
  const months = eventsByMonth(events, year, lang).filter((m) => m.events.length > 0);
  return {
    language: lang,
    title: `${title} – ${config.organisation.name}`,
    author: config.organisation.name,
    subject: config.policy.name[lang],
    createdAt: now,
    blocks: [
      { kind: 'heading', level: 1, text: `${title} – ${config.organisation.name}` },
      { kind: 'paragraph', runs: [{ text: text(lang, 'yearPdfIntro', { zone: config.organisation.timeZone }) }], quiet: true },
      ...(months.length === 0 ? [{ kind: 'paragraph' as const, runs: [{ text: text(lang, 'yearNoEvents') }] }] : []),
      ...months.map((m) => ({
        kind: 'table' as const,
        caption: `${m.name} ${year}`,
        columns: [text(lang, 'yearWhen'), text(lang, 'obligation'), text(lang, 'yearWhat')],
        rows: m.events.map((e) => ({ head: localWhen(e, lang), cells: [e.obligationTitle[lang], e.label[lang]] })),
      })),
    ],
  };
}

export async function yearPages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, page, message } = kit;
  const { requireLogin, secretariatContext, signedIn } = session;
  const orgId = config.organisation.id;
  const secret = kit.deps.cookieSecret;
  const thisYear = () => DateTime.fromJSDate(kit.now(), { zone: kit.zone }).year;

  const feedUrl = (request: FastifyRequest, lang: Language) => {
    const who = signedIn(request)?.name;
    if (!who) return undefined;
    const base = `${kit.deps.publicBaseUrl.replace(/\/$/, '')}${kit.basePath}`;
    return `${base}/year.ics?${new URLSearchParams({ who, token: feedToken(secret, orgId, who), lang }).toString()}`;
  };

  const render = async (request: FastifyRequest, reply: FastifyReply, year: number) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const events = await eventsOfYear(kit, year);
    const wheel = wheelOf(config, events, year, lang);
    const months = eventsByMonth(events, year, lang)
      .filter((m) => m.events.length > 0)
      .map((m) => ({ name: m.name, events: m.events.map((e) => ({ when: localWhen(e, lang), date: e.localDate, obligation: e.obligationTitle[lang], what: e.label[lang], kind: e.kind })) }));
    return page(reply, 200, 'year', context, {
      heading: text(lang, 'yearTitle', { year: String(year) }),
      intro: text(lang, 'yearIntro', { zone: config.organisation.timeZone }),
      year,
      wheel,
      wheelTitle: text(lang, 'yearWheelTitle', { year: String(year) }),
      wheelDescription: pluralText(lang, 'yearWheelDescription', wheel.rings.length, { dates: pluralText(lang, 'yearWheelDates', events.length, { count: events.length }), obligations: wheel.rings.length }),
      months,
      previousUrl: `${kit.basePath}/year/${year - 1}`,
      nextUrl: `${kit.basePath}/year/${year + 1}`,
      previousYear: year - 1,
      nextYear: year + 1,
      pdfUrl: `${kit.basePath}/year/${year}.pdf?lang=${lang}`,
      feedUrl: feedUrl(request, lang),
    });
  };

  app.get('/year', { onRequest: requireLogin, schema: { querystring: pageQuery } }, async (request, reply) => render(request, reply, thisYear()));

  app.get('/year/:year', { onRequest: requireLogin, schema: { params: yearParams, querystring: pageQuery } }, async (request, reply) => {
    const year = Number(request.params.year.slice(0, 4));
    if (!request.params.year.endsWith('.pdf')) return render(request, reply, year);
    const lang = secretariatContext(request, reply).lang;
    const events = await eventsOfYear(kit, year);
    const pdf = await renderReportPdf(yearDocument(config, events, year, lang, kit.now()));
    const filename = `${lang === 'sv' ? 'arshjul' : 'annual-wheel'}-${orgId}-${year}.pdf`;
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(pdf);
  });

  // Outlook fetches the feed without a session: the signed link is the credential.
  app.get('/year.ics', { schema: { querystring: feedQuery } }, async (request, reply) => {
    const { who, token } = request.query;
    const lang = request.query.lang ?? kit.orgLanguage;
    if (!feedTokenMatches(secret, orgId, who, token)) return message(reply, 403, lang, 'yearFeedForgedTitle', 'yearFeedForgedText');
    const year = thisYear();
    // This year and the next: a subscribed calendar shows what is coming in December too.
    const events = [...(await eventsOfYear(kit, year)), ...(await eventsOfYear(kit, year + 1))];
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=3600')
      .send(yearCalendar(config, events, lang, kit.now()));
  });
}
