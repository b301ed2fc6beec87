/**
 * Every route's schemas in one place: what each route reads from its path (params), its query
 * string and its form (body), as zod schemas that the routes declare (`schema: { params,
 * querystring, body }`, through fastify-type-provider-zod) and their handlers are typed by.
 *
 * They say what a request is shaped like, nothing more: a part that does not fit is a 400 page in
 * the person's language (app.ts's error handler), never a 500 from deeper down. Whether a value
 * makes sense (a date, a unit of the organisation, an answer against its questionnaire) is checked
 * where the form is shown again with the problem beside its field and nothing typed lost.
 *
 * Forms arrive from @fastify/formbody and query strings from Fastify as text, or as a list of texts
 * where a name is sent several times; no form of the web sends a name twice, so each field is one
 * bounded string and a repeated one is the wrong shape. Strings are bounded like the config's.
 */
import { z } from 'zod';
import { singleLine } from '../domain/text';
import type { ShownState } from '../domain/unit-states';
import { REPORT_FORMATS } from '../config/schema';
import { TABLE_FORMATS } from '../exports/workbook';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook-events';

/**
 * A field of one line (a title, a name, a date, a choice): normalised as it arrives, so that a line
 * break pasted into a title never reaches a mail's subject (the rule is domain/text.ts's).
 */
const field = (max: number) => z.string().max(max).transform(singleLine);
/** A field of several lines (a description, a comment, a list one a line): kept as typed. */
const text = (max: number) => z.string().max(max);
/** The language a form was filled in: an unknown one falls back to the organisation's. */
const formLanguage = z.enum(['sv', 'en']).optional().catch(undefined);
const common = { _csrf: field(200).optional(), lang: formLanguage };

export const loginForm = z.strictObject({ ...common, username: field(200).optional(), password: text(1024), next: field(2000).optional() });

/** The answer form: its questions' ids are the obligation's, so any other field is text too. */
export const answerForm = z
  .object({ ...common, submission: field(100).optional(), action: z.enum(['submit', 'save']).optional() })
  .catchall(text(100_000));

export const startCycleForm = z.strictObject({ ...common, obligation: field(100).optional(), period: field(40).optional() });

export const cycleActionForm = z.strictObject({
  ...common,
  unit: field(100).optional(),
  until: field(40).optional(),
  reason: text(2000).optional(),
  confirm: field(10).optional(),
  // The view of the units the action was taken from (filter, search, page), to come back to it.
  state: field(20).optional(),
  q: field(100).optional(),
  page: field(10).optional(),
});

/** A form of nothing but its button (log out, run a schedule now). */
export const emptyForm = z.strictObject({ ...common });

/** Registering a project (secretariat, or a unit from its standing link). */
export const projectForm = z.strictObject({
  ...common,
  title: field(200).optional(),
  id: field(100).optional(),
  unitId: field(100).optional(),
  ownerName: field(200).optional(),
  ownerEmail: field(300).optional(),
  plannedStart: field(20).optional(),
  plannedEnd: field(20).optional(),
  partners: text(5000).optional(),
  euFunded: field(10).optional(),
  application: field(10).optional(),
  obligation: field(100).optional(),
});

export const seminarForm = z.strictObject({
  ...common,
  title: field(200).optional(),
  date: field(20).optional(),
  place: field(200).optional(),
  country: field(10).optional(),
  role: field(20).optional(),
  unitId: field(100).optional(),
});

export const agreementForm = z.strictObject({
  ...common,
  title: field(200).optional(),
  id: field(100).optional(),
  partner: field(200).optional(),
  unitId: field(100).optional(),
  ownerName: field(200).optional(),
  ownerEmail: field(300).optional(),
  startsOn: field(20).optional(),
  endsOn: field(20).optional(),
  obligation: field(100).optional(),
});

export const eventForm = z.strictObject({
  ...common,
  title: field(200).optional(),
  id: field(100).optional(),
  date: field(20).optional(),
  endDate: field(20).optional(),
  place: field(200).optional(),
  unitId: field(100).optional(),
  concerned: text(10_000).optional(),
  description: text(2000).optional(),
  obligation: field(100).optional(),
  reason: text(2000).optional(),
});

export const yearlyGoalsForm = z.strictObject({ ...common, year: field(10).optional(), decidedOn: field(20).optional(), body: field(160).optional(), paragraph: field(40).optional(), goals: text(10_000).optional() });

/** Approving, returning (with a comment) or closing a project. */
export const goalsReviewForm = z.strictObject({ ...common, comment: text(2000).optional() });

/** Renewing or ending an agreement, by the secretariat or the owner from the reminder's link. */
export const agreementDecisionForm = z.strictObject({ ...common, decision: field(10).optional(), newEndsOn: field(20).optional(), note: text(2000).optional() });

/** Creating an API token for another system, and revoking one (web/pages/tokens.ts). */
export const apiTokenForm = z.strictObject({ ...common, name: field(200).optional(), role: field(20).optional(), expires: field(20).optional() });
export const revokeApiTokenForm = z.strictObject({ ...common, name: field(200).optional() });

export const revisionForm = z.strictObject({ ...common, period: field(40).optional(), decidedOn: field(20).optional(), body: field(160).optional(), paragraph: field(40).optional(), outcome: field(20).optional() });

/** A webhook endpoint: its URL, and a box for each event it is to receive (named by the event: "answer.received"). */
export const webhookForm = z.strictObject({ ...common, url: field(2000).optional(), ...Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, field(10).optional()])) });

