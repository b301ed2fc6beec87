/**
 * The secretariat's sign-in session: who is signed in, the page language they chose, and the
 * guard every secretariat page puts before its handler.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createFailureLimit, SIGN_IN_LIMIT } from './failure-limits';
import { languageIn } from './forms';
import { pickLanguage, text } from './i18n';
import type { Role } from './accounts';
import { verifyPassword } from './password';
import { createSessionTable, credentialOf, type Session, type SessionPerson } from './sessions';
import type { SingleSignOnPerson } from './single-sign-on';
import type { PageContext } from './views';
import type { WebKit } from './kit';

export const SESSION_COOKIE = 'followup_session';
/** The account name the shared secretariat password signs in as. */
export const SHARED_ACCOUNT = 'sekretariatet';

export interface SignedInAccount {
  name: string;
  displayName: string;
  role: Role;
  /** None for a person signed in through single sign-on. */
  passwordHash?: string;
  /** The organisations they may enter, where a deployment serves several (from the accounts file). */
  organisations?: string[];
  /** A single sign-on person's verified address: their accounts-file entry, read again on every request. */
  email?: string;
  /** What gave a single sign-on person their role: the provider's claim at sign-in, or their accounts-file entry. */
  roleFrom?: 'claim' | 'accounts-file';
  /** When that accounts-file entry was made: an entry removed and added again ends the sessions of the old one. */
  entryCreatedAt?: string;
}
export const SESSION_HOURS = 8;

