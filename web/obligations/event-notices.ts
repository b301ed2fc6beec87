/**
 * Events told of beforehand, in the browser: the register (by unit and year, as CSV), registering
 * one with the people concerned, and each event's page with changing or cancelling it and its history.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { cancelEvent, changeEvent, eventStatus, registerEvent, resendEventMail } from '../../client/events';
import { readRegister } from '../../client/registers';
import { formatDate } from '../../domain/calendar';
import { checkEvent, checkEventChange, type EventChange, type EventRegistration, type EventState, type Person, type RecordEntry } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { listLines } from '../../domain/text';
import type { EventStatus } from '../../workflows/definitions';
import { entityParams, eventForm, languageQuery, pageQuery, listQuery, type ListQuery } from '../forms';
import { pluralText, text, type TextKey } from '../i18n';
import { eventsSheet } from '../../exports/registers';
import { unitOptions, withTyped, type PageForm } from '../page-forms';
import { doneMessage } from '../pages/done-messages';
import { acting, historyRows, listFilters, mailProblemsFact, mailProblemsOf, obligationProblems, readOrOnRecord, type Problems, type PagesOptions, type WebKindModule } from './web-kind';

const stateText = (lang: Language, state: EventState) => text(lang, `event_${state}` as TextKey);

/** "Anna Berg <anna.berg@kommun.se>", one a line. */
export function peopleFromText(value: string | undefined): Person[] {
  return listLines(value ?? '').map((line) => {
    const m = /^(.*?)\s*<([^>]+)>$/.exec(line);
    return m ? { name: m[1]!.trim(), email: m[2]!.trim() } : { name: line, email: '' };
  });
}

const EVENT_HISTORY: Record<EventStatus['history'][number]['what'], RecordEntry['what']> = {
  registered: 'registered',
  notice: 'event-notice',
  changed: 'event-changed',
  'change-notice': 'event-notice',
  cancelled: 'event-cancelled',
  'cancel-notice': 'event-notice',
  held: 'event-held',
  'mail-failed': 'mail-failed',
  'mail-resent': 'mail-resent',
};

