/**
 * Seminars counted against a yearly minimum, in the browser: the register (by unit and year, as
 * CSV), the year's count against each minimum, and registering one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readRegister } from '../../client/registers';
import { editSeminar, registerSeminar } from '../../client/seminars';
import { formatDate } from '../../domain/calendar';
import { checkSeminar, countedSeminars, type SeminarChange, type SeminarRegistration } from '../../domain/registers';
import type { Language } from '../../domain/types';
import { entityParams, languageQuery, listQuery, pageQuery, seminarForm, type ListQuery } from '../forms';
import { pluralText, text, type TextKey } from '../i18n';
import { seminarsSheet } from '../../exports/registers';
import type { WebKit } from '../kit';
import { unitOptions, withTyped, type PageForm } from '../page-forms';
import { doneMessage } from '../pages/done-messages';
import { acting, historyRows, listFilters, type Problems, type PagesOptions, type WebKindModule } from './web-kind';

const ROLES = ['organiser', 'co-organiser', 'participant'] as const;
const roleText = (lang: Language, role: string) => text(lang, `role_${role}` as TextKey);

export function seminarRegistrationForm(kit: WebKit, lang: Language, action: string, fixedUnit?: string): PageForm {
  return {
    id: 'register-seminar',
    heading: text(lang, 'registerSeminar'),
    help: text(lang, 'registerSeminarHelp'),
    action,
    submit: text(lang, 'registerButton'),
    fields: [
      { name: 'title', label: text(lang, 'fieldTitle'), type: 'text', required: true },
      { name: 'date', label: text(lang, 'fieldDate'), type: 'date', required: true },
      { name: 'place', label: text(lang, 'fieldPlace'), type: 'text', required: true },
      { name: 'country', label: text(lang, 'fieldCountry'), type: 'text', required: true, value: 'SE', help: text(lang, 'fieldCountryHelp') },
      { name: 'role', label: text(lang, 'fieldRole'), type: 'radio', required: true, options: ROLES.map((r) => ({ value: r, label: roleText(lang, r), selected: r === 'organiser' })) },
      ...(fixedUnit ? [] : [{ name: 'unitId', label: text(lang, 'unit'), type: 'select' as const, required: true, options: unitOptions(kit.config.units, lang) }]),
    ],
  };
}

export function seminarFromForm(body: Record<string, string | undefined>, unitId: string): SeminarRegistration {
  return {
    title: (body.title ?? '').trim(),
    date: body.date ?? '',
    place: (body.place ?? '').trim(),
    country: (body.country ?? '').trim().toUpperCase(),
    role: (body.role ?? '') as SeminarRegistration['role'],
    unitId,
  };
}

export const minimumOccurrencesWeb: WebKindModule<'minimum-occurrences'> = {
  overview({ obligation, register, lang, year, today }) {
    const held = countedSeminars(register.seminars, year, obligation.countedRoles, obligation.euOnly, today).length;
    const planned = countedSeminars(register.seminars, year, obligation.countedRoles, obligation.euOnly).length - held;
    return {
      url: `/seminars?year=${year}`,
      facts: [
        { text: pluralText(lang, 'ovSeminarsHeld', obligation.minimum, { n: held, minimum: obligation.minimum, year }), attention: held < obligation.minimum },
        { text: pluralText(lang, 'ovSeminarsPlanned', planned, { n: planned }), attention: false },
      ],
    };
  },
  pages: async (instance, { kit, session }: PagesOptions) => {
    const app = instance.withTypeProvider<ZodTypeProvider>();
    const { config, client, zone, page, message, unitName } = kit;
    const { requireLogin, requireSecretariat, secretariatContext, secretariatLanguage } = session;
    const orgId = config.organisation.id;
    const minimums = config.obligations.filter((o) => o.kind === 'minimum-occurrences');

    const renderList = async (request: FastifyRequest, reply: FastifyReply, filtered: ListQuery, status = 200, error?: string, typed: Record<string, unknown> = {}, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const register = await readRegister(client, orgId);
      const filters = listFilters(kit, filtered, lang, '/seminars', [...register.seminars.map((s) => Number(s.date.slice(0, 4))), kit.now().getFullYear()]);
      const shown = register.seminars
        .filter((s) => (!filters.unit || s.unitId === filters.unit) && (!filters.year || s.date.startsWith(String(filters.year))))
        .sort((a, b) => b.date.localeCompare(a.date));
      const columns = [text(lang, 'fieldTitle'), text(lang, 'fieldDate'), text(lang, 'fieldPlace'), text(lang, 'fieldCountry'), text(lang, 'fieldRole'), text(lang, 'unit')];
      if (filters.format) return filters.send(reply, 'seminars', seminarsSheet(shown, config, lang));
      const year = filters.year ?? kit.now().getFullYear();
      return page(reply, status, 'list', context, {
        heading: text(lang, 'seminarsTitle'),
        intro: text(lang, 'seminarsIntro'),
        done: doneMessage(lang, request.query),
        error,
        summary: minimums.map((o) => {
          const counted = countedSeminars(register.seminars, year, o.countedRoles, o.euOnly).filter((s) => !filters.unit || s.unitId === filters.unit).length;
          return { text: `${o.title[lang]} ${year}: ${text(lang, 'countOfMinimum', { n: counted, minimum: o.minimum })}`, attention: counted < o.minimum };
        }),
        filters: filters.view,
        csvUrl: filters.csvUrl,
        xlsxUrl: filters.xlsxUrl,
        tables: [
          {
            caption: text(lang, 'seminarsTitle'),
            columns,
            empty: text(lang, 'noneYet'),
            rows: shown.map((s) => ({
              cells: [{ text: s.title, url: `/seminars/${s.id}` }, { text: formatDate(`${s.date}T12:00:00`, zone, lang) }, { text: s.place }, { text: s.country }, { text: roleText(lang, s.role) }, { text: unitName(s.unitId, lang) }],
            })),
          },
        ],
        forms: context.canAct ? [withTyped(lang, seminarRegistrationForm(kit, lang, '/seminars'), typed, problems)] : [],
      });
    };

    app.get('/seminars', { onRequest: requireLogin, schema: { querystring: listQuery } }, async (request, reply) => renderList(request, reply, request.query));

    const renderSeminar = async (request: FastifyRequest, reply: FastifyReply, id: string, status = 200, error?: string, typed?: Record<string, unknown>, problems: Problems = []) => {
      const context = secretariatContext(request, reply);
      const lang = context.lang;
      const seminar = (await readRegister(client, orgId)).seminars.find((s) => s.id === id);
      if (!seminar) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const editing = seminarRegistrationForm(kit, lang, `/seminars/${id}/edit`);
      const current: Record<string, string> = { title: seminar.title, date: seminar.date, place: seminar.place, country: seminar.country, role: seminar.role, unitId: seminar.unitId };
      return page(reply, status, 'record', context, {
        back: { url: `/seminars?year=${seminar.date.slice(0, 4)}`, text: text(lang, 'seminarsTitle') },
        heading: seminar.title,
        done: doneMessage(lang, request.query),
        error,
        facts: [
          { label: text(lang, 'fieldDate'), value: formatDate(`${seminar.date}T12:00:00`, zone, lang) },
          { label: text(lang, 'fieldPlace'), value: `${seminar.place} (${seminar.country})` },
          { label: text(lang, 'fieldRole'), value: roleText(lang, seminar.role) },
          { label: text(lang, 'unit'), value: unitName(seminar.unitId, lang) },
        ],
        forms: context.canAct ? [withTyped(lang, { ...editing, id: 'edit', heading: text(lang, 'editSeminar'), submit: text(lang, 'saveChanges') }, typed ?? current, problems)] : [],
        history: historyRows(
          [
            { at: seminar.registeredAt, what: 'registered', by: seminar.registeredBy },
            ...(seminar.editedAt ? [{ at: seminar.editedAt, what: 'edited' as const, by: seminar.editedBy }] : []),
          ],
          lang,
          zone,
        ),
      });
    };
    app.get('/seminars/:id', { onRequest: requireLogin, schema: { params: entityParams, querystring: pageQuery } }, async (request, reply) => renderSeminar(request, reply, request.params.id));
    app.post('/seminars/:id/edit', { onRequest: requireSecretariat, schema: { params: entityParams, querystring: languageQuery, body: seminarForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const lang = secretariatLanguage(request);
      const current = (await readRegister(client, orgId)).seminars.find((s) => s.id === id);
      if (!current) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      const edited = seminarFromForm(body, body.unitId ?? current.unitId);
      const change: SeminarChange = Object.fromEntries((['title', 'date', 'place', 'country', 'role', 'unitId'] as const).filter((k) => edited[k] !== current[k]).map((k) => [k, edited[k]]));
      if (Object.keys(change).length === 0) return reply.redirect(`/seminars/${id}`, 303);
      const problems = checkSeminar(edited);
      if (!config.units.some((u) => u.id === edited.unitId)) problems.push({ field: 'unitId', message: text(lang, 'chooseUnit') });
      if (problems.length) return renderSeminar(request, reply, id, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          await editSeminar(client, config, id, change, session.actor(request));
          return `/seminars/${id}?done=seminar-edited`;
        },
        (status, error) => renderSeminar(request, reply, id, status, error, body),
      );
    });
    app.post('/seminars', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: seminarForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const { body } = request;
      const lang = secretariatLanguage(request);
      const seminar = seminarFromForm(body, body.unitId ?? '');
      const problems = checkSeminar(seminar);
      if (!config.units.some((u) => u.id === seminar.unitId)) problems.push({ field: 'unitId', message: text(lang, 'chooseUnit') });
      if (problems.length) return renderList(request, reply, {}, 400, undefined, body, problems);
      return acting(
        reply,
        lang,
        async () => {
          await registerSeminar(client, kit.deps.taskQueue, config, { ...seminar, registeredBy: session.actor(request) });
          return `/seminars?year=${seminar.date.slice(0, 4)}&done=seminar-registered`;
        },
        (status, error) => renderList(request, reply, {}, status, error, body),
      );
    });
  },
};
