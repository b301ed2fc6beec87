/**
 * What the organisation publishes, open to anyone: /public (a page a website can link to or embed in
 * a frame) and /public/feed.json (the same for a website to fetch; schema in docs/public-feed.schema.json).
 * Only the registers and fields the config's "publication" names; nothing at all without one. Cached
 * for the config's cacheSeconds, with an ETag so a website asking again gets "not modified".
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadPublicFeed } from '../../client/publication';
import type { PublicFeed } from '../../domain/publication';
import { languageQuery } from '../forms';
import { pickLanguage } from '../i18n';
import type { Language } from '../../domain/types';
import type { WebKit } from '../kit';
import { renderPublicPage } from '../public-page';
import { createViews } from '../views';

export async function publicationPages(instance: FastifyInstance, { kit }: { kit: WebKit }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, client, message } = kit;
  const views = createViews(kit.deps.templatesDir, config.organisation.templates);
  const settings = config.publication;

  /** Sends body with the caching headers, or 304 when the asker already has this version. */
  const cached = (request: FastifyRequest, reply: FastifyReply, feed: PublicFeed, type: string, body: string) => {
    // The version is the content (and the page's own words): the moment of making it does not make it new.
    const etag = `"${createHash('sha256').update(JSON.stringify({ ...feed, generatedAt: '', title: settings?.title, intro: settings?.intro })).update(type).digest('base64url').slice(0, 27)}"`;
    reply
      .header('Cache-Control', `public, max-age=${settings?.cacheSeconds ?? 300}`)
      .header('ETag', etag)
      .header('Vary', 'Accept-Language')
      // Read by other sites: a website's script fetching the feed, a page framing the list.
      .header('Cross-Origin-Resource-Policy', 'cross-origin');
    // A proxy may have made it weak (W/"…"), and a cache may send several.
    const known = (request.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (known.includes(etag) || known.includes('*')) return reply.code(304).send();
    return reply.type(type).send(body);
  };

  // Anyone may ask, as often as they like: the feed is made at most once per cacheSeconds and
  // language, not once per request (with contact details it asks every project's workflow).
  const made = new Map<string, { at: number; feed: Promise<PublicFeed> }>();
  const feedOf = (lang: Language) => {
    const now = kit.now().getTime();
    const kept = made.get(lang);
    if (kept && now - kept.at < (settings?.cacheSeconds ?? 300) * 1000) return kept.feed;
    const feed = loadPublicFeed(client, config, new Date(now), lang);
    made.set(lang, { at: now, feed });
    // A failure is not kept: the next request tries again.
    feed.catch(() => made.delete(lang));
    return feed;
  };

  app.get('/public', { schema: { querystring: languageQuery } }, async (request, reply) => {
    const lang = pickLanguage(request.query.lang, kit.orgLanguage);
    if (!settings) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const feed = await feedOf(lang);
    const html = renderPublicPage(views, feed, config, {
      feedUrl: `/public/feed.json?lang=${lang}`,
      accessibilityUrl: `/accessibility?lang=${lang}`,
      switchLanguageUrl: `/public?lang=${lang === 'sv' ? 'en' : 'sv'}`,
    });
    // A read-only list with nothing to click into doing: any website may frame it.
    reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *").removeHeader('X-Frame-Options');
    return cached(request, reply, feed, 'text/html; charset=utf-8', html);
  });

  app.get('/public/feed.json', { schema: { querystring: languageQuery } }, async (request, reply) => {
    if (!settings) return reply.code(404).type('application/json').send({ error: `${config.organisation.id} publishes nothing.` });
    const feed = await feedOf(pickLanguage(request.query.lang, kit.orgLanguage));
    reply.header('Access-Control-Allow-Origin', '*');
    return cached(request, reply, feed, 'application/json; charset=utf-8', JSON.stringify(feed, null, 2));
  });
}
