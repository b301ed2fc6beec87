/** Signing in and out of the secretariat's pages: a named account's password, or single sign-on. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emptyForm, languageQuery, loginForm, loginQuery, singleSignOnCallbackQuery } from '../forms';
import { text, waitText } from '../i18n';
import type { WebKit } from '../kit';
import { SESSION_COOKIE, SESSION_HOURS, type SecretariatSession } from '../secretariat-session';

export async function signInPages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, page, message, secure, csrfValid, singleSignOn } = kit;
  const { mayEnter, otherOrganisation, sessions, startSession, signInBySingleSignOn, verify, failedLogins, sessionId, loggedIn, secretariatLanguage, safeNext } = session;
  app.get('/', async (request, reply) => reply.redirect(loggedIn(request) ? '/dashboard' : '/login', 303));

  app.get('/login', { schema: { querystring: loginQuery } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    return page(reply, 200, 'login', { lang, orgName: config.organisation.name, csrf: reply.generateCsrf(), switchLanguageUrl: `/login?lang=${lang === 'sv' ? 'en' : 'sv'}` }, {
      heading: text(lang, 'loginTitle'),
      next: safeNext(request.query.next),
      singleSignOn: singleSignOnLink(lang, request.query.next),
    });
  });

  const singleSignOnLink = (lang: 'sv' | 'en', next: unknown) =>
    singleSignOn ? { url: `/login/sso?next=${encodeURIComponent(safeNext(next))}`, label: singleSignOn.label ?? text(lang, 'singleSignOn') } : undefined;
  const setSessionCookie = (reply: FastifyReply, token: string) => {
    reply.setCookie(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_HOURS * 3600 });
  };
  if (singleSignOn) {
    // Until the provider sends the browser back: the PKCE verifier, state and nonce, signed, for ten minutes.
    const PENDING_COOKIE = 'followup_sso';
    const pendingSchema = z.strictObject({ verifier: z.string().max(200), state: z.string().max(200), nonce: z.string().max(200), next: z.string().max(500) });
    app.get('/login/sso', { schema: { querystring: loginQuery } }, async (request, reply) => {
      const lang = secretariatLanguage(request);
      let begun;
      try {
        begun = await singleSignOn.begin();
      } catch (err) {
        request.log.error({ err }, 'single sign-on unavailable');
        return message(reply, 503, lang, 'ssoUnavailableTitle', 'ssoUnavailableText');
      }
      const pending = { ...begun.pending, next: safeNext(request.query.next) };
      reply.setCookie(PENDING_COOKIE, JSON.stringify(pending), { signed: true, httpOnly: true, sameSite: 'lax', secure, path: `${kit.basePath}/login/sso`, maxAge: 600 });
      return reply.redirect(begun.url, 303);
    });
    app.get('/login/sso/callback', { schema: { querystring: singleSignOnCallbackQuery } }, async (request, reply) => {
      const lang = secretariatLanguage(request);
      const raw = request.cookies[PENDING_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      let pending: z.infer<typeof pendingSchema> | undefined;
      try {
        pending = unsigned?.valid && unsigned.value ? pendingSchema.parse(JSON.parse(unsigned.value)) : undefined;
      } catch {
        pending = undefined;
      }
      reply.clearCookie(PENDING_COOKIE, { path: `${kit.basePath}/login/sso` });
      if (!pending) return message(reply, 400, lang, 'ssoFailedTitle', 'ssoExpiredText');
      let person;
      try {
        person = await singleSignOn.complete(new URL(request.url, kit.deps.publicBaseUrl), pending);
      } catch (err) {
        request.log.warn({ err }, 'single sign-on refused');
        return message(reply, 401, lang, 'ssoFailedTitle', 'ssoFailedText');
      }
      const signedIn = await signInBySingleSignOn(person);
      if (!signedIn) return message(reply, 403, lang, 'ssoNoRoleTitle', 'ssoNoRoleText', { name: person.name });
      setSessionCookie(reply, signedIn.token);
      if (!mayEnter(signedIn.account)) return otherOrganisation(request, reply);
      return reply.redirect(pending.next, 303);
    });
  }

  // Password attempts count against the client that makes them, before the password is tried (so
  // that many at once cannot all slip through), and a success forgets them; a client that has tried
  // too often waits, and nobody else does. A form without its token is no attempt: another site
  // could make a visitor's browser send it, to lock out everyone behind the visitor's address.
  app.post('/login', { schema: { querystring: languageQuery, body: loginForm } }, async (request, reply) => {
    const { body } = request;
    const lang = secretariatLanguage(request);
    const loginPage = (status: number, error: string) =>
      page(reply, status, 'login', { lang, orgName: config.organisation.name, csrf: reply.generateCsrf() }, { heading: text(lang, 'loginTitle'), error, next: safeNext(body.next), username: body.username ?? '', singleSignOn: singleSignOnLink(lang, body.next) });
    if (!csrfValid(request)) return loginPage(403, text(lang, 'csrfExpired'));
    const wait = await failedLogins.attempt(request.ip);
    if (wait > 0) return message(reply.header('Retry-After', String(wait)), 429, lang, 'tooManyTitle', 'tooManyWaitText', { wait: waitText(lang, wait) });
    const account = await verify(body.username ?? '', body.password);
    if (account) {
      await failedLogins.forgive(request.ip);
      setSessionCookie(reply, await startSession(account));
      // Signed in, for the organisations their account names: elsewhere they are told so.
      if (!mayEnter(account)) return otherOrganisation(request, reply);
      return reply.redirect(safeNext(body.next), 303);
    }
    return loginPage(401, text(lang, 'wrongPassword'));
  });

  app.post('/logout', { schema: { body: emptyForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const id = sessionId(request);
    if (id) await sessions.end(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}
