/**
 * The web interface, composed of its parts: security for every route (plugins/security), the
 * contact persons' answer pages (reached by a signed link, no account), signing in, and the
 * secretariat's pages — the overview, each obligation kind's pages (web/obligations), the preview
 * of a period's mails — and the pages owners and units reach from links in their mails.
 * Server-rendered HTML that works without JavaScript; every action goes through the same client
 * operations and Workflow Updates as the CLI.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createRegisterReader } from '../activities/register-reader';
import { createRenderer } from '../activities/renderer';
import { languageIn, languageQuery, tokenParams } from './forms';
import { pickLanguage, text } from './i18n';
import { createWebKit, type SharedSignIn, type WebDeps } from './kit';
import { answerPages } from './pages/answer';
import { dashboardPages } from './pages/dashboard';
import { WEB_KINDS } from './obligations';
import { accessibilityPages } from './pages/accessibility';
import { publicationPages } from './pages/publication';
import { ownerLinkPages } from './pages/owner-links';
import { schedulePages } from './pages/schedules';
import { yearPages } from './pages/year';
import { mailLogPages } from './pages/mail-log';
import { webhookPages } from './pages/webhooks';
import { archivePackagePages } from './pages/archive-package';
import { tokenPages } from './pages/tokens';
import { peoplePages } from './pages/people';
import { apiAuthentication, apiCredentials, requireRole } from './api-auth';
import { API_PREFIX, apiV1 } from './api';
import { recordAction } from '../records/audit-log';
import { previewPages } from './pages/preview';
import { signInPages } from './pages/sign-in';
import { security, BODY_LIMIT_BYTES } from './plugins/security';
import { createSecretariatSession, SESSION_HOURS } from './secretariat-session';
import { createSessionTable } from './sessions';
import { createFailureLimit, SIGN_IN_LIMIT } from './failure-limits';
import { createViews } from './views';
import { NoMalwareScannerError } from './uploads';
import { asksForFiles, questionnairesTakingFiles } from '../domain/attachments';

export type { WebDeps } from './kit';
export { answerUpdateId } from './pages/answer';

/** Believe this many proxies in front of us (Fastify's own reading of a hop count, typed). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Links carry a token in the path, and single sign-on a code in the query; logs get the route, never those. */
export function maskTokens(url: string): string {
  return url.replace(/\/(answer|goals|agreement|unit)\/[^/?#]+/, '/$1/[token]').replace(/^((?:\/[a-z0-9-]+)?\/login\/sso\/callback)\?.*$/, '$1?[code]');
}


/** The web for a deployment of one organisation, at the root. */
export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  return buildDeploymentWebApp([deps]);
}

/**
 * One web server for every organisation of a deployment: a single one at the root; several each
 * under its own path ("/solna/…"), with one sign-in, each organisation letting in only the people
 * its accounts name (a shared service, a municipal association).
 */
/** Top-level paths of the pages: an organisation's id must not be one, or its path would be taken. */
const RESERVED_PATHS = ['answer', 'goals', 'agreement', 'unit', 'login', 'logout', 'dashboard', 'cycles', 'projects', 'seminars', 'agreements', 'events', 'revisions', 'yearly-goals', 'schedules', 'preview', 'assets', 'healthz', 'accessibility', 'public', 'archive-package', 'tokens', 'api', 'webhooks', 'people'];

/** The pages a mailed link opens, and what each link was signed for. */
const LINK_PAGES = [
  ['answer', 'answer'],
  ['goals', 'project-goals'],
  ['agreement', 'agreement-review'],
  ['unit', 'unit-registers'],
] as const;

export class OrganisationPathError extends Error {
  override name = 'OrganisationPathError';
}

/**
 * `underOwnPaths`: whether the deployment serves several organisations (each under /<id>/), also
 * when this server serves only one of them (`followup web --org`): the worker's links say so too.
 */
export async function buildDeploymentWebApp(organisations: readonly WebDeps[], options: { underOwnPaths?: boolean } = {}): Promise<FastifyInstance> {
  const first = organisations[0];
  if (!first) throw new Error('A web server needs at least one organisation.');
  const underOwnPaths = options.underOwnPaths ?? organisations.length > 1;
  for (const deps of underOwnPaths ? organisations : []) {
    if (RESERVED_PATHS.includes(deps.config.organisation.id))
      throw new OrganisationPathError(`The organisation id "${deps.config.organisation.id}" is also a page of the web (/${deps.config.organisation.id}); give the organisation another id in its file.`);
  }
  const serializers = {
    req: (req: { method: string; url: string }) => ({ method: req.method, url: maskTokens(req.url) }),
  };
  const app = Fastify({
    logger: first.logger ? { ...(first.logger === true ? {} : first.logger), serializers } : false,
    trustProxy: typeof first.trustProxy === 'number' ? trustHops(first.trustProxy) : (first.trustProxy ?? false),
    // Answer-link tokens are longer than Fastify's default limit of 100 characters.
    routerOptions: { maxParamLength: 700 },
    bodyLimit: BODY_LIMIT_BYTES,
  });
  // Every route's params, query string and form are checked against its zod schemas (web/forms.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(security, { cookieSecret: first.cookieSecret, secure: first.publicBaseUrl.startsWith('https:') });
  const stylesheet = readFileSync(path.join(first.templatesDir, 'web', 'style.css'), 'utf8');
  app.get('/assets/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(stylesheet));
  app.get('/healthz', async () => ({ ok: true }));
  if (!underOwnPaths) {
    await organisationSite(app, first);
    return app;
  }

  const shared: SharedSignIn = {
    sessions: createSessionTable({ hours: SESSION_HOURS, now: first.now ?? (() => new Date()), records: first.records }),
    failedLogins: createFailureLimit(SIGN_IN_LIMIT, first.records),
  };
  for (const deps of organisations) {
    const prefix = `/${deps.config.organisation.id}`;
    await app.register(
      async (scope) => {
        scope.addHook('onSend', async (_request, reply, payload) => {
          const location = reply.getHeader('location');
          if (typeof location === 'string') reply.header('location', underPath(prefix, location));
          if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
          return payload.replace(/(\s(?:href|action|src|formaction)=")(\/[^"]*)"/g, (_m, attribute: string, url: string) => `${attribute}${underPath(prefix, url)}"`);
        });
        await organisationSite(scope, { ...deps, organisationPath: prefix, shared });
      },
      { prefix },
    );
  }
  // The deployment's own pages: which organisation is whose, and an address that fits no route.
  // They belong to no organisation: the product's templates, never an organisation's own.
  const views = createViews(first.templatesDir);
  const deploymentMessage = (reply: FastifyReply, status: number, lang: 'sv' | 'en', heading: 'notFoundTitle' | 'organisationsTitle' | 'badAddressTitle', body: 'organisationsIntro' | 'badAddressText') => {
    const links = organisations.map((d) => ({ url: `/${d.config.organisation.id}/`, name: d.config.organisation.name }));
    return reply.code(status).type('text/html; charset=utf-8').send(views('message', { lang, orgName: text(lang, 'organisationsTitle') }, { heading: text(lang, heading), body: text(lang, body), links }));
  };
  app.setErrorHandler((error: Error, request, reply) => {
    const lang = pickLanguage(languageIn(request.query), first.config.organisation.language);
    if (hasZodFastifySchemaValidationErrors(error)) return deploymentMessage(reply, 400, lang, 'badAddressTitle', 'badAddressText');
    // Anything else as Fastify answers it by default.
    throw error;
  });
  // Links mailed while the deployment served one organisation at the root lead to its path now:
  // a contact person's link keeps working when the deployment takes in another organisation.
  const served = new Set(organisations.map((d) => d.config.organisation.id));
  for (const [page, purpose] of LINK_PAGES) {
    app.withTypeProvider<ZodTypeProvider>().get(`/${page}/:token`, { schema: { params: tokenParams } }, async (request, reply) => {
      const orgId = first.answerLinks.organisationOf(request.params.token, purpose);
      if (!orgId || !served.has(orgId)) return reply.callNotFound();
      const query = request.url.indexOf('?');
      return reply.redirect(`/${orgId}/${page}/${request.params.token}${query >= 0 ? request.url.slice(query) : ''}`, 308);
    });
  }
  // The deployment's front page: which organisation is whose.
  app.setNotFoundHandler((request, reply) => deploymentMessage(reply, 404, pickLanguage(languageIn(request.query), first.config.organisation.language), 'notFoundTitle', 'organisationsIntro'));
  app.withTypeProvider<ZodTypeProvider>().get('/', { schema: { querystring: languageQuery } }, async (request, reply) =>
    deploymentMessage(reply, 200, pickLanguage(request.query.lang, first.config.organisation.language), 'organisationsTitle', 'organisationsIntro'),
  );
  return app;
}

/**
 * The pages are written for the root ("/cycles/…"); under an organisation's path every link and
 * redirect they make gets the path in front. Links already under it, and the shared assets, stay.
 */
export function underPath(prefix: string, url: string): string {
  if (!url.startsWith('/') || url.startsWith('//') || url.startsWith('/assets/')) return url;
  if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`) || url.startsWith(`${prefix}#`)) return url;
  return `${prefix}${url}`;
}

/** A route that answers in JSON (its path ends in .json, as the public feed's does): its errors are JSON too. */
const servesJson = (request: FastifyRequest) => request.routeOptions.url?.endsWith('.json') === true;

/** A config that asks for files needs a scanner and a database to keep them in: never a file unscanned. */
function filesCanBeTaken(deps: WebDeps): void {
  if (!asksForFiles(questionnairesTakingFiles(deps.config.obligations))) return;
  const missing = [...(deps.scanner ? [] : ['FOLLOWUP_CLAMD (where clamd listens: /run/clamav/clamd.ctl or host:port)']), ...(deps.records ? [] : ['DATABASE_URL (the database of record the files are kept in)'])];
  if (missing.length) {
    throw new NoMalwareScannerError(
      `${deps.config.organisation.name}'s questionnaire has a file field, and files are taken only when scanned for malware and kept on record: set ${missing.join(' and ')}, or remove the file field from the config (docs/operations.md, "Files attached to answers").`,
    );
  }
}

/** One organisation's pages, on the app itself or in a scope under the organisation's path. */
async function organisationSite(app: FastifyInstance, deps: WebDeps): Promise<void> {
  filesCanBeTaken(deps);
  const kit = createWebKit(deps);
  const { config, message, orgLanguage } = kit;
  app.setNotFoundHandler((request, reply) => message(reply, 404, pickLanguage(languageIn(request.query), orgLanguage), 'notFoundTitle', 'notFoundText'));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // The language the request asked for, whether or not it fitted its route's schemas; else the one the person chose before.
    const lang = pickLanguage(languageIn(request.query) ?? languageIn(request.body) ?? request.cookies.followup_lang, orgLanguage);
    if (error.statusCode === 429) return message(reply, 429, lang, 'tooManyTitle', 'tooManyText');
    if (hasZodFastifySchemaValidationErrors(error)) {
      if (servesJson(request)) {
        const problems = error.validation.map((v) => ({ in: error.validationContext, path: v.instancePath, message: v.message }));
        return reply.code(400).type('application/problem+json; charset=utf-8').send({ type: 'about:blank', status: 400, title: text(lang, 'badAddressTitle'), detail: text(lang, 'badAddressText'), problems });
      }
      // A form of the wrong shape was not made by the page; an address that does not fit was changed by hand.
      return error.validationContext === 'body' ? message(reply, 400, lang, 'badRequestTitle', 'badRequestShape') : message(reply, 400, lang, 'badAddressTitle', 'badAddressText');
    }
    if (error.code?.startsWith('FST_CSRF') || error.statusCode === 403) return message(reply, 403, lang, 'badRequestTitle', 'badRequestText');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return message(reply, error.statusCode, lang, 'badRequestTitle', 'badRequestText');
    request.log.error({ err: error, url: maskTokens(request.url) }, 'request failed');
    return message(reply, 500, lang, 'errorTitle', 'errorText');
  });

  const session = createSecretariatSession(kit);
  app.addHook('onRequest', session.readSession);
  // What the API's routes (web/api/) check their callers with: API tokens, client credentials, the session.
  await app.register(apiCredentials, { kit, session });
  const records = deps.records;
  if (records) {
    // Who did what: every action taken through a form (it answers with a redirect) is in the audit
    // log, by the signed-in person, or by whoever holds the mailed link (owner, contact).
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'POST' || reply.statusCode !== 303 || request.routeOptions.config.auditedByRoute) return;
      const page = maskTokens(request.url.split('?')[0] ?? request.url);
      if (/\/(login|logout)(\/|$)/.test(page)) return;
      const done = new URL(String(reply.getHeader('location') ?? ''), 'http://localhost').searchParams.get('done');
      const account = session.signedIn(request);
      await recordAction(records, {
        at: kit.now(),
        actor: account ? `${account.displayName} (${account.name})` : 'link',
        via: account?.name.startsWith('sso:') ? 'sso' : 'web',
        action: done ?? page.split('/').pop() ?? page,
        subject: page,
      }).catch((err: Error) => request.log.error({ err, url: page }, 'the action is done but not in the audit log'));
    });
  }
  await app.register(answerPages, { kit });
  await app.register(signInPages, { kit, session });
  await app.register(dashboardPages, { kit, session });
  await app.register(ownerLinkPages, { kit });
  await app.register(accessibilityPages, { kit });
  await app.register(publicationPages, { kit });
  await app.register(schedulePages, { kit, session });
  await app.register(yearPages, { kit, session });
  await app.register(mailLogPages, { kit, session });
  await app.register(webhookPages, { kit, session });
  await app.register(archivePackagePages, { kit, session });
  await app.register(tokenPages, { kit, session });
  await app.register(peoplePages, { kit, session });
  // The HTTP API for the organisation's other systems, with its OpenAPI document (web/api/).
  await app.register(apiV1, { prefix: API_PREFIX, kit, authenticate: apiAuthentication, requireSecretariat: requireRole('secretariat') });
  // Each kind's pages once, whatever number of obligations of the kind the organisation has.
  for (const kind of new Set(config.obligations.map((o) => o.kind))) {
    const pages = WEB_KINDS[kind].pages;
    if (pages) await app.register(pages, { kit, session });
  }
  await app.register(previewPages, {
    config,
    renderer: createRenderer(deps.templatesDir, config.organisation.templates),
    registers: createRegisterReader(deps.client),
    publicBaseUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}${kit.basePath}`,
    now: kit.now,
    requireLogin: session.requireLogin,
    context: session.secretariatContext,
    page: kit.page,
  });
}