export function createSecretariatSession(kit: WebKit) {
  const { config, orgLanguage, secure, now } = kit;
  const { accounts, passwordHash: sharedHash, shared, records } = kit.deps;
  // Where a deployment serves several organisations, a person signs in once for all of them.
  const sessions = shared?.sessions ?? createSessionTable({ hours: SESSION_HOURS, now, records });
  /** The accounts entry with a single sign-on person's verified address, as the accounts say now. */
  const entryOf = async (email: string) => accounts?.findByEmail(email);
  /** Whether this person may enter this organisation: always in a deployment of one; else as their account says. */
  // An account that names organisations enters only those, in any deployment (a web serving one
  // organisation of several with --org too); one that names none enters only a deployment of one.
  // A single sign-on person's are their accounts entry's, read with the rest of them (accountOf).
  const mayEnter = (account: SignedInAccount): boolean => {
    const { organisations } = account;
    return organisations ? organisations.includes(config.organisation.id) : !shared;
  };
  /**
   * A named account, a person from single sign-on (as their session keeps them), or the shared
   * secretariat password of older deployments.
   */
  const accountOf = async (name: string, session?: Pick<Session, 'roleFrom' | 'person'>): Promise<SignedInAccount | undefined> => {
    if (name.startsWith('sso:')) {
      const person = session?.person;
      if (!person || session.roleFrom === 'account') return undefined;
      const entry = person.email === undefined ? undefined : await entryOf(person.email);
      const organisations = entry?.organisations ? { organisations: entry.organisations } : {};
      if (session.roleFrom === 'claim') return { ...person, roleFrom: 'claim', ...organisations };
      // Their role is the entry's, on every request: removed there, they are signed out at once; with
      // another role, their sessions end (credentialFor) and they sign in again with the new one.
      return entry ? { ...person, role: entry.role, roleFrom: 'accounts-file', entryCreatedAt: entry.createdAt, ...organisations } : undefined;
    }
    const account = await accounts?.find(name);
    if (account) return account;
    if (sharedHash && name === SHARED_ACCOUNT) return { name: SHARED_ACCOUNT, displayName: 'Sekretariatet', role: 'secretariat', passwordHash: sharedHash };
    return undefined;
  };
  const verify = async (name: string, password: string): Promise<SignedInAccount | undefined> => {
    const account = await accountOf(name.trim().toLowerCase());
    if (account && account.name === SHARED_ACCOUNT && !(await accounts?.find(SHARED_ACCOUNT))) return (await verifyPassword(password, sharedHash!)) ? account : undefined;
    return accounts ? accounts.verify(name, password) : undefined;
  };
  // A changed role ends the sessions made with the old one, as does an accounts-file entry made anew.
  const credentialFor = (account: SignedInAccount) =>
    account.passwordHash ? credentialOf(account.passwordHash) : `single-sign-on:${account.role}:${account.entryCreatedAt ?? 'claim'}`;
  /** Starts a session for an account that just proved who it is: the token for the cookie. */
  const startSession = (account: SignedInAccount): Promise<string> => sessions.create({ who: account.name, credential: credentialFor(account), roleFrom: 'account' });
  /** A person the provider vouched for: their account and a new session's token, or none without a role. */
  const signInBySingleSignOn = async (person: SingleSignOnPerson): Promise<{ account: SignedInAccount; token: string } | undefined> => {
    const who = `sso:${person.subject}`;
    const described: SessionPerson | undefined = person.role
      ? { name: person.name, displayName: person.displayName, role: person.role, ...(person.email ? { email: person.email } : {}) }
      : undefined;
    const roleFrom = person.roleFrom ?? 'claim';
    const account = described && (await accountOf(who, { roleFrom, person: described }));
    // No role any more: the person's other sessions end too.
    if (!described || !account) return void (await sessions.endAll(who));
    const credential = credentialFor(account);
    await sessions.revise(who, { credential, person: described });
    return { account, token: await sessions.create({ who, credential, roleFrom, person: described }) };
  };
  // One limit for the deployment: the organisations share the accounts a password opens.
  const failedLogins = shared?.failedLogins ?? createFailureLimit(SIGN_IN_LIMIT, records);

  const sessionId = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? unsigned.value : undefined;
  };
  /** Who each request's session belongs to, read once per request (readSession) however often a page asks. */
  const signedInBy = new WeakMap<FastifyRequest, SignedInAccount>();
  /** Before any handler (an onRequest hook): one read of the session store, and none without a cookie. */
  const readSession = async (request: FastifyRequest): Promise<void> => {
    const token = sessionId(request);
    if (token === undefined) return;
    // The session's account as the accounts say now, read once: its credential decides whether the session stands.
    let account: SignedInAccount | undefined;
    const session = await sessions.find(token, async (found) => {
      account = await accountOf(found.who, found);
      return account ? credentialFor(account) : undefined;
    });
    if (session && account) signedInBy.set(request, account);
  };
  /** The person signed in, with the role their account has now. */
  const signedIn = (request: FastifyRequest): SignedInAccount | undefined => signedInBy.get(request);
  /** Who acts, as histories name them: "Anna Berg (anna.berg)". */
  const actor = (request: FastifyRequest): string | undefined => {
    const account = signedIn(request);
    return account ? `${account.displayName} (${account.name})` : undefined;
  };
  const loggedIn = (request: FastifyRequest): boolean => signedIn(request) !== undefined;
  const secretariatLanguage = (request: FastifyRequest) => pickLanguage(languageIn(request.query) ?? request.cookies.followup_lang, orgLanguage);
  /** Someone signed in for another organisation of the deployment: they are told so, and see nothing of this one. */
  const otherOrganisation = (request: FastifyRequest, reply: FastifyReply) =>
    kit.message(reply, 403, secretariatLanguage(request), 'otherOrganisationTitle', 'otherOrganisationText', { organisation: config.organisation.name });
  const requireLogin = async (request: FastifyRequest, reply: FastifyReply) => {
    const account = signedIn(request);
    if (!account) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    if (!mayEnter(account)) return otherOrganisation(request, reply);
  };
  /** Before every action: a reader sees, only the secretariat acts. */
  const requireSecretariat = async (request: FastifyRequest, reply: FastifyReply) => {
    const account = signedIn(request);
    if (!account) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    if (!mayEnter(account)) return otherOrganisation(request, reply);
    if (account.role !== 'secretariat') return kit.message(reply, 403, secretariatLanguage(request), 'forbiddenTitle', 'forbiddenText');
  };
  const kinds = new Set(config.obligations.map((o) => o.kind));
  const navigation = (lang: 'sv' | 'en', role?: Role) => [
    ...(kinds.has('gate-before-start') ? [{ url: '/projects', text: text(lang, 'navProjects') }] : []),
    ...(kinds.has('minimum-occurrences') ? [{ url: '/seminars', text: text(lang, 'navSeminars') }] : []),
    ...(kinds.has('expiry-review') ? [{ url: '/agreements', text: text(lang, 'navAgreements') }] : []),
    ...(kinds.has('event-notices') ? [{ url: '/events', text: text(lang, 'navEvents') }] : []),
    { url: '/schedules', text: text(lang, 'navSchedules') },
    { url: '/year', text: text(lang, 'navYear') },
    ...(kit.deps.records ? [{ url: '/mail-log', text: text(lang, 'navMailLog') }] : []),
    ...(kit.deps.records ? [{ url: '/webhooks', text: text(lang, 'navWebhooks') }] : []),
    // The archive package is the secretariat's to take out: a reader is not shown it.
    ...(kit.deps.records && role === 'secretariat' ? [{ url: '/archive-package', text: text(lang, 'navArchivePackage') }] : []),
    // API tokens for other systems: the secretariat's to hand out.
    ...(kit.deps.records && role === 'secretariat' ? [{ url: '/tokens', text: text(lang, 'navTokens') }] : []),
    ...(kit.deps.records && role === 'secretariat' ? [{ url: '/people', text: text(lang, 'navPeople') }] : []),
  ];
  const secretariatContext = (request: FastifyRequest, reply: FastifyReply): PageContext => {
    const lang = secretariatLanguage(request);
    const url = new URL(request.url, 'http://x');
    url.searchParams.set('lang', lang === 'sv' ? 'en' : 'sv');
    url.searchParams.delete('done');
    url.searchParams.delete('unit');
    if (languageIn(request.query)) reply.setCookie('followup_lang', lang, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    const account = signedIn(request);
    return {
      lang,
      orgName: config.organisation.name,
      csrf: reply.generateCsrf(),
      secretariat: true,
      canAct: account?.role === 'secretariat',
      signedInAs: account ? `${account.displayName}${account.role === 'reader' ? ` (${text(lang, 'roleReader')})` : ''}` : undefined,
      switchLanguageUrl: `${url.pathname}${url.search}`,
      nav: navigation(lang, account?.role),
    };
  };
  const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[\w\-/.%?=&]*$/.test(next) ? next : '/dashboard');


  return { mayEnter, otherOrganisation, sessions, startSession, signInBySingleSignOn, verify, failedLogins, sessionId, readSession, signedIn, actor, loggedIn, secretariatLanguage, requireLogin, requireSecretariat, secretariatContext, safeNext };
}

export type SecretariatSession = ReturnType<typeof createSecretariatSession>;
