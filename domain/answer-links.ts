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
}

export type LinkCheck = { ok: true; claims: AnswerLinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export const MIN_SECRET_LENGTH = 32;

export class LinkSecretError extends Error {
  override name = 'LinkSecretError';
}

export interface AnswerLinks {
  token(claims: AnswerLinkClaims): string;
  check(token: string, now: Date): LinkCheck;
}

const MAX_TOKEN_LENGTH = 600;

export function createAnswerLinks(secret: string): AnswerLinks {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new LinkSecretError(`FOLLOWUP_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters; generate one with: openssl rand -base64 48`);
  }
  const sign = (payload: string) => createHmac('sha256', secret).update(`answer-link:${payload}`).digest();
  return {
    token({ key, unitId, expiresAt }) {
      const payload = Buffer.from(JSON.stringify([key.orgId, key.obligationId, key.period, unitId, Math.floor(Date.parse(expiresAt) / 1000)])).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    check(token, now) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'malformed' };
      const [payload, signature] = token.split('.') as [string, string];
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
      let fields: unknown;
      try {
        fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (!Array.isArray(fields) || fields.length !== 5 || !fields.slice(0, 4).every((f) => typeof f === 'string') || typeof fields[4] !== 'number') {
        return { ok: false, reason: 'malformed' };
      }
      const [orgId, obligationId, period, unitId, expiry] = fields as [string, string, string, string, number];
      if (now.getTime() >= expiry * 1000) return { ok: false, reason: 'expired' };
      return { ok: true, claims: { key: { orgId, obligationId, period }, unitId, expiresAt: new Date(expiry * 1000).toISOString() } };
    },
  };
}
