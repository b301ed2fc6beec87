/**
 * What the web's plugins share: the organisation, the Temporal client, the archive, the page
 * renderer and the look-ups every page uses. Built once by app.ts and handed to each plugin.
 */
import CsrfTokens from '@fastify/csrf';
import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Archive } from '../activities/archive';
import type { OrganisationConfig } from '../config/schema';
import type { Records } from '../records/database';
import type { AnswerLinks } from '../domain/answer-links';
import type { CycleKey } from '../domain/ids';
import { questionnaireOf } from '../domain/questionnaire';
import type { Language, Questionnaire } from '../domain/types';
import { valueIn } from './forms';
import { text, type TextKey } from './i18n';
import { createViews, type PageContext } from './views';
import type { AccountStore } from './accounts';
import type { SessionTable } from './sessions';
import type { MalwareScanner } from './clamd';
import { createFailureLimit, INVALID_LINK_LIMIT, type FailureLimit } from './failure-limits';
import { createSingleSignOn, type SingleSignOnSettings } from './single-sign-on';

export interface WebDeps {
  config: OrganisationConfig;
  client: Client;
  /**
   * The database of record (npm start's embedded one, or DATABASE_URL): the mail log is read from
   * it, and sessions and failure counts kept in it, so that every web process shares them.
   */
  records?: Records;
  taskQueue: string;
  archive: Archive;
  answerLinks: AnswerLinks;
  /** Named accounts (`followup users`); the way in for the embedded default. */
  accounts?: AccountStore;
  /**
   * A password shared by the secretariat (FOLLOWUP_SECRETARIAT_PASSWORD_HASH), from before named
   * accounts: it signs in as the account "sekretariatet". Kept for deployments that set it.
   */
  passwordHash?: string;
  /** Single sign-on through the organisation's OpenID Provider (Microsoft Entra ID and others). */
  singleSignOn?: SingleSignOnSettings;
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
   * Never all of them: a client could then name any address and never meet the sign-in limit.
   */
  trustProxy?: number | string;
  /**
   * Where one deployment serves several organisations: this one's path ("/solna"), and the sign-in
   * the organisations share (one session per person, each organisation checking who may enter).
   */
  organisationPath?: string;
  shared?: SharedSignIn;
  /** ClamAV's clamd (FOLLOWUP_CLAMD): scans every file attached to an answer; a config with a file field needs it. */
  scanner?: MalwareScanner;
}

/** One sign-in for every organisation of a deployment. */
export interface SharedSignIn {
  sessions: SessionTable;
  failedLogins: FailureLimit;
}

/** @fastify/csrf-protection's cookie for the secret (its default name). */
export const CSRF_COOKIE = '_csrf';
const csrfTokens = new CsrfTokens({ userInfo: false });

export function createWebKit(deps: WebDeps) {
  const { config } = deps;
  const views = createViews(deps.templatesDir, config.organisation.templates);
  const page = (reply: FastifyReply, status: number, name: string, context: PageContext, data: object) =>
    reply.code(status).type('text/html; charset=utf-8').send(views(name, context, data));
  const message = (reply: FastifyReply, status: number, lang: Language, heading: TextKey, body: TextKey, values: Record<string, string> = {}) =>
    page(reply, status, 'message', { lang, orgName: config.organisation.name }, { heading: text(lang, heading), body: text(lang, body, values) });
  // Cycles belong to data calls; the other kinds are run by their own workflows and the CLI.
  const dataCalls = config.obligations.filter((o) => o.kind === 'periodic-data-call');
  return {
    deps,
    config,
    client: deps.client,
    archive: deps.archive,
    answerLinks: deps.answerLinks,
    now: deps.now ?? (() => new Date()),
    orgLanguage: config.organisation.language,
    zone: config.organisation.timeZone,
    secure: deps.publicBaseUrl.startsWith('https:'),
    /** '' for a deployment of one organisation; "/solna" where each has its own path. */
    basePath: deps.organisationPath ?? '',
    page,
    message,
    dataCalls,
    /** One count for every kind of mailed link: a client guessing tokens guesses at all of them. */
    invalidLinks: createFailureLimit(INVALID_LINK_LIMIT, deps.records),
    singleSignOn: deps.singleSignOn
      ? createSingleSignOn(deps.singleSignOn, `${deps.publicBaseUrl.replace(/\/$/, '')}${deps.organisationPath ?? ''}/login/sso/callback`, async (email) => (await deps.accounts?.findByEmail(email))?.role)
      : undefined,
    configuredQuestionnaire: (key: CycleKey): Questionnaire => {
      const obligation = dataCalls.find((o) => o.id === key.obligationId);
      return obligation ? questionnaireOf(obligation) : [];
    },
    obligationTitle: (key: CycleKey, lang: Language) => {
      const obligation = config.obligations.find((o) => o.id === key.obligationId);
      return `${obligation ? obligation.title[lang] : key.obligationId} ${key.period}`;
    },
    unitName: (unitId: string, lang: Language) => config.units.find((u) => u.id === unitId)?.name[lang] ?? unitId,
    /**
     * The token in the form against the secret in the cookie, checked here (with the same library and
     * cookie as the plugin) so that a failure can answer with the form and what was typed.
     */
    csrfValid: (request: FastifyRequest): boolean => {
      const raw = request.cookies[CSRF_COOKIE];
      const secret = raw ? request.unsignCookie(raw) : undefined;
      const token = valueIn(request.body, '_csrf');
      return Boolean(secret?.valid && secret.value && typeof token === 'string' && csrfTokens.verify(secret.value, token));
    },
  };
}

export type WebKit = ReturnType<typeof createWebKit>;
