/**
 * Who calls the HTTP API (/api/v1): an integration with its API token (records/api-tokens.ts), a
 * system with an access token from the organisation's identity provider (client credentials,
 * web/client-credentials.ts), or a person signed in to the web in the same browser. The API's
 * routes put `apiAuthentication` before their handler (and `requireRole('secretariat')` before a
 * write); it sets `request.apiActor`, or answers 401 with an RFC 9457 problem in the caller's
 * language and a `WWW-Authenticate: Bearer` header, so that a system learns why it was refused.
 *
 * Every organisation's site registers `apiCredentials` once (app.ts): the look-ups it needs (the
 * records, the session, the provider's keys) live on its Fastify scope, so that a route needs only
 * the preHandler.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isApiToken, noteTokenUsed, verifyApiToken } from '../records/api-tokens';
import type { ActedVia } from '../records/schema';
import { formatDate } from '../domain/calendar';
import type { Language } from '../domain/types';
import type { Role } from './accounts';
import { ApplicationTokenError, createApplicationVerifier, type ApplicationRefusal } from './client-credentials';
import { languageIn } from './forms';
import { text, type TextKey } from './i18n';
import type { WebKit } from './kit';
import type { SecretariatSession } from './secretariat-session';

export interface ApiActor {
  /** The integration's name (the token's, or the application's as configured), or the person's account name. */
  name: string;
  role: Role;
  orgId: string;
  via: 'token' | 'client-credentials' | 'session';
  /** A person signed in to the web: as pages and histories show them. */
  displayName?: string;
  /** An application from the identity provider: its application (client) id. */
  appId?: string;
}

interface ApiCredentials {
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  language(request: FastifyRequest): Language;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who calls the API, once apiAuthentication has let them in. */
    apiActor?: ApiActor;
  }
  interface FastifyInstance {
    apiCredentials?: ApiCredentials;
  }
  interface FastifyContextConfig {
    /** The route writes its own audit entry: app.ts's entry for a form's redirect would be a second one. */
    auditedByRoute?: boolean;
  }
}

export class ApiCredentialsMissingError extends Error {
  override name = 'ApiCredentialsMissingError';
}

/** RFC 9457's problem types of the API's credentials; the API's own problems add theirs. */
export const PROBLEM_TYPE_BASE = 'urn:policy-followup:problem:';

export interface Problem {
  /** The last part of the problem's type, e.g. "token-revoked". */
  type: string;
  title: string;
  detail: string;
  [extension: string]: unknown;
}

/** An `application/problem+json` answer (RFC 9457), with the request's path as its instance. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, problem: Problem): FastifyReply {
  const { type, ...rest } = problem;
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send({ type: `${PROBLEM_TYPE_BASE}${type}`, status, ...rest, instance: request.url.split('?')[0] ?? request.url });
}

/** The language a system asks for: ?lang=, else its Accept-Language (sv or en, by its weights), else the organisation's. */
export function callerLanguage(request: FastifyRequest, fallback: Language): Language {
  const asked = languageIn(request.query);
  if (asked === 'sv' || asked === 'en') return asked;
  const header = request.headers['accept-language'];
  if (typeof header === 'string') {
    const ranked = header
      .split(',')
      .map((part) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
        return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q) };
      })
      .filter((l) => l.q > 0)
      .sort((a, b) => b.q - a.q);
    const first = ranked.find((l) => l.primary === 'sv' || l.primary === 'en');
    if (first) return first.primary as Language;
  }
  return fallback;
}

const APPLICATION_TEXTS: Record<ApplicationRefusal, TextKey> = {
  'provider-unreachable': 'apiAppProviderUnreachable',
  'bad-signature': 'apiAppBadSignature',
  'unknown-key': 'apiAppUnknownKey',
  'wrong-audience': 'apiAppWrongAudience',
  'wrong-issuer': 'apiAppWrongIssuer',
  expired: 'apiAppExpired',
  malformed: 'apiAppMalformed',
  delegated: 'apiAppDelegated',
  'no-role': 'apiAppNoRole',
};

/** The part of the Authorization header after "Bearer ", when it has one. */
const bearerOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
};

