/** Signing in and out of the secretariat's pages (one shared password until named accounts come). */
import type { FastifyInstance } from 'fastify';
import { formOf, loginForm, logoutForm } from '../forms';
import { text } from '../i18n';
import type { WebKit } from '../kit';
import { SESSION_COOKIE, SESSION_HOURS, type SecretariatSession } from '../secretariat-session';

export async function signInPages(app: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const { config, page, message, secure, csrfValid } = kit;
  const { sessions, credentialFor, verify, failedLogins, sessionId, loggedIn, secretariatLanguage, safeNext } = session;
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
    const body = request.body as { username?: string; password: string; next?: string };
    const lang = secretariatLanguage(request);
    const loginPage = (status: number, error: string) =>
      page(reply, status, 'login', { lang, orgName: config.organisation.name, csrf: reply.generateCsrf() }, { heading: text(lang, 'loginTitle'), error, next: safeNext(body.next), username: body.username ?? '' });
    if (!csrfValid(request)) return loginPage(403, text(lang, 'csrfExpired'));
    const wait = await failedLogins.attempt(request.ip);
    if (wait > 0) return message(reply.header('Retry-After', String(wait)), 429, lang, 'tooManyTitle', 'tooManyText');
    const account = await verify(body.username ?? '', body.password);
    if (account) {
      await failedLogins.forgive(request.ip);
      const id = sessions.create(account.name, credentialFor(account.name)!);
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
}
