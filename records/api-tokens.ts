/**
 * API tokens for the organisation's other systems: one per integration (the case management
 * system, the intranet), with a role and the organisation whose records it reaches. A token is
 * "pf_<id>_<secret>": the id finds its row, the secret (256 random bits) is kept only as its
 * SHA-256, so whoever reads the table cannot use a token, and it is shown once, when it is made.
 * Creating and revoking go to the audit log in the same transaction.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { endOfDay } from '../domain/calendar';
import type { Records } from './database';
import type { ActedVia, ApiTokensTable } from './schema';

export type ApiTokenRole = 'secretariat' | 'reader';
export const API_TOKEN_ROLES: readonly ApiTokenRole[] = ['secretariat', 'reader'];

export interface ApiToken {
  id: string;
  name: string;
  role: ApiTokenRole;
  org: string;
  expiresAt?: Date;
  createdAt: Date;
  createdBy: string;
  lastUsedAt?: Date;
  revokedAt?: Date;
  revokedBy?: string;
}

export type ApiTokenState = 'active' | 'expired' | 'revoked';

export class ApiTokenNameError extends Error {
  override name = 'ApiTokenNameError';
}
export class ApiTokenExistsError extends Error {
  override name = 'ApiTokenExistsError';
}
export class ApiTokenNotFoundError extends Error {
  override name = 'ApiTokenNotFoundError';
}
export class ApiTokenExpiryError extends Error {
  override name = 'ApiTokenExpiryError';
}

const PREFIX = 'pf_';
const TOKEN_SHAPE = /^pf_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** Letters of any language, digits, spaces and . _ - : "Public 360", "intranätet". */
const NAME_SHAPE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,79}$/u;
/** Compared against when no row has the id, so that an unknown id takes as long as a wrong secret. */
const NO_SECRET = Buffer.alloc(32);

const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** A name as the token is listed and revoked by; throws with what a name may be. */
export function checkedTokenName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!NAME_SHAPE.test(name)) {
    throw new ApiTokenNameError(`"${raw}" cannot be a token's name: use 1 to 80 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit, e.g. "Public 360" or "intranet".`);
  }
  return name;
}

export function tokenState(token: Pick<ApiToken, 'expiresAt' | 'revokedAt'>, now: Date): ApiTokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

const fromRow = (r: Selectable<ApiTokensTable>): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role,
  org: r.org,
  ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
  createdAt: r.created_at,
  createdBy: r.created_by,
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
});

/** Who made or revoked a token, as the audit log names them ("cli:anna", "Anna Berg (anna.berg)"). */
export interface TokenActor {
  actor: string;
  via: ActedVia;
}

export interface NewApiToken {
  name: string;
  role: ApiTokenRole;
  org: string;
  expiresAt?: Date;
}

/** Makes a token: the whole token, to be shown once, and its row. */
export async function createApiToken(db: Records, request: NewApiToken, by: TokenActor, now: Date = new Date()): Promise<{ token: string; row: ApiToken }> {
  const name = checkedTokenName(request.name);
  if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) {
    throw new ApiTokenExpiryError(`The expiry ${request.expiresAt.toISOString()} has already passed; give a date in the future, or none for a token that does not expire.`);
  }
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return db.transaction().execute(async (tx) => {
    const taken = await tx.selectFrom('api_tokens').select('org').where('name', '=', name).where('revoked_at', 'is', null).executeTakeFirst();
    if (taken) throw new ApiTokenExistsError(`There is already a token named "${name}"${taken.org === request.org ? '' : ` (for ${taken.org})`}. Choose another name, or revoke that one first.`);
    const row = await tx
      .insertInto('api_tokens')
      .values({
        id,
        name,
        secret_sha256: sha256(secret).toString('hex'),
        role: request.role,
        org: request.org,
        expires_at: request.expiresAt ?? null,
        created_at: now,
        created_by: by.actor,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('audit_log')
      .values({ at: now, actor: by.actor, via: by.via, action: 'tokens add', subject: name, detail: JSON.stringify({ role: request.role, org: request.org, expiresAt: request.expiresAt?.toISOString() ?? null }) })
      .execute();
    return { token: `${PREFIX}${id}_${secret}`, row: fromRow(row) };
  });
}

/** The tokens, those of one organisation where it is named: in use first, then by name. */
export async function listApiTokens(db: Records, options: { org?: string } = {}): Promise<ApiToken[]> {
  let query = db.selectFrom('api_tokens').selectAll().orderBy('name').orderBy('created_at', 'desc');
  if (options.org) query = query.where('org', '=', options.org);
  const rows = (await query.execute()).map(fromRow);
  return [...rows.filter((t) => !t.revokedAt), ...rows.filter((t) => t.revokedAt)];
}

/** Revokes the token in use of this name (of this organisation where it is named); it is refused from its next request on. */
export async function revokeApiToken(db: Records, target: { name: string; org?: string }, by: TokenActor, now: Date = new Date()): Promise<ApiToken> {
  const name = target.name.trim().replace(/\s+/g, ' ');
  return db.transaction().execute(async (tx) => {
    let query = tx.updateTable('api_tokens').set({ revoked_at: now, revoked_by: by.actor }).where('name', '=', name).where('revoked_at', 'is', null);
    if (target.org) query = query.where('org', '=', target.org);
    const row = await query.returningAll().executeTakeFirst();
    if (!row) throw new ApiTokenNotFoundError(`No token in use is named "${name}"${target.org ? ` for ${target.org}` : ''}; "followup tokens list" shows them.`);
    await tx.insertInto('audit_log').values({ at: now, actor: by.actor, via: by.via, action: 'tokens revoke', subject: name, detail: JSON.stringify({ org: row.org }) }).execute();
    return fromRow(row);
  });
}

export type TokenCheck = { ok: true; token: ApiToken } | { ok: false; reason: 'malformed' | 'unknown' } | { ok: false; reason: 'revoked' | 'expired'; token: ApiToken };

/** Whether this looks like one of our tokens (and not, say, a JWT from the identity provider). */
export const isApiToken = (presented: string): boolean => presented.startsWith(PREFIX);

/** Checks a presented token: its secret against the stored hash in constant time, then whether it is revoked or expired. */
export async function verifyApiToken(db: Records, presented: string, now: Date = new Date()): Promise<TokenCheck> {
  const match = TOKEN_SHAPE.exec(presented);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, id, secret] = match as unknown as [string, string, string];
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  const stored = row ? Buffer.from(row.secret_sha256, 'hex') : NO_SECRET;
  const same = timingSafeEqual(sha256(secret), stored);
  if (!row || !same) return { ok: false, reason: 'unknown' };
  const token = fromRow(row);
  const state = tokenState(token, now);
  return state === 'active' ? { ok: true, token } : { ok: false, reason: state, token };
}

/**
 * Notes that a token was used: at most once a minute, so that an integration reading a page a
 * second does not write a row a second.
 */
export async function noteTokenUsed(db: Records, id: string, now: Date = new Date()): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}

/** A token valid through the day given (YYYY-MM-DD, in the organisation's time zone): it expires when the next day starts. */
export function expiryAfterDay(day: string, zone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day.trim())) throw new ApiTokenExpiryError(`"${day}" is not a date; write the last day the token works as YYYY-MM-DD, e.g. 2027-06-30.`);
  try {
    return new Date(endOfDay(day.trim(), zone));
  } catch {
    throw new ApiTokenExpiryError(`"${day}" is not a date; write the last day the token works as YYYY-MM-DD, e.g. 2027-06-30.`);
  }
}