const CROSS_SITE = new Set(['cross-site', 'same-site']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The API's credentials for one organisation's site: registered by app.ts on the site's scope. */
export const apiCredentials = fp<{ kit: WebKit; session: SecretariatSession }>(
  async (app, { kit, session }) => {
    const { config } = kit;
    const orgId = config.organisation.id;
    const records = kit.deps.records;
    const sso = kit.deps.singleSignOn;
    const applications = sso?.applications ? createApplicationVerifier(sso.issuer, sso.applications) : undefined;
    /** Where one deployment serves several organisations, a credential must name this one. */
    const severalOrganisations = Boolean(kit.deps.shared);
    const language = (request: FastifyRequest) => callerLanguage(request, kit.orgLanguage);
    const when = (date: Date, lang: Language) => formatDate(date.toISOString(), kit.zone, lang, true);

    const refuse = (request: FastifyRequest, reply: FastifyReply, type: string, title: TextKey, detail: string, error?: 'invalid_token') => {
      const lang = language(request);
      reply.header('WWW-Authenticate', `Bearer realm="policy-followup"${error ? `, error="${error}", error_description="${detail.replace(/["\\]/g, "'")}"` : ''}`);
      return sendProblem(request, reply, 401, { type, title: text(lang, title), detail });
    };
    const otherOrganisation = (request: FastifyRequest, reply: FastifyReply, name: string) => {
      const lang = language(request);
      return sendProblem(request, reply, 403, { type: 'other-organisation', title: text(lang, 'apiOtherOrganisationTitle'), detail: text(lang, 'apiOtherOrganisation', { name, organisation: config.organisation.name }) });
    };

    const byToken = async (request: FastifyRequest, reply: FastifyReply, presented: string) => {
      const lang = language(request);
      if (!records) return refuse(request, reply, 'no-records', 'apiTokenRefusedTitle', text(lang, 'apiNoRecords'), 'invalid_token');
      const now = kit.now();
      const check = await verifyApiToken(records, presented, now);
      if (!check.ok) {
        if (check.reason === 'revoked') return refuse(request, reply, 'token-revoked', 'apiTokenRefusedTitle', text(lang, 'apiTokenRevoked', { name: check.token.name, when: when(check.token.revokedAt!, lang), by: check.token.revokedBy ?? '' }), 'invalid_token');
        if (check.reason === 'expired') return refuse(request, reply, 'token-expired', 'apiTokenRefusedTitle', text(lang, 'apiTokenExpired', { name: check.token.name, when: when(check.token.expiresAt!, lang) }), 'invalid_token');
        return refuse(request, reply, 'token-unknown', 'apiTokenRefusedTitle', text(lang, 'apiTokenUnknown'), 'invalid_token');
      }
      const { token } = check;
      if (token.org !== orgId) return otherOrganisation(request, reply, token.name);
      await noteTokenUsed(records, token.id, now).catch((err: Error) => request.log.warn({ err }, 'the token is accepted, but when it was last used is not noted'));
      request.apiActor = { name: token.name, role: token.role, orgId, via: 'token' };
      return undefined;
    };

    const byApplication = async (request: FastifyRequest, reply: FastifyReply, jwt: string) => {
      const lang = language(request);
      if (!applications) return refuse(request, reply, 'no-identity-provider', 'apiTokenRefusedTitle', text(lang, 'apiNoApplications'), 'invalid_token');
      try {
        const app = await applications.verify(jwt);
        const mayEnter = app.organisations ? app.organisations.includes(orgId) : !severalOrganisations;
        if (!mayEnter) return otherOrganisation(request, reply, app.name);
        request.apiActor = { name: app.name, role: app.role, orgId, via: 'client-credentials', appId: app.appId };
        return undefined;
      } catch (err) {
        if (!(err instanceof ApplicationTokenError)) throw err;
        if (err.reason === 'no-role') return sendProblem(request, reply, 403, { type: 'no-app-role', title: text(lang, 'apiForbiddenTitle'), detail: text(lang, 'apiAppNoRole', { roles: [...sso!.applications!.secretariatRoles, ...sso!.applications!.readerRoles].join(', ') }) });
        if (err.reason === 'provider-unreachable') {
          request.log.warn({ err }, 'the identity provider could not be reached to check an access token');
          return sendProblem(request, reply.header('Retry-After', '30'), 503, { type: 'identity-provider-unreachable', title: text(lang, 'apiTokenRefusedTitle'), detail: text(lang, 'apiAppProviderUnreachable') });
        }
        const audiences = sso!.applications!.audiences;
        return refuse(request, reply, `access-token-${err.reason}`, 'apiTokenRefusedTitle', text(lang, APPLICATION_TEXTS[err.reason], { audiences: audiences.join(', '), scope: `${audiences[audiences.length - 1]}/.default`, issuer: sso!.issuer }), 'invalid_token');
      }
    };

    const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
      const presented = bearerOf(request);
      if (presented !== undefined) return isApiToken(presented) || presented.split('.').length !== 3 ? byToken(request, reply, presented) : byApplication(request, reply, presented);
      const lang = language(request);
      if (request.headers.authorization !== undefined) return refuse(request, reply, 'unauthorized', 'apiNoCredentialsTitle', text(lang, 'apiNoCredentials'), 'invalid_token');
      // A person signed in to the web, in the same browser (the API's reference page tries its routes so).
      const account = session.signedIn(request);
      if (!account) return refuse(request, reply, 'unauthorized', 'apiNoCredentialsTitle', text(lang, 'apiNoCredentials'));
      // The session cookie is SameSite=Lax; a browser saying another site made the request does not get to act with it either.
      const site = request.headers['sec-fetch-site'];
      if (!SAFE_METHODS.has(request.method) && typeof site === 'string' && CROSS_SITE.has(site)) return refuse(request, reply, 'unauthorized', 'apiNoCredentialsTitle', text(lang, 'apiNoCredentials'));
      if (!session.mayEnter(account)) return otherOrganisation(request, reply, account.displayName);
      request.apiActor = { name: account.name, displayName: account.displayName, role: account.role, orgId, via: 'session' };
      return undefined;
    };

    app.decorate('apiCredentials', { authenticate, language });
  },
  { name: 'api-credentials' },
);

