/**
 * The secretariat's sign-in session: who is signed in, the page language they chose, and the
 * guard every secretariat page puts before its handler.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createFailureLimit } from './failure-limits';
import { pickLanguage } from './i18n';
import { createSessionTable, credentialOf } from './sessions';
import type { PageContext } from './views';
import type { WebKit } from './kit';

export const SESSION_COOKIE = 'followup_session';
export const SESSION_HOURS = 8;

export function createSecretariatSession(kit: WebKit) {
  const { config, orgLanguage, secure, now } = kit;
  const sessions = createSessionTable({ hours: SESSION_HOURS, now });
  const credential = credentialOf(kit.deps.passwordHash);
  const failedLogins = createFailureLimit({ failures: 10, withinSeconds: 15 * 60, blockSeconds: 15 * 60 });

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


  return { sessions, credential, failedLogins, sessionId, loggedIn, secretariatLanguage, requireLogin, secretariatContext, safeNext };
}

export type SecretariatSession = ReturnType<typeof createSecretariatSession>;
