/**
 * The secretariat's sessions, kept on the server: the cookie holds only a random id, so logging
 * out ends the session for good (a copied cookie opens nothing), and a session made with an older
 * password ends when the password changes. A web process that restarts starts with none.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Session {
  who: string;
  expiresAt: number;
  /** Which credential it was made with: a changed password ends it. */
  credential: string;
}

export interface SessionTable {
  create(who: string, credential: string): string;
  /**
   * The session behind an id, if it exists, has not expired and was made with the credential its
   * person has now (none: the account is gone).
   */
  find(id: string, credentialOf: (who: string) => string | undefined): Session | undefined;
  end(id: string): void;
}

/** A fingerprint of a password hash: sessions compare these, never the hash itself. */
export function credentialOf(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url');
}

export function createSessionTable(options: { hours: number; now: () => Date; max?: number }): SessionTable {
  const sessions = new Map<string, Session>();
  const max = options.max ?? 10_000;
  const prune = () => {
    const now = options.now().getTime();
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
    // Still full: the oldest go first (a Map keeps insertion order).
    for (const id of sessions.keys()) {
      if (sessions.size < max) break;
      sessions.delete(id);
    }
  };
  return {
    create(who, credential) {
      if (sessions.size >= max) prune();
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { who, credential, expiresAt: options.now().getTime() + options.hours * 3_600_000 });
      return id;
    },
    find(id, credentialOf) {
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt <= options.now().getTime() || session.credential !== credentialOf(session.who)) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    end(id) {
      sessions.delete(id);
    },
  };
}