export const eventNoticesWeb: WebKindModule<'event-notices'> = {
  overview({ obligation, register, lang, year, today }) {
    const mine = (register.events ?? []).filter((e) => e.obligationId === obligation.id);
    const coming = mine.filter((e) => (e.endDate ?? e.date) >= today && e.state !== 'cancelled').length;
    const untold = mine.filter((e) => e.date.startsWith(String(year)) && e.state === 'held' && e.noticesSent === 0).length;
    return {
      url: '/events',
      facts: [
        { text: pluralText(lang, 'ovEventsComing', coming, { n: coming }), attention: false },
        { text: pluralText(lang, 'ovEventsUntold', untold, { n: untold }), attention: untold > 0 },
        ...mailProblemsFact(mine, lang),
      ],
    };
  },
  pages: async (instance, { kit, session }: PagesOptions) => {
    const app = instance.withTypeProvider<ZodTypeProvider>();
    const { config, client, zone, page, unitName } = kit;
    const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
    const orgId = config.organisation.id;
    const obligations = config.obligations.filter((o) => o.kind === 'event-notices');
    const PEOPLE_FIELD = { concerned: 'concerned' };

    const registrationForm = (lang: Language): PageForm => ({
      id: 'register-event',
      heading: text(lang, 'registerEvent'),
      help: text(lang, 'registerEventHelp'),
      action: '/events',
      submit: text(lang, 'registerButton'),
      fields: [
        { name: 'title', label: text(lang, 'fieldTitle'), type: 'text', required: true },
        { name: 'id', label: text(lang, 'fieldId'), type: 'text', required: true, help: text(lang, 'fieldIdHelp') },
        { name: 'date', label: text(lang, 'fieldDate'), type: 'date', required: true },
        { name: 'endDate', label: text(lang, 'fieldEndDate'), type: 'date' },
        { name: 'place', label: text(lang, 'fieldPlace'), type: 'text', required: true },
        { name: 'unitId', label: text(lang, 'unit'), type: 'select', required: true, options: unitOptions(config.units, lang) },
        { name: 'concerned', label: text(lang, 'fieldConcerned'), type: 'textarea', help: text(lang, 'fieldConcernedHelp') },
        { name: 'description', label: text(lang, 'fieldDescription'), type: 'textarea' },
        ...(obligations.length > 1 ? [{ name: 'obligation', label: text(lang, 'obligation'), type: 'select' as const, required: true, options: obligations.map((g) => ({ value: g.id, label: g.title[lang] })) }] : []),
      ],
    });

    const renderList = async (request: FastifyRequest, reply: FastifyReply, filtered: ListQuery, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const register = await readRegister(client, orgId);
      const events = register.events ?? [];
      const filters = listFilters(kit, filtered, lang, '/events', events.map((e) => Number(e.date.slice(0, 4))));
      const shown = events.filter((e) => (!filters.unit || e.unitId === filters.unit) && (!filters.year || e.date.startsWith(String(filters.year)))).sort((a, b) => b.date.localeCompare(a.date));
      const columns = [text(lang, 'fieldTitle'), text(lang, 'fieldDate'), text(lang, 'fieldPlace'), text(lang, 'unit'), text(lang, 'state'), text(lang, 'noticesSent')];
      if (filters.format) return filters.send(reply, 'events', eventsSheet(shown, config, lang));
      return page(reply, status, 'list', context, {
        heading: text(lang, 'eventsTitle'),
        intro: text(lang, 'eventsIntro'),
        done: doneMessage(lang, request.query),
        error,
        filters: filters.view,
        csvUrl: filters.csvUrl,
        xlsxUrl: filters.xlsxUrl,
        tables: [
          {
            caption: text(lang, 'eventsTitle'),
            columns,
            empty: text(lang, 'noneYet'),
            rows: shown.map((e) => ({
              cells: [
                { text: e.title, url: `/events/${e.id}` },
                { text: formatDate(`${e.date}T12:00:00`, zone, lang) },
                { text: e.place },
                { text: unitName(e.unitId, lang) },
                { text: stateText(lang, e.state), attention: e.state === 'held' && e.noticesSent === 0 },
                { text: String(e.noticesSent) },
              ],
            })),
          },
        ],
        forms: context.canAct ? [withTyped(lang, registrationForm(lang), typed, problems, PEOPLE_FIELD)] : [],
      });
    };

    app.get('/events', { onRequest: requireLogin, schema: { querystring: listQuery } }, async (request, reply) => renderList(request, reply, request.query));
    app.post('/events', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: eventForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { body } = request;
      const lang = secretariatLanguage(request);
      const event: EventRegistration = {
        id: (body.id ?? '').trim(),
        title: (body.title ?? '').trim(),
        date: body.date ?? '',
        ...(body.endDate ? { endDate: body.endDate } : {}),
        place: (body.place ?? '').trim(),
        unitId: body.unitId ?? '',
        concerned: peopleFromText(body.concerned),
        ...(body.description?.trim() ? { description: body.description.trim() } : {}),
      };
      const problems = checkEvent(event).map((p) => (p.field.startsWith('concerned') ? { ...p, field: 'concerned' } : p));
      if (!config.units.some((u) => u.id === event.unitId)) problems.push({ field: 'unitId', message: text(lang, 'chooseUnit') });
      problems.push(...obligationProblems(kit, 'event-notices', body.obligation, lang));
      if (problems.length) return renderList(request, reply, {}, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          await registerEvent(client, kit.deps.taskQueue, config, event, body.obligation || undefined, actor(request));
          return `/events/${event.id}?done=event-registered`;
        },
        (status, error) => renderList(request, reply, {}, status, error, body),
      );
    });

    const renderEvent = async (request: FastifyRequest, reply: FastifyReply, id: string, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const read = await readOrOnRecord(kit, reply, lang, () => eventStatus(client, orgId, id), 'event', id);
      if (!read) return reply;
      // Once its workflow is gone, the event as it stood last on record: shown, but nothing more can be done in it.
      const archived = read.onRecord;
      const event = read.live ?? read.onRecord.state;
      const canAct = context.canAct && !archived;
      const open = event.state === 'planned' || event.state === 'noticed';
      const mailProblems = mailProblemsOf(event.mailProblems, lang, zone, `/events/${id}/resend-mail`, canAct);
      return page(reply, status, 'record', context, {
        back: { url: '/events', text: text(lang, 'eventsTitle') },
        heading: event.title,
        done: doneMessage(lang, request.query),
        error,
        facts: [
          { label: text(lang, 'state'), value: stateText(lang, event.state) },
          { label: text(lang, 'fieldDate'), value: `${formatDate(`${event.date}T12:00:00`, zone, lang)}${event.endDate ? ` – ${formatDate(`${event.endDate}T12:00:00`, zone, lang)}` : ''}` },
          { label: text(lang, 'fieldPlace'), value: event.place },
          { label: text(lang, 'unit'), value: unitName(event.unitId, lang) },
          { label: text(lang, 'noticesSent'), value: String(event.noticesSent) },
        ],
        blocks: [
          ...(archived ? [{ heading: text(lang, 'caseArchivedTitle'), text: text(lang, 'eventArchivedText', { when: formatDate(new Date(archived.at).toISOString(), zone, lang, true) }) }] : []),
          ...mailProblems.blocks,
          ...(event.concerned.length ? [{ heading: text(lang, 'fieldConcerned'), text: event.concerned.map((p) => `${p.name} <${p.email}>`).join(', ') }] : []),
          ...(event.description ? [{ heading: text(lang, 'fieldDescription'), text: event.description }] : []),
        ],
        forms: [
          ...mailProblems.forms,
          ...(canAct && open
          ? [
              withTyped(lang, 
                {
                  id: 'change',
                  heading: text(lang, 'changeEvent'),
                  help: text(lang, 'changeEventHelp'),
                  action: `/events/${id}/change`,
                  submit: text(lang, 'changeButton'),
                  fields: [
                    { name: 'title', label: text(lang, 'fieldTitle'), type: 'text', value: event.title },
                    { name: 'date', label: text(lang, 'fieldDate'), type: 'date', value: event.date },
                    { name: 'endDate', label: text(lang, 'fieldEndDate'), type: 'date', value: event.endDate ?? '' },
                    { name: 'place', label: text(lang, 'fieldPlace'), type: 'text', value: event.place },
                  ],
                },
                typed,
                problems,
              ),
              { id: 'cancel', heading: text(lang, 'cancelEvent'), help: text(lang, 'cancelEventHelp'), action: `/events/${id}/cancel`, submit: text(lang, 'cancelButton'), danger: true, fields: [{ name: 'reason', label: text(lang, 'reason'), type: 'text' }] },
            ]
          : []),
        ],
        history: historyRows(event.history.map((h) => ({ at: h.at, what: EVENT_HISTORY[h.what], by: h.by, detail: h.detail })), lang, zone),
      });
    };

    /** An action on an event whose workflow is gone: its page (from the record, or none) says nothing more can be done. */
    const archivedRefused = async (request: FastifyRequest, reply: FastifyReply, id: string, lang: Language, act: () => Promise<unknown>) => {
      try {
        return await act();
      } catch (err) {
        if ((err as Error).name === 'NotRegisteredError') return renderEvent(request, reply, id, 409, text(lang, 'eventArchivedRefused'));
        throw err;
      }
    };

    app.get('/events/:id', { onRequest: requireLogin, schema: { params: entityParams, querystring: pageQuery } }, async (request, reply) => renderEvent(request, reply, request.params.id));
    app.post('/events/:id/change', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: eventForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const lang = secretariatLanguage(request);
      const read = await readOrOnRecord(kit, reply, lang, () => eventStatus(client, orgId, id), 'event', id);
      if (!read) return reply;
      if (read.onRecord) return renderEvent(request, reply, id, 409, text(lang, 'eventArchivedRefused'), body);
      const current = read.live;
      const change: EventChange = {};
      if (body.title !== undefined && body.title.trim() !== current.title) change.title = body.title.trim();
      if (body.date !== undefined && body.date !== current.date) change.date = body.date;
      if (body.endDate !== undefined && body.endDate !== '' && body.endDate !== current.endDate) change.endDate = body.endDate;
      if (body.place !== undefined && body.place.trim() !== current.place) change.place = body.place.trim();
      const problems = checkEventChange(change);
      if (problems.length) return renderEvent(request, reply, id, 400, undefined, body, problems.map((p) => (p.field === 'change' ? { ...p, field: 'title' } : p)));
      return acting(
        reply,
        lang,
        async () => {
          await changeEvent(client, orgId, id, change, actor(request));
          return `/events/${id}?done=event-changed`;
        },
        (status, error) => renderEvent(request, reply, id, status, error, body),
      );
    });
    app.post('/events/:id/cancel', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: eventForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const lang = secretariatLanguage(request);
      return archivedRefused(request, reply, id, lang, () =>
        acting(
          reply,
          lang,
          async () => {
            await cancelEvent(client, orgId, id, body.reason?.trim() || undefined, actor(request));
            return `/events/${id}?done=event-cancelled`;
          },
          (status, error) => renderEvent(request, reply, id, status, error),
        ),
      );
    });
    app.post('/events/:id/resend-mail', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: eventForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const lang = secretariatLanguage(request);
      return archivedRefused(request, reply, id, lang, () =>
        acting(
          reply,
          lang,
          async () => {
            await resendEventMail(client, orgId, id, actor(request));
            return `/events/${id}?done=mail-resent`;
          },
          (status, error) => renderEvent(request, reply, id, status, error),
        ),
      );
    });
  },
};
