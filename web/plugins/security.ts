/**
 * Security for every route: cookies signed, forms parsed with a size limit, CSRF tokens, a flood
 * guard per client, and the response headers (Content-Security-Policy, no referrer, no framing)
 * from @fastify/helmet. Wrapped with fastify-plugin, so it applies to the whole app.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { valueIn } from '../forms';

/** Requests one client may make in a minute on any page: a flood guard that touches that client only. */
const REQUESTS_PER_CLIENT_MINUTE = 600;
const BODY_LIMIT = 1024 * 1024;

export const security = fp(async (app: FastifyInstance, options: { cookieSecret: string; secure: boolean }) => {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // Over plain http (a laptop, a test) a browser ignores it; behind https it keeps people there.
    strictTransportSecurity: options.secure ? { maxAge: 31_536_000 } : false,
  });
  await app.register(fastifyCookie, { secret: options.cookieSecret });
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    // Lax, not Strict: a link opened from Outlook is a navigation from another site, and a Strict
    // cookie would not come along, so each opening would replace the secret and break the other tab.
    // The token in the form is what protects; Lax still keeps the cookie off other sites' posts.
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: options.secure },
    getToken: (request) => {
      const token = valueIn(request.body, '_csrf');
      return typeof token === 'string' ? token : undefined;
    },
  });
  // Every client by its own address: a flood slows the flooder, nobody else.
  await app.register(fastifyRateLimit, { global: true, max: REQUESTS_PER_CLIENT_MINUTE, timeWindow: '1 minute' });
  // Pages hold answers and personal data: no cache keeps them unless a route says otherwise.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
});

export const BODY_LIMIT_BYTES = BODY_LIMIT;
