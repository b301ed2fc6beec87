/**
 * People as they are this season (the secretariat only): a person's substitute for some days, and
 * a unit's contacts and head changed without a config deploy. Both are kept in the database of
 * record (records/people.ts) and read by the activities whenever a mail goes out; the page shows
 * where the config's value is overridden, and every change is in the audit log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DateTime } from 'luxon';
import type { PersonConfig } from '../../config/schema';
import { formatDate } from '../../domain/calendar';
import { listLines } from '../../domain/text';
import type { Language } from '../../domain/types';
import { recordAction } from '../../records/audit-log';
import { addSubstitution, clearUnitContacts, delegationsInForce, removeSubstitution, setUnitContacts, substitutionsOf, unitContactOverrides, withdrawDelegation, type Contact } from '../../records/people';
import { languageQuery, pageQuery, recordIdParams, substitutionForm, unitContactsForm } from '../forms';
import { text } from '../i18n';
import type { WebKit } from '../kit';
import type { PageForm } from '../page-forms';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';

const address = z.email().max(254);
const isoDay = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid ? value : undefined);

/** A contact as one line: "Name <address>", or the address alone (a shared mailbox). */
export function contactLine(contact: Contact | PersonConfig): string {
  return contact.name && contact.name !== contact.email ? `${contact.name} <${contact.email}>` : contact.email;
}

/** One line back into a contact; undefined when it is not one. */
export function parseContactLine(line: string): Contact | undefined {
  const trimmed = line.trim();
  const named = /^(.*?)\s*<([^<>\s]+)>$/.exec(trimmed);
  const [name, email] = named ? [named[1]!.trim(), named[2]!] : ['', trimmed];
  if (!address.safeParse(email).success || name.length > 120 || /[<>\p{Cc}]/u.test(name)) return undefined;
  return { ...(name ? { name } : {}), email };
}

