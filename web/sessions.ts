/**
 * The secretariat's sessions, kept on the server: the cookie holds only a random token, so logging
 * out ends the session for good (a copied cookie opens nothing), and a session made with an older
 * password ends when the password changes. With a database of record they live there
 * (records/sessions.ts): every web process knows them and a restarted one signs nobody out. In
 * memory only where there is no database (tests), where a restart signs everyone out.
 */
import { createHash } from 'node:crypto';
import type { Records } from '../records/database';
import { newSessionToken, sessionStoreIn, type Session, type SessionStore, type SessionStoreOptions } from '../records/sessions';

export type { Session, SessionPerson } from '../records/sessions';
export type SessionTable = SessionStore;

/** A fingerprint of a password hash: sessions compare these, never the hash itself. */
export function credentialOf(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url');
}

/** In the database of record where there is one, else in this process's memory. */
export function createSessionTable(options: SessionStoreOptions & { records?: Records; max?: number }): SessionTable {
  return options.records ? sessionStoreIn(options.records, options) : createMemorySessionTable(options);
}

export function createMemorySessionTable(options: SessionStoreOptions & { max?: number }): SessionTable {
  const sessions = new Map<string, Session>();
  const max = options.max ?? 10_000;
  const prune = () => {
    const now = options.now().getTime();
    for (const [token, s] of sessions) if (s.expiresAt.getTime() <= now) sessions.delete(token);
    // Still full: the oldest go first (a Map keeps insertion order).
    for (const token of sessions.keys()) {
      if (sessions.size < max) break;
      sessions.delete(token);
    }
  };
  const endWhere = (ends: (session: Session) => boolean) => {
    for (const [token, s] of sessions) if (ends(s)) sessions.delete(token);
  };
  return {
    async create(session) {
      if (sessions.size >= max) prune();
      const token = newSessionToken();
      const now = options.now();
      sessions.set(token, { ...session, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + options.hours * 3_600_000) });
      return token;
    },
    async find(token, credentialNow) {
      const session = sessions.get(token);
      if (!session) return undefined;
      const now = options.now();
      if (session.expiresAt <= now || session.credential !== (await credentialNow(session))) {
        sessions.delete(token);
        return undefined;
      }
      session.lastSeenAt = now;
      return session;
    },
    async end(token) {
      sessions.delete(token);
    },
    async endAll(who) {
      endWhere((s) => s.who === who);
    },
    async revise(who, current) {
      endWhere((s) => s.who === who && s.credential !== current.credential);
      for (const s of sessions.values()) if (s.who === who) s.person = current.person;
    },
  };
}
