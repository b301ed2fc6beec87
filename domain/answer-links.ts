/**
 * The personal link in a request mail: HMAC-signed (organisation, obligation, period, unit,
 * expiry) with a secret from the environment. Tied to one unit, valid until the cycle closes, and
 * needs no account and no stored state. Computed only, no I/O; never imported by workflows.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CycleKey } from './ids';

export interface AnswerLinkClaims {
  key: CycleKey;
  unitId: string;
  /** ISO instant after which the link no longer works: the cycle's closing. */
  expiresAt: string;
  /**
   * A colleague's own link, when the contact handed the answer over (records/people.ts): the
   * delegation's id, so the answer is on record as theirs. Links without it are the contacts'.
   */
  delegation?: string;
}

export type LinkCheck = { ok: true; claims: AnswerLinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/**
 * The other links people outside the secretariat get, signed the same way but never valid as one
 * another: a project owner's goals form, an agreement owner's renew-or-end form, and a unit's
 * standing link to register its seminars and projects.
 */
export const LINK_PURPOSES = ['project-goals', 'agreement-review', 'unit-registers'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export interface OwnerLinkClaims {
  purpose: LinkPurpose;
  orgId: string;
  /** The project, agreement or unit. */
  id: string;
  expiresAt: string;
  /** Whom the link was mailed to (the owner's address): a link of a former owner no longer works. */
  holder?: string;
}

export type OwnerLinkCheck = { ok: true; claims: OwnerLinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export const MIN_SECRET_LENGTH = 32;

export class LinkSecretError extends Error {
  override name = 'LinkSecretError';
}

export interface AnswerLinks {
  token(claims: AnswerLinkClaims): string;
  check(token: string, now: Date): LinkCheck;
  ownerToken(claims: OwnerLinkClaims): string;
  /** Checks a link of the purpose given; a link made for another purpose is forged for this one. */
  checkOwner(token: string, purpose: LinkPurpose, now: Date): OwnerLinkCheck;
  /**
   * Whose link this is (the organisation's id), expired or not, when it was signed here for the
   * purpose given: where a link mailed before its organisation had a path of its own belongs.
   */
  organisationOf(token: string, purpose: 'answer' | LinkPurpose): string | undefined;
}

const MAX_TOKEN_LENGTH = 600;

export function createAnswerLinks(secret: string): AnswerLinks {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new LinkSecretError(`FOLLOWUP_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters; generate one with: openssl rand -base64 48`);
  }
  const sign = (payload: string, purpose = 'answer') => createHmac('sha256', secret).update(`${purpose}-link:${payload}`).digest();
  const verified = (token: string, purpose?: string): { ok: true; fields: unknown } | { ok: false; reason: 'malformed' | 'forged' } => {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'malformed' };
    const [payload, signature] = token.split('.') as [string, string];
    const expected = sign(payload, purpose);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    try {
      return { ok: true, fields: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
  };
  return {
    organisationOf(token, purpose) {
      const result = verified(token, purpose === 'answer' ? undefined : purpose);
      return result.ok && Array.isArray(result.fields) && typeof result.fields[0] === 'string' ? result.fields[0] : undefined;
    },
    ownerToken({ purpose, orgId, id, expiresAt, holder }) {
      const payload = Buffer.from(JSON.stringify([orgId, id, Math.floor(Date.parse(expiresAt) / 1000), ...(holder ? [holder.toLowerCase()] : [])])).toString('base64url');
      return `${payload}.${sign(payload, purpose).toString('base64url')}`;
    },
    checkOwner(token, purpose, now) {
      const result = verified(token, purpose);
      if (!result.ok) return result;
      const fields = result.fields;
      if (!Array.isArray(fields) || (fields.length !== 3 && fields.length !== 4) || typeof fields[0] !== 'string' || typeof fields[1] !== 'string' || typeof fields[2] !== 'number') return { ok: false, reason: 'malformed' };
      if (fields.length === 4 && typeof fields[3] !== 'string') return { ok: false, reason: 'malformed' };
      const [orgId, id, expiry, holder] = fields as [string, string, number, string?];
      if (now.getTime() >= expiry * 1000) return { ok: false, reason: 'expired' };
      return { ok: true, claims: { purpose, orgId, id, expiresAt: new Date(expiry * 1000).toISOString(), ...(holder ? { holder } : {}) } };
    },
    token({ key, unitId, expiresAt, delegation }) {
      const payload = Buffer.from(JSON.stringify([key.orgId, key.obligationId, key.period, unitId, Math.floor(Date.parse(expiresAt) / 1000), ...(delegation ? [delegation] : [])])).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    check(token, now) {
      const result = verified(token);
      if (!result.ok) return result;
      const fields = result.fields;
      if (!Array.isArray(fields) || (fields.length !== 5 && fields.length !== 6) || !fields.slice(0, 4).every((f) => typeof f === 'string') || typeof fields[4] !== 'number') {
        return { ok: false, reason: 'malformed' };
      }
      if (fields.length === 6 && typeof fields[5] !== 'string') return { ok: false, reason: 'malformed' };
      const [orgId, obligationId, period, unitId, expiry, delegation] = fields as [string, string, string, string, number, string?];
      if (now.getTime() >= expiry * 1000) return { ok: false, reason: 'expired' };
      return { ok: true, claims: { key: { orgId, obligationId, period }, unitId, expiresAt: new Date(expiry * 1000).toISOString(), ...(delegation ? { delegation } : {}) } };
    },
  };
}
