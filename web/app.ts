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
import Fastify, { type FastifyInstance } from 'fastify';
import { createRegisterReader } from '../activities/register-reader';
import { createRenderer } from '../activities/renderer';
import { pickLanguage, text } from './i18n';
import { createWebKit, type SharedSignIn, type WebDeps } from './kit';
import { answerPages } from './pages/answer';
import { dashboardPages } from './pages/dashboard';
import { WEB_KINDS } from './obligations';
import { accessibilityPages } from './pages/accessibility';
import { publicationPages } from './pages/publication';
import { ownerLinkPages } from './pages/owner-links';
import { schedulePages } from './pages/schedules';
import { mailLogPages } from './pages/mail-log';
import { archivePackagePages } from './pages/archive-package';
import { recordAction } from '../records/audit-log';
import { previewPages } from './pages/preview';
import { signInPages } from './pages/sign-in';
import { security, BODY_LIMIT_BYTES } from './plugins/security';
import { createSecretariatSession, SESSION_HOURS } from './secretariat-session';
import { createSessionTable } from './sessions';
import { createFailureLimit, SIGN_IN_LIMIT } from './failure-limits';
import { createViews } from './views';

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
const RESERVED_PATHS = ['answer', 'goals', 'agreement', 'unit', 'login', 'logout', 'dashboard', 'cycles', 'projects', 'seminars', 'agreements', 'events', 'revisions', 'yearly-goals', 'schedules', 'preview', 'assets', 'healthz', 'accessibility', 'public', 'archive-package'];

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
  // Links mailed while the deployment served one organisation at the root lead to its path now:
  // a contact person's link keeps working when the deployment takes in another organisation.
  const served = new Set(organisations.map((d) => d.config.organisation.id));
  for (const [page, purpose] of LINK_PAGES) {
    app.get<{ Params: { token: string } }>(`/${page}/:token`, async (request, reply) => {
      const orgId = first.answerLinks.organisationOf(request.params.token, purpose);
      if (!orgId || !served.has(orgId)) return reply.callNotFound();
      const query = request.url.indexOf('?');
      return reply.redirect(`/${orgId}/${page}/${request.params.token}${query >= 0 ? request.url.slice(query) : ''}`, 308);
    });
  }
  // The deployment's front page: which organisation is whose.
  const views = createViews(first.templatesDir);
  app.setNotFoundHandler((request, reply) => {
    const lang = pickLanguage((request.query as Record<string, string>)?.lang, first.config.organisation.language);
    const links = organisations.map((d) => ({ url: `/${d.config.organisation.id}/`, name: d.config.organisation.name }));
    return reply.code(404).type('text/html; charset=utf-8').send(views('message', { lang, orgName: text(lang, 'organisationsTitle') }, { heading: text(lang, 'notFoundTitle'), body: text(lang, 'organisationsIntro'), links }));
  });
  app.get('/', async (request, reply) => {
    const lang = pickLanguage((request.query as Record<string, string>)?.lang, first.config.organisation.language);
    const links = organisations.map((d) => ({ url: `/${d.config.organisation.id}/`, name: d.config.organisation.name }));
    return reply.type('text/html; charset=utf-8').send(views('message', { lang, orgName: text(lang, 'organisationsTitle') }, { heading: text(lang, 'organisationsTitle'), body: text(lang, 'organisationsIntro'), links }));
  });
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

/** One organisation's pages, on the app itself or in a scope under the organisation's path. */
async function organisationSite(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const kit = createWebKit(deps);
  const { config, message, orgLanguage } = kit;
  app.setNotFoundHandler((request, reply) => message(reply, 404, pickLanguage((request.query as Record<string, string>)?.lang, orgLanguage), 'notFoundTitle', 'notFoundText'));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const lang = pickLanguage((request.query as Record<string, string>)?.lang ?? (request.body as Record<string, string>)?.lang, orgLanguage);
    if (error.statusCode === 429) return message(reply, 429, lang, 'tooManyTitle', 'tooManyText');
    if (error.name === 'FormShapeError') return message(reply, 400, lang, 'badRequestTitle', 'badRequestShape');
    if (error.name === 'RouteParamsError') return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    if (error.code?.startsWith('FST_CSRF') || error.statusCode === 403) return message(reply, 403, lang, 'badRequestTitle', 'badRequestText');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return message(reply, error.statusCode, lang, 'badRequestTitle', 'badRequestText');
    request.log.error({ err: error, url: maskTokens(request.url) }, 'request failed');
    return message(reply, 500, lang, 'errorTitle', 'errorText');
  });

  const session = createSecretariatSession(kit);
  app.addHook('onRequest', session.readSession);
  const records = deps.records;
  if (records) {
    // Who did what: every action taken through a form (it answers with a redirect) is in the audit
    // log, by the signed-in person, or by whoever holds the mailed link (owner, contact).
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'POST' || reply.statusCode !== 303) return;
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
  await app.register(mailLogPages, { kit, session });
  await app.register(archivePackagePages, { kit, session });
  // Each kind's pages once, whatever number of obligations of the kind the organisation has.
  for (const kind of new Set(config.obligations.map((o) => o.kind))) {
    const pages = WEB_KINDS[kind].pages;
    if (pages) await app.register(pages, { kit, session });
  }
  await app.register(previewPages, {
    config,
    renderer: createRenderer(deps.templatesDir),
    registers: createRegisterReader(deps.client),
    publicBaseUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}${kit.basePath}`,
    now: kit.now,
    requireLogin: session.requireLogin,
    context: session.secretariatContext,
    page: kit.page,
  });
}
