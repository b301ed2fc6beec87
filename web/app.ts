/**
 * The web interface: the contact persons' answer form (reached by a signed link, no account) and
 * the secretariat's dashboard (password login). Server-rendered HTML that works without
 * JavaScript; every action goes through the same client operations and Workflow Updates as the CLI.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import CsrfTokens from '@fastify/csrf';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Archive } from '../activities/archive';
import { answerRows, shownValue } from '../activities/mail-context';
import {
  closeCycle,
  CycleNotFoundError,
  cycleStatus,
  exemptUnit,
  extendDeadline,
  RejectedError,
  redeliverReport,
  remindNow,
  saveDraft,
  startCycle,
  submitAnswer,
  unitStatus,
  listCycles,
  type CycleStatus,
} from '../client/cycles';
import type { OrganisationConfig } from '../config/schema';
import type { AnswerLinks } from '../domain/answer-links';
import { describeFieldError, type FieldError } from '../domain/answers';
import { formatDate, latestEndedPeriod, previousPeriod } from '../domain/calendar';
import { assertPeriod, type CycleKey } from '../domain/ids';
import type { AnswerValues, Language, Questionnaire, UnitStatus } from '../domain/types';
import { groupFields, groupHeading, questionnaireOf } from '../domain/questionnaire';
import { DateTime } from 'luxon';
import { Refusal } from '../domain/refusals';
import { displayState, STATE_LABELS, unitOwesAnswer, type DisplayState } from '../domain/unit-states';
import { createFailureLimit } from './failure-limits';
import { answerForm, cycleActionForm, formOf, loginForm, logoutForm, startCycleForm } from './forms';
import { pickLanguage, text, type TextKey } from './i18n';
import { verifyPassword } from './password';
import { createSessionTable, credentialOf } from './sessions';
import { createViews, type PageContext } from './views';
import { previewPages } from './pages/preview';
import { createRenderer } from '../activities/renderer';
import { createRegisterReader } from '../activities/register-reader';
import { readIfPresent, reportDataRef } from '../activities/archive';
import type { PeriodData } from '../activities/report';

export interface WebDeps {
  config: OrganisationConfig;
  client: Client;
  taskQueue: string;
  archive: Archive;
  answerLinks: AnswerLinks;
  /** The secretariat's password hash (scrypt). */
  passwordHash: string;
  /** Signs cookies (session, CSRF secret). */
  cookieSecret: string;
  publicBaseUrl: string;
  templatesDir: string;
  now?: () => Date;
  /** Fastify's logger options (pino); tokens in URLs are masked before anything is logged. */
  logger?: boolean | Record<string, unknown>;
  /**
   * Which proxies to believe about the client's address (FOLLOWUP_TRUST_PROXY): their addresses, or
   * the number of hops. Without it, behind a proxy every client would share the proxy's address.
   */
  trustProxy?: boolean | number | string;
}

const SESSION_COOKIE = 'followup_session';
/** @fastify/csrf-protection's cookie for the secret (its default name). */
const CSRF_COOKIE = '_csrf';
const csrfTokens = new CsrfTokens({ userInfo: false });
const SESSION_HOURS = 8;
const submissionId = z.uuid();
/** Requests one client may make in a minute on any page: a flood guard that touches that client only. */
const REQUESTS_PER_CLIENT_MINUTE = 600;

/**
 * A form's update id: its submission id and what it says. Sent again unchanged (a double click, a
 * resend after a timeout) it joins the first answer; sent again with an edit, it is a new revision.
 */
export function answerUpdateId(submission: string, values: Record<string, string>): string {
  const digest = createHash('sha256').update(JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)))).digest('base64url').slice(0, 22);
  return `answer-form/${submission}/${digest}`;
}