export async function peoplePages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, page, message, zone } = kit;
  const { requireSecretariat, secretariatContext, secretariatLanguage, actor } = session;
  const org = config.organisation.id;
  const records = kit.deps.records;
  const unitName = (unitId: string, lang: Language) => config.units.find((u) => u.id === unitId)?.name[lang] ?? unitId;

  const substitutionFormOf = (lang: Language, typed: Record<string, string | undefined> = {}, errors: { field: string; message: string }[] = []): PageForm => ({
    id: 'substitution',
    heading: text(lang, 'peopleSubstituteAdd'),
    help: text(lang, 'peopleSubstituteAddHelp'),
    action: '/people/substitutes',
    submit: text(lang, 'peopleSubstituteAddButton'),
    fields: [
      { name: 'person', label: text(lang, 'peoplePersonEmail'), type: 'email', value: typed.person ?? '', required: true, error: errors.find((e) => e.field === 'person')?.message },
      { name: 'substituteName', label: text(lang, 'peopleSubstituteName'), type: 'text', value: typed.substituteName ?? '', help: text(lang, 'peopleNameHelp') },
      { name: 'substituteEmail', label: text(lang, 'peopleSubstituteEmail'), type: 'email', value: typed.substituteEmail ?? '', required: true, error: errors.find((e) => e.field === 'substituteEmail')?.message },
      { name: 'from', label: text(lang, 'peopleFrom'), type: 'date', value: typed.from ?? '', required: true, error: errors.find((e) => e.field === 'from')?.message },
      { name: 'until', label: text(lang, 'peopleUntil'), type: 'date', value: typed.until ?? '', required: true, error: errors.find((e) => e.field === 'until')?.message },
      // Checked unless the form came back without it: a person back from leave finds what was sent.
      { name: 'copy', label: text(lang, 'peopleCopyPerson'), type: 'checkbox', checked: typed.copy === undefined && !errors.length ? true : typed.copy === 'on' },
    ],
    errors,
  });

  const contactsFormOf = (lang: Language, typed: Record<string, string | undefined>, errors: { field: string; message: string }[] = []): PageForm => ({
    id: 'unit-contacts',
    heading: text(lang, 'peopleContactsChange'),
    help: text(lang, 'peopleContactsChangeHelp'),
    action: '/people/contacts',
    submit: text(lang, 'peopleContactsSave'),
    fields: [
      {
        name: 'unit',
        label: text(lang, 'unit'),
        type: 'select',
        required: true,
        options: config.units.map((u) => ({ value: u.id, label: u.name[lang], selected: u.id === typed.unit })),
        error: errors.find((e) => e.field === 'unit')?.message,
      },
      { name: 'contacts', label: text(lang, 'peopleContacts'), type: 'textarea', value: typed.contacts ?? '', required: true, help: text(lang, 'peopleContactsHelp'), error: errors.find((e) => e.field === 'contacts')?.message },
      { name: 'head', label: text(lang, 'peopleHead'), type: 'text', value: typed.head ?? '', help: text(lang, 'peopleHeadHelp'), error: errors.find((e) => e.field === 'head')?.message },
    ],
    errors,
  });

  const render = async (request: FastifyRequest, reply: FastifyReply, options: { status?: number; substitution?: PageForm; contacts?: PageForm; unit?: string } = {}) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    if (!records) return page(reply, 200, 'list', context, { heading: text(lang, 'peopleTitle'), intro: text(lang, 'peopleNoRecords'), tables: [], forms: [] });
    const [substitutions, overrides, delegations] = await Promise.all([substitutionsOf(records, org), unitContactOverrides(records, org), delegationsInForce(records, org)]);
    const cycleTitle = (obligation: string, period: string) => `${config.obligations.find((o) => o.id === obligation)?.title[lang] ?? obligation} ${period}`;
    const today = DateTime.fromJSDate(kit.now(), { zone }).toISODate()!;
    const chosen = config.units.find((u) => u.id === options.unit);
    // The form opens with the chosen unit's contacts as they are now, to change rather than retype.
    const chosenNow = chosen && overrides.get(chosen.id);
    const prefilled = chosen
      ? {
          unit: chosen.id,
          contacts: (chosenNow?.contacts.length ? chosenNow.contacts : chosen.contacts).map(contactLine).join('\n'),
          head: contactLine(chosenNow?.head ?? chosen.head),
        }
      : {};
    const tables = [
      {
        caption: text(lang, 'peopleSubstitutes'),
        columns: [text(lang, 'peoplePerson'), text(lang, 'peopleSubstitute'), text(lang, 'peopleFrom'), text(lang, 'peopleUntil'), text(lang, 'peopleCopyColumn'), text(lang, 'peopleSetBy')],
        empty: text(lang, 'peopleSubstitutesNone'),
        rows: substitutions.map((s) => ({
          cells: [
            { text: s.personEmail },
            { text: contactLine(s.substitute), attention: s.from <= today && today <= s.until },
            { text: s.from },
            { text: s.until },
            { text: text(lang, s.copyPerson ? 'yes' : 'no') },
            { text: `${s.createdBy}, ${formatDate(s.createdAt.toISOString(), zone, lang, true)}` },
          ],
        })),
      },
      {
        caption: text(lang, 'peopleUnits'),
        columns: [text(lang, 'unit'), text(lang, 'peopleContacts'), text(lang, 'peopleHead'), text(lang, 'peopleSource')],
        empty: '',
        rows: config.units.map((u) => {
          const override = overrides.get(u.id);
          const contacts = override?.contacts.length ? override.contacts : u.contacts;
          const head = override?.head ?? u.head;
          return {
            cells: [
              { text: u.name[lang], url: `/people?unit=${u.id}&lang=${lang}#form-unit-contacts` },
              { text: contacts.map(contactLine).join(', '), attention: Boolean(override) },
              { text: contactLine(head), attention: Boolean(override?.head) },
              {
                text: override
                  ? text(lang, 'peopleOverridden', { who: override.changedBy, when: formatDate(override.changedAt.toISOString(), zone, lang, true), config: u.contacts.map(contactLine).join(', ') })
                  : text(lang, 'peopleFromConfig'),
              },
            ],
          };
        }),
      },
    ];
    // The answers handed to a colleague, in every cycle: the secretariat can withdraw each.
    tables.push({
      caption: text(lang, 'peopleDelegations'),
      columns: [text(lang, 'peopleDelegationCycle'), text(lang, 'unit'), text(lang, 'peopleDelegate'), text(lang, 'peopleDelegatedBy')],
      empty: text(lang, 'peopleDelegationsNone'),
      rows: delegations.map((d) => ({
        cells: [
          { text: cycleTitle(d.obligation, d.period), url: `/cycles/${d.obligation}/${d.period}?lang=${lang}` },
          { text: unitName(d.unit, lang) },
          { text: contactLine(d) },
          { text: `${d.delegatedBy}, ${formatDate(d.delegatedAt.toISOString(), zone, lang, true)}` },
        ],
      })),
    } as (typeof tables)[number]);
    const removals: PageForm[] = [
      ...delegations.map((d) => ({
        id: `withdraw-${d.id}`,
        heading: text(lang, 'delegateWithdrawHeading', { who: contactLine(d), by: d.delegatedBy, when: formatDate(d.delegatedAt.toISOString(), zone, lang, true) }),
        help: `${cycleTitle(d.obligation, d.period)}, ${unitName(d.unit, lang)}. ${text(lang, 'delegateWithdrawHelp')}`,
        action: `/people/delegations/${d.id}/withdraw`,
        submit: text(lang, 'delegateWithdrawButton'),
        fields: [],
        danger: true,
      })),
      ...substitutions.map((s) => ({
        id: `remove-${s.id}`,
        heading: text(lang, 'peopleSubstituteRemove', { person: s.personEmail, substitute: contactLine(s.substitute), from: s.from, until: s.until }),
        action: `/people/substitutes/${s.id}/remove`,
        submit: text(lang, 'peopleRemoveButton'),
        fields: [],
        danger: true,
      })),
      ...(overrides.size
        ? [
            {
              id: 'unit-contacts-remove',
              heading: text(lang, 'peopleContactsRemove'),
              help: text(lang, 'peopleContactsRemoveHelp'),
              action: '/people/contacts/remove',
              submit: text(lang, 'peopleRemoveButton'),
              fields: [{ name: 'unit', label: text(lang, 'unit'), type: 'select' as const, required: true, options: [...overrides.keys()].map((id) => ({ value: id, label: unitName(id, lang) })) }],
              danger: true,
            },
          ]
        : []),
    ];
    return page(reply, options.status ?? 200, 'list', context, {
      heading: text(lang, 'peopleTitle'),
      intro: text(lang, 'peopleIntro'),
      done: doneMessage(lang, request.query),
      tables,
      forms: context.canAct ? [options.substitution ?? substitutionFormOf(lang), options.contacts ?? contactsFormOf(lang, prefilled), ...removals] : [],
    });
  };

  app.get('/people', { onRequest: requireSecretariat, schema: { querystring: pageQuery } }, async (request, reply) => render(request, reply, { unit: request.query.unit }));

  app.post('/people/substitutes', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: substitutionForm }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    if (!records) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const typed: Record<string, string | undefined> = request.body;
    const person = typed.person?.trim() ?? '';
    const substituteEmail = typed.substituteEmail?.trim() ?? '';
    const from = isoDay(typed.from);
    const until = isoDay(typed.until);
    const errors = [
      ...(address.safeParse(person).success ? [] : [{ field: 'person', message: text(lang, 'peopleEmailError') }]),
      ...(address.safeParse(substituteEmail).success ? [] : [{ field: 'substituteEmail', message: text(lang, 'peopleEmailError') }]),
      ...(person && substituteEmail && person.toLowerCase() === substituteEmail.toLowerCase() ? [{ field: 'substituteEmail', message: text(lang, 'peopleSameError') }] : []),
      ...(from ? [] : [{ field: 'from', message: text(lang, 'peopleDateError') }]),
      ...(until ? (from && until < from ? [{ field: 'until', message: text(lang, 'peopleRangeError') }] : []) : [{ field: 'until', message: text(lang, 'peopleDateError') }]),
    ];
    if (errors.length) return render(request, reply, { status: 400, substitution: substitutionFormOf(lang, typed, errors) });
    const by = actor(request) ?? 'web';
    const name = typed.substituteName?.trim();
    const added = await addSubstitution(records, { org, personEmail: person, substitute: { ...(name ? { name } : {}), email: substituteEmail }, from: from!, until: until!, copyPerson: typed.copy === 'on', createdBy: by, createdAt: kit.now() });
    await recordAction(records, { at: kit.now(), actor: by, via: 'web', action: 'substitute-set', subject: `/people/substitutes/${added.id}`, detail: { person: added.personEmail, substitute: added.substitute.email, from: added.from, until: added.until, copyPerson: added.copyPerson } });
    return reply.redirect(`/people?lang=${lang}&done=substitute-set`, 303);
  });

  app.post('/people/substitutes/:id/remove', { onRequest: requireSecretariat, schema: { params: recordIdParams, querystring: languageQuery, body: substitutionForm.pick({ _csrf: true, lang: true }) }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const by = actor(request) ?? 'web';
    if (!records || !(await removeSubstitution(records, org, request.params.id, by, kit.now()))) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    await recordAction(records, { at: kit.now(), actor: by, via: 'web', action: 'substitute-removed', subject: `/people/substitutes/${request.params.id}` });
    return reply.redirect(`/people?lang=${lang}&done=substitute-removed`, 303);
  });

  app.post('/people/delegations/:id/withdraw', { onRequest: requireSecretariat, schema: { params: recordIdParams, querystring: languageQuery, body: substitutionForm.pick({ _csrf: true, lang: true }) }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const by = actor(request) ?? 'web';
    const at = kit.now();
    const withdrawn = records ? await withdrawDelegation(records, { org, id: request.params.id }, by, at) : undefined;
    if (!records || !withdrawn) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    await recordAction(records, { at, actor: by, via: 'web', action: 'delegation-withdrawn', subject: `/cycles/${withdrawn.obligation}/${withdrawn.period}`, detail: { unit: withdrawn.unit, delegation: withdrawn.id, to: withdrawn.email } });
    return reply.redirect(`/people?lang=${lang}&done=delegation-withdrawn`, 303);
  });

  app.post('/people/contacts', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: unitContactsForm }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    if (!records) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const typed: Record<string, string | undefined> = request.body;
    const unit = config.units.find((u) => u.id === typed.unit);
    // Every line break ends an entry, and each entry is one line (no control characters in a mail's header).
    const lines = listLines(typed.contacts ?? '');
    const contacts = lines.map(parseContactLine);
    const head = typed.head?.trim() ? parseContactLine(typed.head) : undefined;
    const errors = [
      ...(unit ? [] : [{ field: 'unit', message: text(lang, 'peopleUnitError') }]),
      ...(lines.length === 0 || lines.length > 10 || contacts.some((c) => !c) ? [{ field: 'contacts', message: text(lang, 'peopleContactsError') }] : []),
      ...(typed.head?.trim() && !head ? [{ field: 'head', message: text(lang, 'peopleContactsError') }] : []),
    ];
    if (errors.length) return render(request, reply, { status: 400, contacts: contactsFormOf(lang, typed, errors) });
    const by = actor(request) ?? 'web';
    // The head as configured is no change: only a different one is kept as an override.
    const changedHead = head && head.email.toLowerCase() !== unit!.head.email.toLowerCase() ? head : undefined;
    await setUnitContacts(records, { org, unit: unit!.id, contacts: contacts as Contact[], ...(changedHead ? { head: changedHead } : {}), changedBy: by, changedAt: kit.now() });
    await recordAction(records, {
      at: kit.now(),
      actor: by,
      via: 'web',
      action: 'unit-contacts-changed',
      subject: `/people/contacts/${unit!.id}`,
      detail: { contacts: (contacts as Contact[]).map((c) => c.email), ...(changedHead ? { head: changedHead.email } : {}), config: unit!.contacts.map((c) => c.email) },
    });
    return reply.redirect(`/people?lang=${lang}&done=unit-contacts-changed`, 303);
  });

  app.post('/people/contacts/remove', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: unitContactsForm.pick({ _csrf: true, lang: true, unit: true }) }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const unitId = request.body.unit ?? '';
    if (!records || !config.units.some((u) => u.id === unitId) || !(await clearUnitContacts(records, org, unitId, { by: actor(request) ?? 'web', at: kit.now() }))) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    await recordAction(records, { at: kit.now(), actor: actor(request) ?? 'web', via: 'web', action: 'unit-contacts-restored', subject: `/people/contacts/${unitId}` });
    return reply.redirect(`/people?lang=${lang}&done=unit-contacts-restored`, 303);
  });
}