/** The preHandler of every API route: sets request.apiActor, or answers 401/403 with a problem. */
export async function apiAuthentication(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const credentials = request.server.apiCredentials;
  if (!credentials) throw new ApiCredentialsMissingError('An API route is registered outside an organisation\'s site: register it where app.ts registers apiCredentials.');
  return credentials.authenticate(request, reply);
}

/** After apiAuthentication: the secretariat's role for a write (403 for a reader), any role to read. */
export function requireRole(role: Role) {
  return async function roleRequired(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const actor = request.apiActor;
    if (!actor) throw new ApiCredentialsMissingError('requireRole runs after apiAuthentication: put both in the route\'s preHandler, apiAuthentication first.');
    if (role === 'reader' || actor.role === 'secretariat') return undefined;
    const lang = request.server.apiCredentials?.language(request) ?? 'sv';
    if (actor.via !== 'session') reply.header('WWW-Authenticate', 'Bearer realm="policy-followup", error="insufficient_scope"');
    return sendProblem(request, reply, 403, { type: 'forbidden', title: text(lang, 'apiForbiddenTitle'), detail: text(lang, actor.via === 'session' ? 'apiReaderAccountCannotWrite' : 'apiReaderCannotWrite', { name: actor.displayName ?? actor.name }) });
  };
}

/**
 * Who the audit log names for an action through the API: "api:<integration>" by the way it came
 * in (via "api"), or the signed-in person as the web's forms name them.
 */
export function auditActorOf(request: FastifyRequest): { actor: string; via: ActedVia; detail: { credential: ApiActor['via']; appId?: string } } {
  const actor = request.apiActor;
  if (!actor) throw new ApiCredentialsMissingError('auditActorOf needs a request apiAuthentication has let in.');
  if (actor.via === 'session') return { actor: `${actor.displayName ?? actor.name} (${actor.name})`, via: actor.name.startsWith('sso:') ? 'sso' : 'web', detail: { credential: 'session' } };
  return { actor: `api:${actor.name}`, via: 'api', detail: { credential: actor.via, ...(actor.appId ? { appId: actor.appId } : {}) } };
}
