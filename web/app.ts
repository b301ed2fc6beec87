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
import { pickLanguage } from './i18n';
import { createWebKit, type WebDeps } from './kit';
import { answerPages } from './pages/answer';
import { dashboardPages } from './pages/dashboard';
import { WEB_KINDS } from './obligations';
import { ownerLinkPages } from './pages/owner-links';
import { schedulePages } from './pages/schedules';
import { previewPages } from './pages/preview';
import { signInPages } from './pages/sign-in';
import { security, BODY_LIMIT_BYTES } from './plugins/security';
import { createSecretariatSession } from './secretariat-session';

export type { WebDeps } from './kit';
export { answerUpdateId } from './pages/answer';

/** Believe this many proxies in front of us (Fastify's own reading of a hop count, typed). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Links carry a token in the path, and single sign-on a code in the query; logs get the route, never those. */
export function maskTokens(url: string): string {
  return url.replace(/\/(answer|goals|agreement|unit)\/[^/?#]+/, '/$1/[token]').replace(/^(\/login\/sso\/callback)\?.*$/, '$1?[code]');
}


export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  const kit = createWebKit(deps);
  const { config, message, orgLanguage } = kit;
  const stylesheet = readFileSync(path.join(deps.templatesDir, 'web', 'style.css'), 'utf8');
  const serializers = {
    req: (req: { method: string; url: string }) => ({ method: req.method, url: maskTokens(req.url) }),
  };
  const app = Fastify({
    logger: deps.logger ? { ...(deps.logger === true ? {} : deps.logger), serializers } : false,
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
    // Answer-link tokens are longer than Fastify's default limit of 100 characters.
    routerOptions: { maxParamLength: 700 },
    bodyLimit: BODY_LIMIT_BYTES,
  });
  await app.register(security, { cookieSecret: deps.cookieSecret, secure: kit.secure });

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

  app.get('/assets/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(stylesheet));
  app.get('/healthz', async () => ({ ok: true }));

  const session = createSecretariatSession(kit);
  await app.register(answerPages, { kit });
  await app.register(signInPages, { kit, session });
  await app.register(dashboardPages, { kit, session });
  await app.register(ownerLinkPages, { kit });
  await app.register(schedulePages, { kit, session });
  // Each kind's pages once, whatever number of obligations of the kind the organisation has.
  for (const kind of new Set(config.obligations.map((o) => o.kind))) {
    const pages = WEB_KINDS[kind].pages;
    if (pages) await app.register(pages, { kit, session });
  }
  await app.register(previewPages, {
    config,
    renderer: createRenderer(deps.templatesDir),
    registers: createRegisterReader(deps.client),
    publicBaseUrl: deps.publicBaseUrl,
    now: kit.now,
    requireLogin: session.requireLogin,
    context: session.secretariatContext,
    page: kit.page,
  });
  return app;
}