/** Believe this many proxies in front of us (Fastify's own reading of a hop count, typed). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Answer links carry a token in the path; logs get the route, never the token. */
export function maskTokens(url: string): string {
  return url.replace(/\/answer\/[^/?#]+/, '/answer/[token]');
}


export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  const { config, client, archive, answerLinks } = deps;
  const now = deps.now ?? (() => new Date());
  const orgLanguage = config.organisation.language;
  const zone = config.organisation.timeZone;
  const secure = deps.publicBaseUrl.startsWith('https:');
  const views = createViews(deps.templatesDir);
  const stylesheet = readFileSync(path.join(deps.templatesDir, 'web', 'style.css'), 'utf8');

  const serializers = {
    req: (req: { method: string; url: string }) => ({ method: req.method, url: maskTokens(req.url) }),
  };
  const app = Fastify({
    logger: deps.logger ? { ...(deps.logger === true ? {} : deps.logger), serializers } : false,
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
    // Answer-link tokens are longer than Fastify's default limit of 100 characters.
    routerOptions: { maxParamLength: 700 },
    bodyLimit: 1024 * 1024,
  });
  await app.register(fastifyCookie, { secret: deps.cookieSecret });
  await app.register(fastifyFormbody, { bodyLimit: 1024 * 1024 });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    // Lax, not Strict: a link opened from Outlook is a navigation from another site, and a Strict
    // cookie would not come along, so each opening would replace the secret and break the other tab.
    // The token in the form is what protects; Lax still keeps the cookie off other sites' posts.
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure },
    getToken: (request) => {
      const token = (request.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  // Every client by its own address: a flood slows the flooder, nobody else.
  await app.register(fastifyRateLimit, { global: true, max: REQUESTS_PER_CLIENT_MINUTE, timeWindow: '1 minute' });
  const sessions = createSessionTable({ hours: SESSION_HOURS, now });
  const credential = credentialOf(deps.passwordHash);
  const failedLogins = createFailureLimit({ failures: 10, withinSeconds: 15 * 60, blockSeconds: 15 * 60 });
  const invalidLinks = createFailureLimit({ failures: 30, withinSeconds: 60, blockSeconds: 5 * 60 });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  const page = (reply: FastifyReply, status: number, name: string, context: PageContext, data: object) =>
    reply.code(status).type('text/html; charset=utf-8').send(views(name, context, data));

  const message = (reply: FastifyReply, status: number, lang: Language, heading: TextKey, body: TextKey, values: Record<string, string> = {}) =>
    page(reply, status, 'message', { lang, orgName: config.organisation.name }, { heading: text(lang, heading), body: text(lang, body, values) });

  app.setNotFoundHandler((request, reply) => message(reply, 404, pickLanguage((request.query as Record<string, string>)?.lang, orgLanguage), 'notFoundTitle', 'notFoundText'));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const lang = pickLanguage((request.query as Record<string, string>)?.lang ?? (request.body as Record<string, string>)?.lang, orgLanguage);
    if (error.statusCode === 429) return message(reply, 429, lang, 'tooManyTitle', 'tooManyText');
    if (error.name === 'FormShapeError') return message(reply, 400, lang, 'badRequestTitle', 'badRequestShape');
    if (error.code?.startsWith('FST_CSRF') || error.statusCode === 403) return message(reply, 403, lang, 'badRequestTitle', 'badRequestText');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return message(reply, error.statusCode, lang, 'badRequestTitle', 'badRequestText');
    request.log.error({ err: error, url: maskTokens(request.url) }, 'request failed');
    return message(reply, 500, lang, 'errorTitle', 'errorText');
  });

  app.get('/assets/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(stylesheet));
  app.get('/healthz', async () => ({ ok: true }));

  // ——— Contact persons: the answer form ———

  type Resolved = { key: CycleKey; unitId: string; token: string };
  /**
   * Checks a link; on failure sends the page that says why and returns undefined. Invalid links
   * count against the client, and a client that has sent too many waits for its next invalid one;
   * a valid link is never refused for that, so nobody can block a shared address's real links.
   */
  const resolveLink = async (request: FastifyRequest, reply: FastifyReply, lang: Language): Promise<Resolved | undefined> => {
    const token = (request.params as { token: string }).token;
    const check = answerLinks.check(token, now());
    const invalid = async () => {
      const wait = await invalidLinks.waitSeconds(request.ip);
      if (wait > 0) message(reply.header('Retry-After', String(wait)), 429, lang, 'tooManyTitle', 'tooManyText');
      else {
        await invalidLinks.failed(request.ip);
        message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
      }
      return undefined;
    };
    if (!check.ok) {
      if (check.reason === 'expired') return void message(reply, 410, lang, 'expiredLinkTitle', 'expiredLinkText');
      return invalid();
    }
    const { key, unitId } = check.claims;
    if (key.orgId !== config.organisation.id || !config.units.some((u) => u.id === unitId)) return invalid();
    return { key, unitId, token };
  };

  /** The cycle closed; what the person had just typed is shown back to them, to copy and send on. */
  const closedPage = (reply: FastifyReply, lang: Language, resolved: Resolved, typed?: Record<string, unknown>) => {
    const rows = typed
      ? configuredQuestionnaire(resolved.key)
          .filter((f) => typeof typed[f.id] === 'string' && (typed[f.id] as string).trim() !== '')
          .map((f) => ({ label: f.label[lang], value: typed[f.id] as string }))
      : [];
    return page(reply, 410, 'message', { lang, orgName: config.organisation.name }, {
      heading: text(lang, 'closedTitle'),
      body: text(lang, 'closedText', { email: config.secretariat.email }),
      typedNote: rows.length ? text(lang, 'closedTyped') : undefined,
      typed: rows,
    });
  };

  const loadUnit = async (resolved: Resolved, reply: FastifyReply, lang: Language, typed?: Record<string, unknown>) => {
    try {
      const status = await cycleStatusForUnit(client, resolved.key, resolved.unitId);
      if (status.unit.closed || status.info.phase !== 'open') {
        closedPage(reply, lang, resolved, typed);
        return undefined;
      }
      if (status.unit.exempt) {
        message(reply, 200, lang, 'exemptTitle', 'exemptText');
        return undefined;
      }
      if (status.unit.state === 'scheduled') {
        message(reply, 200, lang, 'notOpenTitle', 'notOpenText', { when: formatDate(status.unit.plan.opensAt, zone, lang, true) });
        return undefined;
      }
      return status;
    } catch (err) {
      if (err instanceof CycleNotFoundError) {
        message(reply, 404, lang, 'invalidLinkTitle', 'invalidLinkText');
        return undefined;
      }
      if (err instanceof RejectedError && err.type === Refusal.CycleClosed) {
        closedPage(reply, lang, resolved, typed);
        return undefined;
      }
      throw err;
    }
  };

  // Cycles belong to data calls; the other kinds are run by their own workflows and the CLI.
  const dataCalls = config.obligations.filter((o) => o.kind === 'periodic-data-call');
  const configuredQuestionnaire = (key: CycleKey): Questionnaire => {
    const obligation = dataCalls.find((o) => o.id === key.obligationId);
    return obligation ? questionnaireOf(obligation) : [];
  };
  const obligationTitle = (key: CycleKey, lang: Language) => {
    const obligation = config.obligations.find((o) => o.id === key.obligationId);
    return `${obligation ? obligation.title[lang] : key.obligationId} ${key.period}`;
  };
  const unitName = (unitId: string, lang: Language) => config.units.find((u) => u.id === unitId)?.name[lang] ?? unitId;

  /** The unit's own answer of the previous period, when that period's report was compiled here. */
  const previousAnswer = async (key: CycleKey, unitId: string): Promise<{ period: string; values: AnswerValues } | undefined> => {
    const obligation = dataCalls.find((o) => o.id === key.obligationId);
    if (!obligation) return undefined;
    try {
      const period = previousPeriod(obligation.period, key.period);
      const stored = await readIfPresent(archive, reportDataRef({ ...key, period }));
      const values = stored ? (JSON.parse(stored) as PeriodData).units.find((u) => u.id === unitId)?.values : undefined;
      return values ? { period, values } : undefined;
    } catch (err) {
      // The form works without it: an unreadable old file is logged, not shown.
      app.log.warn({ err }, 'previous answer unreadable');
      return undefined;
    }
  };

  /** "required if you answered Yes above": the rule in the words of the form. */
  const requiredWhen = (field: Questionnaire[number], questionnaire: Questionnaire, lang: Language) => {
    const rule = field.requiredIf!;
    const other = questionnaire.find((f) => f.id === rule.field);
    return other ? text(lang, 'requiredWhen', { answer: shownValue(other, rule.equals, lang) ?? String(rule.equals) }) : undefined;
  };

  const renderForm = async (
    reply: FastifyReply,
    status: number,
    lang: Language,
    csrf: string,
    resolved: Resolved,
    // Without the unit (Temporal did not answer) the form still shows, from the config's questions.
    loaded: { unit?: UnitStatus; questionnaire: Questionnaire; closesAt?: string },
    values: Record<string, string>,
    errors: FieldError[],
    saved: boolean,
    // A form carries one submission id: sent twice unchanged (a resend after a timeout, a double
    // click) it is one answer, because the id and the values make the update's id, and Temporal
    // joins updates by id; sent with an edit it is a new revision.
    { submission = randomUUID(), notConfirmed = false, note }: { submission?: string; notConfirmed?: boolean; note?: TextKey } = {},
  ) => {
    const { unit, questionnaire } = loaded;
    const previous = await previousAnswer(resolved.key, resolved.unitId);
    const errorFor = new Map(errors.map((e) => [e.field, describeFieldError(e, questionnaire, lang)]));
    const fields = questionnaire.map((f) => ({
      id: f.id,
      type: f.type,
      inputType: f.type === 'number' ? 'text' : f.type === 'date' ? 'date' : 'text',
      inputMode: f.type === 'number' ? (f.integer ? 'numeric' : 'decimal') : undefined,
      label: f.label[lang],
      help: f.help?.[lang],
      required: f.required || f.type === 'confirm',
      requiredWhen: f.requiredIf ? requiredWhen(f, questionnaire, lang) : undefined,
      maxLength: f.maxLength,
      value: values[f.id] ?? '',
      checked: values[f.id] === 'on' || values[f.id] === 'true',
      error: errorFor.get(f.id),
      bounds: f.min !== undefined || f.max !== undefined ? text(lang, 'bounds', { min: f.min ?? '–', max: f.max ?? '–' }) : undefined,
      options: f.options?.map((o) => ({ value: o.value, label: o.label[lang], selected: values[f.id] === o.value })),
      group: f.group,
      previous: previous && previous.values[f.id] !== undefined ? text(lang, 'previousAnswer', { period: previous.period, answer: shownValue(f, previous.values[f.id], lang) ?? '' }) : undefined,
    }));
    const sections = groupFields(fields).map((block) => ({
      heading: block.group ? groupHeading(block.group, lang) : undefined,
      help: block.group?.help?.[lang],
      id: block.key.replace(/[^a-z0-9-]/g, '-'),
      fields: block.fields,
    }));
    const base = `/answer/${resolved.token}`;
    return page(
      reply.header('Cache-Control', 'no-store'),
      status,
      'answer',
      { lang, orgName: config.organisation.name, csrf, switchLanguageUrl: `${base}?lang=${lang === 'sv' ? 'en' : 'sv'}` },
      {
        title: obligationTitle(resolved.key, lang),
        unitName: unitName(resolved.unitId, lang),
        deadline: unit ? formatDate(`${unit.plan.deadlineDate}T12:00:00`, zone, lang) : undefined,
        closes: loaded.closesAt ? formatDate(loaded.closesAt, zone, lang, true) : undefined,
        action: base,
        saved,
        submission,
        notConfirmed,
        problemNote: note ? text(lang, note) : undefined,
        answeredNote: unit?.answer ? text(lang, 'answeredBefore', { when: formatDate(unit.answer.answeredAt, zone, lang, true) }) : undefined,
        draftNote: unit?.draft && !saved && errors.length === 0 && !note ? text(lang, 'draftFrom', { when: formatDate(unit.draft.savedAt, zone, lang, true) }) : undefined,
        errors: errors.map((e) => ({ field: errorFor.has(e.field) && questionnaire.some((f) => f.id === e.field) ? e.field : questionnaire[0]?.id, message: errorFor.get(e.field) })),
        sections,
      },
    );
  };

  const valuesOf = (status: UnitStatus): Record<string, string> => {
    if (status.draft) return { ...status.draft.values };
    if (status.answer) return Object.fromEntries(Object.entries(status.answer.values).map(([k, v]) => [k, String(v)]));
    return {};
  };

  app.get('/answer/:token', async (request, reply) => {
    const query = request.query as Record<string, string>;
    const lang = pickLanguage(query.lang, orgLanguage);
    const resolved = await resolveLink(request, reply, lang);
    if (!resolved) return reply;
    const loaded = await loadUnit(resolved, reply, lang);
    if (!loaded) return reply;
    return renderForm(reply, 200, lang, reply.generateCsrf(), resolved, loaded, valuesOf(loaded.unit), [], query.saved === '1');
  });

  /** What was typed into the questions' fields, as text. */
  const typedIn = (body: Record<string, unknown>, questionnaire: Questionnaire): Record<string, string> => {
    const typed: Record<string, string> = {};
    for (const field of questionnaire) {
      const value = body[field.id];
      if (typeof value === 'string') typed[field.id] = value;
    }
    return typed;
  };

  /**
   * The token in the form against the secret in the cookie, checked here (with the same library and
   * cookie as the plugin) so that a failure can answer with the form and what was typed.
   */
  const csrfValid = (request: FastifyRequest): boolean => {
    const raw = request.cookies[CSRF_COOKIE];
    const secret = raw ? request.unsignCookie(raw) : undefined;
    const token = (request.body as Record<string, unknown> | undefined)?._csrf;
    return Boolean(secret?.valid && secret.value && typeof token === 'string' && csrfTokens.verify(secret.value, token));
  };

  app.post('/answer/:token', { preHandler: formOf(answerForm) }, async (request, reply) => {
    const body = request.body as Record<string, string>;
    const lang = pickLanguage(body.lang, orgLanguage);
    const resolved = await resolveLink(request, reply, lang);
    if (!resolved) return reply;
    const submission = submissionId.safeParse(body.submission).data;
    // Whatever goes wrong from here, the person gets the form back with everything they typed.
    const notSaved = (err: unknown, loaded?: { unit?: UnitStatus; questionnaire: Questionnaire; closesAt?: string }) => {
      request.log.error({ err, unit: resolved.unitId }, 'answer not saved; the form is shown again with what was typed');
      const fallback = loaded ?? { questionnaire: configuredQuestionnaire(resolved.key) };
      return renderForm(reply.header('Retry-After', '30'), 503, lang, reply.generateCsrf(), resolved, fallback, typedIn(body, fallback.questionnaire), [], false, { submission, note: 'notSavedOutage' });
    };
    let loaded: Awaited<ReturnType<typeof loadUnit>>;
    try {
      loaded = await loadUnit(resolved, reply, lang, body);
    } catch (err) {
      return notSaved(err);
    }
    if (!loaded) return reply;
    const typed = typedIn(body, loaded.questionnaire);
    if (!csrfValid(request)) {
      return renderForm(reply, 403, lang, reply.generateCsrf(), resolved, loaded, typed, [], false, { submission, note: 'csrfExpired' });
    }
    const back = `/answer/${resolved.token}?lang=${lang}`;
    try {
      if (body.action === 'save') {
        await saveDraft(client, resolved.key, resolved.unitId, typed);
        return reply.redirect(`${back}&saved=1`, 303);
      }
      await submitAnswer(client, resolved.key, resolved.unitId, typed, 'contact', submission && answerUpdateId(submission, typed));
      return reply.redirect(`/answer/${resolved.token}/receipt?lang=${lang}`, 303);
    } catch (err) {
      if (err instanceof RejectedError && (err.type === Refusal.InvalidAnswer || err.type === Refusal.InvalidDraft)) {
        // Errors in the reader's language, beside their fields; everything typed stays in the form.
        return renderForm(reply, 422, lang, reply.generateCsrf(), resolved, loaded, typed, err.fieldErrors as FieldError[], false);
      }
      if (err instanceof RejectedError && err.type === Refusal.CycleClosed) return closedPage(reply, lang, resolved, body);
      if (err instanceof RejectedError && err.type === Refusal.UnitExempt) return message(reply, 200, lang, 'exemptTitle', 'exemptText');
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        // The server gave up waiting, but the answer may be applied: the form comes back with what
        // was typed and the same submission id, so sending it again unchanged joins the first.
        request.log.warn({ unit: resolved.unitId }, 'answer not confirmed in time; the form asks to send it again');
        return renderForm(reply.header('Retry-After', '10'), 503, lang, reply.generateCsrf(), resolved, loaded, typed, [], false, { submission, notConfirmed: true });
      }
      return notSaved(err, loaded);
    }
  });

  app.get('/answer/:token/receipt', async (request, reply) => {
    const lang = pickLanguage((request.query as Record<string, string>).lang, orgLanguage);
    const resolved = await resolveLink(request, reply, lang);
    if (!resolved) return reply;
    const loaded = await loadUnit(resolved, reply, lang);
    if (!loaded) return reply;
    const answer = loaded.unit.answer;
    if (!answer) return reply.redirect(`/answer/${resolved.token}?lang=${lang}`, 303);
    const obligation = config.obligations.find((o) => o.id === resolved.key.obligationId);
    return page(reply, 200, 'receipt', { lang, orgName: config.organisation.name, switchLanguageUrl: `/answer/${resolved.token}/receipt?lang=${lang === 'sv' ? 'en' : 'sv'}` }, {
      heading: text(lang, 'receiptTitle'),
      body: text(lang, 'receiptText', { unit: unitName(resolved.unitId, lang), when: formatDate(answer.answeredAt, zone, lang, true), revision: answer.revision }),
      rows: obligation?.kind === 'periodic-data-call' ? answerRows(loaded.questionnaire, answer.values, lang) : [],
      correctUrl: `/answer/${resolved.token}?lang=${lang}`,
    });
  });

  // ——— The secretariat ———

  const sessionId = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? unsigned.value : undefined;
  };
  const loggedIn = (request: FastifyRequest): boolean => {
    const id = sessionId(request);
    return id !== undefined && sessions.find(id, credential) !== undefined;
  };
  const secretariatLanguage = (request: FastifyRequest) => pickLanguage((request.query as Record<string, string>)?.lang ?? request.cookies.followup_lang, orgLanguage);
  const requireLogin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!loggedIn(request)) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  };
  const secretariatContext = (request: FastifyRequest, reply: FastifyReply): PageContext => {
    const lang = secretariatLanguage(request);
    const url = new URL(request.url, 'http://x');
    url.searchParams.set('lang', lang === 'sv' ? 'en' : 'sv');
    url.searchParams.delete('done');
    url.searchParams.delete('unit');
    if ((request.query as Record<string, string>)?.lang) reply.setCookie('followup_lang', lang, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    return { lang, orgName: config.organisation.name, csrf: reply.generateCsrf(), secretariat: true, switchLanguageUrl: `${url.pathname}${url.search}` };
  };
  const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[\w\-/.%?=&]*$/.test(next) ? next : '/dashboard');

  app.get('/', async (request, reply) => reply.redirect(loggedIn(request) ? '/dashboard' : '/login', 303));

  app.get('/login', async (request, reply) => {
    const lang = secretariatLanguage(request);
    return page(reply, 200, 'login', { lang, orgName: config.organisation.name, csrf: reply.generateCsrf(), switchLanguageUrl: `/login?lang=${lang === 'sv' ? 'en' : 'sv'}` }, {
      heading: text(lang, 'loginTitle'),
      next: safeNext((request.query as Record<string, string>).next),
    });
  });

  // Password attempts count against the client that makes them, before the password is tried (so
  // that many at once cannot all slip through), and a success forgets them; a client that has tried
  // too often waits, and nobody else does. A form without its token is no attempt: another site
  // could make a visitor's browser send it, to lock out everyone behind the visitor's address.
  app.post('/login', { preHandler: formOf(loginForm) }, async (request, reply) => {
    const body = request.body as { password: string; next?: string };
    const lang = secretariatLanguage(request);
    const loginPage = (status: number, error: string) =>
      page(reply, status, 'login', { lang, orgName: config.organisation.name, csrf: reply.generateCsrf() }, { heading: text(lang, 'loginTitle'), error, next: safeNext(body.next) });
    if (!csrfValid(request)) return loginPage(403, text(lang, 'csrfExpired'));
    const wait = await failedLogins.attempt(request.ip);
    if (wait > 0) return message(reply.header('Retry-After', String(wait)), 429, lang, 'tooManyTitle', 'tooManyText');
    if (await verifyPassword(body.password, deps.passwordHash)) {
      await failedLogins.forgive(request.ip);
      const id = sessions.create('secretariat', credential);
      reply.setCookie(SESSION_COOKIE, id, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_HOURS * 3600 });
      return reply.redirect(safeNext(body.next), 303);
    }
    return loginPage(401, text(lang, 'wrongPassword'));
  });

  app.post('/logout', { preHandler: [formOf(logoutForm), app.csrfProtection] }, async (request, reply) => {
    const id = sessionId(request);
    if (id) sessions.end(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  const doneMessage = (lang: Language, query: Record<string, string>) => {
    const keys: Record<string, TextKey> = {
      started: 'done_started',
      running: 'done_running',
      reminded: 'done_reminded',
      nobody: 'done_nobody',
      extended: 'done_extended',
      exempted: 'done_exempted',
      closing: 'done_closing',
      redelivering: 'done_redelivering',
    };
    const key = keys[query.done ?? ''];
    const units = (query.unit ?? '')
      .split(',')
      .filter(Boolean)
      .map((u) => unitName(u, lang))
      .join(', ');
    return key ? text(lang, key, { units }) : undefined;
  };

  const renderDashboard = async (request: FastifyRequest, reply: FastifyReply, status = 200, error?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const cycles = await listCycles(client, config.organisation.id);
    const defaultPeriod = latestEndedPeriod('annual', DateTime.fromJSDate(now()).setZone(zone));
    return page(reply, status, 'dashboard', context, {
      heading: text(lang, 'overview'),
      done: doneMessage(lang, request.query as Record<string, string>),
      error,
      defaultPeriod,
      periodHelp: text(lang, 'periodHelp', { example: defaultPeriod }),
      obligations: dataCalls.map((o) => ({
        id: o.id,
        title: o.title[lang],
        source: o.source,
        previewUrl: `/preview?obligation=${encodeURIComponent(o.id)}`,
        cycles: cycles
          .filter((c) => c.key.obligationId === o.id)
          .map((c) => ({ period: c.key.period, url: `/cycles/${o.id}/${c.key.period}`, state: text(lang, c.running ? 'open' : 'closed') })),
      })),
    });
  };

  app.get('/dashboard', { onRequest: requireLogin }, async (request, reply) => renderDashboard(request, reply));

  await app.register(previewPages, {
    config,
    renderer: createRenderer(deps.templatesDir),
    registers: createRegisterReader(client),
    publicBaseUrl: deps.publicBaseUrl,
    now,
    requireLogin,
    context: secretariatContext,
    page,
  });

  app.post('/cycles', { onRequest: requireLogin, preHandler: [formOf(startCycleForm), app.csrfProtection] }, async (request, reply) => {
    const body = request.body as { obligation?: string; period?: string };
    const lang = secretariatLanguage(request);
    const obligation = dataCalls.find((o) => o.id === body.obligation);
    const period = (body.period ?? '').trim();
    try {
      if (!obligation) throw RejectedError.of('ChooseObligation', lang);
      assertPeriod(period);
    } catch (err) {
      return renderDashboard(request, reply, 422, (err as Error).message);
    }
    const started = await startCycle(client, deps.taskQueue, { orgId: config.organisation.id, obligationId: obligation!.id, period }, 'web');
    return reply.redirect(`/cycles/${obligation!.id}/${period}?done=${started.outcome === 'started' ? 'started' : 'running'}`, 303);
  });

  const cycleKeyOf = (request: FastifyRequest): CycleKey | undefined => {
    const { obligation, period } = request.params as { obligation: string; period: string };
    if (!dataCalls.some((o) => o.id === obligation) || !/^\d{4}(-[A-Z0-9]{1,8})?$/.test(period)) return undefined;
    return { orgId: config.organisation.id, obligationId: obligation, period };
  };

  const STATE_COLORS: Record<DisplayState, string> = {
    answered: '#1a6b32',
    draft: '#2f6fb0',
    requested: '#8a8a8a',
    scheduled: '#d0d0d0',
    late: '#c4321e',
    escalated: '#7d0a0a',
    exempt: '#6a4c9c',
    bounced: '#e07000',
  };

  const renderCycle = async (request: FastifyRequest, reply: FastifyReply, key: CycleKey, status = 200, error?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    let cycle: CycleStatus;
    try {
      cycle = await cycleStatus(client, key);
    } catch (err) {
      if (err instanceof CycleNotFoundError) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      throw err;
    }
    const states = STATE_LABELS[lang];
    const asked = cycle.units.filter((u) => u.state !== 'exempt').length;
    const answered = cycle.units.filter((u) => u.state === 'answered').length;
    const order: DisplayState[] = ['answered', 'draft', 'requested', 'scheduled', 'late', 'escalated', 'bounced', 'exempt'];
    const counts = order.map((s) => ({ s, count: cycle.units.filter((u) => displayState(u) === s).length })).filter((c) => c.count > 0);
    const total = cycle.units.length || 1;
    let x = 0;
    const chart = counts.map(({ s, count }) => {
      const width = (count / total) * 600;
      const segment = { x: x.toFixed(1), width: width.toFixed(1), color: STATE_COLORS[s], label: states[s], count };
      x += width;
      return segment;
    });
    const base = `/cycles/${key.obligationId}/${key.period}`;
    const open = cycle.info.phase === 'open';
    const summary = text(lang, 'responseSummary', { answered, asked, percent: asked ? Math.round((answered / asked) * 100) : 0 });
    return page(reply, status, 'cycle', context, {
      heading: obligationTitle(key, lang),
      phaseText: text(lang, cycle.info.phase),
      closes: cycle.info.setup && open ? formatDate(cycle.info.setup.plan.closesAt, zone, lang, true) : undefined,
      done: doneMessage(lang, request.query as Record<string, string>),
      error,
      responseSummary: summary,
      chart,
      open,
      base,
      report: cycle.info.report ? { html: `${base}/report.html`, markdown: `${base}/report.md` } : undefined,
      reportPending: !open && !cycle.info.report && !cycle.info.reportProblem,
      reportProblems: [
        ...(cycle.info.reportProblem ? [text(lang, 'reportNotCompiled', { problem: cycle.info.reportProblem })] : []),
        ...(cycle.info.delivery ?? [])
          .filter((d) => d.state !== 'delivered')
          .map((d) => text(lang, d.state === 'retrying' ? 'reportRetrying' : 'reportUndelivered', { address: d.address, detail: d.detail ?? '' })),
      ],
      units: cycle.units.map((u) => {
        const name = unitName(u.unitId, lang);
        return {
          id: u.unitId,
          name,
          stateClass: displayState(u),
          stateText: states[displayState(u)],
          problem: u.mailProblems.map((p) => (p.address ? `${p.address}: ${p.error}` : p.error)).join('; ') || undefined,
          deadline: formatDate(`${u.plan.deadlineDate}T12:00:00`, zone, lang),
          deadlineDate: u.plan.deadlineDate,
          answeredAt: u.answer ? formatDate(u.answer.answeredAt, zone, lang, true) : '',
          reminders: u.remindersSentAt.length,
          canRemind: unitOwesAnswer(u),
          canChange: !u.answer && !u.exempt,
        };
      }),
    });
  };

  app.get('/cycles/:obligation/:period', { onRequest: requireLogin }, async (request, reply) => {
    const key = cycleKeyOf(request);
    if (!key) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
    return renderCycle(request, reply, key);
  });

  const action = (name: string, run: (key: CycleKey, body: Record<string, string>) => Promise<string>) =>
    app.post(`/cycles/:obligation/:period/${name}`, { onRequest: requireLogin, preHandler: [formOf(cycleActionForm), app.csrfProtection] }, async (request, reply) => {
      const key = cycleKeyOf(request);
      if (!key) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
      const body = request.body as Record<string, string>;
      if (body.unit !== undefined && !config.units.some((u) => u.id === body.unit)) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
      try {
        const done = await run(key, body);
        return reply.redirect(`/cycles/${key.obligationId}/${key.period}?${done}`, 303);
      } catch (err) {
        // In the page's language, from the one catalogue, whatever language the workflow speaks.
        if (err instanceof RejectedError) return renderCycle(request, reply, key, 409, err.in(secretariatLanguage(request)));
        throw err;
      }
    });

  action('remind', async (key, body) => {
    const reminded = await remindNow(client, key, body.unit || undefined);
    return reminded.length ? `done=reminded&unit=${reminded.join(',')}` : 'done=nobody';
  });
  action('extend', async (key, body) => {
    await extendDeadline(client, key, body.unit ?? '', body.until ?? '');
    return `done=extended&unit=${body.unit}`;
  });
  action('exempt', async (key, body) => {
    await exemptUnit(client, key, body.unit ?? '', (body.reason ?? '').slice(0, 500));
    return `done=exempted&unit=${body.unit}`;
  });
  action('close', async (key, body) => {
    if (body.confirm !== 'yes') throw RejectedError.of('NotConfirmed', orgLanguage);
    await closeCycle(client, key, 'closed from the dashboard');
    return 'done=closing';
  });
  action('redeliver', async (key) => {
    await redeliverReport(client, key);
    return 'done=redelivering';
  });

  app.get('/cycles/:obligation/:period/report.:format', { onRequest: requireLogin }, async (request, reply) => {
    const key = cycleKeyOf(request);
    const { format } = request.params as { format: string };
    const lang = secretariatLanguage(request);
    if (!key || (format !== 'html' && format !== 'md')) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    let info: CycleStatus['info'];
    try {
      ({ info } = await cycleStatus(client, key, { unitsToo: false }));
    } catch (err) {
      // Only a cycle that does not exist is "not found"; an outage is an error, logged and said as one.
      if (err instanceof CycleNotFoundError) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      throw err;
    }
    const ref = info.report ? (format === 'html' ? info.report.html : info.report.markdown) : undefined;
    if (!ref) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const content = await archive.read(ref);
    const filename = path.basename(ref);
    if ((request.query as Record<string, string>).download === '1' || format === 'md') reply.header('Content-Disposition', `attachment; filename="${filename}"`);
    // The archived report has its own inline style sheet.
    if (format === 'html') reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    return reply.type(format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8').send(content);
  });

  return app;
}

async function cycleStatusForUnit(client: Client, key: CycleKey, unitId: string) {
  const [status, unit] = await Promise.all([cycleStatus(client, key, { unitsToo: false }), unitStatus(client, key, unitId)]);
  const setup = status.info.setup;
  return { info: status.info, unit, questionnaire: setup?.questionnaire ?? [], closesAt: setup?.plan.closesAt ?? unit.plan.deadlineAt };
}
