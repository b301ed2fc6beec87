/**
 * The secretariat's sessions in the database of record, so that every web process behind a proxy
 * knows each one and a restarted web signs nobody out. The cookie's token is kept only as its
 * SHA-256: a copy of the table opens nothing. web/sessions.ts keeps the same store in memory where
 * there is no database.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Records } from './database';
import type { RoleSource, SessionPerson, WebSessionsTable } from './schema';

export type { RoleSource, SessionPerson } from './schema';

export interface NewSession {
  /** The account's name, or "sso:<subject>" for a person from single sign-on. */
  who: string;
  /** Which credential it was made with: a changed password, role or accounts-file entry ends it. */
  credential: string;
  roleFrom: RoleSource;
  /** A single sign-on person as the provider described them; none for a named account. */
  person?: SessionPerson;
}

export interface Session extends NewSession {
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface SessionStore {
  /** Starts a session: the token for the cookie. */
  create(session: NewSession): Promise<string>;
  /**
   * The session behind a token, if it exists, has not expired and was made with the credential
   * `credentialNow` gives its person now (none: the account is gone); a stale one is ended.
   */
  find(token: string, credentialNow: (session: Session) => string | undefined | Promise<string | undefined>): Promise<Session | undefined>;
  end(token: string): Promise<void>;
  /** Ends every session of a person (single sign-on that no longer gives them a role). */
  endAll(who: string): Promise<void>;
  /**
   * A person signed in again through single sign-on: their sessions made with another credential
   * (another role) end, and the rest take the provider's new description of them.
   */
  revise(who: string, current: { credential: string; person: SessionPerson }): Promise<void>;
}

export interface SessionStoreOptions {
  hours: number;
  now: () => Date;
}

/** A new session's token: 256 random bits, for the signed cookie. */
export const newSessionToken = () => randomBytes(32).toString('base64url');

/** What the table keeps of a token. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * How stale "last seen" may be. Every request reads its session; writing the time on each as well
 * would make every page view a write, so it is written when it is at least this old.
 */
export const LAST_SEEN_PRECISION_MS = 5 * 60_000;

const toSession = (row: Selectable<WebSessionsTable>): Session => ({
  who: row.account,
  credential: row.credential,
  roleFrom: row.role_from,
  ...(row.person ? { person: row.person } : {}),
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
});

export function sessionStoreIn(db: Records, options: SessionStoreOptions): SessionStore {
  return {
    async create(session) {
      const now = options.now();
      // Sessions nobody ended expire; they go as new ones come (the index on expires_at keeps it cheap).
      await db.deleteFrom('web_sessions').where('expires_at', '<=', now).execute();
      const token = newSessionToken();
      await db
        .insertInto('web_sessions')
        .values({
          id: sessionIdOf(token),
          account: session.who,
          credential: session.credential,
          role_from: session.roleFrom,
          person: session.person ? JSON.stringify(session.person) : null,
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + options.hours * 3_600_000),
        })
        .execute();
      return token;
    },
    async find(token, credentialNow) {
      const id = sessionIdOf(token);
      const now = options.now();
      const row = await db.selectFrom('web_sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
      if (!row) return undefined;
      const session = toSession(row);
      if (session.credential !== (await credentialNow(session))) {
        await db.deleteFrom('web_sessions').where('id', '=', id).execute();
        return undefined;
      }
      if (now.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_PRECISION_MS) {
        await db.updateTable('web_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
        session.lastSeenAt = now;
      }
      return session;
    },
    async end(token) {
      await db.deleteFrom('web_sessions').where('id', '=', sessionIdOf(token)).execute();
    },
    async endAll(who) {
      await db.deleteFrom('web_sessions').where('account', '=', who).execute();
    },
    async revise(who, current) {
      await db.deleteFrom('web_sessions').where('account', '=', who).where('credential', '!=', current.credential).execute();
      await db.updateTable('web_sessions').set({ person: JSON.stringify(current.person) }).where('account', '=', who).execute();
    },
  };
}