// --- Route parameters: one schema per route shape.

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
export const tokenParams = z.strictObject({ token: z.string().min(1).max(700) });
/** A delegation of the unit a link is for (web/pages/answer.ts). */
export const tokenDelegationParams = z.strictObject({ token: z.string().min(1).max(700), id: z.uuid() });
export const cycleParams = z.strictObject({ obligation: id, period: z.string().regex(/^\d{4}(-[A-Z0-9]{1,8})?$/) });
/** A project, seminar, agreement or event by its id. */
export const entityParams = z.strictObject({ id });
export const obligationParams = z.strictObject({ obligation: id });
export const reportParams = cycleParams.extend({ format: z.enum(REPORT_FORMATS) });
export const answersExportParams = cycleParams.extend({ format: z.enum(TABLE_FORMATS) });
/** A unit of a cycle: the answer recorded for it, its answer's versions. */
export const cycleUnitParams = cycleParams.extend({ unit: id });
/** A webhook endpoint by its id ("ep_…"). */
export const webhookParams = z.strictObject({ endpoint: z.string().regex(/^ep_[A-Za-z0-9_-]{1,40}$/) });

// --- Query strings: what each page reads after the "?". A value that does not fit is a 400; a name a
// page does not read is let through unread, since mail gateways and newsletters add their own (utm_source…)
// to the links people follow, and a contact person must not meet an error page for it.

/** The language a link or the language switch asks for. */
const language = z.enum(['sv', 'en']).optional();

/** A page of its own (the accessibility statement, what is published): only its language. */
export const languageQuery = z.object({ lang: language });

/**
 * A secretariat page: its language, and what it says after an action sent the person back to it
 * (?done=…&unit=…, read by pages/done-messages.ts; `unit` lists the units a reminder went to, `count` their number when there are too many to name).
 */
export const pageQuery = z.object({ lang: language, done: field(60).optional(), unit: field(16_000).optional(), count: z.string().regex(/^[1-9]\d{0,5}$/).optional() });

/** A register's list: filtered by a unit and a year (the filter form sends "" for "all"), or as a file. */
export const listQuery = pageQuery.extend({
  year: z.union([z.literal(''), z.string().regex(/^\d{4}$/)]).optional(),
  format: z.enum(TABLE_FORMATS).optional(),
});

/** A project's record as a file. */
export const recordQuery = pageQuery.extend({ format: z.enum(TABLE_FORMATS).optional() });

const UNIT_STATES = ['answered', 'draft', 'requested', 'scheduled', 'late', 'escalated', 'unanswered', 'bounced', 'exempt'] as const satisfies readonly ShownState[];
/** A cycle's page: its units filtered by state ("" for all), searched by name, and which page of them. */
export const cycleQuery = pageQuery.extend({
  state: z.union([z.literal(''), z.enum(UNIT_STATES)]).optional(),
  q: field(100).optional(),
  page: z.string().regex(/^[1-9]\d{0,5}$/).transform(Number).optional(),
});

/** A report file: the web page and the PDF open in the browser unless ?download=1. */
export const reportQuery = pageQuery.extend({ download: z.enum(['0', '1']).optional() });

export const mailLogQuery = pageQuery.extend({ address: field(254).optional() });

/** The year of the archive package to download (the page says so when none is chosen). */
export const archivePackageQuery = pageQuery.extend({ year: z.string().regex(/^\d{4}$/).transform(Number).optional() });

export const previewQuery = pageQuery.extend({ obligation: field(64).optional(), period: field(32).optional() });

/** The sign-in page, and where to go once signed in. */
export const loginQuery = z.object({ lang: language, next: field(2000).optional() });

/**
 * Where the identity provider sends the browser back: its parameters (code, state, iss,
 * session_state, an error and its description) are the provider's to choose and openid-client's to
 * check, so any name is taken, each bounded.
 */
export const singleSignOnCallbackQuery = z.object({ lang: language }).catchall(text(4096));

/**
 * A page a mailed link opens (the answer form, the owner's goals and agreement, a unit's page):
 * its language, that a draft was saved, and what the unit's page says after a registration.
 */
export const linkQuery = z.object({ lang: language, saved: z.enum(['1']).optional(), done: field(40).optional() });

/**
 * A field of a query string or form, whatever its shape: for what reads a request before (or
 * without) its route's schema, such as the CSRF check and the page for a request that did not fit.
 */
export function valueIn(part: unknown, name: string): unknown {
  if (typeof part !== 'object' || part === null || !(name in part)) return undefined;
  const value: unknown = Reflect.get(part, name);
  return value;
}

/** The `lang` a query string or form asks for, whatever its shape. */
export const languageIn = (part: unknown): unknown => valueIn(part, 'lang');

export type ListQuery = z.output<typeof listQuery>;

/** A person's substitute for some days (web/pages/people.ts); dates and addresses are checked where the form is shown again. */
export const substitutionForm = z.strictObject({ ...common, person: field(254).optional(), substituteName: field(120).optional(), substituteEmail: field(254).optional(), from: field(10).optional(), until: field(10).optional(), copy: field(10).optional() });

/** A substitution or a delegation by its id. */
export const recordIdParams = z.strictObject({ id: z.uuid() });

/** A unit's contacts set from the web: one a line ("Name <address>" or an address alone), and its head. */
export const unitContactsForm = z.strictObject({ ...common, unit: field(100).optional(), contacts: text(4000).optional(), head: field(400).optional() });

/** Handing the unit's answer to a colleague (web/pages/answer.ts). */
export const delegationForm = z.strictObject({ ...common, byName: field(120).optional(), name: field(120).optional(), email: field(254).optional() });
/** Withdrawing a delegation: the form's token and language only. */
export const delegationWithdrawForm = z.strictObject({ ...common });
